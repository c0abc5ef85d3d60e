//! The default catalogue (`presets = ["gongkai-2017"]`): what a basic-level party
//! organisation discloses under the 党务公开条例（试行） (2017), with deadlines that
//! are this project's defaults (the 条例 says 及时 and leaves the days to local
//! rules). The table and its sources: docs/compliance.md, 公开目录. Pure.

use super::item::{Category, Deadline, Frequency, Item, Reach};
use crate::domain::period::Per;

pub const PRESETS: &[&str] = &["gongkai-2017"];

/// The items of a catalogue preset, or `None` if `name` is not one.
pub fn preset(name: &str) -> Option<Vec<Item>> {
    if name != "gongkai-2017" {
        return None;
    }
    let branch = || Some(vec!["党支部".to_string()]);
    let days = |days, working, from_start| Deadline { days, working, from_start };
    let item = |id: &str, name: &str, category, reach, freq, deadline, applies_to: Option<Vec<String>>| Item {
        id: id.into(),
        name: name.into(),
        category,
        reach,
        freq,
        deadline,
        notice_days: None,
        kinds: Vec::new(),
        tags: Vec::new(),
        applies_to,
        aliases: Vec::new(),
        inherit: false,
        basis: None,
    };
    let with = |mut i: Item, kinds: &[&str], tags: &[&str], aliases: &[&str], notice: Option<u32>, basis: &str| {
        i.kinds = kinds.iter().map(|s| s.to_string()).collect();
        i.tags = tags.iter().map(|s| s.to_string()).collect();
        i.aliases = aliases.iter().map(|s| s.to_string()).collect();
        i.notice_days = notice;
        i.basis = Some(basis.into());
        i
    };
    let quarter = Frequency::Every(Per::Quarter);
    let year = Frequency::Every(Per::Year);
    Some(vec![
        with(
            item("dangfei", "党费收缴、使用和管理情况", Category::Dangfei, Reach::Public, quarter, days(15, false, false), branch()),
            &["dues"],
            &[],
            &["党费收缴", "党费公示"],
            None,
            "党务公开条例第二章；中组发〔2008〕3号",
        ),
        with(
            item("sanhuiyike", "“三会一课”等组织生活开展情况", Category::Zuzhishenghuo, Reach::Internal, quarter, days(15, false, false), branch()),
            &["record"],
            &[],
            &["三会一课", "组织生活"],
            None,
            "党务公开条例第二章；支部工作条例",
        ),
        with(
            item("zuzhishenghuohui", "组织生活会和民主评议党员情况", Category::Zuzhishenghuo, Reach::Internal, year, days(31, false, false), branch()),
            &[],
            &["组织生活会情况", "民主评议结果"],
            &["组织生活会", "民主评议党员"],
            None,
            "党务公开条例第二章；支部工作条例",
        ),
        with(
            item("xuexijihua", "理论学习计划", Category::Jianshe, Reach::Internal, year, days(31, false, true), None),
            &["study_plan"],
            &[],
            &["学习计划"],
            None,
            "党务公开条例第二章（思想建设）",
        ),
        with(
            item("fazhan", "发展党员公示", Category::Fazhan, Reach::Internal, Frequency::Event, days(5, true, false), None),
            &[],
            &["发展党员公示"],
            &["发展党员"],
            Some(5),
            "党务公开条例第二章；发展党员工作细则",
        ),
        with(
            item("pingxian", "评先评优公示", Category::Pingxian, Reach::Internal, Frequency::Event, days(5, true, false), None),
            &[],
            &["评先评优", "表彰公示"],
            &["表彰", "评先评优"],
            Some(5),
            "党务公开条例第二章",
        ),
        with(
            item("xuanju", "换届选举和党组织设立情况", Category::Xuanju, Reach::Internal, Frequency::Event, days(15, false, false), None),
            &[],
            &["换届选举"],
            &["换届选举", "选举"],
            None,
            "党务公开条例第二章；基层组织选举工作条例",
        ),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_preset_is_complete_and_ids_are_unique() {
        let items = super::preset("gongkai-2017").unwrap();
        let mut ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), items.len());
        assert!(items.iter().all(|i| i.basis.is_some()));
        assert!(super::preset("gongkai-2016").is_none());
    }
}

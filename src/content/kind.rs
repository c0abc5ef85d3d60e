//! Disclosure kinds and scopes, with the Chinese names officers use.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Notice,
    Checklist,
    Dues,
    StudyPlan,
    Record,
    Activity,
}

impl Kind {
    pub const ALL: [Kind; 6] = [Kind::Notice, Kind::Checklist, Kind::Dues, Kind::StudyPlan, Kind::Record, Kind::Activity];

    pub fn id(self) -> &'static str {
        match self {
            Kind::Notice => "notice",
            Kind::Checklist => "checklist",
            Kind::Dues => "dues",
            Kind::StudyPlan => "study_plan",
            Kind::Record => "record",
            Kind::Activity => "activity",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Notice => "通知公告",
            Kind::Checklist => "责任清单",
            Kind::Dues => "党费公示",
            Kind::StudyPlan => "学习计划",
            Kind::Record => "工作记录",
            Kind::Activity => "活动",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Kind::Notice => &["通知公告", "通知", "公告"],
            Kind::Checklist => &["责任清单", "清单"],
            Kind::Dues => &["党费", "党费公示"],
            Kind::StudyPlan => &["学习计划", "study-plan", "studyplan"],
            Kind::Record => &["工作记录", "记录"],
            Kind::Activity => &["活动"],
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        let s = s.trim();
        Kind::ALL.into_iter().find(|k| k.id().eq_ignore_ascii_case(s) || k.aliases().contains(&s))
    }

    /// Every spelling accepted, for did-you-mean hints.
    pub fn spellings() -> impl Iterator<Item = &'static str> {
        Kind::ALL.into_iter().flat_map(|k| std::iter::once(k.id()).chain(k.aliases().iter().copied()))
    }

    /// Default scope when a page says none (content-model.md, Audiences).
    pub fn default_scope(self) -> Scope {
        match self {
            Kind::Notice | Kind::Dues => Scope::Public,
            Kind::Checklist | Kind::StudyPlan | Kind::Record | Kind::Activity => Scope::Internal,
        }
    }
}

/// Who may read a page: 向社会公开 (public) or 党内公开 (internal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Public,
    Internal,
}

impl Scope {
    pub fn parse(s: &str) -> Option<Scope> {
        match s.trim() {
            "public" | "向社会公开" | "公开" => Some(Scope::Public),
            "internal" | "党内公开" | "在全党公开" | "内部" => Some(Scope::Internal),
            _ => None,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Scope::Public => "public",
            Scope::Internal => "internal",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Scope::Public => "向社会公开",
            Scope::Internal => "党内公开",
        }
    }
}

/// The audience a build is for (docs/compliance.md, "Who sees what"): `Public`
/// (向社会公开) sees public material only, personal data masked and aggregated;
/// `Internal` (在全党公开, all members) also sees internal material and each member's
/// dues by name, but no income base, ledger file or finding; `Committee` (the branch
/// committee, 组织委员) sees everything, income bases, ledger files and findings included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Public,
    Internal,
    Committee,
}

impl Audience {
    pub fn may_see(self, scope: Scope) -> bool {
        self != Audience::Public || scope == Scope::Public
    }

    pub fn is_public(self) -> bool {
        self == Audience::Public
    }

    /// Income bases, ledger files and findings: the committee only.
    pub fn sees_personal_data(self) -> bool {
        self == Audience::Committee
    }

    pub fn id(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Internal => "internal",
            Audience::Committee => "committee",
        }
    }

    /// `公开版` / `党内版` / `委员会版`, for messages and the page header.
    pub fn label(self) -> &'static str {
        match self {
            Audience::Public => "公开版",
            Audience::Internal => "党内版",
            Audience::Committee => "委员会版",
        }
    }

    pub fn parse(s: &str) -> Option<Audience> {
        match s.trim() {
            "public" | "公开版" | "向社会公开" => Some(Audience::Public),
            "internal" | "党内版" | "党内公开" => Some(Audience::Internal),
            "committee" | "委员会版" | "委员会" | "组织委员" => Some(Audience::Committee),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_aliases() {
        assert_eq!(Kind::parse("通知"), Some(Kind::Notice));
        assert_eq!(Kind::parse("党费公示"), Some(Kind::Dues));
        assert_eq!(Kind::parse("study_plan"), Some(Kind::StudyPlan));
        assert_eq!(Kind::parse("通告"), None);
        assert_eq!(Scope::parse("党内公开"), Some(Scope::Internal));
    }

    #[test]
    fn public_audience_sees_only_public() {
        assert!(Audience::Public.may_see(Scope::Public));
        assert!(!Audience::Public.may_see(Scope::Internal));
        assert!(Audience::Internal.may_see(Scope::Internal));
        assert!(Audience::Committee.may_see(Scope::Internal));
        assert!(Audience::Committee.sees_personal_data() && !Audience::Internal.sees_personal_data());
        assert_eq!(Audience::parse("委员会版"), Some(Audience::Committee));
    }
}

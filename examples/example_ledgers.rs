//! Writes the example site's spreadsheets: two dues ledgers (.xlsx, with cached
//! formula results as Excel saves them), one GBK CSV ledger (as Excel on Chinese
//! Windows saves "CSV (逗号分隔)"), and one study-plan table. Each carries the
//! kind of mistake `dwgk check` is there to find.
//!
//! Run from the repository root: `cargo run --example example_ledgers`.

use rust_xlsxwriter::{Format, FormatAlign, Formula, Workbook, Worksheet, XlsxError};

const DIYI: &str = "content/units/jiguan/diyi";
const DIER: &str = "content/units/jiguan/dier";
const DISAN: &str = "content/units/jiguan/disan";

/// Half-up to the fen, on integers (fen × basis points).
fn monthly(base_fen: i64, bp: i64) -> i64 {
    (base_fen * bp + 5_000) / 10_000
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

struct Row<'a> {
    name: &'a str,
    category: &'a str,
    base_fen: i64,
    /// The rate the officer applied (basis points), right or wrong.
    bp: i64,
    paid_fen: i64,
    note: &'a str,
}

/// 序号 姓名 类别 月工资收入 执行标准 月应缴 月数 实缴 备注, a merged title row,
/// formulas for 月应缴 and the 合计 with their cached values.
fn dues_sheet(ws: &mut Worksheet, title: &str, rows: &[Row], months: u32, stated_total: Option<i64>) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold().set_align(FormatAlign::Center);
    let money = Format::new().set_num_format("0.00");
    ws.merge_range(0, 0, 0, 8, title, &bold)?;
    let headers = ["序号", "姓名", "类别", "月工资收入（元）", "执行标准", "月应缴（元）", "月数", "实缴（元）", "备注"];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *h, &bold)?;
    }
    let mut sum = 0;
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 2;
        let excel = row + 1;
        ws.write_number(row, 0, (i + 1) as f64)?;
        ws.write_string(row, 1, r.name)?;
        ws.write_string(row, 2, r.category)?;
        if r.base_fen > 0 {
            ws.write_number_with_format(row, 3, r.base_fen as f64 / 100.0, &money)?;
            ws.write_string(row, 4, format!("{}%", r.bp as f64 / 100.0))?;
            let m = monthly(r.base_fen, r.bp);
            ws.write_formula_with_format(row, 5, Formula::new(format!("=ROUND(D{excel}*{},2)", r.bp as f64 / 10_000.0)).set_result(yuan(m)), &money)?;
        }
        ws.write_number(row, 6, f64::from(months))?;
        ws.write_number_with_format(row, 7, r.paid_fen as f64 / 100.0, &money)?;
        ws.write_string(row, 8, r.note)?;
        sum += r.paid_fen;
    }
    let total_row = rows.len() as u32 + 2;
    ws.write_string(total_row, 1, "合计")?;
    let last = total_row;
    let formula = match stated_total {
        // A typed-over total (the mistake): a plain number, not the SUM.
        Some(t) => {
            ws.write_number_with_format(total_row, 7, t as f64 / 100.0, &money)?;
            None
        }
        None => Some(Formula::new(format!("=SUM(H3:H{last})")).set_result(yuan(sum))),
    };
    if let Some(f) = formula {
        ws.write_formula_with_format(total_row, 7, f, &money)?;
    }
    ws.set_column_width(1, 10)?;
    ws.set_column_width(3, 16)?;
    ws.set_column_width(8, 18)?;
    println!("{title}: 实缴合计 {}", yuan(sum));
    Ok(())
}

fn save(path: &str, fill: impl FnOnce(&mut Worksheet) -> Result<(), XlsxError>) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Sheet1")?;
    fill(ws)?;
    wb.save(path)
}

fn main() -> Result<(), XlsxError> {
    // 第一党支部, 2024 Q3: 王建国's 6200 falls in the 1.5% bracket, the officer applied 1%.
    let diyi = [
        Row { name: "张明", category: "在职", base_fen: 685_000, bp: 150, paid_fen: 30_825, note: "" },
        Row { name: "马晓燕", category: "在职", base_fen: 523_050, bp: 150, paid_fen: 23_538, note: "" },
        Row { name: "周涛", category: "在职", base_fen: 498_000, bp: 100, paid_fen: 14_940, note: "" },
        Row { name: "王建国", category: "在职", base_fen: 620_000, bp: 100, paid_fen: 18_600, note: "" },
        Row { name: "李红", category: "在职", base_fen: 286_000, bp: 50, paid_fen: 4_290, note: "" },
        Row { name: "陈志强", category: "离退休", base_fen: 560_000, bp: 100, paid_fen: 16_800, note: "" },
        Row { name: "孙丽", category: "离退休", base_fen: 390_000, bp: 50, paid_fen: 5_850, note: "" },
        Row { name: "赵磊", category: "在职", base_fen: 1_000_000, bp: 150, paid_fen: 45_000, note: "" },
        Row { name: "刘洋", category: "在职", base_fen: 1_234_567, bp: 200, paid_fen: 74_073, note: "自愿多缴部分已并入" },
    ];
    save(&format!("{DIYI}/dues-2024-q3.xlsx"), |ws| dues_sheet(ws, "第一党支部2024年第三季度党费收缴明细", &diyi, 3, None))?;

    // 第三党支部, 2024 Q3: a 其他 member the rules cannot judge, and a 合计 typed as 680.00.
    let disan = [
        Row { name: "吴晓东", category: "在职", base_fen: 450_000, bp: 100, paid_fen: 13_500, note: "" },
        Row { name: "郑丽娟", category: "在职", base_fen: 300_000, bp: 50, paid_fen: 4_500, note: "" },
        Row { name: "冯军", category: "离退休", base_fen: 500_000, bp: 50, paid_fen: 7_500, note: "" },
        Row { name: "欧阳文", category: "在职", base_fen: 880_000, bp: 150, paid_fen: 39_600, note: "" },
        Row { name: "何平", category: "其他", base_fen: 0, bp: 0, paid_fen: 3_000, note: "劳务派遣人员，按10元/月缴纳" },
    ];
    save(&format!("{DISAN}/dues-2024-q3.xlsx"), |ws| dues_sheet(ws, "第三党支部2024年第三季度党费收缴明细", &disan, 3, Some(68_000)))?;

    // 第二党支部, 2024 H1, GBK CSV: a retiree who paid nothing for six months.
    let csv = "姓名,类别,基数,月数,实缴,备注\r\n黄志刚,在职,5800,6,522,\r\n林小梅,在职,3200,6,192,\r\n高德明,离退休,6100,6,0,住院治疗，待补缴\r\n罗静,在职,2500,6,75,\r\n谢宇,在职,9600,6,864,\r\n合计,,,,1653,\r\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(csv);
    assert!(!unmappable);
    std::fs::write(format!("{DIER}/党费台账2024上半年.csv"), &gbk).expect("write the CSV ledger");

    // 第二党支部's study plan as a table: September's session is still 计划.
    save(&format!("{DIER}/学习计划2024.xlsx"), |ws| {
        let bold = Format::new().set_bold();
        for (c, h) in ["日期", "学习内容", "形式", "领学人", "状态"].iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        let sessions = [
            ("2024-01-23", "学习贯彻党的二十大精神和习近平总书记重要讲话精神", "集中学习", "支部书记", "已完成"),
            ("2024-03-19", "学习《中国共产党纪律处分条例》", "集中学习", "纪检委员", "已完成"),
            ("2024-05-21", "党纪学习教育专题研讨", "专题研讨", "支部书记", "已完成"),
            ("2024-07-16", "学习党的二十届三中全会精神", "集中学习", "宣传委员", "已完成"),
            ("2024-09-24", "财政法规与预算管理制度改革", "专题研讨", "组织委员", "计划"),
            ("2024-11-26", "学习《中国共产党党员教育管理工作条例》", "集中学习", "支部书记", "计划"),
        ];
        for (r, s) in sessions.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in [s.0, s.1, s.2, s.3, s.4].iter().enumerate() {
                ws.write_string(r, c as u16, *v)?;
            }
        }
        ws.set_column_width(0, 12)?;
        ws.set_column_width(1, 44)?;
        Ok(())
    })?;
    Ok(())
}

#!/usr/bin/env python3
"""Writes dues-2024-q2.xls, a real BIFF8 .xls ledger as older Excel/WPS save it,
with xlwt (an Excel-compatible writer): a title row, the header, four members
(one 实缴 written as text 伍拾元), a 合计 row. Checked in; run again only to change it:

    pip install --target /tmp/xlwt-lib xlwt && PYTHONPATH=/tmp/xlwt-lib python3 make_xls.py
"""
import pathlib
import xlwt

book = xlwt.Workbook(encoding="utf-8")
ws = book.add_sheet("党费台账")
ws.write_merge(0, 0, 0, 5, "第四党支部2024年第二季度党费收缴明细")
for c, h in enumerate(["序号", "姓名", "类别", "月工资收入（元）", "月数", "实缴（元）"]):
    ws.write(1, c, h)
rows = [
    (1, "赵一", "在职", 4200.0, 3, 126.0),
    (2, "钱二", "离退休", 5200.5, 3, 156.02),
    (3, "孙三", "在职", 3000.0, 3, "伍拾元"),
    (4, "李四", "学生", "", 3, 0.6),
]
for r, row in enumerate(rows, start=2):
    for c, v in enumerate(row):
        if v != "":
            ws.write(r, c, v)
ws.write(6, 1, "合计")
ws.write(6, 5, 282.62)
book.save(str(pathlib.Path(__file__).with_name("dues-2024-q2.xls")))

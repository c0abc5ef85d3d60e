#!/usr/bin/env python3
"""Dues ledger benchmark: one dues page over a 10,000-member ledger (.xlsx and a GBK
.csv), built for both audiences. Reports the ledger stage (read, parse, validate,
evaluate: DWGK_TIMINGS `ledgers+plans`), the disclosure page's render time and the
whole build.

Usage: python3 bench/dues.py [--members 10000] [--runs 5] [--no-doc]
Writes its table into docs/benchmarks.md between <!-- dues:begin/end -->.
"""

import argparse
import pathlib
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from xml.sax.saxutils import escape

from benchdoc import replace_block

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "dwgk"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌宇浩凯鹏飞"


def members(n, seed=11):
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))) + str(i)
        cat = rng.choices(["在职", "离退休", "学生", "农民"], [70, 25, 3, 2])[0]
        base = round(rng.uniform(1800, 16000), 2) if cat in ("在职", "离退休") else None
        paid = round(rng.uniform(0.5, 1.2) * (base or 20) * 0.01 * 3, 2)
        rows.append((name, cat, base, 3, paid))
    return rows


def col(c):
    return chr(ord("A") + c)


def xlsx(path, rows):
    """A minimal workbook (inline strings, one sheet) as Excel-compatible writers produce."""
    head = ["姓名", "类别", "基数", "月数", "实缴"]
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, cells in enumerate([head] + [list(x) for x in rows], start=1):
        out.append(f'<row r="{r}">')
        for c, v in enumerate(cells):
            ref = f"{col(c)}{r}"
            if v is None:
                continue
            if isinstance(v, str):
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>')
            else:
                out.append(f'<c r="{ref}"><v>{v}</v></c>')
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": "".join(out),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)


def site(root, fmt, rows):
    if root.exists():
        shutil.rmtree(root)
    (root / "content/branch").mkdir(parents=True)
    (root / "config.toml").write_text('title = "党费基准"\nbase_url = "http://127.0.0.1/"\n', encoding="utf-8")
    (root / "content/branch/_index.md").write_text('+++\ntitle = "某党支部"\n[unit]\nkind = "党支部"\n+++\n', encoding="utf-8")
    name = f"ledger.{fmt}"
    (root / "content/branch/dues.md").write_text(
        f'+++\ntitle = "2024年第一季度党费收缴公示"\nkind = "dues"\nperiod = "2024-Q1"\nledger = "{name}"\n+++\n', encoding="utf-8"
    )
    if fmt == "xlsx":
        xlsx(root / "content/branch" / name, rows)
    else:
        text = "姓名,类别,基数,月数,实缴\r\n" + "".join(f"{n},{c},{'' if b is None else b},{m},{p}\r\n" for n, c, b, m, p in rows)
        (root / "content/branch" / name).write_bytes(text.encode("gbk"))


def run(root, out, audience):
    if out.exists():
        shutil.rmtree(out)
    cmd = ["/usr/bin/time", "-f", "TIME %e %M", str(BIN), "build", "--root", str(root), "--output", str(out), "--audience", audience]
    p = subprocess.run(cmd, capture_output=True, text=True, env={"DWGK_TIMINGS": "1", "PATH": "/usr/bin:/bin"})
    if p.returncode != 0:
        sys.exit(f"build failed:\n{p.stderr[-3000:]}")
    stage = float(re.search(r"timing ledgers\+plans ([\d.]+)", p.stderr).group(1))
    page = re.search(r"timing template page.html vars ([\d.]+) render\+write ([\d.]+)", p.stderr)
    wall, rss = re.search(r"TIME ([\d.]+) (\d+)", p.stderr).groups()
    return stage, float(page.group(1)) + float(page.group(2)), float(wall), int(rss) / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    if not BIN.exists():
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    rows = members(args.members)
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="dwgk-bench-dues-"))
    lines = []
    for fmt in ("xlsx", "csv"):
        root = scratch / fmt
        site(root, fmt, rows)
        size = (root / "content/branch" / f"ledger.{fmt}").stat().st_size
        for audience in ("internal", "public"):
            results = [run(root, scratch / "out", audience) for _ in range(args.runs)]
            stage, page, wall, rss = (statistics.median(r[i] for r in results) for i in range(4))
            total = stage + page
            lines.append(f"| {fmt} ({size // 1024} KB) | {audience} | {stage * 1000:.0f} | {page * 1000:.0f} | **{total * 1000:.0f}** | {wall:.2f} | {rss:.0f} |")
            print(lines[-1], flush=True)
    shutil.rmtree(scratch)
    table = (
        f"One dues page over a {args.members:,}-member ledger; median of {args.runs} runs. *Ledger* is the read + parse + "
        "validate + evaluate stage (`ledgers+plans`), *page* the disclosure page's view and render; target: ledger + page < 1 s.\n\n"
        "| ledger | audience | ledger ms | page ms | ledger + page ms | whole build s | peak RSS MiB |\n|---|---|---:|---:|---:|---:|---:|\n"
        + "\n".join(lines)
        + "\n"
    )
    print(table)
    if not args.no_doc:
        replace_block("dues", table, "## Dues ledgers\n\n`python3 bench/dues.py`")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Compliance benchmark: ~100k record/activity pages over 1,000 units and 20
requirements for 5 years. Builds the corpus twice, with and without the domain
keys ([unit], kind, period, [counts], counts_as, requirements), and reports the
compliance stage time (DWGK_TIMINGS), total build time and peak RSS of each.

Usage: python3 bench/compliance.py [--units 1000] [--years 5] [--runs 3] [--growth 250,500] [--no-doc]
Writes its table into docs/benchmarks.md between <!-- compliance:begin/end -->.
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
import time

from benchdoc import replace_block

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "dwgk"

REQS = [  # id, name, per, min
    ("zhiweihui", "支部委员会会议", "month", 1), ("dangxiaozuhui", "党小组会", "month", 1),
    ("zhutidangri", "主题党日", "month", 1), ("jitixuexi", "集中学习", "month", 1),
    ("xinxibaosong", "报送信息", "month", 1), ("anquanjiancha", "安全检查", "month", 1),
    ("lianzhengtixing", "廉政提醒", "month", 1), ("zhibuyuedu", "支部月度例会", "month", 1),
    ("dangyuandahui", "支部党员大会", "quarter", 1), ("dangke", "党课", "quarter", 1),
    ("jiceng", "走访基层", "quarter", 2), ("fenxi", "思想分析", "quarter", 1), ("tongbao", "情况通报", "quarter", 1),
    ("xianfeng", "先锋指数考评", "half", 1), ("dudao", "专题督导", "half", 1),
    ("zuzhishenghuohui", "组织生活会", "year", 1), ("minzhupingyi", "民主评议党员", "year", 1),
    ("tanxintanhua", "谈心谈话", "year", 10), ("zhiyuan", "志愿服务", "year", 4), ("yishixingtai", "专题研究意识形态", "year", 2),
]
BODY = "本季度支部严格落实“三会一课”制度，按计划开展组织生活，党员参与率较高，各项工作有序推进。\n\n" * 3


def write(p, text):
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")


def corpus(root, units, years, domain, seed=7):
    stamp = root / ".bench-stamp"
    params = f"{units} {years} {domain} {seed} {len(REQS)}"
    if stamp.exists() and stamp.read_text() == params:
        # Reuse: regenerating deletes ~100k files, and ext4 then slows the next
        # builds' file creation for minutes (see bench/run.py).
        return sum(1 for _ in root.glob("content/units/*/*/*.md")) - sum(1 for _ in root.glob("content/units/*/*/_index.md"))
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    cfg = 'title = "达标基准"\nbase_url = "http://127.0.0.1/"\npaginate_by = 0\n'
    if domain:
        cfg += "[compliance]\nyear = 2024\nas_of = 2024-12-31\n"
        for rid, name, per, mn in REQS:
            cfg += f'\n[[requirements]]\nid = "{rid}"\nname = "{name}"\nper = "{per}"\nmin = {mn}\napplies_to = ["党支部"]\n'
    write(root / "config.toml", cfg)
    unit = lambda title, kind: f'+++\ntitle = "{title}"\n' + (f'[unit]\nkind = "{kind}"\n' if domain else "") + "+++\n"
    write(root / "content/_index.md", '+++\ntitle = "首页"\n+++\n')
    write(root / "content/units/_index.md", unit("机关党委", "党委"))
    zong = max(1, units // 20)
    branches = units - zong
    pages = 0
    for b in range(branches):
        z = b % zong
        zdir = root / f"content/units/z{z:03d}"
        if not (zdir / "_index.md").exists():
            write(zdir / "_index.md", unit(f"第{z + 1}党总支", "党总支"))
        bdir = zdir / f"b{b:04d}"
        write(bdir / "_index.md", unit(f"第{b + 1}党支部", "党支部"))
        for y in range(2025 - years, 2025):
            for q in range(1, 5):
                fm = f'+++\ntitle = "第{b + 1}党支部{y}年第{q}季度工作记录"\ndate = {y}-{q * 3:02d}-28\n'
                if domain:
                    fm += f'kind = "record"\nperiod = "{y}-Q{q}"\n[counts]\n'
                    for rid, _, per, mn in REQS:
                        need = {"month": 3 * mn, "quarter": mn, "half": 1 if q in (2, 4) else 0, "year": 0}[per]
                        if need or rng.random() < 0.3:
                            fm += f"{rid} = {max(0, need + rng.randint(-1, 1))}\n"
                write(bdir / f"record-{y}-q{q}.md", fm + "+++\n" + BODY)
                pages += 1
            for a in range(16):
                m = a % 12 + 1
                d = rng.randint(1, 28)
                fm = f'+++\ntitle = "第{b + 1}党支部{y}年{m}月活动{a}"\ndate = {y}-{m:02d}-{d:02d}\n'
                if domain:
                    rid = REQS[15 + a % 5][0]
                    fm += f'kind = "activity"\ncounts_as = ["{rid}"]\n'
                write(bdir / f"{y}-{m:02d}-{d:02d}-a{a}.md", fm + "+++\n" + BODY)
                pages += 1
    stamp.write_text(params)
    return pages


def run(site, out):
    # A fresh output folder per run (see bench/run.py: deleting right before a build
    # makes ext4 charge inode reuse checks to the next build).
    assert not out.exists(), out
    subprocess.run(["sync"])
    cmd = ["/usr/bin/time", "-f", "TIME %e %M %U %S", str(BIN), "build", "--root", str(site), "--output", str(out), "--audience", "internal"]
    p = subprocess.run(cmd, capture_output=True, text=True, env={"DWGK_TIMINGS": "1", "PATH": "/usr/bin:/bin"})
    if p.returncode != 0:
        sys.exit(f"build failed:\n{p.stderr[-3000:]}")
    timing = dict((m.group(1), float(m.group(2))) for m in re.finditer(r"timing (\S+) ([\d.]+)", p.stderr))
    wall, rss, user, system = re.search(r"TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)", p.stderr).groups()
    return float(wall), int(rss) / 1024, timing, float(user) + float(system)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scratch", default=str(pathlib.Path(tempfile.gettempdir()) / "dwgk-bench-compliance"))
    ap.add_argument("--no-doc", action="store_true")
    ap.add_argument("--growth", default="250,500", help="smaller unit counts built with domain keys, to show how cost grows")
    args = ap.parse_args()
    if not BIN.exists():
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    scratch = pathlib.Path(args.scratch)
    sites = {domain: scratch / ("domain" if domain else "plain") for domain in (True, False)}
    pages = {domain: corpus(sites[domain], args.units, args.years, domain) for domain in (True, False)}
    outs = scratch / "out"
    if outs.exists():
        shutil.rmtree(outs)
    subprocess.run(["sync"])
    time.sleep(75)  # let ext4 forget the inodes freed above (bench/run.py, DELETE_SETTLE)
    # Interleaved (with, without, with, …): a change in the machine's load hits both.
    results = {True: [], False: []}
    for i in range(args.runs):
        for domain in (True, False):
            results[domain].append(run(sites[domain], outs / f"{'domain' if domain else 'plain'}-{i}"))
    rows = []
    for domain in (True, False):
        rs = results[domain]
        wall = statistics.median(r[0] for r in rs)
        rss = max(r[1] for r in rs)
        comp = statistics.median(r[2].get("compliance", 0.0) for r in rs)
        cpu = statistics.median(r[3] for r in rs)
        rows.append((domain, pages[domain], wall, rss, comp, cpu))
        print(f"{'with' if domain else 'without'} domain keys: {pages[domain]} pages, wall {wall:.2f} s (runs {', '.join(f'{r[0]:.2f}' for r in rs)}), cpu {cpu:.2f} s, peak {rss:.0f} MiB, compliance {comp:.3f} s", flush=True)
    (d, pages, w1, r1, c1, cpu1), (_, _, w0, r0, _, cpu0) = rows
    pairs = ", ".join(f"{a[0] / b[0]:.2f}" for a, b in zip(results[True], results[False]))
    growth = []
    for n in [int(x) for x in args.growth.split(",") if x]:
        site = scratch / f"domain-{n}"
        p = corpus(site, n, args.years, True)
        rs = [run(site, outs / f"domain-{n}-{i}") for i in range(args.runs)]
        growth.append((n, p, statistics.median(r[0] for r in rs), max(r[1] for r in rs), statistics.median(r[2].get("compliance", 0.0) for r in rs)))
    growth.append((args.units, pages, w1, r1, c1))
    table = (
        f"Corpus: {args.units} units (党总支 + 党支部), {len(REQS)} requirements in config, {args.years} years, "
        f"{pages} record/activity pages; median of {args.runs} runs, with and without interleaved, `--audience internal`.\n\n"
        "| corpus | pages | compliance stage s | build wall s | CPU s (user + sys) | peak RSS MiB |\n|---|---:|---:|---:|---:|---:|\n"
        f"| with domain keys | {pages} | {c1:.3f} | {w1:.2f} | {cpu1:.2f} | {r1:.0f} |\n"
        f"| same pages without domain keys | {pages} | — | {w0:.2f} | {cpu0:.2f} | {r0:.0f} |\n\n"
        f"Whole build with domain keys / without: **{w1 / w0:.2f}×** wall time (target ≤ 1.2×; run by run: {pairs}), "
        f"{cpu1 / cpu0:.2f}× CPU time; compliance stage **{c1:.3f} s** (target < 1 s).\n\n"
        "Growth with the number of units (with domain keys; same requirements and years):\n\n"
        "| units | record/activity pages | compliance stage s | build wall s | peak RSS MiB | RSS per 1,000 pages MiB |\n|---:|---:|---:|---:|---:|---:|\n"
        + "".join(f"| {n} | {p} | {c:.3f} | {w:.2f} | {r:.0f} | {r / p * 1000:.1f} |\n" for n, p, w, r, c in growth)
    )
    print(table)
    if not args.no_doc:
        replace_block("compliance", table, "## Compliance at scale")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Pathological inputs: one dimension of one file (or folder) grown large, built at
size n and 4n. Linear cost means about 4x the CPU time; quadratic means 16x. Each
build's CPU time (user + system) and peak RSS come from wait4(), so the machine's
load changes them less than wall time; the load average is recorded with them.
Inputs past a documented limit (docs/content.md "上限") must be refused with a
located error, quickly and in little memory: those rows say "refused".

    python3 bench/pathological.py                      # every case, release binary
    python3 bench/pathological.py --cases tags,quote   # some cases
    python3 bench/pathological.py --scale 0.25         # smaller sizes
    python3 bench/pathological.py --bin target/debug/dwgk --block   # write docs/benchmarks.md

The tests in tests/integration/pathological.rs keep small versions of these (debug
build, a few seconds each); this script holds the heavy ones.
Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from benchdoc import replace_block  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parent.parent
GNU_TIME = "/usr/bin/time"
CONFIG = 'title = "极端输入"\nbase_url = "http://127.0.0.1/"\ntaxonomies = [{ name = "tags" }]\n'
FRONT = '+++\ntitle = "页面"\ndate = 2024-03-01\n{extra}+++\n'


def page(root: pathlib.Path, rel: str, body: str = "正文。\n", extra: str = "") -> None:
    p = root / "content" / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(FRONT.format(extra=extra) + body, encoding="utf-8")


def body_case(make):
    """A case whose whole input is one page's body."""
    return lambda root, n: page(root, "notices/x.md", make(n))


def tags(root, n):
    page(root, "notices/x.md", extra="tags = [" + ",".join(f'"标签{i}"' for i in range(n)) + "]\n")


def tags_capped(root, n):
    # n pages with 100 distinct tags each: the cost per page must stay the same.
    for p in range(n):
        page(root, f"notices/p{p}.md", extra="tags = [" + ",".join(f'"t{p}-{i}"' for i in range(100)) + "]\n")


def bundle_files(root, n):
    page(root, "notices/b/index.md", "".join(f"[附件{i}](f{i}.pdf)\n\n" for i in range(n)))
    for i in range(n):
        (root / "content/notices/b" / f"f{i}.pdf").write_bytes(b"%PDF-1.4\n")


def folder_pages(root, n):
    for i in range(n):
        page(root, f"notices/p{i}.md", f"见[上一篇](p{max(i - 1, 0)}.md)。\n")


def folder_bundles(root, n):
    for i in range(n):
        page(root, f"notices/b{i}/index.md", "[附件](a.pdf)\n")
        (root / "content/notices" / f"b{i}" / "a.pdf").write_bytes(b"%PDF-1.4\n")


def folder_loose(root, n):
    page(root, "notices/x.md", "".join(f"[附件{i}](f{i}.pdf)\n\n" for i in range(0, n, 2)))
    for i in range(n):
        (root / "content/notices" / f"f{i}.pdf").write_bytes(b"%PDF-1.4\n")


def broken_links(root, n):
    page(root, "notices/x.md", "".join(f"[附件](缺少的附件{i}.pdf) [页面](@/缺少的页面{i}.md)\n\n" for i in range(n)))
    for i in range(200):
        page(root, f"notices/p{i}.md")


# name -> (make(root, n), n, what it is)
CASES = {
    "tags": (tags, 2_500, "one page with n tags (refused past 100)"),
    "tags-100": (tags_capped, 150, "n pages with 100 tags each"),
    "quote": (body_case(lambda n: "> " * n + "引用\n"), 25_000, "`> > > …` n deep on one line (refused past 100 levels)"),
    "quote-lines": (body_case(lambda n: "".join(">" * (i % 90 + 1) + " 引用\n" for i in range(n))), 25_000, "n lines of quotes up to 90 deep"),
    "list-indent": (body_case(lambda n: "".join("  " * (i % 40) + "- 项\n" for i in range(n))), 25_000, "n list items nested up to 40 deep by indentation"),
    "brackets": (body_case(lambda n: "[" * n), 150_000, "a run of n `[` (refused past 200,000 marks)"),
    "brackets-ok": (body_case(lambda n: ("[" * 100 + "\n\n") * (n // 100)), 40_000, "n `[` in paragraphs of 100"),
    "images": (body_case(lambda n: "![" * n), 40_000, "a run of n `![`"),
    "emphasis": (body_case(lambda n: "*强调 " * n), 40_000, "n unclosed `*` in one paragraph"),
    "emphasis-nested": (body_case(lambda n: "*" * n + "字" + "*" * n), 40_000, "`***…字…***`, n on each side"),
    "emphasis-mixed": (body_case(lambda n: "*_" * n + "字"), 40_000, "`*_*_…`, n pairs"),
    "links": (body_case(lambda n: "".join(f"[链接{i}](@/notices/x.md) " for i in range(n))), 20_000, "n links in one paragraph"),
    "links-broken": (broken_links, 2_000, "n broken attachment and page links (did-you-mean hints)"),
    "autolinks": (body_case(lambda n: "www.example.cn " * n), 40_000, "n autolinks in one paragraph"),
    "html-inline": (body_case(lambda n: "<b>" * n), 40_000, "n inline `<b>`"),
    "script-openers": (body_case(lambda n: "文字 <script> " * n), 20_000, "n inline `<script>` without a closer"),
    "headings": (body_case(lambda n: "## 标题\n\n" * n), 20_000, "n headings with the same text (ids -1, -2, …)"),
    "footnotes": (body_case(lambda n: "".join(f"[^{i}] " for i in range(n))), 40_000, "n footnote references"),
    "table-rows": (body_case(lambda n: "| 姓名 | 职务 |\n|---|---|\n" + "| 张三 | 党员 |\n" * n), 40_000, "a table of n rows"),
    "lines": (body_case(lambda n: "一行文字\n" * n), 80_000, "n lines in one paragraph"),
    "bundle-files": (bundle_files, 2_000, "one bundle with n linked attachments"),
    "folder-pages": (folder_pages, 1_500, "one folder with n pages linking each other"),
    "folder-bundles": (folder_bundles, 1_000, "one folder with n bundles of one attachment"),
    "folder-loose": (folder_loose, 3_000, "one folder with n loose files, half linked"),
}


def site(make, n: int, root: pathlib.Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
    (root / "content").mkdir(parents=True)
    (root / "config.toml").write_text(CONFIG, encoding="utf-8")
    (root / "content/_index.md").write_text('+++\ntitle = "首页"\n+++\n', encoding="utf-8")
    make(root, n)


def build(binary: pathlib.Path, root: pathlib.Path, timeout: float) -> dict:
    """One build under GNU time: its peak RSS is the build's own (a child forked
    from this script would count the script's memory too)."""
    out, times = root / "public", root / "time.txt"
    # stderr goes to a file: thousands of located errors would fill a pipe.
    with tempfile.TemporaryFile() as err_file:
        cmd = [GNU_TIME, "-o", str(times), "-f", "%e %M %U %S", str(binary), "build", "--root", str(root), "-o", str(out)]
        try:
            p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=err_file, timeout=timeout)
            code, killed = p.returncode, False
        except subprocess.TimeoutExpired:
            code, killed = -9, True
        err_file.seek(0)
        err = err_file.read().decode("utf-8", "replace")
    fields = times.read_text().split()[-4:] if times.exists() and not killed else ["nan"] * 4
    wall, rss_kib, user, system = (float(f) for f in fields)
    first_error = next((line[len("错误: "):] for line in err.splitlines() if line.startswith("错误: ")), "")
    return {"wall": wall, "cpu": user + system, "rss_mib": rss_kib / 1024, "code": code, "killed": killed, "error": first_error}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(REPO / "target/release/dwgk"))
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies every case's n")
    ap.add_argument("--runs", type=int, default=2, help="builds per size; the smallest CPU time counts")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--block", action="store_true", help="write the table into docs/benchmarks.md")
    args = ap.parse_args()
    binary = pathlib.Path(args.bin)
    if not binary.exists():
        sys.exit(f"no binary at {binary}: cargo build --release (or --bin target/debug/dwgk)")
    rows = []
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="dwgk-pathological-"))
    try:
        for name in args.cases.split(","):
            make, n, what = CASES[name]
            n = max(1, int(n * args.scale))
            results = []
            for size in (n, 4 * n):
                root = tmp / f"{name}-{size}"
                site(make, size, root)
                runs = [build(binary, root, args.timeout) for _ in range(args.runs)]
                results.append(min(runs, key=lambda r: r["cpu"]))
                shutil.rmtree(root, ignore_errors=True)
            a, b = results
            ratio = b["cpu"] / max(a["cpu"], 1e-3)
            if b["killed"]:
                verdict = f"killed after {args.timeout:.0f} s"
            elif b["code"] != 0:
                verdict = "refused: " + (b["error"][:60] or f"exit {b['code']}")
            else:
                verdict = "linear" if ratio < 8 else "SUPERLINEAR"
            load = os.getloadavg()[0]
            rows.append((name, what, n, a, b, ratio, verdict, load))
            print(f"{name:16} n={n:>7} cpu {a['cpu']:7.2f}s -> {b['cpu']:7.2f}s x{ratio:5.1f}  rss {a['rss_mib']:6.0f} -> {b['rss_mib']:6.0f} MiB  load {load:.1f}  {verdict}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.block:
        lines = [
            f"Binary `{os.path.relpath(binary, REPO)}`, {time.strftime('%Y-%m-%d')}, best of {args.runs} runs per size. "
            "CPU = user + system seconds of the build (wait4); ratio = CPU(4n) / CPU(n): ~4 is linear, ~16 quadratic "
            "(the fixed start-up cost pulls small cases below 4).",
            "",
            "| case | input | n | CPU n (s) | CPU 4n (s) | ratio | peak RSS n → 4n (MiB) | load | result at 4n |",
            "|---|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for name, what, n, a, b, ratio, verdict, load in rows:
            lines.append(f"| {name} | {what} | {n} | {a['cpu']:.2f} | {b['cpu']:.2f} | {ratio:.1f} | {a['rss_mib']:.0f} → {b['rss_mib']:.0f} | {load:.1f} | {verdict} |")
        replace_block("pathological", "\n".join(lines), "## Pathological inputs (`bench/pathological.py`)")


if __name__ == "__main__":
    main()

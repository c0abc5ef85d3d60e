#!/usr/bin/env python3
"""What page-level fault isolation costs `dwgk publish --once` (issue 23).

On run.py's corpus (default 10,000 pages), a DEST prepared with 6 publishes (5
releases kept, their source trees beside the DEST), each measured publish follows
a one-page change:

  isolating   the default: the input cloned for the rounds, the release's source
              tree written (`timing kept-sources`)
  strict      --strict: no rounds (the source tree is written all the same)
  one broken  the default with one page whose front matter cannot be read: two
              rounds (the page from the live release's kept source), then render

Median wall time of --runs runs each (modes interleaved), the kept-tree and
round timings from DWGK_TIMINGS=1, and the 1-minute load average at each run.
Prints a Markdown block for docs/benchmarks.md.

    cargo build --release
    python3 bench/isolation.py [--pages 10000] [--runs 5]
"""

import argparse
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run  # noqa: E402  (the corpus and its dwgk flavour)


def load() -> float:
    return os.getloadavg()[0]


def publish(exe, site, dest, extra):
    env = dict(os.environ, DWGK_TIMINGS="1")
    t0 = time.perf_counter()
    p = subprocess.run([exe, "publish", "--once", "--keep", "5", "--source", str(site), "--dest", str(dest), *extra],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    wall = time.perf_counter() - t0
    kept = re.findall(r"^timing kept-sources ([\d.]+)", p.stderr, re.M)
    rounds = re.findall(r"^timing isolation-input ([\d.]+)", p.stderr, re.M)
    return p.returncode, wall, float(kept[-1]) if kept else 0.0, len(rounds), p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scratch", type=pathlib.Path, default=pathlib.Path("/tmp/dwgk-bench"))
    ap.add_argument("--work", type=pathlib.Path, default=pathlib.Path("/tmp/dwgk-isolation-bench"))
    ap.add_argument("--exe", default=str(HERE.parent / "target" / "release" / "dwgk"))
    args = ap.parse_args()
    corpus_args = argparse.Namespace(units=None, scratch=args.scratch, seed=1, regen=False, gen_corpus=run.DEFAULT_GEN)
    corpus = run.prepare_corpus(corpus_args, args.pages)
    if args.work.exists():
        shutil.rmtree(args.work)
    site = args.work / "site"
    shutil.copytree(corpus["dir"] / "dwgk", site)
    dest = args.work / "dest"
    pages = sorted((site / "content").rglob("*.md"))
    pages = [p for p in pages if not p.name.startswith("_")]
    edited, broken = pages[len(pages) // 3], pages[2 * len(pages) // 3]
    good_broken = broken.read_text(encoding="utf-8")
    n = 0

    def change():
        nonlocal n
        n += 1
        text = edited.read_text(encoding="utf-8")
        edited.write_text(text + f"\n\n第 {n} 次修改。\n", encoding="utf-8")

    for _ in range(6):
        change()
        code, *_ = publish(args.exe, site, dest, [])
        assert code == 0, "warm-up publish failed"
    rows = {"isolating": [], "strict": [], "one broken": []}
    for _ in range(args.runs):
        for mode in rows:
            broken.write_text(good_broken if mode != "one broken" else good_broken.replace("+++\n", "+++\ndate = \"某日\"\n", 1), encoding="utf-8")
            change()
            before = load()
            code, wall, kept, rounds, err = publish(args.exe, site, dest, ["--strict"] if mode == "strict" else [])
            want = 1 if mode == "one broken" else 0
            assert code == want, f"{mode}: exit {code}\n{err[-2000:]}"
            rows[mode].append((wall, kept, rounds, before))
    broken.write_text(good_broken, encoding="utf-8")
    print(f"<!-- isolation:begin -->\n`publish --once --keep 5` at {args.pages:,} pages, one page changed before each run; "
          f"{args.runs} runs per mode, interleaved; median wall time (all runs), the release's source tree "
          "(`timing kept-sources`), isolation rounds, 1-minute load average at the start of each run.\n")
    print("| mode | median s | runs s | kept sources s (median) | rounds | load |\n|---|---|---|---|---|---|")
    for mode, r in rows.items():
        walls = [x[0] for x in r]
        print(f"| {mode} | {statistics.median(walls):.2f} | {', '.join(f'{w:.2f}' for w in walls)} | "
              f"{statistics.median(x[1] for x in r):.3f} | {r[0][2]} | {', '.join(f'{x[3]:.1f}' for x in r)} |")
    print("<!-- isolation:end -->")


if __name__ == "__main__":
    main()

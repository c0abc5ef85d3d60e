#!/usr/bin/env python3
"""The Markdown memo's effect (pipeline::cache): dwgk rebuilds into the same output,
with its cache kept against with the cache deleted before each run, alternating, on one
gen_corpus corpus in the bench's dwgk flavour. dwgk alone: the side-by-side with Hugo and
Zola is bench/run.py.

    python3 bench/memo.py --corpus /tmp/m10 --runs 5     # corpus made by gen_corpus.py --generators zola
"""
import argparse, pathlib, re, shutil, statistics, subprocess, sys, time, os

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import run  # noqa: E402  (the dwgk flavour: config and templates)


def timed(cmd, env):
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(p.stderr[-2000:])
    rss = int(p.stderr.strip().splitlines()[-1]) // 1024
    md = [float(m.group(1)) for m in re.finditer(r"^timing markdown ([\d.]+)", p.stderr, re.M)]
    return wall, rss, md[-1] if md else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dwgk-bin", default=str(run.REPO / "target/release/dwgk"))
    a = ap.parse_args()
    corpus = pathlib.Path(a.corpus)
    pages = len(list((corpus / "zola/content").rglob("page-*.md")))
    run.write_dwgk_flavour(corpus, pages)
    site, out = corpus / "dwgk", corpus / "out-memo"
    cache = out.parent / f".{out.name}.dwgk-cache"
    env = dict(os.environ, DWGK_TIMINGS="1")
    build = [a.dwgk_bin, "build", "--root", str(site), "-o", str(out)]
    page = next((site / "content").rglob("page-*.md"))
    for _ in range(3):
        timed(build, env)
    rows = {"kept": [], "deleted": []}
    for i in range(a.runs):
        for how in (("kept", "deleted") if i % 2 == 0 else ("deleted", "kept")):
            text = page.read_text(encoding="utf-8")
            page.write_text(re.sub(r"rev-\d{6}", f"rev-{i * 2 + (how == 'kept'):06d}", text), encoding="utf-8")
            if how == "deleted":
                shutil.rmtree(cache, ignore_errors=True)
            subprocess.run(["sync"])
            rows[how].append(timed(build, env))
    load = open("/proc/loadavg").read().split()[:3]
    print(f"{pages} pages, {a.runs} runs each, rebuild after one page changed, load {' '.join(load)}")
    print("| cache | wall s (median) | runs | markdown stage s (median) | peak RSS MiB |")
    print("|---|---:|---|---:|---:|")
    for how, r in rows.items():
        print(f"| {how} | {statistics.median(x[0] for x in r):.2f} | {', '.join(f'{x[0]:.2f}' for x in r)} | "
              f"{statistics.median(x[2] for x in r):.2f} | {max(x[1] for x in r)} |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Preview-server benchmark: edit-to-served-HTML latency of `dwgk serve` and `hugo server`.

For each size the corpus of bench/run.py is prepared (same generator, same dwgk flavour),
copied to a private work folder (the edits never touch the shared corpus), and each
server is started on it.  Then one page's body is edited --edits times (a truncate-write
of the file with a new marker sentence in the body, like an editor's save); after each
edit the page's URL is fetched in a tight loop until the marker is in the served HTML.
The latency is the time from just before the write to the first response containing the
marker.  Also reported: the time to the first served page after start, and the resident
memory of the server after the edits (VmRSS) and at its peak (VmHWM) against the size of
content/.  Results replace the text between <!-- serve:begin --> and <!-- serve:end -->
in docs/benchmarks.md.

    python3 bench/serve.py                        # 10k and 100k pages, dwgk and hugo
    python3 bench/serve.py --sizes 10000 --edits 10 --generators dwgk

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pathlib
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import run as full  # noqa: E402  (bench/run.py: corpus, flavour, machine info)
from benchdoc import replace_block  # noqa: E402

REPO = full.REPO
GOALS = {10_000: 50.0, 100_000: 100.0}  # median ms


def log(msg: str) -> None:
    print(f"[serve-bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 5.0) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.read().decode("utf-8", "replace")
    except Exception:
        return None


def mem_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in KiB."""
    rss = hwm = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss, hwm


def dir_bytes(d: pathlib.Path) -> int:
    return sum(p.stat().st_size for p in d.rglob("*") if p.is_file())


def server_cmd(gen: str, work: pathlib.Path, port: int, tools: dict) -> list[str]:
    if gen == "dwgk":
        return [tools["dwgk"], "serve", "--root", str(work), "--port", str(port), "--audience", "public"]
    return [tools["hugo"], "server", "--source", str(work), "--port", str(port), "--bind", "127.0.0.1",
            "--baseURL", f"http://127.0.0.1:{port}/", "--appendPort=false", "--disableLiveReload=false"]


def edit(path: pathlib.Path, original: str, marker: str) -> None:
    # The body's first paragraph gets a new sentence: front matter unchanged.
    head, sep, body = original.partition("\n+++\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"{head}{sep}\n{marker}。\n{body}")


def measure(gen: str, corpus: pathlib.Path, pages: int, args, tools: dict) -> dict:
    work = args.work / f"{gen}-n{pages}"
    if work.exists():
        shutil.rmtree(work)
    log(f"{gen} {pages}: copying corpus to {work}")
    shutil.copytree(corpus / gen, work, symlinks=True)
    content = work / "content"
    content_bytes = dir_bytes(content)
    unit = sorted(p for p in content.iterdir() if p.is_dir())[len([p for p in content.iterdir() if p.is_dir()]) // 2]
    page = sorted(unit.glob("page-*.md"))[len(list(unit.glob("page-*.md"))) // 2]
    url_path = f"/{unit.name}/{page.stem}/"
    original = page.read_text(encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}{url_path}"
    logf = open(args.work / f"{gen}-n{pages}.log", "w")
    t0 = time.perf_counter()
    proc = subprocess.Popen(server_cmd(gen, work, port, tools), stdout=logf, stderr=subprocess.STDOUT,
                            start_new_session=True, env={**os.environ, "NO_COLOR": "1"})
    try:
        first = None
        while time.perf_counter() - t0 < args.timeout:
            if proc.poll() is not None:
                raise RuntimeError(f"{gen} exited ({proc.returncode}); see {logf.name}")
            body = fetch(url, timeout=1)
            if body and "<html" in body.lower():
                first = time.perf_counter() - t0
                break
            time.sleep(0.05)
        if first is None:
            raise RuntimeError(f"{gen} did not serve {url_path} within {args.timeout} s")
        log(f"  first page after {first:.2f} s; {args.edits} edits of {page.relative_to(work)}")
        time.sleep(1.0)
        lat = []
        for k in range(args.edits):
            marker = f"基准编辑标记{k:03d}号{int(time.time() * 1000) % 100000}"
            start = time.perf_counter()
            edit(page, original, marker)
            while True:
                body = fetch(url)
                if body and marker in body:
                    lat.append((time.perf_counter() - start) * 1000)
                    break
                if time.perf_counter() - start > 120:
                    raise RuntimeError(f"{gen}: edit {k} not served after 120 s")
                time.sleep(0.001)
            time.sleep(args.gap)
        rss, hwm = mem_kib(proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        logf.close()
        page.write_text(original, encoding="utf-8")
    lat_sorted = sorted(lat)
    p90 = lat_sorted[min(len(lat_sorted) - 1, int(round(0.9 * (len(lat_sorted) - 1))))]
    res = {"load": full.loadavg(), "gen": gen, "pages": pages, "first_s": first, "median_ms": statistics.median(lat), "p90_ms": p90,
           "min_ms": lat_sorted[0], "max_ms": lat_sorted[-1], "rss_mib": rss / 1024, "hwm_mib": hwm / 1024,
           "content_mib": content_bytes / 2**20, "edits": len(lat), "page": str(page.relative_to(work))}
    log(f"  median {res['median_ms']:.1f} ms, p90 {p90:.1f} ms; RSS {res['rss_mib']:.0f} MiB "
        f"(peak {res['hwm_mib']:.0f}) for {res['content_mib']:.0f} MiB of content")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return res


def render(results: list[dict], tools: dict, args, started: dt.datetime) -> str:
    m = full.machine_info()
    out = [f"_Generated by `bench/serve.py` on {started:%Y-%m-%d %H:%M} UTC; {args.edits} edits per server and size, "
           f"{args.gap:.1f} s apart; the text between the serve markers is replaced on every run._", ""]
    mem = f"{m['mem_gib']:.1f} GiB" if m.get("mem_gib") else "?"
    out.append(f"Machine: {m.get('cpu', '?')} × {m.get('nproc', '?')}, {mem}; {tools.get('hugo_version', 'hugo: not run')}; "
               f"dwgk git {tools.get('git', '?')}. Zola: {'not on PATH — not measured' if not shutil.which('zola') else 'on PATH but not measured by this script'}.")
    out.append("")
    out.append("The machine is shared (2 cores): load average (1/5/15 min) at the end of each measurement: "
               + "; ".join(f"{r['gen']} {r['pages']:,}: {r['load']}" for r in results)
               + ". Above ~2 the other engineers' builds compete for the cores and every number here is inflated, "
               "Hugo's as much as dwgk's; the server's own rebuild time per edit is in its log (`已更新：… N 毫秒`).")
    out.append("")
    out.append("| server | pages | edit → served HTML, median ms | p90 ms | min–max ms | first page after start s | RSS after edits MiB | peak RSS MiB | content/ MiB | RSS / content | goal (median) |")
    out.append("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|")
    for r in results:
        goal = GOALS.get(r["pages"]) if r["gen"] == "dwgk" else None
        met = "—" if goal is None else (f"≤ {goal:.0f} ms ✅" if r["median_ms"] <= goal else f"≤ {goal:.0f} ms ❌")
        out.append(f"| {r['gen']} | {r['pages']:,} | {r['median_ms']:.1f} | {r['p90_ms']:.1f} | {r['min_ms']:.1f}–{r['max_ms']:.1f} | "
                   f"{r['first_s']:.2f} | {r['rss_mib']:.0f} | {r['hwm_mib']:.0f} | {r['content_mib']:.0f} | {r['rss_mib'] / r['content_mib']:.2f}× | {met} |")
    if any(n > args.hugo_max_pages for n in {r["pages"] for r in results}) and "hugo" in args.generators:
        out.append("")
        out.append(f"Hugo was not run above {args.hugo_max_pages:,} pages (`--hugo-max-pages`): its full build "
                   "alone peaks at ~10 GB RSS at 100k pages on this corpus (see above).")
    out.append("")
    out.append("Edited page: " + ", ".join(sorted({r['page'] for r in results})) + " (middle unit, middle page).")
    return "\n".join(out)


def write_doc(path: pathlib.Path, generated: str) -> None:
    replace_block("serve", generated, "## Preview server (`dwgk serve`)", path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--generators", default="dwgk,hugo")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--gap", type=float, default=0.5, help="seconds between edits")
    ap.add_argument("--dwgk-bin", type=pathlib.Path, default=full.DWGK_BIN)
    ap.add_argument("--scratch", type=pathlib.Path, default=pathlib.Path("/tmp/dwgk-serve-bench/corpus"),
                    help="corpora, made and reused like bench/run.py's (pass --scratch /tmp/dwgk-bench to share its corpora)")
    ap.add_argument("--work", type=pathlib.Path, default=pathlib.Path("/tmp/dwgk-serve-bench"),
                    help="private copies that are edited")
    ap.add_argument("--gen-corpus", type=pathlib.Path, default=full.DEFAULT_GEN)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--timeout", type=float, default=900, help="seconds to wait for the first page")
    ap.add_argument("--hugo-max-pages", type=int, default=10_000,
                    help="larger corpora skip hugo (its full build at 100k pages peaks at ~10 GB RSS)")
    ap.add_argument("--keep", action="store_true", help="keep the work copies")
    ap.add_argument("--doc", type=pathlib.Path, default=full.DEFAULT_DOC)
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    gens = [g.strip() for g in args.generators.split(",") if g.strip()]
    started = dt.datetime.now(dt.timezone.utc)
    args.work.mkdir(parents=True, exist_ok=True)
    tools: dict = {}
    if "dwgk" in gens:
        snap = args.work / "dwgk.bin"
        shutil.copy2(args.dwgk_bin, snap)
        tools["dwgk"] = str(snap)
        tools["git"] = full.capture(["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO) or "?"
    if "hugo" in gens:
        hugo = shutil.which("hugo")
        if not hugo:
            log("hugo not on PATH: skipped")
            gens.remove("hugo")
        else:
            tools["hugo"] = hugo
            tools["hugo_version"] = (full.capture([hugo, "version"]) or "hugo ?").split(" BuildDate")[0]
    # bench/run.py's corpus preparation, with its defaults.
    cargs = argparse.Namespace(units=0, scratch=args.scratch.resolve(), seed=args.seed, gen_corpus=args.gen_corpus, regen=False)
    results = []
    for n in sizes:
        site = full.prepare_corpus(cargs, n)
        for g in gens:
            if g == "hugo" and n > args.hugo_max_pages:
                log(f"hugo {n}: skipped (--hugo-max-pages {args.hugo_max_pages})")
                continue
            results.append(measure(g, site["dir"], n, args, tools))
    generated = render(results, tools, args, started)
    print(generated)
    if not args.no_doc:
        write_doc(args.doc, generated)
        log(f"wrote {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

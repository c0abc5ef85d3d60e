#!/usr/bin/env python3
"""Search benchmark and peer comparison (docs/search.md, docs/benchmarks.md).

    python3 bench/search.py --pages 10000          # index build share, sizes, query cost
    python3 bench/search.py --peers                # relevance set: dwgk vs peer-style segmentation
    python3 bench/search.py --bytes --sizes example,56,1000,10000 --write   # bytes per cold query, by site size

The first form rewrites the `search` block of docs/benchmarks.md; the last (with
--write) the `search-bytes` block of docs/search.md (one typed cold query per query and size,
over Python's server: bytes and files do not depend on the server). `example` is
the repository's example site (content/, internal build: every page), a number a
gen_corpus.py site of that many pages.

Build share: the synthetic corpus of ../shared/bench/gen_corpus.py (Zola flavour
content/) is built with the default theme (so with the search page and index) by
the release binary with DWGK_TIMINGS=1; the `timing search-index` line gives the
wall time and the CPU time of the index job (it runs alone, after the pages),
reported against the whole build's wall time and CPU time (user + system of the
build process); medians of --runs. On a shared machine the CPU share is the
steadier number: wall times move with the other processes' load.

Query cost: the output is served over HTTP (Python's threading server, then nginx).
For every query, a fresh headless Chromium profile (cold cache) opens the search
page, lets it settle, then the query is typed into the box and Enter pressed
(bench/cdp.py, the DevTools protocol): this is the query latency the aim is about.
The page records in its DOM the milliseconds from the query's start (the submit)
to the first shown result (`data-first-ms`) and to the whole first page of
results (`data-ms`), and the index files it loaded (`data-loaded`); bytes are the
sizes of those files plus js/search.js and search/meta.js, which the search page
loads before the query (a cold query: nothing cached; the server sends them
uncompressed). Then a second fresh
profile opens search/?q=… directly (as the header box of another page sends it):
there the query starts while the page itself is still being laid out and painted
for the first time, which a cold browser spends tens of milliseconds on.

Peers: the example site's internal build is indexed; for every query of the
relevance set the first result of dwgk's search (Chromium, file://) is compared
with two simulations over the same documents: Pagefind-style (Chinese split into
single characters, every character required, ranked by character frequency, title
hits first) and Zola/elasticlunr-style (text split on whitespace and punctuation;
a Chinese clause is one token, so a word matches only a whole clause).

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import math
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from benchdoc import replace_block  # noqa: E402
from cdp import Browser  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parent.parent
# ../shared/bench beside the repository (or beside the folder of worktrees).
GEN = next((p for p in (REPO.parent / "shared" / "bench" / "gen_corpus.py", REPO.parent.parent / "shared" / "bench" / "gen_corpus.py") if p.exists()),
           REPO.parent / "shared" / "bench" / "gen_corpus.py")
BIN = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "release" / "dwgk"
CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome") if os.path.exists(p)), None)

QUERIES = ["三会一课", "党费", "主题党日", "意识形态", "组织生活会", "2024年 党费", "支部", "党员", "党", "课"]
# Bytes per cold query (--bytes): also queries of several terms and a long phrase
# (one shard per token: the most a query loads).
BYTES_QUERIES = QUERIES + ["意识形态 工作 责任 落实", "党建工作责任清单", "党员 支部 学习 教育"]
# Loaded by the search page itself, before any query: counted in a cold query's bytes.
PAGE_FILES = ["js/search.js", "search/meta.js"]

# The relevance set (tests/integration/browser.rs `search_relevance_set`): query → acceptable first results.
RELEVANCE = [
    ("三会一课", ["notices/2024-dangjian-yaodian/"]),
    ("党费", ["notices/2024-09-党费收缴提醒/"]),
    ("2024年 党费", ["notices/2024-09-党费收缴提醒/"]),
    ("主题党日", ["notices/关于开展主题党日活动的通知/"]),
    ("意识形态", ["units/jiguan/checklist-2024/", "units/jiguan/record-2024-yishixingtai/"]),
    ("组织生活会", ["notices/2024-12-zuzhishenghuohui/"]),
    ("民主评议", ["notices/2024-12-zuzhishenghuohui/"]),
    ("志愿服务", ["units/jiguan/dier/2024-11-08-zhiyuanfuwu/", "units/jiguan/diyi/2024-09-14-zhiyuanfuwu/", "units/jiguan/diyi/2024-05-24-zhiyuanfuwu/"]),
    ("党课", ["units/jiguan/diyi/2024-06-28-dangke/"]),
    ("表彰", ["notices/2024-qiyi-biaozhang-gongshi/"]),
    ("会计法", ["units/jiguan/dier/2024-11-08-zhiyuanfuwu/"]),
    ("重阳", ["units/jiguan/disan/2024-10-11-zhutidangri/"]),
    ("培训班 报名", ["notices/2024-dangwu-peixun/"]),
]

CONFIG = """title = "基准测试站点"
base_url = "http://127.0.0.1:1111/"
language = "zh-CN"
theme = "default"
paginate_by = 10
taxonomies = [{ name = "tags" }]
"""


def log(msg: str) -> None:
    print(f"[search-bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def chromium_dom(url: str, budget: bool) -> str:
    with tempfile.TemporaryDirectory() as profile:
        args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}", "--dump-dom", url]
        if budget:
            args.insert(1, "--virtual-time-budget=15000")
        return subprocess.run(args, capture_output=True, text=True, timeout=120).stdout


def attr(dom: str, name: str) -> str | None:
    m = re.search(rf'{name}="([^"]*)"', dom)
    return m.group(1) if m else None


def results(dom: str) -> list[str]:
    part = dom.split('id="search-results"', 1)[-1].split("</ol>", 1)[0]
    return re.findall(r'class="search-result-title"><a href="([^"]*)"', part)


def site_dir(pages: int, work: pathlib.Path) -> pathlib.Path:
    corpus = work / f"n{pages}"
    if not (corpus / "zola" / "content").is_dir():
        log(f"generating {pages} pages")
        subprocess.run([sys.executable, str(GEN), "--pages", str(pages), "--units", str(max(20, pages // 500)), "--seed", "20240601",
                        "--tags", "40", "--links", "internal", "--generators", "zola", "--out", str(corpus), "--force"], check=True)
    site = work / f"site{pages}"
    if not site.is_dir():
        shutil.copytree(corpus / "zola" / "content", site / "content")
        (site / "config.toml").write_text(CONFIG, encoding="utf-8")
        fill_placeholders(site / "content")
    return site


def fill_text(text: str) -> str:
    """The seed text's template blanks (`召开x次`, `××`) filled in as an officer would
    (a placeholder left on a record is a build error): a number, or 某."""
    blank = r"[xX]+(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])[xX]+(?![0-9A-Za-z])"
    measure = "次名人个篇期场余份条天项元位件家所处批月日年号周岁万千百"
    return re.sub(blank, lambda m: "3" if text[m.end():m.end() + 1] in measure and text[m.end():m.end() + 1] else "某", text).replace("×", "某")


def fill_placeholders(content: pathlib.Path) -> None:
    """`fill_text` over every page of a corpus."""
    for f in content.rglob("*.md"):
        text = f.read_text(encoding="utf-8")
        filled = fill_text(text)
        if filled != text:
            f.write_text(filled, encoding="utf-8")


def dir_size(p: pathlib.Path) -> tuple[int, int]:
    files = [f for f in p.rglob("*") if f.is_file()]
    return len(files), sum(f.stat().st_size for f in files)


def build_share(binary: pathlib.Path, site: pathlib.Path, runs: int, out: pathlib.Path | None = None) -> dict:
    out = out or site.parent / (site.name + "-out")
    walls, index, cpus, index_cpu, rss = [], [], [], [], []
    stats = ""
    for i in range(runs + 1):
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run(["sync"])
        with tempfile.TemporaryFile("w+") as err:
            t0 = time.perf_counter()
            p = subprocess.Popen([str(binary), "build", "--root", str(site), "--output", str(out)], stdout=subprocess.DEVNULL, stderr=err,
                                 env={**os.environ, "DWGK_TIMINGS": "1"})
            _, status, usage = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
            wall = time.perf_counter() - t0
            err.seek(0)
            stderr = err.read()
        cpu = usage.ru_utime + usage.ru_stime
        if status != 0:
            sys.exit(f"build failed:\n{stderr[-3000:]}")
        rss.append(usage.ru_maxrss / 1024)
        m = re.search(r"timing search-index ([\d.]+) cpu ([\d.]+) (.*)", stderr)
        if i == 0:
            continue  # warm-up
        walls.append(wall)
        cpus.append(cpu)
        index.append(float(m.group(1)))
        index_cpu.append(float(m.group(2)))
        stats = m.group(3)
    content_files, content_bytes = dir_size(site / "content")
    parts = {name: dir_size(out / "search" / name) for name in ("s", "u", "b", "d", "e")}
    meta = sum((out / "search" / f).stat().st_size for f in ("meta.js", "f.js"))
    return {
        "wall_s": statistics.median(walls), "index_s": statistics.median(index), "runs": walls, "index_runs": index, "stats": stats,
        "rss_mib": max(rss), "cpu_s": statistics.median(cpus), "index_cpu_s": statistics.median(index_cpu), "cpu_runs": cpus, "index_cpu_runs": index_cpu,
        "content_files": content_files, "content_bytes": content_bytes, "shards": parts["s"], "uni": parts["u"], "big": parts["b"],
        "docs": tuple(a + b for a, b in zip(parts["d"], parts["e"])), "meta_bytes": meta, "out": out,
    }


def serve(directory: pathlib.Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass
    handler = functools.partial(Quiet, directory=str(directory))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}/"


class Nginx:
    """nginx serving `directory` on a free port (what the intranet uses), in the foreground."""

    def __init__(self, directory: pathlib.Path):
        import socket
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="dwgk-search-nginx-"))
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        conf = self.tmp / "nginx.conf"
        conf.write_text(
            f"daemon off; worker_processes 1; pid {self.tmp}/nginx.pid; error_log {self.tmp}/error.log;\n"
            "events { worker_connections 256; }\n"
            f"http {{ include /etc/nginx/mime.types; default_type application/octet-stream; access_log off;\n"
            f"  server {{ listen 127.0.0.1:{port}; root {directory}; index index.html; }} }}\n"
        )
        self.proc = subprocess.Popen(["nginx", "-p", str(self.tmp), "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{port}/"
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        sys.exit(f"nginx did not start: {(self.tmp / 'error.log').read_text(errors='replace')}")

    def shutdown(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


def median(xs: list[float]) -> float:
    """Median of the runs that recorded a time (NaN: the page recorded none)."""
    ok = [x for x in xs if x == x]
    return statistics.median(ok) if ok else float("nan")


def typed(base: str, q: str) -> dict:
    """The search page opened (and settled) first; then the query typed into its box
    and Enter pressed, as a reader does. Fresh profile: the index files are cold."""
    with Browser(CHROMIUM) as b:
        b.open(f"{base}search/")
        b.wait("document.readyState === 'complete' && document.getElementById('search-kind').options.length > 1")
        time.sleep(0.5)
        b.type_into("search-q", q)
        b.wait("document.getElementById('dwgk-search').getAttribute('data-ms') !== null")
        return b.eval("(function (e) { return { first: e.getAttribute('data-first-ms'), all: e.getAttribute('data-ms'), "
                      "loaded: e.getAttribute('data-loaded'), status: document.getElementById('search-status').textContent, "
                      "hits: [].map.call(document.querySelectorAll('.search-result-title a'), function (a) { return a.getAttribute('href'); }) }; })"
                      "(document.getElementById('dwgk-search'))")


def query_cost(out: pathlib.Path, repeat: int, server: str = "python", queries: list[str] = QUERIES, arrival: bool = True) -> list[dict]:
    if server == "nginx":
        srv = Nginx(out)
        base = srv.base
    else:
        srv, base = serve(out)
    rows = []
    try:
        for q in queries:
            firsts, times, arrivals, files, first, count = [], [], [], [], None, None
            for _ in range(repeat):
                r = typed(base, q)
                times.append(float(r["all"] or "nan"))
                firsts.append(float(r["first"] or "nan"))
                files = (r["loaded"] or "").split()
                first = urllib.parse.unquote(r["hits"][0]) if r["hits"] else None
                count = re.search(r"找到 ?(约 )?(\d+) 条", r["status"] or "")
                if arrival:
                    dom = chromium_dom(f"{base}search/?q={urllib.parse.quote(q)}", budget=False)
                    arrivals.append(float(attr(dom, "data-first-ms") or "nan"))
            size = sum((out / "search" / f).stat().st_size for f in files) + sum((out / f).stat().st_size for f in PAGE_FILES)
            rows.append({"query": q, "first_ms": median(firsts), "first_runs": firsts, "ms": median(times), "ms_runs": times,
                         "arrival_ms": median(arrivals), "arrival_runs": arrivals,
                         "files": len(files), "bytes": size, "hits": int(count.group(2)) if count else 0, "about": bool(count and count.group(1)),
                         "first": first})
    finally:
        srv.shutdown()
    return rows


# ---------------------------------------------------------------- peers

def load_docs(out: pathlib.Path) -> list[dict]:
    docs = []
    for f in sorted((out / "search" / "d").glob("*.js"), key=lambda p: int(p.stem)):
        text = f.read_text(encoding="utf-8")
        docs.append(json.loads(text[text.index(",") + 1:text.rindex(")")]))
    return docs


def is_cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


def pagefind_like(docs: list[dict], q: str) -> str | None:
    # Chinese split into characters, every term required, title hits first, then frequency.
    terms = [c for c in q.lower() if is_cjk(c)] + re.findall(r"[0-9a-z]+", q.lower())
    best = []
    for d in docs:
        t, x = d["t"].lower(), d.get("x", "").lower()
        if not all(term in t or term in x for term in terms):
            continue
        title = sum(term in t for term in terms)
        freq = sum((t + x).count(term) for term in terms) / math.sqrt(1 + len(x))
        best.append((title, freq, d["u"]))
    best.sort(reverse=True)
    return urllib.parse.unquote(best[0][2]) if best else None


def zola_like(docs: list[dict], q: str) -> str | None:
    # elasticlunr: split on whitespace/hyphens/punctuation; a Chinese clause is one token.
    split = lambda s: [w for w in re.split(r"[\s\-，。、；：“”《》（）()!！?？,.;:]+", s.lower()) if w]
    terms = split(q)
    best = []
    for d in docs:
        tt, xt = split(d["t"]), split(d.get("x", ""))
        if not all(term in tt or term in xt for term in terms):
            continue
        best.append((sum(term in tt for term in terms), sum(xt.count(term) for term in terms), d["u"]))
    best.sort(reverse=True)
    return urllib.parse.unquote(best[0][2]) if best else None


def peers(binary: pathlib.Path) -> None:
    work = pathlib.Path(tempfile.mkdtemp(prefix="dwgk-peers-"))
    shutil.copytree(REPO / "content", work / "content")
    (work / "config.toml").write_text((REPO / "config.toml").read_text(encoding="utf-8").replace("relative_urls = false", "relative_urls = true"), encoding="utf-8")
    out = work / "out"
    subprocess.run([str(binary), "build", "--root", str(work), "--audience", "internal", "--output", str(out)], check=True, capture_output=True)
    docs = load_docs(out)
    score = {"dwgk": 0, "pagefind-like": 0, "zola-like": 0}
    print("| query | expected first | dwgk | Pagefind-style | Zola-style |\n|---|---|---|---|---|")
    for q, want in RELEVANCE:
        dom = chromium_dom(f"file://{out}/search/index.html?q={urllib.parse.quote(q)}", budget=True)
        hits = [urllib.parse.unquote(h).removeprefix("../").removesuffix("index.html") for h in results(dom)]
        got = {"dwgk": hits[0] if hits else None, "pagefind-like": pagefind_like(docs, q), "zola-like": zola_like(docs, q)}
        cells = []
        for k, v in got.items():
            ok = v in want
            score[k] += ok
            cells.append(("✅ " if ok else "❌ ") + (v or "（无结果）"))
        print(f"| {q} | {want[0]}{' …' if len(want) > 1 else ''} | " + " | ".join(cells) + " |")
    n = len(RELEVANCE)
    print(f"\nfirst result right: dwgk {score['dwgk']}/{n}, Pagefind-style {score['pagefind-like']}/{n}, Zola-style {score['zola-like']}/{n}")
    shutil.rmtree(work, ignore_errors=True)


def example_site(work: pathlib.Path) -> pathlib.Path:
    """The repository's example site, copied without themes/ (so the built-in theme,
    with its stripped search.js, is used, as on a user's site)."""
    site = work / "example"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(REPO / "content", site / "content")
    shutil.copy2(REPO / "config.toml", site / "config.toml")
    return site


def index_bytes(out: pathlib.Path) -> tuple[int, int]:
    """Files and bytes of the postings (s/, u/, b/) and meta.js."""
    parts = [dir_size(out / "search" / name) for name in ("s", "u", "b")]
    return sum(p[0] for p in parts), sum(p[1] for p in parts)


def bytes_table(binary: pathlib.Path, sizes: list[str], work: pathlib.Path) -> str:
    """One typed cold query per query and size: bytes loaded (search.js stripped,
    meta.js, shards, common tokens' files, documents) and files."""
    load_before = os.getloadavg()
    cols = []
    for size in sizes:
        if size == "example":
            site, args, label = example_site(work), ["--audience", "internal"], "example"
        else:
            site, args, label = site_dir(int(size), work), [], f"{int(size):,}"
        out = work / f"bytes-{size}-out"
        shutil.rmtree(out, ignore_errors=True)
        log(f"building {label}")
        subprocess.run(["nice", "-n", "10", str(binary), "build", "--root", str(site), "--output", str(out), *args], check=True, capture_output=True)
        meta = (out / "search" / "meta.js").read_text(encoding="utf-8")
        docs = int(re.search(r'"n":(\d+)', meta).group(1))
        shards = int(re.search(r'"shards":(\d+)', meta).group(1))
        log(f"{label}: {docs} documents, {shards} shards; querying")
        rows = query_cost(out, 1, queries=BYTES_QUERIES, arrival=False)
        files, total = index_bytes(out)
        cols.append({"label": label, "docs": docs, "shards": shards, "rows": rows, "index": (files, total), "meta": len(meta.encode())})
        if size != "example" and int(size) >= 50000:
            shutil.rmtree(out, ignore_errors=True)
    load_after = os.getloadavg()
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    lines = [f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} at commit {commit}, load average (1/5/15 min) "
             f"{' / '.join(f'{x:.1f}' for x in load_before)} before, {' / '.join(f'{x:.1f}' for x in load_after)} after "
             f"(`python3 bench/search.py --bytes --sizes {','.join(sizes)} --write`; bytes do not depend on the load).", "",
             "| query | " + " | ".join(f"{c['label']}: results | bytes | files" for c in cols) + " |",
             "|---|" + "---:|---:|---:|" * len(cols)]
    for i, q in enumerate(BYTES_QUERIES):
        cells = []
        for c in cols:
            r = c["rows"][i]
            cells.append(f"{'≈ ' if r['about'] else ''}{r['hits']:,} | {r['bytes'] / 1024:.0f} KB | {r['files']}")
        lines.append(f"| {q} | " + " | ".join(cells) + " |")
    worst = ", ".join(f"{c['label']} {max(r['bytes'] for r in c['rows']) / 1024:.0f} KB" for c in cols)
    lines += ["", f"Most bytes of one query: {worst}.", "",
              "| site | documents | shards | postings files (s/, u/, b/) | their bytes | meta.js |", "|---|---:|---:|---:|---:|---:|"]
    for c in cols:
        lines.append(f"| {c['label']} | {c['docs']:,} | {c['shards']:,} | {c['index'][0]:,} | {c['index'][1] / 1e6:.2f} MB | {c['meta'] / 1024:.1f} KB |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3, help="Chromium loads per query")
    ap.add_argument("--work", default="/tmp/dwgk-search-bench")
    ap.add_argument("--dwgk-bin", default=str(BIN))
    ap.add_argument("--peers", action="store_true")
    ap.add_argument("--bytes", action="store_true", help="bytes per cold query at --sizes (docs/search.md)")
    ap.add_argument("--sizes", default="example,56,1000,10000")
    ap.add_argument("--write", action="store_true", help="with --bytes: write the table into docs/search.md")
    a = ap.parse_args()
    binary = pathlib.Path(a.dwgk_bin)
    if not binary.exists():
        sys.exit(f"{binary} missing: cargo build --release")
    if not CHROMIUM:
        sys.exit("chromium missing: apt-get install chromium")
    if a.peers:
        peers(binary)
        return
    if a.bytes:
        work = pathlib.Path(a.work)
        work.mkdir(parents=True, exist_ok=True)
        shutil.copy2(binary, work / "dwgk.bin")
        body = bytes_table(work / "dwgk.bin", a.sizes.split(","), work)
        print(body)
        if a.write:
            replace_block("search-bytes", body, "## Size and speed", REPO / "docs" / "search.md")
        return
    # Copy the binary so a concurrent cargo build cannot replace it mid-run.
    work = pathlib.Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy2(binary, work / "dwgk.bin")
    site = site_dir(a.pages, work)
    load_before = os.getloadavg()
    r = build_share(work / "dwgk.bin", site, a.runs)
    # The same builds into memory (tmpfs): CPU only, no disk shared with other processes.
    shm = pathlib.Path("/dev/shm")
    mem = build_share(work / "dwgk.bin", site, a.runs, shm / "dwgk-search-bench-out") if shm.is_dir() else None
    if mem:
        shutil.rmtree(mem["out"], ignore_errors=True)
    rows = query_cost(r["out"], a.repeat)
    ngx = query_cost(r["out"], a.repeat, "nginx") if shutil.which("nginx") else None
    load_after = os.getloadavg()
    idx_files = r["shards"][0] + r["uni"][0] + r["big"][0] + r["docs"][0] + 2
    idx_bytes = r["shards"][1] + r["uni"][1] + r["big"][1] + r["docs"][1] + r["meta_bytes"]
    runs = lambda xs: ", ".join(f"{x:.2f}" for x in xs)
    lines = [
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average (1/5/15 min) {' / '.join(f'{x:.1f}' for x in load_before)} before, "
        f"{' / '.join(f'{x:.1f}' for x in load_after)} after ({os.cpu_count()} cores).",
        "",
        f"- build wall time (median of {a.runs}): {r['wall_s']:.2f} s (runs {runs(r['runs'])}); CPU {r['cpu_s']:.2f} s (runs {runs(r['cpu_runs'])}); "
        f"peak RSS {r['rss_mib']:.0f} MiB",
        f"- index job: wall {r['index_s']:.2f} s = {100 * r['index_s'] / r['wall_s']:.1f}% of the build (runs {runs(r['index_runs'])}); "
        f"CPU {r['index_cpu_s']:.2f} s = {100 * r['index_cpu_s'] / r['cpu_s']:.1f}% of the build's CPU (runs {runs(r['index_cpu_runs'])})",
        *([f"- the same builds into memory (`/dev/shm`): build {mem['wall_s']:.2f} s wall, {mem['cpu_s']:.2f} s CPU; index {mem['index_s']:.2f} s wall "
            f"= {100 * mem['index_s'] / mem['wall_s']:.1f}%, {mem['index_cpu_s']:.2f} s CPU = {100 * mem['index_cpu_s'] / mem['cpu_s']:.1f}% of the build's CPU "
            f"(runs {runs(mem['index_cpu_runs'])})"] if mem else []),
        f"- index stats: {r['stats']}",
        f"- content: {r['content_files']} files, {r['content_bytes'] / 1e6:.1f} MB of Markdown",
        f"- index: {idx_files} files, {idx_bytes / 1e6:.1f} MB = {100 * idx_bytes / r['content_bytes']:.0f}% of the content "
        f"(postings {r['shards'][0]} shards {r['shards'][1] / 1e6:.1f} MB; single characters {r['uni'][0]} shards {r['uni'][1] / 1e6:.1f} MB; common tokens' own files {r['big'][0]} {r['big'][1] / 1e6:.1f} MB; documents {r['docs'][0]} files {r['docs'][1] / 1e6:.1f} MB; "
        f"meta.js + f.js {r['meta_bytes'] / 1e3:.0f} KB)",
        "",
    ]
    fmt = lambda xs: ", ".join(f"{t:.0f}" for t in xs)
    for name, rows_of in (("Python's threading server", rows), ("nginx (as on the intranet; no gzip)", ngx)):
        if not rows_of:
            continue
        lines += [f"Served by {name}:", "",
                  "| query | results | typed: first result ms (median) | runs | typed: all 10 shown ms (median) | runs "
                  "| opened with ?q=: first result ms (median) | runs | index files loaded | bytes (with search.js, meta.js) | first result |",
                  "|---|---:|---:|---|---:|---|---:|---|---:|---:|---|"]
        for x in rows_of:
            lines.append(f"| {x['query']} | {x['hits']} | {x['first_ms']:.0f} | {fmt(x['first_runs'])} | {x['ms']:.0f} | {fmt(x['ms_runs'])} | "
                         f"{x['arrival_ms']:.0f} | {fmt(x['arrival_runs'])} | {x['files']} | {x['bytes'] / 1e3:.0f} KB | {x['first']} |")
        lines.append("")
    body = "\n".join(lines)
    print(f"## Search at {a.pages} pages\n\n{body}")
    if a.pages == 10000:
        replace_block("search", body, "## Search")


if __name__ == "__main__":
    main()

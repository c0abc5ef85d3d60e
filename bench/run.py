#!/usr/bin/env python3
"""Full-build benchmark: dwgk against Hugo (and Zola, if installed) on the same corpus.

The corpus comes from ../shared/bench/gen_corpus.py, which writes a Hugo and a Zola
flavour of one synthetic Chinese site.  A dwgk flavour is derived from the Zola one
(content/ copied as is, plus a dwgk config.toml and templates equivalent to the Hugo /
Zola ones).  Every generator is run --runs times per size, alternating with the others,
under `/usr/bin/time -f '%e %M ...'`; the median wall time and the maximum peak RSS are
reported.  Results replace the part of docs/benchmarks.md between the markers
<!-- bench:begin --> and <!-- bench:end -->; everything outside them is kept.

    python3 bench/run.py                 # 1k, 10k, 100k pages, 3 runs each
    python3 bench/run.py --quick         # 1k and 10k only
    python3 bench/run.py --sizes 1000 --runs 1 --generators hugo   # smoke test

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import hashlib
import json
import math
import os
import pathlib
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from benchdoc import replace_block  # noqa: E402
import default_theme  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
DEFAULT_DOC = REPO / "docs" / "benchmarks.md"
DWGK_BIN = REPO / "target" / "release" / "dwgk"
GNU_TIME = "/usr/bin/time"
TIME_FMT = "%e %M %U %S"  # wall s, max RSS KiB, user s, system s
GOAL = 0.5  # dwgk must be <= GOAL x Hugo in wall time and in peak RSS
ALL_GENERATORS = ("hugo", "dwgk", "zola")
TAGS = 40  # gen_corpus.py default tag pool, also used in the sanity checks


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def die(msg: str, code: int = 2) -> None:
    print(f"bench: error: {msg}", file=sys.stderr)
    sys.exit(code)


# --------------------------------------------------------------------------
# dwgk flavour of the corpus: config + templates equivalent to gen_corpus.py's
# Hugo layouts / Zola templates (see docs/templates.md for the context)
# --------------------------------------------------------------------------

# paginate_by = 0: no pagination, like the Hugo and Zola templates (which list every
# page of a section / term on one page).
DWGK_CONFIG = """title = "基准测试站点"
base_url = "http://127.0.0.1:1111/"
language = "zh-CN"
theme = "default"
relative_urls = false
paginate_by = 0
taxonomies = [{{ name = "tags" }}]

[extra]
# no global page count in the template context (same workaround as the Zola flavour)
page_count = {pages}
"""

DWGK_TEMPLATES = {
    "base.html": """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
</head>
<body>
<header><a href="{{ home_url | safe }}">{{ config.title }}</a></header>
<main>
{% block content %}{% endblock content %}
</main>
<footer>共 {{ config.extra.page_count }} 篇</footer>
</body>
</html>
""",
    "index.html": """{% extends "base.html" %}
{% block content %}
<h1>{{ config.title }}</h1>
<ul class="units">
{% for s in section.subsections %}<li><a href="{{ s.url | safe }}">{{ s.title }}</a></li>
{% endfor %}</ul>
{% endblock content %}
""",
    "section.html": """{% extends "base.html" %}
{% block title %}{{ section.title }} - {{ config.title }}{% endblock title %}
{% block content %}
<h1>{{ section.title }}</h1>
<ul class="pages">
{% for p in section.pages %}<li><a href="{{ p.url | safe }}">{{ p.title }}</a> <time>{{ p.date | date(format="%Y-%m-%d") }}</time> 会议{{ p.extra.meetings }}次</li>
{% endfor %}</ul>
{% endblock content %}
""",
    # prev/next like Hugo's PrevInSection (older) / NextInSection (newer): in a date-sorted
    # section dwgk's `lower` is the older and `higher` the newer neighbour.
    "page.html": """{% extends "base.html" %}
{% block title %}{{ page.title }} - {{ config.title }}{% endblock title %}
{% block content %}
<article>
<h1>{{ page.title }}</h1>
<p class="meta"><time>{{ page.date | date(format="%Y-%m-%d") }}</time> · <a href="{{ page.section.url | safe }}">{{ page.section.title }}</a></p>
<ul class="counts"><li>会议 {{ page.extra.meetings }}</li><li>培训 {{ page.extra.trainings }}</li><li>成员 {{ page.extra.members }}</li></ul>
<ul class="tags">
{% for t in page.tags %}<li><a href="{{ t.url | safe }}">{{ t.name }}</a></li>
{% endfor %}</ul>
{{ page.content | safe }}
<nav>
{% if page.lower %}<a class="prev" href="{{ page.lower.url | safe }}">{{ page.lower.title }}</a>{% endif %}
{% if page.higher %}<a class="next" href="{{ page.higher.url | safe }}">{{ page.higher.title }}</a>{% endif %}
</nav>
</article>
{% endblock content %}
""",
    "taxonomy_list.html": """{% extends "base.html" %}
{% block title %}{{ taxonomy.title }} - {{ config.title }}{% endblock title %}
{% block content %}
<h1>{{ taxonomy.title }}</h1>
<ul class="terms">
{% for term in terms %}<li><a href="{{ term.url | safe }}">{{ term.name }}</a> ({{ term.page_count }})</li>
{% endfor %}</ul>
{% endblock content %}
""",
    "taxonomy_single.html": """{% extends "base.html" %}
{% block title %}{{ term.name }} - {{ config.title }}{% endblock title %}
{% block content %}
<h1>{{ term.name }}</h1>
<ul class="pages">
{% for p in term.pages %}<li><a href="{{ p.url | safe }}">{{ p.title }}</a> <time>{{ p.date | date(format="%Y-%m-%d") }}</time></li>
{% endfor %}</ul>
{% endblock content %}
""",
    # dwgk always writes these; Hugo and Zola have no equivalent in this corpus.
    # Kept minimal and on the same base layout so the built-in theme's blocks don't matter.
    "archive.html": """{% extends "base.html" %}
{% block title %}归档 - {{ config.title }}{% endblock title %}
{% block content %}
<h1>归档</h1>
<ul class="years">
{% for y in archive.years %}<li><a href="{{ y.url | safe }}">{{ y.year }}</a> ({{ y.count }})</li>
{% endfor %}</ul>
{% endblock content %}
""",
    "archive_year.html": """{% extends "base.html" %}
{% block title %}{{ year.year }} - 归档 - {{ config.title }}{% endblock title %}
{% block content %}
<h1>{{ year.year }}</h1>
<ul class="pages">
{% for p in year.pages %}<li><a href="{{ p.url | safe }}">{{ p.title }}</a> <time>{{ p.date | date(format="%Y-%m-%d") }}</time></li>
{% endfor %}</ul>
{% endblock content %}
""",
    "404.html": """{% extends "base.html" %}
{% block title %}404 - {{ config.title }}{% endblock title %}
{% block content %}
<h1>404</h1>
<p><a href="{{ home_url | safe }}">{{ config.title }}</a></p>
{% endblock content %}
""",
}


def flavour_id() -> str:
    h = hashlib.sha256(DWGK_CONFIG.encode())
    for name in sorted(DWGK_TEMPLATES):
        h.update(name.encode() + b"\0" + DWGK_TEMPLATES[name].encode())
    return h.hexdigest()[:16]


def write_dwgk_flavour(site_dir: pathlib.Path, pages: int) -> None:
    dwgk = site_dir / "dwgk"
    zola = site_dir / "zola"
    if dwgk.exists():
        shutil.rmtree(dwgk)
    dwgk.mkdir()
    shutil.copytree(zola / "content", dwgk / "content")
    (dwgk / "static").mkdir()
    (dwgk / "config.toml").write_text(DWGK_CONFIG.format(pages=pages), encoding="utf-8")
    for rel, body in DWGK_TEMPLATES.items():
        p = dwgk / "templates" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(body, encoding="utf-8")


# --------------------------------------------------------------------------
# corpus
# --------------------------------------------------------------------------

def units_for(pages: int) -> int:
    """20 units up to 10k pages, then one unit per 500 pages (200 at 100k)."""
    u = 20 if pages <= 10_000 else pages // 500
    return max(1, min(u, pages))


def generator_id(gen: pathlib.Path, seeds: pathlib.Path) -> str:
    """Changes when gen_corpus.py or its seed files change."""
    h = hashlib.sha256(gen.read_bytes())
    for f in sorted(seeds.glob("*.txt")):
        st = f.stat()
        h.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def filled_seeds(args) -> pathlib.Path:
    """SCRATCH/seeds: the seed texts (--seeds, default gen_corpus.py's) with their template
    placeholders (`x次`, `x余篇`) filled in, as bench/search.py does: dwgk reports a
    placeholder as an error, and every generator gets the same filled corpus."""
    import search  # bench/search.py: fill_text
    src = args.seeds or args.gen_corpus.parent.parent / "seeds"
    dst = args.scratch / "seeds"
    dst.mkdir(parents=True, exist_ok=True)
    for f in sorted(src.glob("*.txt")):
        text = search.fill_text(f.read_text(encoding="utf-8"))
        out = dst / f.name
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            out.write_text(text, encoding="utf-8")
    return dst


def prepare_corpus(args, pages: int) -> dict:
    units = args.units or units_for(pages)
    site_dir = args.scratch / f"n{pages}"
    manifest_path = site_dir / "manifest.json"
    stamp_path = site_dir / "bench-stamp.json"
    want = {"pages": pages, "units": units, "seed": args.seed, "tags": TAGS, "links": "internal"}
    seeds = filled_seeds(args)
    gid = generator_id(args.gen_corpus, seeds)

    def load(p):
        try:
            return json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    manifest, stamp = load(manifest_path), load(stamp_path)
    reuse = (not args.regen
             and all(manifest.get(k) == v for k, v in want.items())
             and stamp.get("generator") == gid
             and (site_dir / "hugo" / "content").is_dir()
             and (site_dir / "zola" / "content").is_dir())
    if reuse:
        log(f"{pages} pages: reusing corpus in {site_dir}")
    else:
        log(f"{pages} pages: generating corpus ({units} units) in {site_dir}")
        t0 = time.perf_counter()
        cmd = [sys.executable, str(args.gen_corpus), "--pages", str(pages), "--units", str(units),
               "--seed", str(args.seed), "--tags", str(TAGS), "--links", "internal",
               "--seeds", str(seeds), "--out", str(site_dir), "--force"]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            die(f"gen_corpus.py failed ({p.returncode}):\n{p.stderr[-2000:]}")
        log(f"  generated in {time.perf_counter() - t0:.1f} s")
        manifest = load(manifest_path)
        stamp = {"generator": gid}
    fid = flavour_id()
    if stamp.get("dwgk_flavour") != fid or not (site_dir / "dwgk" / "content").is_dir():
        log(f"  writing dwgk flavour (templates {fid})")
        write_dwgk_flavour(site_dir, pages)
        stamp["dwgk_flavour"] = fid
    stamp["generator"] = gid
    stamp_path.write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    return {"pages": pages, "units": units, "dir": site_dir, "manifest": manifest}


# --------------------------------------------------------------------------
# tools
# --------------------------------------------------------------------------

def capture(cmd, cwd=None, timeout=30) -> str | None:
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError):
        return None
    return p.stdout.strip() if p.returncode == 0 else None


def ensure_tools(args) -> dict:
    tools = {}
    if not os.access(GNU_TIME, os.X_OK) or capture([GNU_TIME, "-f", "%e %M", "true"]) is None:
        die(f"GNU time not found at {GNU_TIME}; install it: apt-get install -y time")
    gens = args.generators
    if "hugo" in gens:
        hugo = shutil.which("hugo")
        if not hugo:
            die("hugo not on PATH; install it: apt-get install -y --no-install-recommends hugo")
        tools["hugo"] = {"bin": hugo, "version": capture([hugo, "version"]) or "?"}
    if "zola" in gens:
        zola = args.zola or os.environ.get("ZOLA") or shutil.which("zola")
        if zola and os.access(zola, os.X_OK):
            tools["zola"] = {"bin": str(zola), "version": capture([str(zola), "--version"]) or "?"}
        else:
            log("no zola binary (--zola PATH, env ZOLA, or zola on PATH): skipped")
            gens.remove("zola")
            tools["zola_skipped"] = True
    if "dwgk" in gens:
        binary = args.dwgk_bin
        if binary == DWGK_BIN and (args.build or not binary.exists()):
            why = "--build" if args.build else f"{DWGK_BIN.relative_to(REPO)} missing"
            log(f"cargo build --release ({why})")
            if not shutil.which("cargo"):
                die(f"{DWGK_BIN} does not exist and cargo is not on PATH")
            p = subprocess.run(["cargo", "build", "--release"], cwd=REPO)
            if p.returncode != 0:
                die(f"cargo build --release failed ({p.returncode}); no dwgk binary to benchmark "
                    f"(use --generators hugo to measure Hugo alone)")
        if not binary.is_file() or not os.access(binary, os.X_OK):
            die(f"dwgk binary not found (or not executable) at {binary} "
                f"(use --generators hugo to measure Hugo alone)")
        rev = capture(["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO) or "no commit"
        dirty = capture(["git", "status", "--porcelain", "--untracked-files=no", "--", "src", "Cargo.toml",
                         "Cargo.lock"], cwd=REPO)
        if rev == "no commit" or dirty:
            rev += " (working tree)"
        st = binary.stat()
        # run a private copy, so a concurrent `cargo build` cannot swap the binary mid-run
        args.scratch.mkdir(parents=True, exist_ok=True)
        snap = args.scratch / "dwgk.bin"
        shutil.copy2(binary, snap)
        tools["dwgk"] = {
            "bin": str(snap),
            "source": str(binary),
            "sha256": hashlib.sha256(snap.read_bytes()).hexdigest()[:12],
            "version": capture([str(snap), "--version"], timeout=10) or "? (no --version output)",
            "git": rev,
            "built": dt.datetime.fromtimestamp(st.st_mtime, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "rustc": capture(["rustc", "--version"]) or "?",
        }
    if not gens:
        die("nothing to run")
    return tools


def command_for(gen: str, site: dict, out: pathlib.Path, args, tools) -> tuple[list[str], pathlib.Path]:
    d = site["dir"]
    if gen == "hugo":
        return [tools["hugo"]["bin"], "--quiet", "--destination", str(out),
                *shlex.split(args.hugo_args)], d / "hugo"
    if gen == "dwgk":
        return [tools["dwgk"]["bin"], "build", "--root", str(d / "dwgk"), "--output", str(out),
                *shlex.split(args.dwgk_args)], d / "dwgk"
    if gen == "zola":
        return [tools["zola"]["bin"], "--root", str(d / "zola"), "build", "--force", "--output-dir", str(out)], d / "zola"
    raise ValueError(gen)


# --------------------------------------------------------------------------
# measurement
# --------------------------------------------------------------------------

def cpu_busy_seconds() -> float:
    """Non-idle CPU time of the whole machine so far (all CPUs), from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    # user nice system idle iowait irq softirq steal ...
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)
    return busy / os.sysconf("SC_CLK_TCK")


# Seconds to wait after files were deleted. On ext4 without a journal (this machine's
# root) every inode allocation checks whether the candidate was freed recently
# (kernel `recently_deleted`: 60 s, or 360 s while its inode-table block is dirty —
# and allocating a neighbour makes it dirty) and skips it: a build right after a mass
# deletion pays seconds of system time for it.
DELETE_SETTLE = 400

TIME_LINE = re.compile(r"^(\d+(?:\.\d+)?) (\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$")
# dwgk's stage lines (DWGK_TIMINGS=1): `timing <stage> <seconds> ...`
STAGE_LINE = re.compile(r"^timing (walk|read\+parse|assemble|markdown|pages|search-index) ([\d.]+)", re.M)
# Stages shown in the profile, in build order.
STAGES = ("walk", "read+parse", "assemble", "markdown", "pages", "search-index")


def measure(cmd, cwd, out: pathlib.Path, logdir: pathlib.Path, tag: str, timeout: float,
            fresh: bool = True) -> dict:
    # A fresh build writes into a new folder; old outputs are deleted only between sizes.
    # Deleting 100k files right before a run makes ext4 skip the just-freed inodes
    # (kernel `recently_deleted`) when the next build creates its files: seconds of
    # system time charged to whichever generator runs next, not to its own work.
    # The steady-state measures rebuild into the folder the fresh build made; what a
    # generator deletes there itself is its own cost.
    assert not fresh or not out.exists(), out
    os.sync()  # don't let writeback of the previous output land in this measurement
    logdir.mkdir(parents=True, exist_ok=True)
    tfile = logdir / f"{tag}.time"
    ofile, efile = logdir / f"{tag}.stdout", logdir / f"{tag}.stderr"
    full = [GNU_TIME, "-o", str(tfile), "-f", TIME_FMT, *cmd]
    load = loadavg().split()[0]
    busy0 = cpu_busy_seconds()
    t0 = time.perf_counter()
    with open(ofile, "wb") as o, open(efile, "wb") as e:
        # own process group, so a timeout also ends the generator under /usr/bin/time
        p = subprocess.Popen(full, cwd=cwd, stdout=o, stderr=e, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            rc = "timeout"
        except KeyboardInterrupt:
            os.killpg(p.pid, signal.SIGKILL)
            raise
    elapsed = time.perf_counter() - t0
    busy = cpu_busy_seconds() - busy0
    res = {"rc": rc, "wall_py": round(elapsed, 3), "load": load}
    lines = tfile.read_text(errors="replace").strip().splitlines() if tfile.exists() else []
    m = TIME_LINE.match(lines[-1].strip()) if lines else None
    if m:
        res.update(wall=float(m[1]), rss_kib=int(m[2]), user=float(m[3]), sys=float(m[4]))
        # CPU time used by everything else on the machine meanwhile: a noise indicator
        res["other_cpu"] = round(max(0.0, busy - res["user"] - res["sys"]), 2)
    else:
        res["rc"] = rc if rc != 0 else "no /usr/bin/time output"
    if res["rc"] != 0:
        err = efile.read_bytes()[-3000:].decode("utf-8", "replace")
        res["stderr_tail"] = err
    else:
        stages = STAGE_LINE.findall(efile.read_text(errors="replace"))
        if stages:
            res["stages"] = {k: float(v) for k, v in stages}
    return res


def inspect_output(out: pathlib.Path, site: dict) -> dict:
    """Counts of what a build wrote: page files, sections, term pages, files, bytes."""
    info = {"exists": out.is_dir(), "files": 0, "bytes": 0, "page_files": 0,
            "section_files": 0, "term_files": 0, "top": []}
    if not out.is_dir():
        return info
    info["top"] = sorted(p.name + ("/" if p.is_dir() else "") for p in out.iterdir())
    info["search_files"] = 0
    for root, dirs, files in os.walk(out):
        info["files"] += len(files)
        if pathlib.Path(root).relative_to(out).parts[:1] == ("search",):
            info["search_files"] += len(files)
        for f in files:
            try:
                info["bytes"] += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
        if "index.html" in files:
            rel = pathlib.Path(root).relative_to(out).parts
            if len(rel) == 2 and rel[0].startswith("unit-") and rel[1].startswith("page-"):
                info["page_files"] += 1
            elif len(rel) == 1 and rel[0].startswith("unit-"):
                info["section_files"] += 1
            elif len(rel) == 2 and rel[0] == "tags":
                info["term_files"] += 1
    if info["page_files"] == 0:
        # another URL scheme: count any HTML file holding a page's <article>
        n = 0
        for root, _dirs, files in os.walk(out):
            for f in files:
                if f.endswith(".html"):
                    with open(os.path.join(root, f), "rb") as fh:
                        if b"<article>" in fh.read():
                            n += 1
        info["page_files_by_article"] = n
    return info


FIELDS = {
    "title": re.compile(r"<h1>(.*?)</h1>", re.S),
    "date": re.compile(r'<p class="meta"><time>(.*?)</time>', re.S),
    "counts": re.compile(r'<ul class="counts">(.*?)</ul>', re.S),
    "tags": re.compile(r'<ul class="tags">(.*?)</ul>', re.S),
    "nav": re.compile(r"<nav>(.*?)</nav>", re.S),
    "link": re.compile(r'相关内容参见<a href="([^"]*)"'),  # the body's internal link
}
HOST = re.compile(r'href="https?://[^/"]+')


def page_fields(path: pathlib.Path) -> dict | None:
    try:
        html = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    f = {}
    for k, rx in FIELDS.items():
        m = rx.search(html)
        f[k] = m[1].strip() if m else None
    f["tags"] = len(re.findall(r"<li>", f["tags"])) if f["tags"] is not None else None
    if f["nav"] is not None:  # prev/next links, compared as root-relative paths
        f["nav"] = " ".join(HOST.sub('href="', f["nav"]).split())
    if f["link"] is not None:
        f["link"] = re.sub(r"^https?://[^/]+", "", f["link"])
    f["tables"] = html.count("<table")
    f["unresolved_links"] = html.count('href="@/') + html.count("{{< ref")
    return f


def equivalence(outs: dict, site: dict) -> list[str]:
    """Compare a few sample pages across generators; returns human-readable problems."""
    n, u = site["pages"], site["units"]
    problems = []
    for num in sorted({1, (n + 1) // 2, n}):
        unit = (num - 1) * u // n + 1
        rel = pathlib.Path(f"unit-{unit:03d}") / f"page-{num:05d}" / "index.html"
        got = {g: page_fields(out / rel) for g, out in outs.items()}
        for g, f in got.items():
            if f is None:
                problems.append(f"{g}: {rel} missing")
            elif f["unresolved_links"]:
                problems.append(f"{g}: {rel} has unresolved internal links")
        ref = got.get("hugo")
        if not ref:
            continue
        for g, f in got.items():
            if g == "hugo" or f is None:
                continue
            diff = [k for k in ("title", "date", "counts", "tags", "nav", "link", "tables") if f[k] != ref[k]]
            if "nav" in diff and nav_in_date_order(f["nav"], rel, site["dir"]) \
                    and nav_in_date_order(ref["nav"], rel, site["dir"]):
                diff.remove("nav")
                problems.append(f"{g}: {rel}: prev/next differ from hugo's only in the order of "
                                f"pages with equal dates (cosmetic)")
            if diff:
                problems.append(f"{g}: {rel} differs from hugo in " + ", ".join(
                    f"{k} ({short(f[k])} vs {short(ref[k])})" for k in diff))
    return problems


NAV_LINK = re.compile(r'class="(prev|next)" href="/?([^"#?]*?)/?"')


def nav_in_date_order(nav: str | None, rel: pathlib.Path, site_dir: pathlib.Path) -> bool:
    """True if prev (older) <= this page <= next (newer) by source date; two navs that
    both pass differ only in how pages with equal dates are ordered."""
    links = dict(NAV_LINK.findall(nav or ""))
    own = source_date(site_dir, "/".join(rel.parts[:2]))
    if own is None:
        return False
    for cls, path in links.items():
        d = source_date(site_dir, path)
        if d is None or (cls == "prev" and d > own) or (cls == "next" and d < own):
            return False
    return True


def source_date(site_dir: pathlib.Path, url_path: str) -> str | None:
    try:
        text = (site_dir / "zola" / "content" / f"{url_path}.md").read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(r"^date = (\S+)", text, re.M)
    return m[1] if m else None


def short(v, limit=120) -> str:
    r = repr(v)
    return r if len(r) <= limit else r[:limit] + "…"


MEASURES = ("fresh", "unchanged", "changed", "publish")
MEASURE_LABEL = {
    "fresh": "build into a new folder",
    "unchanged": "rebuild, nothing changed",
    "changed": "rebuild, one page changed",
    "publish": "`publish --once`, 5 releases kept",
}
KEEP = 5  # releases kept by the publish measure
REV = re.compile(rb"rev-\d{6}")


def changed_page(site: dict) -> pathlib.Path:
    """The page the one-change measures edit (not one of the sample pages)."""
    n, u = site["pages"], site["units"]
    num = max(2, n // 3)
    unit = (num - 1) * u // n + 1
    return pathlib.Path("content") / f"unit-{unit:03d}" / f"page-{num:05d}.md"


def set_rev(site: dict, gen: str, k: int) -> None:
    """Rewrites the page's `rev-NNNNNN` token (same length): one page changed."""
    path = site["dir"] / ("zola" if gen == "zola" else gen) / changed_page(site)
    text = path.read_bytes()
    new, count = REV.subn(f"rev-{k:06d}".encode(), text, count=1)
    if count != 1:
        die(f"{path}: no rev-NNNNNN token to change")
    path.write_bytes(new)


def publish_cmd(site: dict, dest: pathlib.Path, tools: dict) -> list[str]:
    return [tools["dwgk"]["bin"], "publish", "--once", "--source", str(site["dir"] / "dwgk"),
            "--dest", str(dest), "--keep", str(KEEP)]


def rounds_for(args, pages: int) -> tuple[int, int]:
    """(warm-up rounds, measured rounds) for a size: --large-runs above 10k pages."""
    if args.large_runs and pages > 10_000:
        return 0, args.large_runs
    return args.warmup, args.runs


def run_size(args, site: dict, tools: dict) -> dict:
    n = site["pages"]
    gens = list(args.generators)
    outdir = (args.out_root / f"n{n}") if args.out_root else site["dir"] / "out"
    if outdir.exists():
        shutil.rmtree(outdir)
        os.sync()
        time.sleep(DELETE_SETTLE)  # let ext4 forget the freed inodes (see measure())
    outdir.mkdir(parents=True)
    logdir = site["dir"] / "logs"
    runs = {g: {m: [] for m in MEASURES} for g in gens}
    last_out = {}
    failed = {}
    rev = {g: 0 for g in gens}

    def change(g):
        rev[g] += 1
        set_rev(site, g, rev[g])

    def step(g, m, cmd, cwd, out, tag, keep):
        if g in failed:
            return
        res = measure(cmd, cwd, out, logdir, tag, args.timeout, fresh=(m == "fresh"))
        if res["rc"] != 0:
            failed[g] = res
            log(f"{n} pages {g} {tag}: FAILED ({res['rc']}); see {logdir}/{tag}.stderr")
            tail = res.get("stderr_tail", "").strip()
            if tail:
                log("  " + tail[-800:].replace("\n", "\n  "))
            return
        log(f"{n} pages {g} {tag}: {res['wall']:.2f} s, {res['rss_kib'] / 1024:.0f} MiB, load {res['load']}")
        if keep:
            runs[g][m].append(res)

    dest = outdir / "dwgk-dest"
    load_before = loadavg()
    wanted = args.large_measures if (args.large_measures and n > 10_000) else args.measures
    steady = any(m in wanted for m in ("unchanged", "changed", "publish"))
    if "dwgk" in gens and "publish" in wanted:
        # DEST in the steady state: KEEP releases and the spare (a pruned release)
        log(f"{n} pages: {KEEP + 1} releases into {dest} (not measured)")
        for i in range(KEEP + 1):
            change("dwgk")
            step("dwgk", "publish", publish_cmd(site, dest, tools), site["dir"] / "dwgk", dest,
                 f"dwgk-setup-publish-{i}", False)
    warmup, nruns = rounds_for(args, n)
    # Zola's rebuilds delete its output folder (`build --force`), and ext4 makes whoever
    # creates files next skip the freed inodes (see measure()): Zola's own later builds
    # pay for that, which is its cost, but another generator must not. So Zola's rounds
    # run first, then a pause, then the others' rounds, alternating among themselves.
    deleting = [g for g in gens if g == "zola" and steady]
    groups = [deleting, [g for g in gens if g not in deleting]]
    for k, group in enumerate(groups):
        if k > 0 and groups[0] and group:
            log(f"{n} pages: {DELETE_SETTLE} s pause after Zola's deletions")
            os.sync()
            time.sleep(DELETE_SETTLE)
        for r in range(warmup + nruns):
            order = group if r % 2 == 0 else group[::-1]  # alternate who goes first
            warm = r < warmup
            label = "warm-up" if warm else f"run{r - warmup + 1}"
            for g in order:
                out = outdir / f"{g}-{r}"
                last_out[g] = out
                cmd, cwd = command_for(g, site, out, args, tools)
                step(g, "fresh", cmd, cwd, out, f"{g}-{label}-fresh", not warm and "fresh" in wanted)
                if not steady:
                    continue
                # one more build first: a tool's steady state starts at its third build
                # into a folder (dwgk's spare is the output the second one replaced)
                step(g, "unchanged", cmd, cwd, out, f"{g}-{label}-settle", False)
                step(g, "unchanged", cmd, cwd, out, f"{g}-{label}-unchanged", not warm and "unchanged" in wanted)
                change(g)
                step(g, "changed", cmd, cwd, out, f"{g}-{label}-changed", not warm and "changed" in wanted)
                if g == "dwgk" and "publish" in wanted:
                    change(g)
                    step(g, "publish", publish_cmd(site, dest, tools), cwd, dest, f"{g}-{label}-publish", not warm)
    for g in gens:
        set_rev(site, g, 0)
    result = {"pages": n, "units": site["units"], "generators": {}, "problems": [],
              "load_before": load_before, "load_after": loadavg(), "outdir": str(outdir)}
    outs, soft = {}, []
    for g in gens:
        out = last_out.get(g, outdir / g)
        entry = {"cmd": " ".join(shlex.quote(c) for c in command_for(g, site, out, args, tools)[0]),
                 "measures": {}}
        if g == "dwgk":
            entry["publish_cmd"] = " ".join(shlex.quote(c) for c in publish_cmd(site, dest, tools))
        if g in failed:
            entry["failed"] = failed[g]
            result["problems"].append(f"{g}: build failed (exit {failed[g]['rc']})")
        for m, rs in runs[g].items():
            if not rs:
                continue
            walls = [x["wall"] for x in rs]
            entry["measures"][m] = {
                "wall": statistics.median(walls),
                "walls": walls,
                "rss_mib": max(x["rss_kib"] for x in rs) / 1024,
                "cpu": statistics.median(x["user"] + x["sys"] for x in rs),
                "other_cpu": max(x.get("other_cpu", 0.0) for x in rs),
                "loads": [x["load"] for x in rs],
                "runs": rs,
            }
            staged = [x["stages"] for x in rs if "stages" in x]
            if staged:
                entry["measures"][m]["stages"] = {
                    k: statistics.median(st.get(k, 0.0) for st in staged) for k in STAGES}
        if g not in failed:
            info = inspect_output(out, site)
            entry["output"] = info
            pf = info["page_files"]
            if pf < 0.99 * n or pf > n:
                extra = (f", {info['page_files_by_article']} HTML files with <article>"
                         if "page_files_by_article" in info else "")
                msg = (f"{g}: {pf} page files (unit-*/page-*/index.html) for {n} pages{extra}"
                       if info["exists"] else f"{g}: exit 0 but no output directory {out}")
                result["problems"].append(msg)
                entry["failed"] = {"rc": 0, "reason": msg}
                log("CHECK FAILED: " + msg)
            else:
                outs[g] = out
            if info["exists"] and info["section_files"] != site["units"]:
                soft.append(f"{g}: {info['section_files']} unit-*/index.html section pages for "
                            f"{site['units']} units")
            if info["exists"] and not 0 < info["term_files"] <= TAGS:
                soft.append(f"{g}: {info['term_files']} tags/*/index.html term pages (tag pool {TAGS})")
        result["generators"][g] = entry
    result["warnings"] = soft + (equivalence(outs, site) if outs else [])
    for w in result["warnings"]:
        log("warning: " + w)
    if args.clean:
        shutil.rmtree(outdir, ignore_errors=True)
    return result


# --------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------

def loadavg() -> str:
    try:
        return " ".join(pathlib.Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def machine_info() -> dict:
    info = {"nproc": os.cpu_count()}
    try:
        cpu = pathlib.Path("/proc/cpuinfo").read_text()
        m = re.search(r"^model name\s*:\s*(.+)$", cpu, re.M)
        info["cpu"] = m[1].strip() if m else "?"
    except OSError:
        info["cpu"] = "?"
    try:
        mem = pathlib.Path("/proc/meminfo").read_text()
        m = re.search(r"^MemTotal:\s*(\d+) kB", mem, re.M)
        info["mem_gib"] = int(m[1]) / 1024 / 1024 if m else None
    except OSError:
        info["mem_gib"] = None
    try:
        osr = pathlib.Path("/etc/os-release").read_text()
        m = re.search(r'^PRETTY_NAME="?([^"\n]+)"?', osr, re.M)
        info["os"] = m[1] if m else "?"
    except OSError:
        info["os"] = "?"
    info["kernel"] = os.uname().release
    info["python"] = sys.version.split()[0]
    return info


def fmt_n(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def ratio_cell(x: float | None, ref: float | None) -> str:
    if x is None or not ref:
        return "—"
    r = x / ref
    return f"{r:.2f}× {'✅' if r <= GOAL else '❌'}"


def exponent(a: float, b: float, na: int, nb: int) -> float | None:
    if a <= 0 or b <= 0 or na == nb:
        return None
    return math.log(b / a) / math.log(nb / na)


def verdict(e: float | None) -> str:
    if e is None:
        return "n/a"
    if e <= 1.15:
        return "linear" if e >= 0.85 else "below linear: start-up cost, or noise at the smaller size"
    return "slightly super-linear" if e <= 1.3 else "super-linear"


def peer_figure(res: dict, peer: str, measure: str) -> dict | None:
    """A peer's figure to compare a dwgk measure with: its rebuild after one change
    stands for `publish`, which it does not have."""
    ms = (res["generators"].get(peer) or {}).get("measures") or {}
    return ms.get("changed" if measure == "publish" else measure)


def output_fs(args, sizes_results) -> str:
    """Where the outputs were written, and on which file system."""
    where = pathlib.Path(sizes_results[0]["outdir"]) if sizes_results else args.scratch
    fstype = "?"
    try:
        best = ""
        for line in pathlib.Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            if len(parts) > 2 and str(where).startswith(parts[1]) and len(parts[1]) > len(best):
                best, fstype = parts[1], parts[2]
    except OSError:
        pass
    return f"`{where.parent}` ({fstype})"


def render(args, tools, machine, sizes_results, started: dt.datetime) -> str:
    L = []
    a = L.append
    a(f"_Generated by `bench/run.py` on {started:%Y-%m-%d %H:%M} UTC "
      f"(`{' '.join(shlex.quote(x) for x in sys.argv[1:]) or 'no options'}`); "
      f"the text between the bench markers is replaced on every run._")
    a("")
    a("### Machine and versions")
    a("")
    a("| | |")
    a("|---|---|")
    a(f"| CPU | {machine['cpu']} × {machine['nproc']} (nproc) |")
    if machine.get("mem_gib"):
        a(f"| memory | {machine['mem_gib']:.1f} GiB |")
    a(f"| OS | {machine['os']}, kernel {machine['kernel']} |")
    if "hugo" in tools:
        a(f"| hugo | `{tools['hugo']['version']}` |")
    if "dwgk" in tools:
        d = tools["dwgk"]
        a(f"| dwgk | git {d['git']}, `{d['version']}`, binary built {d['built']} "
          f"(sha256 {d['sha256']}…), {d['rustc']} |")
    if "zola" in tools:
        a(f"| zola | `{tools['zola']['version']}` |")
    elif tools.get("zola_skipped"):
        a("| zola | no binary given (`--zola`, `ZOLA`, `PATH`) — skipped |")
    fs = output_fs(args, sizes_results)
    a(f"| outputs | {fs} |")
    a(f"| method | `/usr/bin/time -f '{TIME_FMT}'`; per size, generators alternating (order reversed "
      f"every round), {args.warmup} warm-up + {args.runs} measured round(s)"
      f"{f' ({args.large_runs} measured, no warm-up, above 10k pages)' if args.large_runs else ''}"
      f"{f'; above 10k pages only: ' + ', '.join(args.large_measures) if args.large_measures else ''}; a round per generator: "
      f"build into a new folder (*fresh*), build into it again (not measured: the third build into a "
      f"folder is the steady state), again with nothing changed (*unchanged*), again after one page's "
      f"`rev-NNNNNN` token changed (*changed*); dwgk then `publish --once --keep {KEEP}` into a DEST "
      f"that already holds {KEEP} releases and the spare (made by {KEEP + 1} unmeasured publishes, each "
      f"after a one-page change; every measured publish follows a one-page change too). `sync` before "
      f"every run; old outputs deleted only before a size's runs, then a {DELETE_SETTLE} s pause; Zola's "
      f"rounds first, then the same pause, then the other generators' rounds (Zola's rebuilds delete its "
      f"output, and ext4 skips recently freed inodes when allocating: the pause keeps that cost off the "
      f"next generator). Median wall time, maximum peak RSS, median CPU. "
      f"*other CPU s*: non-idle CPU time of the whole machine during a run (/proc/stat) minus the "
      f"generator's own user+sys — other processes, plus kernel writeback |")
    a("")
    a("### Corpus")
    a("")
    a(f"`gen_corpus.py --pages N --units U --seed {args.seed} --tags {TAGS} --links internal` "
      "(Hugo: `ref` shortcodes, Zola/dwgk: `@/` links; TOML front matter with "
      "`[taxonomies] tags` and `[extra]` counts).")
    a("")
    a("| pages | units | Markdown body bytes (min / median / max) | corpus dir |")
    a("|---:|---:|---|---|")
    for res in sizes_results:
        bb = res.get("body_bytes") or {}
        a(f"| {fmt_n(res['pages'])} | {res['units']} | "
          f"{bb.get('min', '?')} / {bb.get('median', '?')} / {bb.get('max', '?')} | `{res['dir']}` |")
    a("")
    gens_order = [g for g in ALL_GENERATORS if any(g in r["generators"] for r in sizes_results)]
    peers = [g for g in ("hugo", "zola") if g in gens_order]
    for res in sizes_results:
        n = res["pages"]
        a(f"### {fmt_n(n)} pages")
        a("")
        a(f"Load average (1/5/15 min) before the size: {res['load_before']}, after: {res['load_after']}.")
        a("")
        a("| generator | measure | wall s (median) | runs (s) | 1-min load at each run | peak RSS MiB "
          "| CPU s (user+sys) | other CPU s | " + " | ".join(f"time vs {p.title()}" for p in peers)
          + (" | RSS vs Zola" if "zola" in peers else "") + " |")
        a("|---|---|---:|---|---|---:|---:|---:|" + "---:|" * (len(peers) + ("zola" in peers)))
        noisy = set()
        for g in gens_order:
            e = res["generators"].get(g)
            if e is None:
                continue
            if not e.get("measures"):
                reason = e.get("failed", {})
                a(f"| {g} | failed: {reason.get('reason') or 'exit ' + str(reason.get('rc'))} |"
                  + " |" * (6 + len(peers) + ("zola" in peers)))
                continue
            for m in MEASURES:
                x = e["measures"].get(m)
                if x is None:
                    continue
                cells = []
                for p in peers:
                    ref = peer_figure(res, p, m)
                    cells.append("—" if g == p else ratio_cell(x["wall"], ref and ref["wall"]))
                if "zola" in peers:
                    ref = peer_figure(res, "zola", m)
                    cells.append("—" if g == "zola" else ratio_cell(x["rss_mib"], ref and ref["rss_mib"]))
                a(f"| {g}{' ⚠️' if 'failed' in e else ''} | {MEASURE_LABEL[m]} | {x['wall']:.2f} | "
                  f"{', '.join(f'{w:.2f}' for w in x['walls'])} | {', '.join(x['loads'])} | "
                  f"{x['rss_mib']:.0f} | {x['cpu']:.2f} | {x['other_cpu']:.1f} | " + " | ".join(cells) + " |")
                for r in x["runs"]:
                    if r.get("other_cpu", 0) > max(1.0, 0.1 * r["wall"] * (os.cpu_count() or 1)):
                        noisy.add(g)
        a("")
        a("Hugo and Zola have no incremental publish: their *publish* figure is their rebuild after "
          "one page changed (the row above it).")
        a("")
        if noisy:
            a(f"⚠️ Other processes used more than 10 % of the machine's CPU (and > 1 CPU-s) during some runs of "
              f"{', '.join(sorted(noisy))} (column *other CPU s*: the maximum over the runs): the machine was "
              f"not idle and those times are inflated.")
            a("")
        if res["problems"]:
            a("Problems: " + "; ".join(res["problems"]) + ".")
            a("")
        if res["warnings"]:
            a("Warnings (output structure / sample pages first, middle, last): "
              + "; ".join(res["warnings"]) + ".")
            a("")
        elif len([g for g in res["generators"] if "failed" not in res["generators"][g]]) > 1:
            a("Sample pages (first, middle, last) agree across generators in title, date, counts, "
              "number of tags, prev/next links, body link target and tables; no unresolved internal links.")
            a("")
        out = (res["generators"].get("dwgk") or {}).get("output") or {}
        if out.get("exists"):
            a(f"dwgk wrote {fmt_n(out['files'])} files ({out['bytes'] / 2**20:.0f} MiB), "
              f"{fmt_n(out.get('search_files', 0))} of them the search index.")
            a("")
        profile = [(m, x["stages"]) for m, x in (res["generators"].get("dwgk") or {}).get("measures", {}).items()
                   if "stages" in x]
        if profile:
            a("Where dwgk's time went (`DWGK_TIMINGS=1`, median over the runs, wall seconds per stage; "
              "*pages* renders and writes every page and list, *search-index* builds and writes the index):")
            a("")
            a("| measure | " + " | ".join(STAGES) + " |")
            a("|---|" + "---:|" * len(STAGES))
            for m, st in profile:
                a(f"| {MEASURE_LABEL.get(m, m)} | " + " | ".join(f"{st[k]:.2f}" for k in STAGES) + " |")
            a("")
    # goal summary
    if "dwgk" in gens_order and peers:
        a(f"### Goal: every measure ≤ {GOAL}× each peer's time, peak RSS ≤ {GOAL}× Zola's")
        a("")
        a("| pages | measure | " + " | ".join(f"time / {p.title()}" for p in peers)
          + (" | RSS / Zola" if "zola" in peers else "") + " | met |")
        a("|---:|---|" + "---:|" * (len(peers) + ("zola" in peers)) + "---|")
        for res in sizes_results:
            d = res["generators"].get("dwgk", {})
            for m in MEASURES:
                x = (d.get("measures") or {}).get(m)
                if x is None:
                    continue
                ratios = []
                for p in peers:
                    ref = peer_figure(res, p, m)
                    ratios.append(x["wall"] / ref["wall"] if ref else None)
                if "zola" in peers:
                    ref = peer_figure(res, "zola", m)
                    ratios.append(x["rss_mib"] / ref["rss_mib"] if ref else None)
                met = all(r is not None and r <= GOAL for r in ratios)
                a(f"| {fmt_n(res['pages'])} | {MEASURE_LABEL[m]} | "
                  + " | ".join("—" if r is None else f"{r:.2f}" for r in ratios) + f" | {'yes' if met else 'no'} |")
        a("")
    # growth
    a("### Growth with the number of pages (build into a new folder)")
    a("")
    a("Exponent *k* between consecutive sizes: time ∝ pages^k (1 = linear; below 1 = fixed "
      "start-up cost still dominates).")
    a("")
    a("| generator | pages | wall s | s per 1k pages | k (time) | peak RSS MiB | MiB per 1k pages | k (RSS) |")
    a("|---|---:|---:|---:|---:|---:|---:|---:|")
    statements = []
    for g in gens_order:
        pts = [(r["pages"], r["generators"][g]["measures"]["fresh"]) for r in sizes_results
               if "fresh" in (r["generators"].get(g) or {}).get("measures", {})]
        prev = None
        kts, krs = [], []
        for n, e in pts:
            kt = kr = None
            if prev:
                kt = exponent(prev[1]["wall"], e["wall"], prev[0], n)
                kr = exponent(prev[1]["rss_mib"], e["rss_mib"], prev[0], n)
                kts.append(kt)
                krs.append(kr)
            a(f"| {g} | {fmt_n(n)} | {e['wall']:.2f} | {e['wall'] / n * 1000:.3f} | "
              f"{'—' if kt is None else f'{kt:.2f}'} | {e['rss_mib']:.0f} | "
              f"{e['rss_mib'] / n * 1000:.1f} | {'—' if kr is None else f'{kr:.2f}'} |")
            prev = (n, e)
        if kts and kts[-1] is not None and krs[-1] is not None:
            lo, hi = pts[-2][0], pts[-1][0]
            statements.append(
                f"- **{g}**: from {fmt_n(lo)} to {fmt_n(hi)} pages time grows with k = {kts[-1]:.2f} "
                f"({verdict(kts[-1])}), peak RSS with k = {krs[-1]:.2f} ({verdict(krs[-1])}).")
    a("")
    L.extend(statements)
    a("")
    # output differences
    a("### What each generator wrote (largest size, top level of the output)")
    a("")
    last = sizes_results[-1] if sizes_results else None
    if last:
        for g in gens_order:
            out = (last["generators"].get(g) or {}).get("output") or {}
            if out.get("exists"):
                top = out["top"]
                units = [t for t in top if t.startswith("unit-")]
                rest = [t for t in top if not t.startswith("unit-")]
                a(f"- {g}: {', '.join(f'`{t}`' for t in rest)}"
                  f"{', ' if rest and units else ''}{len(units)} × `unit-*/`; "
                  f"{fmt_n(out['section_files'])} section pages, {fmt_n(out['term_files'])} tag pages")
    a("")
    L.extend(default_theme.render([r["default_theme"] for r in sizes_results if "default_theme" in r], GOAL))
    return "\n".join(L)


DOC_HEADER = """# 性能基准 / Benchmarks

Full-build benchmark of dwgk against Hugo on the same synthetic Chinese corpus
(`../shared/bench/gen_corpus.py`), produced by [`bench/run.py`](../bench/run.py); see
[`bench/README.md`](../bench/README.md) for how to run it.

**Goal:** at 1k, 10k and 100k pages, in the same run as Hugo on its flavour of the same
corpus, a full `dwgk build` takes ≤ 0.5× Hugo's wall time and ≤ 0.5× Hugo's peak RSS, and
time and memory grow linearly with the number of pages.

目标：在 1k / 10k / 100k 页的同一语料上（与 Hugo 同一次运行），dwgk 完整构建的耗时与峰值内存
均不超过 Hugo 的一半，且随页数线性增长。

## How the comparison is set up

- One `gen_corpus.py` call writes the Hugo and the Zola flavour of the same pages (titles,
  dates, counts, tags, bodies, internal links). The dwgk flavour is the Zola one: `content/`
  copied unchanged (`[taxonomies]`, `[extra]`, `@/` links, `sort_by` in `_index.md`), plus a
  dwgk `config.toml` and site `templates/` (defined in `bench/run.py`) that produce the same
  pages as the Hugo layouts: base layout, page (meta line, counts, tags, content, prev/next),
  unit list with date and meeting count, home listing the units, tag list and tag pages.
- Units scale with the corpus: 20 units at 1k and 10k pages, 200 at 100k (pages / 500), so a
  unit lists 50 pages at 1k and 500 at 10k and 100k. Work that grows with the square of a
  section's size shows up between 1k and 10k, not between 10k and 100k.
- No pagination anywhere (`paginate_by = 0` for dwgk; the Hugo and Zola templates do not
  paginate).
- Output differences that remain: dwgk additionally writes `atom.xml`, an archive page
  listing every dated page (`archive/`), `404.html`, `robots.txt` and its built-in theme's
  `css/`; both write `sitemap.xml`. Hugo writes no RSS (`disableKinds = ["RSS"]` in the
  corpus config) and no 404 page (no layout for it). Hugo prints absolute URLs, dwgk
  root-relative ones. The extras count against dwgk, not for it. dwgk builds with its
  default audience (`public`); the corpus pages have no `kind`, and all of them are published.
- Zola is measured when a binary is given (`--zola PATH`, env `ZOLA`, or `zola` on `PATH`); build it from its release source (no recipe is kept here).
- Wall time and peak RSS come from GNU time (`%e`, `%M`) around the whole process; each
  generator runs once as warm-up (page cache) and then `--runs` times, alternating with
  the other generators; the table shows the median time and the largest RSS. Every run writes
  into a fresh output directory after a `sync`; old outputs are deleted only before a size's
  runs, followed by a 400 s pause; Zola's rounds run first, then the same pause, then the
  other generators' rounds, alternating (Zola's rebuilds delete its output folder).
  (Deleting 100k files right before a run makes ext4 skip the just-freed inodes when the
  next build allocates its own — kernel `recently_deleted` — which showed up as several
  seconds of system time charged to whichever generator ran next: 1.7 s against 6.0 s for
  the same dwgk build at 10k; on ext4 without a journal a freed inode counts as recent for
  up to 6 minutes.) The dwgk binary is copied first so a concurrent `cargo build` cannot
  replace it.
- *other CPU s* is the CPU time the rest of the machine used during a run (from
  `/proc/stat`, minus the generator's own user+sys): other processes and kernel writeback.
  When it is large the machine was busy and the times are inflated — the report flags it.
  The numbers are only as good as the machine is quiet; compare ratios from the same run.

## Results

"""


def write_doc(path: pathlib.Path, generated: str, block: str) -> None:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(DOC_HEADER, encoding="utf-8")
    replace_block(block, generated, "## Results", path)


# --------------------------------------------------------------------------

def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated page counts")
    ap.add_argument("--quick", action="store_true", help="sizes 1000,10000")
    ap.add_argument("--runs", type=int, default=3, help="measured runs per generator and size")
    ap.add_argument("--warmup", type=int, default=1, help="unmeasured runs first (page cache)")
    ap.add_argument("--measures", default=",".join(MEASURES),
                    help="subset of fresh,unchanged,changed,publish (default: all)")
    ap.add_argument("--large-measures", default="",
                    help="measures above 10k pages (default: as --measures), e.g. fresh")
    ap.add_argument("--large-runs", type=int, default=0,
                    help="measured rounds above 10k pages, without warm-up (default: as --runs, --warmup)")
    ap.add_argument("--generators", default="hugo,dwgk,zola",
                    help="subset of hugo,dwgk,zola (zola is skipped without a binary: --zola, ZOLA, PATH)")
    ap.add_argument("--build", action="store_true", help="cargo build --release first")
    ap.add_argument("--dwgk-bin", type=pathlib.Path, default=DWGK_BIN,
                    help="dwgk binary (default target/release/dwgk, built when missing)")
    ap.add_argument("--scratch", type=pathlib.Path, default=pathlib.Path("/tmp/dwgk-bench"),
                    help="corpora and outputs (reused when the manifest matches)")
    ap.add_argument("--gen-corpus", type=pathlib.Path, default=DEFAULT_GEN)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--seeds", type=pathlib.Path,
                    help="seed text folder for gen_corpus.py (default: its own seeds/); the bench "
                         "uses a copy with template placeholders (x次) filled in (filled_seeds)")
    ap.add_argument("--units", type=int, default=0, help="override the units per corpus "
                    "(default 20 up to 10k pages, pages/500 above)")
    ap.add_argument("--regen", action="store_true", help="regenerate corpora even if they match")
    ap.add_argument("--dwgk-args", default="", help="extra arguments for `dwgk build`")
    ap.add_argument("--zola", type=pathlib.Path, help="zola binary (default: env ZOLA, then zola on PATH)")
    ap.add_argument("--out-root", type=pathlib.Path,
                    help="write outputs (and the publish DEST) under this folder instead of SCRATCH/n<pages>/out, "
                         "e.g. /dev/shm/dwgk-bench for a second, in-memory measure")
    ap.add_argument("--block", default="bench",
                    help="marker name in the doc: <!-- NAME:begin --> (default bench; e.g. bench-tmpfs)")
    ap.add_argument("--hugo-args", default="", help="extra arguments for hugo")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per build")
    ap.add_argument("--doc", type=pathlib.Path, default=DEFAULT_DOC)
    ap.add_argument("--no-doc", action="store_true", help="do not touch docs/benchmarks.md")
    ap.add_argument("--doc-on-failure", action="store_true",
                    help="write the doc even if a build or check failed")
    ap.add_argument("--json", type=pathlib.Path, help="raw results (default: SCRATCH/results-*.json)")
    ap.add_argument("--default-theme", action="store_true",
                    help="also build each size with dwgk's built-in theme (no templates/) beside hugo (bench/default_theme.py)")
    ap.add_argument("--clean", action="store_true", help="delete build outputs after checking them")
    args = ap.parse_args(argv)
    sizes = "1000,10000" if args.quick else args.sizes
    try:
        args.sizes = sorted({int(x) for x in sizes.split(",") if x.strip()})
    except ValueError:
        ap.error("--sizes: comma-separated integers")
    if not args.sizes or min(args.sizes) < 1:
        ap.error("--sizes: need positive page counts")
    gens = [g.strip() for g in args.generators.split(",") if g.strip()]
    bad = [g for g in gens if g not in ALL_GENERATORS]
    if bad:
        ap.error(f"--generators: unknown {', '.join(bad)}")
    args.generators = [g for g in ALL_GENERATORS if g in gens]
    if args.runs < 1 or args.warmup < 0:
        ap.error("--runs >= 1, --warmup >= 0")
    if not args.gen_corpus.is_file():
        ap.error(f"gen_corpus.py not found at {args.gen_corpus}")
    args.scratch = args.scratch.resolve()
    for name in ("measures", "large_measures"):
        ms = [m.strip() for m in getattr(args, name).split(",") if m.strip()]
        if any(m not in MEASURES for m in ms):
            ap.error(f"--{name.replace('_', '-')}: subset of {','.join(MEASURES)}")
        setattr(args, name, ms)
    if args.out_root:
        args.out_root = args.out_root.resolve()
    return args


def _terminate(signum, _frame):
    raise KeyboardInterrupt  # measure() then kills the running build's process group


def main(argv=None) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    args = parse_args(argv)
    started = dt.datetime.now(dt.timezone.utc)
    args.scratch.mkdir(parents=True, exist_ok=True)
    lock = open(args.scratch / ".lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        die(f"another bench/run.py is using {args.scratch} (two at once would disturb each "
            f"other's timings); wait for it or pass --scratch")
    tools = ensure_tools(args)
    # dwgk prints its stage times on stderr (the profile under each size's table);
    # reading the clock and /proc/self/status a few times costs nothing measurable.
    os.environ["DWGK_TIMINGS"] = "1"
    machine = machine_info()
    log(f"generators: {', '.join(args.generators)}; sizes: {', '.join(map(str, args.sizes))}; "
        f"{args.warmup} warm-up + {args.runs} runs")
    results = []
    for n in args.sizes:
        site = prepare_corpus(args, n)
        res = run_size(args, site, tools)
        res["dir"] = str(site["dir"])
        res["body_bytes"] = site["manifest"].get("body_bytes")
        if args.default_theme and "hugo" in tools and "dwgk" in tools:
            res["default_theme"] = default_theme.run(args, site, tools, measure, log, DWGK_CONFIG)
        results.append(res)
    raw = {"started": started.isoformat(), "argv": sys.argv[1:], "machine": machine,
           "tools": tools, "results": results}
    jpath = args.json or args.scratch / f"results-{started:%Y%m%dT%H%M%S}.json"
    jpath.write_text(json.dumps(raw, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    log(f"raw results: {jpath}")
    ok = not any(r["problems"] for r in results)
    generated = render(args, tools, machine, results, started)
    print(generated)
    if args.no_doc:
        pass
    elif ok or args.doc_on_failure:
        write_doc(args.doc, generated, args.block)
        log(f"wrote {args.doc}")
    else:
        log(f"not writing {args.doc}: a build or check failed (use --doc-on-failure to write anyway)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Word benchmark: how long dwgk takes to read a 30-page Word document and write it as a
page, and how much 1,000 Word pages add to a build (issue 21: <= 20 ms and <= 1 s).

- The 30-page document is written here as a flat ODF text (.fodt: the seed texts'
  headings, `一、（一）1.` paragraphs, tables and pictures, repeated) and saved as .docx by
  LibreOffice; its page count is LibreOffice's own (exported to PDF, read by pdfinfo).
- One document: `dwgk check` of a site holding only it, `DWGK_TIMINGS=1`, --runs times;
  the medians of the `read+parse` stage (unzip, XML, layout, front matter) and the
  `markdown` stage (HTML, links) are the conversion. With `--callgrind` also the
  instructions of that check minus those of a site with a one-paragraph document
  (valgrind, deterministic: independent of the machine's load).
- 1,000 Word pages: `dwgk build` (fresh output folder each run) of 1,000 Markdown notices,
  and of the same plus 1,000 Word notices (variants of the LibreOffice 红头 fixture),
  alternating, --runs times each; the difference of the medians is what they add.

The machine's 1-minute load average is recorded before and after each measure. Results
replace the block between <!-- word:begin --> and <!-- word:end --> in docs/benchmarks.md.

    python3 bench/word.py --build          # cargo build --release first
    python3 bench/word.py --runs 15 --callgrind

Needs soffice (libreoffice-writer-nogui), pdfinfo (poppler-utils), valgrind for --callgrind.
Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import io
import base64
import datetime as dt
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from benchdoc import replace_block  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parent.parent
DWGK = pathlib.Path(os.environ.get("DWGK_BIN", REPO / "target" / "release" / "dwgk"))
FIXTURES = REPO / "tests" / "fixtures" / "word"
WORK = pathlib.Path("/tmp/dwgk-bench-word")
sys.path.insert(0, str(FIXTURES))
import make_fixtures as mf  # noqa: E402


def log(msg: str) -> None:
    print(f"[word-bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def load() -> float:
    return os.getloadavg()[0]


def chinese(n: int) -> str:
    """1 → 一, 12 → 十二, 25 → 二十五."""
    d = "零一二三四五六七八九"
    if n < 10:
        return d[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else d[tens]) + "十" + ("" if ones == 0 else d[ones])


def seed_paragraphs() -> list[str]:
    out = []
    for name in ("000_responsibility_lists.txt", "002_implementation_reports.txt"):
        for line in mf.seed(name):
            line = line.replace("##paidbegin##", "").strip()
            if line and not line.startswith(("第一篇", "第二篇", "第三篇")) and "篇" not in line[-3:]:
                out.append(line)
    return out


def long_fodt(repeat: int) -> str:
    paras = seed_paragraphs()
    logo = base64.b64encode(mf.png(size=32)).decode()
    parts = [mf.p("中共某某县财政局机关委员会文件", "Red"), mf.p("财机党发〔2024〕30号", "Num"),
             mf.p("关于印发《2024年度党建工作责任清单及落实情况》的通知", "Title"), mf.p("局属各党支部：")]
    for r in range(repeat):
        parts.append(mf.p(f"{chinese(r + 1)}、第{r + 1}部分"))
        for k, text in enumerate(paras):
            if k % 9 == 0:
                parts.append(mf.p(f"（{chinese(k // 9 + 1)}）{text[:14]}"))
            parts.append(mf.p(mf.escape(text)))
        rows = "".join("<table:table-row>" + mf.cell(f"第{i}项") + mf.cell("每月") + mf.cell(paras[i % len(paras)][:20]) + "</table:table-row>" for i in range(10))
        parts.append(f'<table:table table:name="表{r}"><table:table-column table:number-columns-repeated="3"/>{rows}</table:table>')
        if r % 2 == 0:
            parts.append(mf.p('<draw:frame draw:style-name="fr1" draw:name="图" text:anchor-type="as-char" svg:width="3cm" svg:height="3cm">'
                              f'<draw:image><office:binary-data>{logo}</office:binary-data></draw:image><svg:desc>示意图</svg:desc></draw:frame>'))
    parts += [mf.p("中共某某县财政局机关委员会", "Right"), mf.p("二〇二四年十二月二十日", "Right")]
    return mf.fodt("".join(parts))


def soffice_convert(src: pathlib.Path, fmt: str, out_dir: pathlib.Path) -> pathlib.Path:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{profile}/p", "--convert-to", fmt, "--outdir", str(out_dir), str(src)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out_dir / (src.stem + "." + fmt.split(":")[0])


def pages_of(docx: pathlib.Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = soffice_convert(docx, "pdf", pathlib.Path(tmp))
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def make_long(target_pages: int = 30) -> tuple[pathlib.Path, int]:
    """A .docx of about `target_pages` A4 pages (cached in WORK)."""
    out = WORK / "long.docx"
    meta = WORK / "long.pages"
    if out.exists() and meta.exists():
        return out, int(meta.read_text())
    repeat = 1
    while True:
        src = WORK / "long.fodt"
        src.write_text(long_fodt(repeat), encoding="utf-8")
        docx = soffice_convert(src, "docx:MS Word 2007 XML", WORK)
        n = pages_of(docx)
        log(f"{repeat} repeats: {n} pages")
        if n >= target_pages:
            break
        repeat = max(repeat + 1, int(repeat * target_pages / max(n, 1)))
    meta.write_text(str(n))
    return docx, n


def site(root: pathlib.Path, files: dict[str, bytes]) -> pathlib.Path:
    if root.exists():
        shutil.rmtree(root)
    (root / "content").mkdir(parents=True)
    (root / "config.toml").write_text('title = "基准"\nbase_url = "http://example.org/"\n', encoding="utf-8")
    for rel, data in files.items():
        p = root / "content" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return root


def timings(stderr: str) -> dict[str, float]:
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^timing (\S+) ([0-9.]+)", stderr, re.M)}


def run(args: list[str], env: dict | None = None) -> tuple[float, str, float]:
    """Wall seconds, stderr and the CPU seconds (user + system) of one dwgk run."""
    c0 = os.times()
    t0 = time.perf_counter()
    r = subprocess.run([str(DWGK), *args], capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1", **(env or {})})
    wall = time.perf_counter() - t0
    c1 = os.times()
    if r.returncode != 0:
        sys.exit(f"dwgk {' '.join(args)} failed:\n{r.stderr}")
    return wall, r.stderr, (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system)


def instructions(args: list[str]) -> int:
    """Instructions (user space) of one single-threaded dwgk run under callgrind."""
    out = WORK / "callgrind.out"
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", str(DWGK), *args],
                   capture_output=True, env={**os.environ, "RAYON_NUM_THREADS": "1"}, check=True)
    text = out.read_text(errors="replace")
    return int(re.search(r"^summary:\s+(\d+)", text, re.M).group(1))


def one_document(runs: int, callgrind: bool) -> str:
    docx, pages = make_long()
    size = docx.stat().st_size
    with zipfile.ZipFile(docx) as z:
        xml = len(z.read("word/document.xml"))
    root = site(WORK / "one", {"notices/长文档.docx": docx.read_bytes()})
    l0 = load()
    parse, html, wall = [], [], []
    for _ in range(runs):
        w, err, _ = run(["check", "--root", str(root)], {"DWGK_TIMINGS": "1"})
        t = timings(err)
        parse.append(t["read+parse"] * 1000)
        html.append(t["markdown"] * 1000)
        wall.append(w * 1000)
    l1 = load()
    med = statistics.median
    conversion = med([a + b for a, b in zip(parse, html)])
    lines = [
        f"30-page document: {pages} A4 pages as LibreOffice lays it out, {size // 1024} KB .docx, document.xml {xml // 1024} KB; "
        f"`dwgk check`, {runs} runs, load average {l0:.1f} → {l1:.1f} (2 cores).",
        "",
        "| measure | median | min | max |",
        "|---|---:|---:|---:|",
        f"| read+parse (unzip, XML, layout, front matter) | {med(parse):.1f} ms | {min(parse):.1f} | {max(parse):.1f} |",
        f"| markdown stage (the page's HTML, links) | {med(html):.1f} ms | {min(html):.1f} | {max(html):.1f} |",
        f"| **conversion (sum)** | **{conversion:.1f} ms** | | |",
        f"| whole `dwgk check` (process, config, templates) | {med(wall):.0f} ms | {min(wall):.0f} | {max(wall):.0f} |",
    ]
    if callgrind and shutil.which("valgrind"):
        tiny = mf.fodt(mf.p("一段", "Standard"))
        src = WORK / "tiny.fodt"
        src.write_text(tiny, encoding="utf-8")
        tiny_docx = soffice_convert(src, "docx:MS Word 2007 XML", WORK)
        base = site(WORK / "tiny", {"notices/长文档.docx": tiny_docx.read_bytes()})

        ir = instructions(["check", "--root", str(root)]) - instructions(["check", "--root", str(base)])
        lines.append(f"| instructions (callgrind, 30-page minus 1-paragraph document, one thread) | {ir / 1e6:.0f} M | | |")
    lines += ["", f"Goal ≤ 20 ms for a 30-page document: **{'met' if conversion <= 20 else 'not met'}** ({conversion:.1f} ms)."]
    return "\n".join(lines)


def variants(n: int) -> list[bytes]:
    """`n` different notices: the 红头 fixture with its text numbered."""
    src = (FIXTURES / "红头通知-libreoffice.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(src)) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    out = []
    for i in range(n):
        doc = parts["word/document.xml"].decode().replace("主题党日活动的通知", f"主题党日活动的通知（第{i}号）").replace("学习二十大", f"学习二十大{i}")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, doc.encode() if name == "word/document.xml" else data)
        out.append(buf.getvalue())
    return out


def markdown_twins(n: int) -> dict[str, bytes]:
    """The same `n` notices as `variants` written as Markdown bundles (Pandoc's text of the
    fixture, its picture beside it): what the Word pages cost over the same pages typed."""
    with tempfile.TemporaryDirectory() as tmp:
        text = subprocess.run(["pandoc", "-f", "docx", "-t", "commonmark", str(FIXTURES / "红头通知-libreoffice.docx"), f"--extract-media={tmp}"],
                              capture_output=True, text=True, check=True).stdout
        png = next(pathlib.Path(tmp).rglob("*.png")).read_bytes()
    text = re.sub(r"<img [^>]*>", "![党徽图案](image1.png)", text, flags=re.S)
    out = {}
    for i in range(n):
        body = text.replace("主题党日活动的通知", f"主题党日活动的通知（第{i}号）").replace("学习二十大", f"学习二十大{i}")
        head = f'+++\ntitle = "关于开展主题党日活动的通知（第{i}号）"\ndate = 2024-03-{i % 28 + 1:02}\n+++\n\n'
        out[f"twin/t{i:04}/index.md"] = (head + body).encode()
        out[f"twin/t{i:04}/image1.png"] = png
    return out


def thousand(runs: int, callgrind: bool) -> str:
    md = {f"notices/n{i:04}.md": f'+++\ntitle = "通知{i}"\ndate = 2024-03-{i % 28 + 1:02}\n+++\n\n各党支部：现将第{i}号通知的有关事项通知如下。\n\n## 一、要求\n\n按时完成。\n'.encode()
          for i in range(1000)}
    words = {f"word/w{i:04}.docx": b for i, b in enumerate(variants(1000))}
    sites = {"md": site(WORK / "md", md), "word": site(WORK / "md+word", {**md, **words}), "twin": site(WORK / "md+twin", {**md, **markdown_twins(1000)})}
    shm = pathlib.Path("/dev/shm")
    outs = {"disk": WORK} | ({"tmpfs": shm / "dwgk-bench-word"} if shm.is_dir() else {})
    l0 = load()
    walls: dict[tuple[str, str], list[float]] = {}
    cpus: dict[tuple[str, str], list[float]] = {}
    stages: dict[str, list[float]] = {}
    for _ in range(runs):
        for where, base in outs.items():
            for name, root in sites.items():
                out = base / f"out-{name}"
                shutil.rmtree(out, ignore_errors=True)
                w, err, cpu = run(["build", "--root", str(root), "--output", str(out)], {"DWGK_TIMINGS": "1"})
                walls.setdefault((where, name), []).append(w)
                cpus.setdefault((where, name), []).append(cpu)
                if name == "word" and where == "disk":
                    for k, v in timings(err).items():
                        stages.setdefault(k, []).append(v)
    l1 = load()
    shutil.rmtree(outs.get("tmpfs", WORK / "none"), ignore_errors=True)
    med = statistics.median
    stage_text = ", ".join(f"{k} {med(v):.2f} s" for k, v in stages.items() if k in ("walk", "read+parse", "markdown", "render+write"))
    label = {"md": "1,000 Markdown notices", "word": "+ 1,000 Word notices", "twin": "+ the same 1,000 notices as Markdown"}
    rows = []
    for where in outs:
        for name in sites:
            w, c = walls[(where, name)], cpus[(where, name)]
            rows.append(f"| {label[name]} | {where} | {med(w):.2f} s | {min(w):.2f} | {max(w):.2f} | {med(c):.2f} s |")
    added = {where: med(walls[(where, "word")]) - med(walls[(where, "md")]) for where in outs}
    over_twin = {where: med(walls[(where, "word")]) - med(walls[(where, "twin")]) for where in outs}
    added_cpu = {where: med(cpus[(where, "word")]) - med(cpus[(where, "md")]) for where in outs}
    lines = [
        f"1,000 Word notices (LibreOffice 红头 notices, 7.5 KB each, one picture: 3 files and a folder written per page with its search entry) "
        f"added to a build of 1,000 short Markdown notices; and, to tell the Word reader from the pages themselves, the same 1,000 notices "
        f"as Markdown bundles (Pandoc's text of the notice and its picture). `dwgk build` into a fresh folder on the disk (ext4) and on "
        f"tmpfs, {runs} runs each, interleaved, load average {l0:.1f} → {l1:.1f} (2 cores, shared).",
        "",
        "| site | output | wall median | min | max | CPU (user+sys) median |",
        "|---|---|---:|---:|---:|---:|",
        *rows,
        "",
        "| added | " + " | ".join(outs) + " |",
        "|---|" + "---:|" * len(outs),
        "| **by 1,000 Word pages** (wall) | " + " | ".join(f"**{added[w]:.2f} s**" for w in outs) + " |",
        "| by 1,000 Word pages (CPU, user+sys) | " + " | ".join(f"{added_cpu[w]:.2f} s" for w in outs) + " |",
        "| Word pages over the same pages as Markdown (wall) | " + " | ".join(f"{over_twin[w]:+.2f} s" for w in outs) + " |",
    ]
    if callgrind and shutil.which("valgrind"):
        ir = {}
        for name in sites:
            shutil.rmtree(WORK / "out-callgrind", ignore_errors=True)
            ir[name] = instructions(["build", "--root", str(sites[name]), "--output", str(WORK / "out-callgrind")])
        shutil.rmtree(WORK / "out-callgrind", ignore_errors=True)
        lines.append(f"| instructions added (callgrind, one thread, user space only) | Word {(ir['word'] - ir['md']) / 1e6:.0f} M; "
                     f"same pages as Markdown {(ir['twin'] - ir['md']) / 1e6:.0f} M |" + " |" * (len(outs) - 1))
    lines += [
        "",
        f"Stages of the Word build on the disk (medians): {stage_text}.",
        "",
        f"Goal ≤ 1 s added by 1,000 Word pages (disk): **{'met' if added['disk'] <= 1 else 'not met'}** ({added['disk']:.2f} s)"
        + (f"; tmpfs {added['tmpfs']:.2f} s." if "tmpfs" in added else "."),
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--build", action="store_true", help="cargo build --release first")
    ap.add_argument("--callgrind", action="store_true", help="also count instructions with valgrind")
    ap.add_argument("--no-doc", action="store_true", help="print, do not write docs/benchmarks.md")
    a = ap.parse_args()
    if a.build:
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=REPO, check=True)
    if not DWGK.exists():
        sys.exit(f"{DWGK} missing: run with --build")
    WORK.mkdir(parents=True, exist_ok=True)
    one = one_document(a.runs, a.callgrind)
    log("one document done")
    many = thousand(max(3, a.runs // 2), a.callgrind)
    body = f"Measured {dt.date.today()} with `python3 bench/word.py --runs {a.runs}{' --callgrind' if a.callgrind else ''}`.\n\n{one}\n\n{many}\n"
    print(body)
    if not a.no_doc:
        replace_block("word", body, "## Word 文档 / Word documents")


if __name__ == "__main__":
    main()

"""Default-theme row of bench/run.py (`--default-theme`): dwgk with its built-in theme
(no site templates/, as a new user builds) beside Hugo's minimal layouts, on the same corpus.

The flavour is the dwgk one without templates/: content/ copied from the Zola flavour and
the same config.toml (`theme = "default"`).  Both generators build into fresh folders,
alternating, --warmup + --runs rounds; medians of wall time, largest peak RSS.
Python 3.11, standard library only.
"""

from __future__ import annotations

import pathlib
import shutil
import statistics


def write_flavour(site_dir: pathlib.Path, pages: int, config: str) -> pathlib.Path:
    """SITE/dwgk-default: the Zola content and the dwgk config, no templates."""
    dst = site_dir / "dwgk-default"
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir()
    shutil.copytree(site_dir / "zola" / "content", dst / "content")
    (dst / "static").mkdir()
    (dst / "config.toml").write_text(config.format(pages=pages), encoding="utf-8")
    return dst


def run(args, site: dict, tools: dict, measure, log, config: str) -> dict:
    """Measures dwgk (built-in theme) and Hugo; `measure` is run.py's measure()."""
    n = site["pages"]
    root = write_flavour(site["dir"], n, config)
    outdir = (args.out_root / f"n{n}-default-theme") if args.out_root else site["dir"] / "out-default-theme"
    outdir.mkdir(parents=True, exist_ok=True)
    logdir = site["dir"] / "logs"
    cmds = {
        "dwgk": lambda out: ([tools["dwgk"]["bin"], "build", "--root", str(root), "--output", str(out)], root),
        "hugo": lambda out: ([tools["hugo"]["bin"], "--quiet", "--destination", str(out)], site["dir"] / "hugo"),
    }
    runs = {g: [] for g in cmds}
    failed = {}
    for r in range(args.warmup + args.runs):
        order = list(cmds) if r % 2 == 0 else list(cmds)[::-1]
        for g in order:
            if g in failed:
                continue
            # a name no earlier run used: fresh folders, nothing deleted before a run
            k = 0
            while (outdir / f"{g}-{r}-{k}").exists():
                k += 1
            out = outdir / f"{g}-{r}-{k}"
            cmd, cwd = cmds[g](out)
            res = measure(cmd, cwd, out, logdir, f"default-theme-{g}-{r}", args.timeout)
            if res["rc"] != 0:
                failed[g] = res
                log(f"{n} pages default theme {g}: FAILED ({res['rc']}); see {logdir}")
                continue
            log(f"{n} pages default theme {g}: {res['wall']:.2f} s, load {res['load']}")
            if r >= args.warmup:
                runs[g].append(res)
    out = {"pages": n, "units": site["units"], "failed": {g: str(x.get("rc")) for g, x in failed.items()}}
    for g, rs in runs.items():
        if rs:
            out[g] = {"wall": statistics.median(x["wall"] for x in rs), "walls": [x["wall"] for x in rs],
                      "rss_mib": max(x["rss_kib"] for x in rs) / 1024, "loads": [x["load"] for x in rs]}
    if args.clean:
        shutil.rmtree(outdir, ignore_errors=True)
    return out


def render(rows: list[dict], goal: float) -> list[str]:
    """The doc's lines for the default-theme rows (empty without any)."""
    if not rows:
        return []
    L = ["### Default theme: dwgk's built-in theme beside Hugo's minimal layouts", "",
         "dwgk without site `templates/` (what a new user gets: navigation, breadcrumbs, phone "
         "cards, print styles) against the same Hugo build as above; fresh folders, median wall time.", "",
         "| pages | units | dwgk (default theme) s | hugo s | ratio | dwgk peak RSS MiB | loads | met |",
         "|---:|---:|---:|---:|---:|---:|---|---|"]
    for row in rows:
        d, h = row.get("dwgk"), row.get("hugo")
        if not d or not h:
            L.append(f"| {row['pages']} | {row['units']} | — | — | — | — | — | failed: {row.get('failed')} |")
            continue
        ratio = d["wall"] / h["wall"]
        loads = ", ".join(d["loads"] + h["loads"])
        L.append(f"| {row['pages']} | {row['units']} | {d['wall']:.2f} | {h['wall']:.2f} | {ratio:.2f}× | "
                 f"{d['rss_mib']:.0f} | {loads} | {'yes' if ratio <= goal else 'no'} |")
    L.append("")
    return L

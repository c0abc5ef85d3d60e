"""Writes a generated table into docs/benchmarks.md between `<!-- NAME:begin -->` and
`<!-- NAME:end -->`, keeping everything outside the markers; appends the section
(under `heading`) when the markers are not there yet. Shared by the bench scripts."""

import pathlib

DOC = pathlib.Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def replace_block(name: str, body: str, heading: str, path: pathlib.Path = DOC) -> None:
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    block = f"{begin}\n{body.rstrip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    i, j = text.find(begin), text.find(end)
    if i != -1 and j > i:
        text = text[:i] + block + text[j + len(end):]
    else:
        text = text.rstrip() + f"\n\n{heading}\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")

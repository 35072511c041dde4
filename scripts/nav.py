"""Generate the contents of 00_index and every lesson's navigation footer.

The contents cell (tagged ``toc``) of ``notebooks/00_index.ipynb`` and the last cell
(tagged ``nav-footer``) of each lesson are written from the notebooks' file names and
first headings. ``--check`` changes nothing and exits 1 when anything is out of date.

    python scripts/nav.py          # rewrite
    python scripts/nav.py --check  # verify (part of `make test`)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
INDEX = "00_index.ipynb"
NAME = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")


def lessons() -> list[Path]:
    """Every numbered notebook, in order."""
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb") if NAME.match(p.name))


def title(path: Path) -> str:
    """The text of a notebook's first level-1 heading, e.g. '01 · Setup and your first call'."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise SystemExit(f"{path.name}: no '# NN · Title' heading found")


def toc(paths: list[Path]) -> str:
    lines = ["## Contents", ""]
    lines += [f"- [{title(p)}]({p.name})" for p in paths if p.name != INDEX]
    return "\n".join(lines)


def footer(paths: list[Path], i: int) -> str:
    parts = []
    if i > 0:
        parts.append(f"[← {title(paths[i - 1])}]({paths[i - 1].name})")
    parts.append(f"[Contents]({INDEX})")
    if i + 1 < len(paths):
        parts.append(f"[{title(paths[i + 1])} →]({paths[i + 1].name})")
    return "---\n" + " · ".join(parts)


def _tagged(nb, tag: str):
    return [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]


def sync(check: bool) -> list[str]:
    """Bring every generated cell up to date (or, with check, list what is stale)."""
    paths, stale = lessons(), []
    for i, path in enumerate(paths):
        nb = nbformat.read(path, as_version=4)
        wanted = {"nav-footer": footer(paths, i)}
        if path.name == INDEX:
            wanted["toc"] = toc(paths)
        changed = False
        for tag, text in wanted.items():
            cells = _tagged(nb, tag)
            if len(cells) != 1:
                stale.append(f"{path.name}: needs exactly one cell tagged {tag!r}, has {len(cells)}")
                continue
            if cells[0].source != text:
                stale.append(f"{path.name}: {tag} is out of date")
                cells[0].source, changed = text, True
        if changed and not check:
            nbformat.write(nb, path)
    return stale


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify only; exit 1 if stale")
    args = parser.parse_args()
    stale = sync(args.check)
    for line in stale:
        print(line, file=sys.stderr)
    if stale and args.check:
        print("Generated navigation is stale: run `python scripts/nav.py` (or `make notebooks`).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Generate every notebook's navigation and the contents of 00_index; check every link.

Generated from the notebooks' file names and first headings:
- the contents cell (tagged ``toc``) of ``notebooks/00_index.ipynb``;
- a navigation header (tagged ``nav-header``, previous · contents · next) right after
  each notebook's setup cell (created if missing);
- the last cell (tagged ``nav-footer``) of each notebook: the same links under a rule.

``--check`` changes nothing and exits 1 when any of those is out of date, or when a
relative link in any markdown cell does not resolve: the file must exist, and a
``#anchor`` into a notebook must match one of its headings the way JupyterLab names
them (the heading's text with spaces turned into ``-``). Web links are not fetched.

    python scripts/nav.py          # rewrite
    python scripts/nav.py --check  # verify (`make test` runs the same check: tests/repo/test_nav.py)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import unquote

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
INDEX = "00_index.ipynb"
NAME = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")
HEADER_ID = "nav-header"
# [text](target "title"), ![alt](target), <a href="..">, <img src="..">
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*[\"'])?\s*\)"
                  r"|<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`+[^`\n]*`+")
EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # http:, https:, mailto:, attachment:, data:


def lessons(folder: Path = NOTEBOOKS) -> list[Path]:
    """Every numbered notebook, in order."""
    return sorted(p for p in folder.glob("*.ipynb") if NAME.match(p.name))


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


def links_line(paths: list[Path], i: int) -> str:
    """'[← previous](..) · [Contents](00_index.ipynb) · [next →](..)' for notebook i."""
    parts = []
    if i > 0:
        parts.append(f"[← {title(paths[i - 1])}]({paths[i - 1].name})")
    parts.append(f"[Contents]({INDEX})")
    if i + 1 < len(paths):
        parts.append(f"[{title(paths[i + 1])} →]({paths[i + 1].name})")
    return " · ".join(parts)


def footer(paths: list[Path], i: int) -> str:
    return "---\n" + links_line(paths, i)


def header(paths: list[Path], i: int) -> str:
    return links_line(paths, i)


def _tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _tagged(nb, tag: str):
    return [c for c in nb.cells if tag in _tags(c)]


def header_position(nb) -> int:
    """Where the header belongs: right after the setup cell (first cell if there is none)."""
    for i, cell in enumerate(nb.cells):
        if "setup" in _tags(cell) and "nav-header" not in _tags(cell):
            return i + 1
    return 0


def _sync_header(nb, text: str, check: bool) -> tuple[list[str], bool]:
    """Put exactly one up-to-date header cell in its place; return (problems, changed)."""
    cells = _tagged(nb, "nav-header")
    others = [c for c in nb.cells if "nav-header" not in _tags(c)]
    where = header_position(nb)
    in_place = (len(cells) == 1 and where < len(nb.cells) and nb.cells[where] is cells[0])
    if in_place and cells[0].source == text:
        return [], False
    if not cells:
        problem = "has no navigation header (a cell tagged 'nav-header' after the setup cell)"
    elif len(cells) > 1:
        problem = f"has {len(cells)} cells tagged 'nav-header'"
    elif not in_place:
        problem = "nav-header is not right after the setup cell"
    else:
        problem = "nav-header is out of date"
    if check:
        return [problem], False
    cell = cells[0] if cells else nbformat.v4.new_markdown_cell(metadata={"tags": ["nav-header"]})
    if not cells:
        cell["id"] = HEADER_ID
    cell.source = text
    nb.cells = others
    nb.cells.insert(header_position(nb), cell)
    return [problem], True


def sync(check: bool, folder: Path = NOTEBOOKS) -> list[str]:
    """Bring every generated cell up to date (or, with check, list what is stale)."""
    paths, stale = lessons(folder), []
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
        problems, moved = _sync_header(nb, header(paths, i), check)
        stale += [f"{path.name}: {p}" for p in problems]
        if (changed or moved) and not check:
            nbformat.write(nb, path)
    return stale


def link_targets(markdown: str) -> list[str]:
    """Every link or image target in a markdown text, code blocks and code spans left out."""
    text = CODE_SPAN.sub("code", FENCE.sub("", markdown))
    return [m.group(1) or m.group(2) for m in LINK.finditer(text)]


def anchor_id(heading: str) -> str:
    """JupyterLab's id for a heading: its visible text with spaces turned into '-'."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)   # links keep their text
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|_)(\S(?:.*?\S)?)\1", r"\2", text)
    text = re.sub(r"<[^>]+>", "", text)
    return text.strip().replace(" ", "-")


def anchors(nb) -> set[str]:
    """The heading ids of a notebook's markdown cells."""
    found = set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in FENCE.sub("", cell.source).splitlines():
                m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
                if m:
                    found.add(anchor_id(m.group(1)))
    return found


def broken_links(path: Path, nb=None, exists=None) -> list[str]:
    """Relative links in a notebook's markdown that do not resolve, as readable problems.

    ``nb`` is the notebook (read from ``path`` if not given); ``exists(p)`` says whether a
    file will exist (default: on disk), so a generator can check what it is about to write.
    """
    nb = nb if nb is not None else nbformat.read(path, as_version=4)
    exists = exists or (lambda p: p.exists())
    problems = []
    for n, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for target in link_targets(cell.source):
            if EXTERNAL.match(target):
                continue
            file_part, _, anchor = target.partition("#")
            dest = (path.parent / unquote(file_part)).resolve() if file_part else path.resolve()
            if file_part and not exists(dest):
                problems.append(f"{path.name}: cell {n} links to {target}, which does not exist")
                continue
            if anchor and dest.suffix == ".ipynb":
                target_nb = nb if dest == path.resolve() else (
                    nbformat.read(dest, as_version=4) if dest.is_file() else None)
                if target_nb is not None and unquote(anchor) not in anchors(target_nb):
                    problems.append(f"{path.name}: cell {n} links to {target}, but there is no heading "
                                    f"#{anchor} in {dest.name}")
    return problems


def check_links(folder: Path = NOTEBOOKS) -> list[str]:
    """Broken relative links in every notebook of a folder."""
    return [p for path in sorted(folder.glob("*.ipynb")) for p in broken_links(path)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify only; exit 1 if stale or a link is broken")
    args = parser.parse_args()
    stale = sync(args.check)
    broken = check_links()
    for line in stale:
        print(line if args.check else f"updated: {line}", file=sys.stderr if args.check else sys.stdout)
    for line in broken:
        print(line, file=sys.stderr)
    if stale and args.check:
        print("Generated navigation is stale: run `python scripts/nav.py` (or `make notebooks`).", file=sys.stderr)
    if broken:
        print("Fix the links above: a relative link must name an existing file (and heading).", file=sys.stderr)
    return 1 if (stale and args.check) or broken else 0


if __name__ == "__main__":
    raise SystemExit(main())

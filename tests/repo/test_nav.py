"""scripts/nav.py: generated header, footer and contents; the link checker."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from scripts import nav

ROOT = Path(__file__).resolve().parents[2]


def lesson(folder: Path, name: str, heading: str, extra: list | None = None) -> Path:
    nb = new_notebook(cells=[
        new_code_cell("x = 1", metadata={"tags": ["setup"]}),
        new_markdown_cell(f"# {heading}"),
        *(extra or []),
        new_markdown_cell("---", metadata={"tags": ["nav-footer"]}),
    ])
    if name == nav.INDEX:
        nb.cells.insert(2, new_markdown_cell("## Contents", metadata={"tags": ["toc"]}))
    path = folder / name
    nbformat.write(nb, path)
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    lesson(tmp_path, "00_index.ipynb", "00 · Contents")
    lesson(tmp_path, "01_first.ipynb", "01 · First", [new_markdown_cell("## A `code` heading\n\ntext")])
    lesson(tmp_path, "02_second.ipynb", "02 · Second")
    return tmp_path


def test_sync_writes_header_after_setup_footer_and_contents(folder):
    assert nav.sync(check=True, folder=folder)  # all stale at first
    nav.sync(check=False, folder=folder)
    assert nav.sync(check=True, folder=folder) == []
    nb = nbformat.read(folder / "01_first.ipynb", as_version=4)
    assert nb.cells[1].metadata["tags"] == ["nav-header"] and nb.cells[1].id == "nav-header"
    assert nb.cells[1].source == ("[← 00 · Contents](00_index.ipynb) · [Contents](00_index.ipynb) · "
                                  "[02 · Second →](02_second.ipynb)")
    assert nb.cells[-1].source == "---\n" + nb.cells[1].source
    index = nbformat.read(folder / "00_index.ipynb", as_version=4)
    toc = next(c for c in index.cells if "toc" in c.metadata.get("tags", []))
    assert toc.source == "## Contents\n\n- [01 · First](01_first.ipynb)\n- [02 · Second](02_second.ipynb)"


def test_check_reports_a_moved_or_edited_header_and_sync_repairs_it(folder):
    nav.sync(check=False, folder=folder)
    path = folder / "02_second.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nb.cells.pop(1))  # header moved to the end
    nbformat.write(nb, path)
    assert nav.sync(check=True, folder=folder) == ["02_second.ipynb: nav-header is not right after the setup cell"]
    nav.sync(check=False, folder=folder)
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].source += " edited"
    nbformat.write(nb, path)
    assert nav.sync(check=True, folder=folder) == ["02_second.ipynb: nav-header is out of date"]


def test_link_checker_finds_missing_files_and_headings(folder):
    good = ("[next](02_second.ipynb) [heading](01_first.ipynb#A-code-heading) [web](https://example.com) "
            "`[not a link](nowhere.ipynb)`\n\n```\n[also not](nowhere.ipynb)\n```")
    bad = "[gone](03_gone.ipynb) ![img](img/missing.png) [anchor](01_first.ipynb#No-such-heading)"
    lesson(folder, "02_second.ipynb", "02 · Second", [new_markdown_cell(good), new_markdown_cell(bad)])
    problems = nav.broken_links(folder / "02_second.ipynb")
    assert len(problems) == 3
    assert "03_gone.ipynb" in problems[0] and "img/missing.png" in problems[1]
    assert "no heading #No-such-heading" in problems[2]


def test_anchor_ids_follow_jupyterlab():
    assert nav.anchor_id("04 · Temperature") == "04-·-Temperature"
    assert nav.anchor_id("What `n` costs, **really**") == "What-n-costs,-really"


def test_the_lessons_navigation_is_current_and_every_link_resolves():
    """What ``python scripts/nav.py --check`` checks, on the committed lessons (``make test``
    runs it here, in a worker, not as a command of its own before the suite)."""
    stale, broken = nav.sync(check=True), nav.check_links()
    assert not stale, "generated navigation is stale: run `python scripts/nav.py`\n" + "\n".join(stale)
    assert not broken, "a relative link must name an existing file (and heading)\n" + "\n".join(broken)

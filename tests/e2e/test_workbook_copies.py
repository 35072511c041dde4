"""Every lesson's workbook copy, run in a kernel as a learner runs it.

Each check under a stub must say NOT YET (no crash), and the lesson's reference answer,
run in its place, must make the same check PASS. Leaves out how the copies are made
(``tests/repo/test_workbook.py``).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from scripts import nav, workbook

ROOT = Path(__file__).resolve().parents[2]

LESSONS = [p for p in nav.lessons() if p.name != nav.INDEX]


def _text(cell) -> str:
    return "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in cell.outputs)


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_workbook_copy_runs_as_a_learner_runs_it_says_not_yet_and_the_reference_answers_pass(
        lesson, monkeypatch, tmp_path):
    """Every lesson's workbook copy, run top to bottom the way a learner runs it: the
    default settings (the local model, ``auto`` replay: recorded answers where the request
    was recorded, live calls for the rest, cached in a temporary folder). Each exercise's
    check says NOT YET under the stub, then the lesson's reference answer is run in its
    place and the same check says PASS, so the cells after it run with a real answer.
    Nothing may raise. The same lessons run fully live, replay off, in ``make
    test-foreign`` (through ``helpers.local.serve``, where every check must PASS too, and on
    llama-cpp-python's server)."""
    monkeypatch.setenv("WORKBOOK_BACKEND", "local")
    monkeypatch.setenv("WORKBOOK_REPLAY", "auto")
    monkeypatch.setenv("WORKBOOK_RECORDINGS", str(ROOT / "data" / "recordings"))  # the committed ones
    monkeypatch.setenv("WORKBOOK_CACHE", str(tmp_path / "cache"))  # never the learner's .cache
    monkeypatch.setenv("WORKBOOK_SCOPE", lesson.stem)  # the copy's session name without _workbook
    copy = workbook.workbook_notebook(lesson)
    original = nbformat.read(lesson, as_version=4)
    references = [c.source for c in original.cells if "solution" in c.metadata.get("tags", [])]
    stub_at = [i for i, c in enumerate(copy.cells) if "exercise" in c.metadata.get("tags", [])]
    assert len(references) == len(stub_at) >= 2
    cells, stub_checks, reference_checks = [], [], []
    answers = iter(references)
    pending = False
    for i, cell in enumerate(copy.cells):
        cells.append(cell)
        if i in stub_at:
            pending = True
        elif pending and cell.cell_type == "code":  # the exercise's check, under the stub
            pending = False
            stub_checks.append(len(cells) - 1)
            cells += [new_code_cell(next(answers)), new_code_cell(cell.source)]
            reference_checks.append(len(cells) - 1)
    copy.cells = cells
    # The kernel is stopped at once when the last cell is done, as nbval stops its own: a
    # polite shutdown only waited about 1 s per copy for the kernel to exit.
    NotebookClient(copy, timeout=600, kernel_name="python3", allow_errors=True, shutdown_kernel="immediate",
                   resources={"metadata": {"path": str(workbook.WORKBOOK)}}).execute()
    errors = [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(copy.cells) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert errors == []
    for j in stub_checks:
        assert "NOT YET: no answer yet" in _text(copy.cells[j]), _text(copy.cells[j])
    for j in reference_checks:
        assert " PASS: " in _text(copy.cells[j]), _text(copy.cells[j])

"""scripts/workbook.py: exercise stubs and the generated copies.

Leaves out running the copies in a kernel (``tests/e2e/test_workbook_copies.py``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers import check
from scripts import nav, workbook

ROOT = Path(__file__).resolve().parents[2]

LESSONS = [p for p in nav.lessons() if p.name != nav.INDEX]


def run_stub(source: str) -> dict:
    namespace: dict = {}
    exec(compile(source, "<stub>", "exec"), namespace)
    return namespace


def test_assignments_become_ellipsis_and_imports_stay():
    solution = "# your answer\nimport numpy as np\n\nscaled = np.exp(x / 0.5)\np_top = float(scaled.max())\n"
    stub = workbook.stub(solution, 'check("04.1", p_top, logprobs=x)')
    assert stub == f"{workbook.MARK}\nimport numpy as np\n\nscaled = ...\np_top = ..."
    assert run_stub(stub)["p_top"] is ...


def test_functions_keep_their_signature_and_check_says_no_answer_yet():
    solution = ("# your answer\nimport re\n\n\n@staticmethod\ndef repeated(text: str,\n             n=2) -> float:\n"
                "    words = re.findall('x', text)\n    return len(words)\n\n\ndef one(r): return r\n")
    stub = workbook.stub(solution, 'check("13.1", repeated)')
    assert stub == (f"{workbook.MARK}\nimport re\n\n\ndef repeated(text: str,\n             n=2) -> float:\n"
                    "    ...\n\n\ndef one(r):\n    ...")  # the decorator is part of the answer
    ast.parse(stub)

    def first_text(response): ...

    assert "no answer yet" in check("01.2", first_text).reason


def test_context_the_check_needs_is_kept_and_loop_answers_are_blanked():
    solution = "item = content[0]\np_first = math.exp(item.logprob)\n"
    assert workbook.stub(solution, 'check("12.1", p_first, logprob=item.logprob)') == \
        f"{workbook.MARK}\nitem = content[0]\np_first = ..."
    solution = ("results = []\nfor t in (0, 1):\n    results.append(t)\n"
                "try:\n    caught = f()\nexcept E as err:\n    caught = err\n")
    assert workbook.stub(solution, 'check("15.1", (results, caught))') == \
        f"{workbook.MARK}\nresults = ...\ncaught = ..."


def test_classes_keep_bases_and_docstrings():
    solution = 'class Recipe(BaseModel):\n    """A recipe."""\n\n    name: str\n    steps: list[str]\n'
    assert workbook.stub(solution, 'check("11.2", Recipe)') == \
        f'{workbook.MARK}\nclass Recipe(BaseModel):\n    """A recipe."""\n    ...'


def small_lesson(folder: Path, name: str, heading: str) -> None:
    nb = new_notebook(cells=[
        new_code_cell("from helpers import check", metadata={"tags": ["setup"]}),
        new_markdown_cell(f"# {heading}\n\n![picture](img/p.png) [next](02_b.ipynb) [home](00_index.ipynb)"),
        new_code_cell("# your answer\nanswer = 42", metadata={"tags": ["solution"]}, execution_count=3,
                      outputs=[nbformat.v4.new_output("stream", text="x\n")]),
        new_code_cell('check("01.1", answer)'),
        new_code_cell("print(answer + 1)"),
        new_markdown_cell("---", metadata={"tags": ["nav-footer"]}),
    ])
    nbformat.write(nb, folder / name)


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A repository-shaped folder with three small lessons, the scripts pointed at it."""
    notebooks, book = tmp_path / "notebooks", tmp_path / "workbook"
    (notebooks / "img").mkdir(parents=True)
    (notebooks / "img" / "p.png").write_bytes(b"png")
    for name, heading in [("00_index.ipynb", "00 · Index"), ("01_a.ipynb", "01 · A"), ("02_b.ipynb", "02 · B")]:
        small_lesson(notebooks, name, heading)
    monkeypatch.setattr(workbook, "ROOT", tmp_path)
    monkeypatch.setattr(workbook, "NOTEBOOKS", notebooks)
    monkeypatch.setattr(workbook, "WORKBOOK", book)
    nav.sync(check=False, folder=notebooks)
    return tmp_path


def test_build_writes_stubs_clears_outputs_and_keeps_links_working(tree):
    assert workbook.build(check=True) == ["workbook/00_index_workbook.ipynb is missing",
                                          "workbook/01_a_workbook.ipynb is missing",
                                          "workbook/02_b_workbook.ipynb is missing"]
    assert workbook.build(check=False) == []
    assert workbook.build(check=True) == []
    nb = nbformat.read(tree / "workbook" / "01_a_workbook.ipynb", as_version=4)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags[:3] == [["setup"], ["nav-header"], ["workbook-note"]]
    stub = next(c for c in nb.cells if "exercise" in c.metadata.get("tags", []))
    assert stub.source == f"{workbook.MARK}\nanswer = ..." and stub.outputs == [] and stub.execution_count is None
    assert nb.cells[5].source == 'check("01.1", answer)'  # the check itself is unchanged
    assert nb.cells[6].source == f"{workbook.USES}\nprint(answer + 1)"  # a cell that needs the answer says so
    assert "](../notebooks/img/p.png)" in nb.cells[3].source
    assert "](02_b_workbook.ipynb)" in nb.cells[3].source
    assert "](00_index_workbook.ipynb)" in nb.cells[3].source
    assert "widgets" not in nb.metadata and nb.metadata["workbook"]["lesson"] == "../notebooks/01_a.ipynb"
    assert all(nav.broken_links(p) == [] for p in (tree / "workbook").glob("*.ipynb"))


def test_build_leaves_a_learners_edits_alone_unless_forced(tree):
    workbook.build(check=False)
    path = tree / "workbook" / "01_a_workbook.ipynb"
    nb = nbformat.read(path, as_version=4)
    stub = next(c for c in nb.cells if "exercise" in c.metadata.get("tags", []))
    stub.source = "answer = 41  # my try"
    nbformat.write(nb, path)
    lesson = tree / "notebooks" / "01_a.ipynb"
    changed = nbformat.read(lesson, as_version=4)
    changed.cells[2].source += "\n\nMore text."
    nbformat.write(changed, lesson)
    problems = workbook.build(check=False)
    assert len(problems) == 1 and "has edits" in problems[0]
    assert "my try" in path.read_text()
    assert workbook.build(check=False, force=True) == []
    assert "my try" not in path.read_text() and workbook.build(check=True) == []


def test_a_workbook_copy_without_a_lesson_is_reported_then_removed(tree):
    workbook.build(check=False)
    (tree / "notebooks" / "02_b.ipynb").unlink()
    nav.sync(check=False, folder=tree / "notebooks")
    gone = "workbook/02_b_workbook.ipynb has no lesson in notebooks/ any more"
    assert gone in workbook.build(check=True)
    workbook.build(check=False)
    assert not (tree / "workbook" / "02_b_workbook.ipynb").exists()


def test_copies_are_named_apart_from_their_lessons_and_old_names_are_removed(tree):
    """Two tabs named 01_a.ipynb (lesson and copy) could not be told apart."""
    book = tree / "workbook"
    book.mkdir()
    old = book / "01_a.ipynb"  # a copy generated under the lesson's own name, never edited
    old.write_text(workbook.render(workbook.workbook_notebook(tree / "notebooks" / "01_a.ipynb")))
    edited = book / "02_b.ipynb"
    nb = workbook.workbook_notebook(tree / "notebooks" / "02_b.ipynb")
    nb.cells[-2].source = "my answer"
    nbformat.write(nb, edited)
    assert "workbook/01_a.ipynb is now 01_a_workbook.ipynb" in workbook.build(check=True)
    problems = workbook.build(check=False)
    kept = "02_b.ipynb is now 02_b_workbook.ipynb but has edits"
    assert len(problems) == 1 and kept in problems[0]
    assert not old.exists() and edited.exists()
    names = sorted(p.name for p in book.glob("*.ipynb"))
    assert names == ["00_index_workbook.ipynb", "01_a_workbook.ipynb", "02_b.ipynb",
                     "02_b_workbook.ipynb"]
    assert all(workbook.copy_name(p.name) != p.name for p in nav.lessons(tree / "notebooks"))
    workbook.build(check=False, force=True)
    assert not edited.exists() and workbook.build(check=True) == []


def test_the_setup_cell_of_a_copy_imports_solution_and_progress_and_nothing_else_changes():
    for lesson in nav.lessons():
        def setup_cell(nb):
            return next(c for c in nb.cells if "setup" in c.metadata.get("tags", []))

        original = setup_cell(nbformat.read(lesson, as_version=4)).source
        setup = setup_cell(workbook.workbook_notebook(lesson))
        assert setup.source == original.replace(workbook.SETUP_IMPORT, workbook.SETUP_IMPORT_COPY)
        assert "progress, solution" in setup.source, lesson.name
        names = ast.parse(setup.source).body[0].names
        assert [a.name for a in names] == sorted(a.name for a in names)


def test_a_copy_finds_its_lessons_recordings(monkeypatch):
    from helpers.client import notebook_scope

    monkeypatch.delenv("WORKBOOK_SCOPE", raising=False)
    for lesson in nav.lessons():
        monkeypatch.setenv("JPY_SESSION_NAME", f"workbook/{workbook.copy_name(lesson.name)}")
        assert notebook_scope(None) == lesson.stem


def test_generation_is_deterministic():
    for lesson in nav.lessons():
        assert workbook.render(workbook.workbook_notebook(lesson)) == \
            workbook.render(workbook.workbook_notebook(lesson))


def test_the_committed_workbook_is_what_the_lessons_generate():
    """What ``python scripts/workbook.py --check`` checks, on the committed lessons and copies
    (``make test`` runs it here, in a worker, not as a command of its own before the suite)."""
    problems = workbook.build(check=True)
    assert not problems, "the workbook is out of date: run `make workbook`\n" + "\n".join(problems)

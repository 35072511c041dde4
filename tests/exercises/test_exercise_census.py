"""Exercise census: every check("NN.k", ...) in the notebooks against the registry.

Each id used in a notebook is registered with a checker and a hint, belongs to its own
lesson (NN matches the file), appears once, and sits right under its answer cell (tagged
``solution``) that defines what it checks; every lesson has at least two exercises and
every registered exercise is used by a notebook. Whether the checks accept the reference
answers and refuse wrong or blank ones is tests/exercises/test_exercises.py's job.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from helpers.exercises import all_exercises

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LESSONS = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") if p.name != "00_index.ipynb")


def _tree(source: str) -> ast.Module:
    return ast.parse(TransformerManager().transform_cell(source))


def checks_in(cell_source: str) -> list[tuple[str, set[str]]]:
    """(exercise id, names in the answer argument) of every check(...) call in a cell."""
    found = []
    for node in ast.walk(_tree(cell_source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names = {n.id for a in node.args[1:] for n in ast.walk(a) if isinstance(n, ast.Name)}
                found.append((first.value, names))
    return found


def bound_names(cell_source: str) -> set[str]:
    """Names a cell binds at its top level: assignments, defs, classes, imports, loop targets."""
    names = set()
    for node in ast.walk(_tree(cell_source)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return names


def census() -> dict[str, list[dict]]:
    """Every check call per notebook: id, cell index, and the code cell just above it."""
    found: dict[str, list[dict]] = {}
    for path in LESSONS:
        nb = nbformat.read(path, as_version=4)
        code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        for k, (i, cell) in enumerate(code):
            for exercise_id, names in checks_in(cell.source):
                above = code[k - 1][1] if k else None
                found.setdefault(path.name, []).append(
                    {"id": exercise_id, "cell": i, "answer_names": names, "above": above})
        found.setdefault(path.name, [])
    return found


CENSUS = census()
USED = [(name, e) for name, entries in CENSUS.items() for e in entries]


def test_every_lesson_has_at_least_two_exercises():
    assert {name: len(entries) for name, entries in CENSUS.items() if len(entries) < 2} == {}


@pytest.mark.parametrize(("notebook", "entry"), USED, ids=[e["id"] for _, e in USED])
def test_each_check_is_registered_with_a_hint_and_belongs_to_its_lesson(notebook, entry):
    registry = all_exercises()
    assert entry["id"] in registry, f"{notebook} checks {entry['id']!r}, which no helpers/exercises module registers"
    exercise = registry[entry["id"]]
    assert callable(exercise.checker)
    assert exercise.hint.strip(), f"{entry['id']} has an empty hint"
    assert re.fullmatch(r"\d\d\.\d+", entry["id"]) and entry["id"][:2] == notebook[:2], \
        f"{notebook} uses {entry['id']!r}: ids are 'NN.k' with NN the lesson's number"


@pytest.mark.parametrize(("notebook", "entry"), USED, ids=[e["id"] for _, e in USED])
def test_each_check_sits_right_under_the_solution_cell_that_defines_its_answer(notebook, entry):
    above = entry["above"]
    assert above is not None and "solution" in above.metadata.get("tags", []), \
        f"{notebook} cell {entry['cell']}: the code cell above check({entry['id']!r}) must be tagged 'solution'"
    assert entry["answer_names"] & bound_names(above.source), \
        f"{notebook} cell {entry['cell']}: the solution cell defines none of {sorted(entry['answer_names'])}"


def test_every_solution_cell_is_followed_by_its_check():
    lonely = []
    for path in LESSONS:
        nb = nbformat.read(path, as_version=4)
        code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        for k, (i, cell) in enumerate(code):
            if "solution" in cell.metadata.get("tags", []):
                after = code[k + 1][1].source if k + 1 < len(code) else ""
                if not checks_in(after):
                    lonely.append(f"{path.name} cell {i}")
    assert lonely == []


def test_ids_are_unique_and_every_registered_exercise_is_used():
    ids = [e["id"] for _, e in USED]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert sorted(set(all_exercises()) - set(ids)) == []


def test_the_census_reads_check_calls_and_bindings():
    assert checks_in('%time x = 1\ncheck("04.1", p_top, logprobs=cands.logprobs)') == [("04.1", {"p_top"})]
    assert {"np", "f", "y", "z"} <= bound_names("import numpy as np\ndef f(): pass\nfor y in []: z = y")

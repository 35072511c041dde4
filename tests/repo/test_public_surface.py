"""The public surface of ``helpers``: what each module exports, and which lessons use it.

Read from the source (``ast``), the notebooks' code cells and the imported modules:

(a) every module in ``helpers/`` defines ``__all__`` (a list of distinct strings), every
    name in it exists, and every top-level ``def``/``class`` whose name has no leading
    underscore is in it: a name is either exported or visibly private;
(b) every ``from helpers.m import X`` (in helpers, scripts, benchmarks, tests and the
    notebooks) names something in ``m.__all__`` or a submodule of ``m``; in the notebooks,
    scripts and benchmarks so does every ``m.X`` read through a module bound by an import;
(c) no one imports an underscore name from a helpers module, and helpers, scripts,
    benchmarks and notebooks read none as an attribute either (tests may reach into the
    module they test, e.g. to patch it); modules whose own name starts with ``_``
    (``helpers._http``, ``helpers.exercises._shapes``) are shared machinery, imported by
    helpers and tests, never by a notebook;
(d) the front door's docstring lists what ``helpers/__init__.py`` re-exports, from where,
    and nothing else is in its ``__all__``;
(e) each module's docstring says which lessons use it, in one line, computed from the
    notebooks' code cells by this rule: lesson NN uses module M when a code cell of
    ``notebooks/NN_*.ipynb`` imports it (``import helpers.M``, ``from helpers.M import x``,
    ``from helpers import M``), imports through the front door a name the front door takes
    from M (``from helpers import make_client`` uses ``helpers.client``; any ``from
    helpers import`` uses ``helpers`` itself), or runs it (``"-m", "helpers.M"``). The line
    is ``Used in lessons: 04, 06, 13.`` (ascending), ``Used in lessons: all.`` when every
    notebook uses M, or ``Used in lessons: none (machinery).`` when none does. The
    per-lesson check modules ``helpers/exercises/lessonNN.py`` and ``_shapes.py`` have no
    such line: lessons reach them only through ``check(...)``, and a check module's name
    is its lesson.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
USED_LINE = re.compile(r"^Used in lessons: (.+)\.$", re.M)
NO_LESSON_LINE = re.compile(r"^helpers\.exercises\.(lesson\d\d|_shapes)$")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted((ROOT / "helpers").rglob("*.py"))}


@cache
def tree_of(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text(encoding="utf-8"))


def declared_all(tree: ast.Module) -> list | None:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return ast.literal_eval(node.value)
    return None


def front_door() -> dict[str, str]:
    """Name -> the module ``helpers/__init__.py`` imports it from."""
    return {a.asname or a.name: node.module for node in tree_of("helpers").body
            if isinstance(node, ast.ImportFrom) and node.module for a in node.names}


# --- the code that imports helpers ------------------------------------------------------------

@cache
def code_cells(notebook: Path) -> list[str]:
    nb = nbformat.read(notebook, as_version=4)
    return [TransformerManager().transform_cell(c.source) for c in nb.cells if c.cell_type == "code"]


@cache
def sources(*kinds: str) -> list[tuple[str, str, str]]:
    """(kind, where, source) for the code of each kind: helpers, scripts, benchmarks, tests, notebooks."""
    out = []
    for kind in kinds:
        if kind == "notebooks":
            out += [(kind, f"{nb.name} cell {i}", src) for nb in NOTEBOOKS for i, src in enumerate(code_cells(nb))]
        else:
            out += [(kind, str(p.relative_to(ROOT)), p.read_text(encoding="utf-8"))
                    for p in sorted((ROOT / kind).rglob("*.py"))]
    return out


def absolute(node: ast.ImportFrom, where: str) -> str:
    """The module an ImportFrom names, relative imports resolved against the file ``where``."""
    if not node.level:
        return node.module or ""
    package = Path(where).with_suffix("").parts[:-node.level]
    return ".".join([*package, *([node.module] if node.module else [])])


def imports(source: str, where: str = "") -> list[tuple[str, str]]:
    """(module, name) for each ``from helpers... import name``; (module, "") for ``import helpers...``."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and absolute(node, where).split(".")[0] == "helpers":
            out += [(absolute(node, where), a.name) for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(a.name, "") for a in node.names if a.name.split(".")[0] == "helpers"]
    return out


def attribute_reads(source: str, where: str = "") -> list[tuple[str, str]]:
    """(module, name) for each ``alias.name`` where ``alias`` was bound to a helpers module by an import."""
    tree = ast.parse(source)
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "helpers":
                    bound[a.asname or "helpers"] = a.name if a.asname else "helpers"
        elif isinstance(node, ast.ImportFrom) and absolute(node, where).split(".")[0] == "helpers":
            for a in node.names:
                if f"{absolute(node, where)}.{a.name}" in MODULES:
                    bound[a.asname or a.name] = f"{absolute(node, where)}.{a.name}"
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, inner = [], node
            while isinstance(inner, ast.Attribute):
                chain.append(inner.attr)
                inner = inner.value
            if not isinstance(inner, ast.Name) or inner.id not in bound:
                continue
            module, rest = bound[inner.id], chain[::-1]
            while rest and f"{module}.{rest[0]}" in MODULES:
                module, rest = f"{module}.{rest[0]}", rest[1:]
            if rest and (module, rest[0]) not in out:
                out.append((module, rest[0]))
    return out


def runs(source: str) -> list[str]:
    """Modules a cell runs with ``python -m``: ``"-m", "helpers.M"`` in a list or tuple."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.List | ast.Tuple):
            values = [e.value if isinstance(e, ast.Constant) else None for e in node.elts]
            out += [m for flag, m in zip(values, values[1:], strict=False)
                    if flag == "-m" and isinstance(m, str) and m in MODULES]
    return out


@cache
def lessons_using() -> dict[str, set[str]]:
    """Module -> the two-digit lessons whose code cells use it (the rule in this file's docstring)."""
    door, used = front_door(), defaultdict(set)
    for notebook in NOTEBOOKS:
        lesson = notebook.name[:2]
        for source in code_cells(notebook):
            for module, name in imports(source):
                if module == "helpers" and name:
                    used["helpers"].add(lesson)
                    module = f"helpers.{name}" if f"helpers.{name}" in MODULES else door.get(name, "helpers")
                elif f"{module}.{name}" in MODULES:
                    module = f"{module}.{name}"
                used[module].add(lesson)
            for module in runs(source):
                used[module].add(lesson)
    return used


def expected_line(lessons: set[str]) -> str:
    if not lessons:
        return "Used in lessons: none (machinery)."
    if lessons == {nb.name[:2] for nb in NOTEBOOKS}:
        return "Used in lessons: all."
    return f"Used in lessons: {', '.join(sorted(lessons))}."


# --- (a) every module declares its surface ---------------------------------------------------

@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_module_lists_its_public_names_in_all(name):
    declared = declared_all(tree_of(name))
    assert declared is not None, f"{MODULES[name].relative_to(ROOT)} has no __all__"
    assert all(isinstance(n, str) for n in declared) and len(set(declared)) == len(declared), declared
    module = importlib.import_module(name)
    assert module.__all__ == declared
    lacking = [n for n in declared if not hasattr(module, n) and f"{name}.{n}" not in MODULES]  # or a submodule
    assert lacking == [], f"{name}.__all__ names what it lacks"
    defs = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    public = [node.name for node in tree_of(name).body if isinstance(node, defs) and not node.name.startswith("_")]
    assert [n for n in public if n not in declared] == [], \
        f"{name}: public defs missing from __all__ (export them, or give them a leading underscore)"


# --- (b) importers use only the declared surface ---------------------------------------------

def outside_the_surface(kinds: tuple[str, ...], reads: bool) -> list[str]:
    wrong = []
    for _, where, source in sources(*kinds):
        found = imports(source, where) + (attribute_reads(source, where) if reads else [])
        for module, name in found:
            if module not in MODULES:
                wrong.append(f"{where}: no module {module}")
            elif name and f"{module}.{name}" not in MODULES and not name.startswith("_") \
                    and name not in importlib.import_module(module).__all__:
                wrong.append(f"{where}: {module}.{name} is not in its __all__")
    return wrong


def test_imports_from_helpers_name_only_exported_names():
    assert outside_the_surface(("helpers", "scripts", "benchmarks", "tests", "notebooks"), reads=False) == []


def test_lessons_scripts_and_benchmarks_read_only_exported_names():
    assert outside_the_surface(("scripts", "benchmarks", "notebooks"), reads=True) == []


# --- (c) nothing private crosses a module boundary -------------------------------------------

def test_no_underscore_name_is_imported_from_a_helpers_module():
    wrong = [f"{where}: from {module} import {name}"
             for _, where, source in sources("helpers", "scripts", "benchmarks", "tests", "notebooks")
             for module, name in imports(source, where) if name.startswith("_") and not name.startswith("__")]
    assert wrong == []


def test_helpers_scripts_and_lessons_read_no_underscore_name_of_another_module():
    wrong = []
    for _, where, source in sources("helpers", "scripts", "benchmarks", "notebooks"):
        own = module_name(ROOT / where) if where.endswith(".py") else ""
        wrong += [f"{where}: {module}.{name}" for module, name in attribute_reads(source, where)
                  if name.startswith("_") and not name.startswith("__") and module != own]
    assert wrong == []


def test_lessons_import_no_private_module():
    wrong = [f"{where}: {module}" for _, where, source in sources("notebooks") for module, name in imports(source)
             if any(part.startswith("_") for part in f"{module}.{name}".split("."))]
    assert wrong == []


# --- (d) the front door -----------------------------------------------------------------------

def test_the_front_door_exports_what_its_docstring_lists():
    import helpers

    doc = helpers.__doc__
    listed = {}
    for bullet in re.findall(r"^- (.+(?:\n  .+)*)", doc, re.M):  # a bullet and its indented continuation
        names, module = re.fullmatch(r"(.+) from ``(helpers[.\w]*)``", " ".join(bullet.split())).groups()
        listed |= dict.fromkeys(re.findall(r"``(\w+)``", names), module)
    assert listed, "the docstring lists no re-exports"
    assert sorted(listed) == sorted(helpers.__all__)
    assert {n: front_door()[n] for n in listed} == listed  # imported from where the docstring says
    for name, module in listed.items():
        assert getattr(helpers, name) is getattr(importlib.import_module(module), name), name
    example = [n for line in re.findall(r"^\s+from helpers import (.+)$", doc, re.M) for n in line.split(", ")]
    assert example and set(example) <= set(helpers.__all__)


# --- (e) which lessons use each module --------------------------------------------------------

@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_module_docstring_names_the_lessons_that_use_it(name):
    doc = ast.get_docstring(tree_of(name)) or ""
    lines = USED_LINE.findall(doc)
    if NO_LESSON_LINE.match(name):
        assert lines == [], f"{name} is reached through check(); it has no 'Used in lessons' line"
        return
    assert len(lines) == 1, f"{name}: expected one 'Used in lessons: ...' line, found {len(lines)}"
    assert f"Used in lessons: {lines[0]}." == expected_line(lessons_using().get(name, set()))


def test_the_lesson_census_reads_imports_the_front_door_and_python_dash_m():
    cell = ("from helpers import make_client, use_cases\nimport helpers.tools as t\nfrom helpers.local import model\n"
            "from helpers.probes import measure\nsubprocess.run([sys.executable, '-m', 'helpers.local.serve'])\n")
    assert imports(cell) == [("helpers", "make_client"), ("helpers", "use_cases"), ("helpers.tools", ""),
                             ("helpers.local", "model"), ("helpers.probes", "measure")]
    assert runs(cell) == ["helpers.local.serve"]
    reads = attribute_reads("from helpers import use_cases\nuse_cases.summarise(x)\nimport helpers\nhelpers.views.main")
    assert sorted(reads) == [("helpers.use_cases", "summarise"), ("helpers.views", "main")]
    assert expected_line(set()) == "Used in lessons: none (machinery)."
    assert expected_line({"13", "04"}) == "Used in lessons: 04, 13."


def test_the_front_door_maps_every_module_of_the_package():
    import helpers

    named = set(re.findall(r"``(\w+/?)``", helpers.__doc__))
    modules = {p.stem for p in (ROOT / "helpers").glob("*.py") if p.stem != "__init__"}
    packages = {f"{p.parent.name}/" for p in (ROOT / "helpers").glob("*/__init__.py")}
    assert sorted((modules | packages) - named) == [], "name each module in helpers/__init__.py's map of the parts"

"""Generate the student workbook: workbook/NN_topic.ipynb from each notebooks/NN_topic.ipynb.

A workbook copy is its lesson with:
- every cell tagged ``solution`` turned into an exercise stub (tagged ``exercise``): a
  marked comment, the reference answer's imports, its names set to ``...`` and its
  functions and classes reduced to their signature (no decorators) with a ``...`` body, so the
  ``check(...)`` under it reports "no answer yet". A line that only prepares what the
  check needs as context (``item`` in ``check("12.1", p_first, logprob=item.logprob)``)
  is kept as it is. Statements that compute the answer are dropped: writing them is the
  exercise;
- outputs, execution counts and saved widget state cleared;
- a note that this is the workbook copy, with a link back to the lesson;
- links to anything but a notebook re-pointed at notebooks/, so every link resolves
  (notebook links need no change: the workbook holds a notebook of every name).

A copy is named after its lesson with ``_workbook`` added (workbook/01_setup_and_first_call
_workbook.ipynb), so its JupyterLab tab is not mistaken for the lesson's; links between
notebooks point at the copies. Its setup cell also imports ``solution`` and ``progress``.
The client files its recordings under the lesson's name without the suffix (the scope,
from WORKBOOK_SCOPE or JupyterLab's session name), so unchanged cells replay the lesson's
recordings. Copies under an older name (the lesson's own) are removed. Writing never
overwrites a workbook notebook whose cells a learner has edited (each copy records a hash
of the sources it was generated with) unless ``--force`` is given.

    python scripts/workbook.py           # (re)write workbook/ (make workbook)
    python scripts/workbook.py --check   # exit 1 if workbook/ is out of date (tests/repo/test_workbook.py too)
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import os
import re
import sys
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

try:
    from scripts import nav  # python -m scripts.NAME, or imported (tests)
except ModuleNotFoundError:  # python scripts/NAME.py: this folder is on sys.path, the root is not
    import nav

ROOT = Path(__file__).resolve().parent.parent

NOTEBOOKS = ROOT / "notebooks"
WORKBOOK = ROOT / "workbook"
MARK = "# ✏️ Exercise: write your answer here"
USES = "# ✏️ Uses your answer to an exercise above: it works once that check says PASS."
NOTE_ID = "workbook-note"
SUFFIX = "_workbook"  # helpers.client strips it again to find the lesson's recordings
SETUP_IMPORT = "from helpers import check, default_model, hint, make_client, status"
SETUP_IMPORT_COPY = ("from helpers import check, default_model, hint, make_client, progress, "
                     "solution, status")


def copy_name(lesson_name: str) -> str:
    """The workbook file name of a lesson: '01_setup_and_first_call_workbook.ipynb'."""
    return f"{Path(lesson_name).stem}{SUFFIX}.ipynb"


def _python(source: str) -> str:
    """A cell's source as plain Python (IPython magics turned into calls)."""
    return TransformerManager().transform_cell(source)


def check_names(check_source: str) -> tuple[set[str], set[str]]:
    """(names in the answer argument, names in the context keywords) of a check(...) call."""
    answer: set[str] = set()
    context: set[str] = set()
    for node in ast.walk(ast.parse(_python(check_source))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check":
            for arg in node.args[1:]:
                answer |= {n.id for n in ast.walk(arg) if isinstance(n, ast.Name)}
            for kw in node.keywords:
                context |= {n.id for n in ast.walk(kw.value) if isinstance(n, ast.Name)}
    return answer, context - answer


def _assigned(node: ast.stmt) -> list[str]:
    """Names a simple top-level assignment binds, in order."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]


def _bound_anywhere(node: ast.stmt) -> set[str]:
    """Names a compound statement binds at the cell's top level (not inside functions)."""
    found, todo = set(), [node]
    while todo:
        item = todo.pop()
        if isinstance(item, ast.Name) and isinstance(item.ctx, ast.Store):
            found.add(item.id)
        elif isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(item.name)
            continue
        elif isinstance(item, ast.ExceptHandler) and item.name:
            found.add(item.name)
        if isinstance(item, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            continue
        todo.extend(ast.iter_child_nodes(item))
    return found


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, lines: list[str]) -> str:
    """A def or class with its body replaced by ``...`` (a docstring is kept; decorators,
    like the body, are part of the answer: ``@retry(...)`` can be the whole exercise)."""
    first = node.lineno
    body = node.body[0]
    keep_doc = isinstance(body, ast.Expr) and isinstance(getattr(body, "value", None), ast.Constant) \
        and isinstance(body.value.value, str)
    if keep_doc:
        head = lines[first - 1:body.end_lineno]
        head[-1] = head[-1][:body.end_col_offset]
    else:
        head = lines[first - 1:body.lineno]
        head[-1] = head[-1][:body.col_offset].rstrip()
    if body.lineno == node.lineno:  # "def f(x): return x" on one line
        indent = " " * (node.col_offset + 4)
    else:
        indent = " " * body.col_offset
    head = [line.rstrip() for line in head if line.strip()]
    return "\n".join(head + [f"{indent}..."])


def stub(solution: str, check_source: str) -> str:
    """The exercise stub for a reference solution cell (see the module docstring)."""
    source = _python(solution)
    lines = source.splitlines()
    answer, context = check_names(check_source)
    keep_as_is = context - answer
    out: list[str] = [MARK]
    stubbed: list[str] = []

    def blank(name: str) -> None:
        if name not in stubbed and name not in keep_as_is:
            stubbed.append(name)
            out.append(f"{name} = ...")

    for node in ast.parse(source).body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.append(ast.get_source_segment(source, node))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            stubbed.append(node.name)
            out.append(_signature(node, lines))
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            names = _assigned(node)
            if names and set(names) <= keep_as_is:
                out.append(ast.get_source_segment(source, node))
            else:
                for name in names:
                    blank(name)
        else:  # loops, with, try, expressions: only the answer names they bind survive
            for name in sorted(_bound_anywhere(node) & answer):
                blank(name)
    text = out[0]
    for previous, part in zip(out, out[1:], strict=False):
        block = part.startswith(("def ", "class ", "@", "async def ")) or previous.endswith("...") \
            and previous.startswith(("def ", "class ", "@", "async def "))
        after_imports = previous.startswith(("import ", "from ")) and not part.startswith(("import ", "from "))
        text += ("\n\n\n" if block and previous != MARK else "\n\n" if after_imports else "\n") + part
    return text


def blanked(stub_source: str) -> set[str]:
    """The names an exercise stub leaves for the learner (``x = ...``, empty defs and classes)."""
    names = set()
    for node in ast.parse(stub_source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value is ...:
            names |= set(_assigned(node))
    return names


def _uses(source: str, names: set[str]) -> bool:
    """True when a cell reads one of ``names``."""
    try:
        tree = ast.parse(_python(source))
    except SyntaxError:
        return False
    return any(isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in names for n in ast.walk(tree))


def _next_check(cells: list, start: int) -> str:
    for cell in cells[start + 1:]:
        if cell.cell_type == "code":
            return cell.source if "check(" in cell.source else ""
    return ""


def _repoint(markdown: str) -> str:
    """Re-point relative links: a lesson's at its workbook copy, other files at notebooks/."""

    def fix(target: str) -> str:
        if nav.EXTERNAL.match(target) or target.startswith("#"):
            return target
        file_part, sep, anchor = target.partition("#")
        if nav.NAME.match(Path(file_part).name) and "/" not in file_part:
            return copy_name(file_part) + sep + anchor
        moved = os.path.relpath(NOTEBOOKS / file_part, WORKBOOK).replace(os.sep, "/")
        return moved + sep + anchor

    def link(m: re.Match) -> str:
        group = 1 if m.group(1) is not None else 2
        start, end = m.start(group) - m.start(), m.end(group) - m.start()
        text = m.group(0)
        return text[:start] + fix(m.group(group)) + text[end:]

    return nav.LINK.sub(link, markdown)


def _note(lesson: Path) -> str:
    if lesson.name == nav.INDEX:
        return ("> ✏️ **Your workbook.** These are your copies of the lessons: outputs cleared and "
                "each exercise left for you to write. Run a lesson from the top, fill in the cells "
                "marked *✏️ Exercise*, then run the `check(...)` under each. The finished lessons, "
                f"with outputs and reference answers, are in [notebooks/](../notebooks/{nav.INDEX}).")
    return ("> ✏️ **Workbook copy.** Run it from the top. Each exercise cell is left for you: replace "
            "every `...` with your answer, then run the `check(...)` under it. Stuck? "
            "`hint(\"NN.k\")` gives a hint and `solution(\"NN.k\")` shows the reference answer; "
            "`progress()` counts the exercises you have passed. The finished lesson, with outputs and reference "
            f"answers, is [notebooks/{lesson.name}](../notebooks/{lesson.name}).")


def source_hash(nb) -> str:
    """A hash of a notebook's cell types and sources (what a learner edits; not outputs)."""
    text = "\x00".join(f"{c.cell_type}\x01{c.source}" for c in nb.cells)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def workbook_notebook(lesson: Path):
    """The workbook copy of one lesson, as a notebook (nothing is written)."""
    nb = nbformat.read(lesson, as_version=4)
    cells = nb.cells
    left: set[str] = set()  # names the stubs so far leave for the learner
    checks: set[int] = set()
    for i, cell in enumerate(cells):
        tags = list(cell.metadata.get("tags", []))
        cell.metadata = {"tags": tags} if tags else {}
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if "solution" in tags:
                check_source = _next_check(cells, i)
                cell.source = stub(cell.source, check_source)
                cell.metadata["tags"] = ["exercise" if t == "solution" else t for t in tags]
                left |= blanked(cell.source)
                if check_source:
                    checks.add(next(j for j in range(i + 1, len(cells)) if cells[j].cell_type == "code"))
            elif i not in checks and left and _uses(cell.source, left):
                cell.source = f"{USES}\n{cell.source}"
            elif "setup" in tags and SETUP_IMPORT in cell.source:
                cell.source = cell.source.replace(SETUP_IMPORT, SETUP_IMPORT_COPY, 1)
        elif cell.cell_type == "markdown":
            cell.source = _repoint(cell.source)
    note = nbformat.v4.new_markdown_cell(_note(lesson), metadata={"tags": ["workbook-note"]})
    note["id"] = NOTE_ID
    anchor = nav.header_position(nb)
    if anchor < len(cells) and "nav-header" in cells[anchor].metadata.get("tags", []):
        anchor += 1
    cells.insert(anchor, note)
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")}
    nb.metadata["workbook"] = {"lesson": f"../notebooks/{lesson.name}", "sources": source_hash(nb)}
    return nb


def render(nb) -> str:
    """The exact text nbformat writes (so --check compares bytes)."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def edited_by_hand(path: Path) -> bool:
    """True when a workbook file's sources differ from the ones it was generated with."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:
        return True
    recorded = nb.metadata.get("workbook", {}).get("sources")
    return recorded != source_hash(nb)


def build(check: bool, force: bool = False) -> list[str]:
    """Write (or, with check, compare) every workbook notebook; return the problems."""
    lessons = nav.lessons(NOTEBOOKS)
    wanted = {WORKBOOK / copy_name(p.name): workbook_notebook(p) for p in lessons}
    problems: list[str] = []
    will_exist = {p.resolve() for p in wanted}
    for path, nb in wanted.items():
        problems += nav.broken_links(path, nb, exists=lambda p: p in will_exist or p.exists())
    for path, nb in wanted.items():
        text = render(nb)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        rel = path.relative_to(ROOT)
        if check:
            problems.append(f"{rel} is missing" if current is None else f"{rel} is out of date")
        elif current is not None and edited_by_hand(path) and not force:
            problems.append(f"{rel} has edits (your answers?) and was left alone: save your work "
                            "under another name, then run `make workbook FORCE=1`")
        else:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {rel}")
    names = {p.name for p in lessons}
    for path in sorted(WORKBOOK.glob("*.ipynb")):
        if path in wanted or not nav.NAME.match(path.name):
            continue
        rel = path.relative_to(ROOT)
        renamed = path.name in names  # a copy under its lesson's own name, as before the suffix
        why = f"is now {copy_name(path.name)}" if renamed else \
            "has no lesson in notebooks/ any more"
        if check:
            problems.append(f"{rel} {why}")
        elif edited_by_hand(path) and not force:
            problems.append(f"{rel} {why} but has edits (your answers?): left alone; copy "
                            "them over, then delete it or run `make workbook FORCE=1`")
        else:
            path.unlink()
            print(f"removed {rel} ({why})")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify only; exit 1 if out of date")
    parser.add_argument("--force", action="store_true", help="overwrite workbook notebooks edited by hand")
    args = parser.parse_args()
    problems = build(args.check, args.force)
    for line in problems:
        print(line, file=sys.stderr)
    if problems and args.check:
        print("The student workbook is out of date: run `make workbook` (python scripts/workbook.py). "
              "If you edited workbook/ yourself, keep your answers in a copy: `make test` checks "
              "the generated one.", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Self-checking exercises: ``check``, ``hint``, ``solution`` and ``progress``.

Each lesson's checks live in ``helpers/exercises/lessonNN.py`` and register themselves
with :func:`exercise`. A check looks at structure (types, roles, finish_reason, usage,
schemas), never at the exact wording of a generation, so it works offline, under
replay and live. Its Result shows as a coloured PASS / NOT YET in a notebook (HTML) and
as one line of text everywhere else.

``solution("NN.k")`` shows the reference answer: the source of the lesson's cell tagged
``solution`` whose check is ``check("NN.k", ...)``, read from notebooks/NN_*.ipynb. It asks
no confirmation: calling it is the learner's explicit choice. ``progress()`` counts the
exercises whose latest check in this kernel passed, for the current lesson or all.
Leaves out writing notebooks (scripts/workbook.py).

Used in lessons: all.
"""

from __future__ import annotations

import dis
import html
import importlib
import importlib.util
import json
import os
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import settings

__all__ = [
    "COLOURS", "Result", "Exercise", "exercise", "check", "hint", "Solution", "solution", "Progress", "progress",
    "all_exercises",
]

NOTEBOOKS = settings.NOTEBOOKS
CHECK_CALL = re.compile(r"""\bcheck\(\s*["'](\d\d\.\d+)["']""")
LESSON = re.compile(r"^(\d\d)(?:_|$)")
COLOURS = {True: ("#22863a", "#e6ffed"), False: ("#b08800", "#fff8e1")}  # text, background


@dataclass(frozen=True)
class Result:
    """The outcome of a check: passed or not, and why."""

    passed: bool
    reason: str
    exercise_id: str = ""

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        mark = "PASS" if self.passed else "NOT YET"
        return f"{self.exercise_id} {mark}: {self.reason}".strip()

    def _repr_html_(self) -> str:
        """Green PASS or amber NOT YET, then the reason (the text of ``repr`` stays plain)."""
        colour, background = COLOURS[self.passed]
        mark = "✔ PASS" if self.passed else "✘ NOT YET"
        ident = f"{html.escape(self.exercise_id)} " if self.exercise_id else ""
        return (f'<div class="workbook-result" style="border-left: 4px solid {colour}; '
                f'background-color: {background}; padding: 4px 8px">{ident}'
                f'<strong style="color: {colour}">{mark}</strong>: '
                f'{html.escape(self.reason)}</div>')


@dataclass(frozen=True)
class Exercise:
    """One exercise: its checker and its hint."""

    id: str
    checker: Callable[..., Result]
    hint: str


REGISTRY: dict[str, Exercise] = {}
LATEST: dict[str, bool] = {}  # exercise id -> did its latest check in this kernel pass


def exercise(exercise_id: str, hint: str) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    """Decorator that registers a checker under ``exercise_id`` with its hint."""

    def register(checker: Callable[..., Result]) -> Callable[..., Result]:
        REGISTRY[exercise_id] = Exercise(exercise_id, checker, hint)
        return checker

    return register


def _load() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("lesson"):
            importlib.import_module(f"{__name__}.{module.name}")


def _find(exercise_id: str) -> Exercise:
    lesson = f"{__name__}.lesson{exercise_id.split('.')[0]}"
    if exercise_id not in REGISTRY and importlib.util.find_spec(lesson) is not None:
        importlib.import_module(lesson)  # only this lesson's checks: others may import heavy libraries
    if exercise_id not in REGISTRY:
        _load()  # to list every known exercise in the error
        known = ", ".join(sorted(REGISTRY)) or "none"
        raise KeyError(f"No exercise {exercise_id!r}. Known exercises: {known}.")
    return REGISTRY[exercise_id]


def _empty_function(answer: Any) -> bool:
    """True for a function whose body does nothing (``...``, ``pass``): a workbook stub."""
    if not callable(answer) or not hasattr(answer, "__code__"):
        return False
    return all(op.opname in ("RESUME", "NOP", "RETURN_VALUE", "RETURN_CONST", "LOAD_CONST")
               and (op.opname not in ("LOAD_CONST", "RETURN_CONST") or op.argval is None)
               for op in dis.get_instructions(answer))


def check(exercise_id: str, answer: Any, **context: Any) -> Result:
    """Check an answer; the Result shows as PASS or NOT YET with the reason."""
    ex = _find(exercise_id)
    if answer is ... or answer is None:
        result = Result(False, "no answer yet: replace the ... (or None) with your answer.")
    elif _empty_function(answer):
        name = getattr(answer, "__name__", "your function")
        result = Result(False, f"no answer yet: {name}() still has an empty body; replace its ... with your code.")
    else:
        try:
            result = ex.checker(answer, **context)
        except Exception as err:  # a learner's answer of the wrong kind is feedback, not a crash
            result = Result(False, f"your answer could not be checked ({type(err).__name__}: {err}).")
    LATEST.pop(exercise_id, None)  # re-inserted last: the most recently checked lesson is "current"
    LATEST[exercise_id] = result.passed
    return Result(result.passed, result.reason, exercise_id)


def hint(exercise_id: str) -> None:
    """Print the hint for an exercise."""
    print(f"Hint for {exercise_id}: {_find(exercise_id).hint}")


class Solution(str):
    """A reference answer: shown as a Python code block; its text is the code itself."""

    exercise_id: str = ""
    lesson: str = ""

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        fence = "````" if "```" in self else "```"
        return (f"Reference answer for **{self.exercise_id}** (from `notebooks/{self.lesson}`):\n\n"
                f"{fence}python\n{self}\n{fence}")


def _lesson_file(lesson: str, notebooks: Path) -> Path:
    found = sorted(notebooks.glob(f"{lesson}_*.ipynb"))
    if not found:
        raise FileNotFoundError(f"No lesson {lesson} in {notebooks}: solution() reads the "
                                "reference "
                                "answers from the finished lessons in notebooks/.")
    return found[0]


def solution(exercise_id: str, notebooks: Path | None = None) -> Solution:
    """The reference answer to an exercise, from its lesson in notebooks/ (shown as code).

    This gives the answer away on purpose: try ``hint(exercise_id)`` first."""
    _find(exercise_id)  # an unknown id says which ones exist
    path = _lesson_file(exercise_id.split(".")[0], notebooks or NOTEBOOKS)
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    for cell, after in zip(code, code[1:], strict=False):
        source = "".join(cell["source"])
        if "solution" in cell.get("metadata", {}).get("tags", []) \
                and exercise_id in CHECK_CALL.findall("".join(after["source"])):
            answer = Solution(source)
            answer.exercise_id, answer.lesson = exercise_id, path.name
            return answer
    raise KeyError(f"{path.name} has no solution cell for {exercise_id} (a cell tagged 'solution' "
                   f"followed by check({exercise_id!r}, ...)).")


class Progress(str):
    """What ``progress()`` reports: one line per lesson (its text is the report)."""

    def __repr__(self) -> str:
        return str(self)


def _lesson_ids(lesson: str) -> list[str]:
    module = f"{__name__}.lesson{lesson}"
    if importlib.util.find_spec(module) is not None:
        importlib.import_module(module)
    ids = (i for i in REGISTRY if i.startswith(f"{lesson}."))
    return sorted(ids, key=lambda i: int(i.split(".")[1]))


def _current_lesson(environ: dict[str, str] | None = None) -> str | None:
    """The lesson of the latest check in this kernel, else the notebook's (WORKBOOK_SCOPE or
    JupyterLab's JPY_SESSION_NAME, e.g. '01' from 01_setup_and_first_call...ipynb)."""
    if LATEST:
        return next(reversed(LATEST)).split(".")[0]
    environ = os.environ if environ is None else environ
    for name in (environ.get("WORKBOOK_SCOPE", ""), Path(environ.get("JPY_SESSION_NAME", "")).name):
        match = LESSON.match(name)
        if match:
            return match.group(1)
    return None


def _lesson_line(lesson: str) -> str:
    ids = _lesson_ids(lesson)
    passed = [i for i in ids if LATEST.get(i)]
    line = f"Lesson {lesson}: {len(passed)} of {len(ids)} exercises passed"
    line += f" ({', '.join(passed)})" if passed else ""
    missing = [i for i in ids if i not in passed]
    return line + (f"; not yet: {', '.join(missing)}" if missing else "")


def progress(lesson: str | None = None) -> Progress:
    """Exercises passed in this kernel (their latest check said PASS): for the current lesson,
    a lesson ("04"), or every lesson with ``progress("all")``."""
    if lesson == "all":
        _load()
        lessons = sorted({i.split(".")[0] for i in REGISTRY})
        passed = sum(1 for i in REGISTRY if LATEST.get(i))
        lines = [_lesson_line(n) for n in lessons]
        total = f"All lessons: {passed} of {len(REGISTRY)} exercises passed"
        return Progress("\n".join([*lines, total]))
    lesson = lesson or _current_lesson()
    if lesson is None:
        return Progress('No lesson yet: run a check("NN.k", ...) first, or ask progress("all").')
    if not _lesson_ids(lesson):
        raise KeyError(f"Lesson {lesson} has no exercises.")
    return Progress(_lesson_line(lesson))


def all_exercises() -> dict[str, Exercise]:
    """Every registered exercise, by id (used by the census test)."""
    _load()
    return dict(REGISTRY)

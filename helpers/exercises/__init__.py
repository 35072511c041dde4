"""Self-checking exercises: ``check("NN.k", answer)`` and ``hint("NN.k")``.

Each lesson's checks live in ``helpers/exercises/lessonNN.py`` and register themselves
with :func:`exercise`. A check looks at structure (types, roles, finish_reason, usage,
schemas), never at the exact wording of a generation, so it works offline, under
replay and live. Leaves out the notebooks themselves.
"""

from __future__ import annotations

import dis
import importlib
import importlib.util
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


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


@dataclass(frozen=True)
class Exercise:
    """One exercise: its checker and its hint."""

    id: str
    checker: Callable[..., Result]
    hint: str


REGISTRY: dict[str, Exercise] = {}


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
    return Result(result.passed, result.reason, exercise_id)


def hint(exercise_id: str) -> None:
    """Print the hint for an exercise."""
    print(f"Hint for {exercise_id}: {_find(exercise_id).hint}")


def all_exercises() -> dict[str, Exercise]:
    """Every registered exercise, by id (used by the census test)."""
    _load()
    return dict(REGISTRY)

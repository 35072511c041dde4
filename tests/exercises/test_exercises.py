"""Exercises: every check passes its reference answer and fails wrong or blank ones.

Cases for lessons 01, 04, 06, 07, 10, 12 and 13 are below; every other lesson keeps its
own in ``tests/exercises/cases_lessonNN.py`` (a module-level ``CASES`` dict of the same shape),
merged here (an exercise id in two places is an error).
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from openai.types.chat import ChatCompletion

from helpers import check, hint
from helpers.exercises import all_exercises
from helpers.fake_client import completion, usage
from helpers.textstats import repeated_share


def cut(finish: str, completion_tokens: int) -> ChatCompletion:
    return completion("Once", finish=finish, usage=usage(9, completion_tokens))


LOGPROBS = np.log(np.array([0.5, 0.3, 0.2]))
SCALED = np.exp(LOGPROBS / 0.5)


def pair(first: str, second: str) -> tuple[ChatCompletion, ChatCompletion]:
    return completion(first), completion(second)


CASES = {
    "01.1": (cut("length", 5), [cut("stop", 3), cut("length", 50), "text"]),
    "01.2": (lambda r: r.choices[0].message.content,
             [lambda r: r.choices[-1].message.content, lambda r: r, "not a function"]),
    "01.3": ([{"role": "system", "content": "Be a pirate."}, {"role": "user", "content": "Hi?"}],
             [[{"role": "user", "content": "Hi?"}, {"role": "system", "content": "x"}],
              [{"role": "system", "content": ""}, {"role": "user", "content": "Hi?"}], "Hi"]),
    "04.1": ((float((SCALED / SCALED.sum()).max()), {"logprobs": LOGPROBS}),
             [(0.5, {"logprobs": LOGPROBS}), (0.9, {"logprobs": LOGPROBS}), (0.5, {})]),
    "04.2": (lambda r: len({c.message.content for c in r.choices}),
             [lambda r: len(r.choices), lambda r: 1, 3]),
    "04.3": (pair("apple", "apple"), [pair("apple", "pear"), pair("a", "b")[0], ["x"]]),
    "06.1": (["blue", "red", "green"], [["blue", "red"], ["blue", "red", "green", "purple"], "blue"]),
    "06.2": (pair("calm sea", "calm sea"), [pair("calm sea", "wild sea"), "x", pair("a", "b")]),
    "07.1": (completion(["a", "b", "c", "d"]), [completion(["a"]), completion(["a", "b", "c"]), ["a"] * 4]),
    "07.2": (lambda r: max(r.choices, key=lambda c: sum(t.logprob for t in c.logprobs.content)
                                                   / len(c.logprobs.content)).index,
             [lambda r: max(r.choices, key=lambda c: sum(t.logprob for t in c.logprobs.content)).index,
              lambda r: 0, "best"]),
    "10.1": (pair("leaves fall", "leaves fall"), [pair("leaves fall", "snow"),
                                                  (completion(["a"], fingerprint="fp_1"),
                                                   completion(["a"], fingerprint="fp_2")), "a"]),
    "10.2": (lambda a, b: a.choices[0].message.content == b.choices[0].message.content
             and a.system_fingerprint == b.system_fingerprint,
             [lambda a, b: a.choices[0].message.content == b.choices[0].message.content,
              lambda a, b: a.system_fingerprint == b.system_fingerprint, lambda a, b: True]),
    "12.1": ((math.exp(-0.25), {"logprob": -0.25}), [(-0.25, {"logprob": -0.25}),
                                                    (0.25, {"logprob": -0.25}), (0.7, {})]),
    "12.2": (lambda e: (lambda y, n: y / (y + n))(
                 sum(math.exp(t.logprob) for t in e.top_logprobs if t.token.strip().lower() == "yes"),
                 sum(math.exp(t.logprob) for t in e.top_logprobs if t.token.strip().lower() == "no")),
             [lambda e: (lambda y, n: y / (y + n))(
                 sum(math.exp(t.logprob) for t in e.top_logprobs if t.token == "Yes"),
                 sum(math.exp(t.logprob) for t in e.top_logprobs if t.token == "No")),
              lambda e: math.exp(e.logprob), 0.5]),
    "13.1": (repeated_share, [lambda t: len(set(t.split())) / len(t.split()),
                              lambda t: 1 - len(set(t.split())) / len(t.split()), 0.3]),
    "13.2": (({"7042": -100}, {"ids": [7042]}), [({"7042": 100}, {"ids": [7042]}),
                                                ({"1": -100}, {"ids": [7042]}), ({"7042": -100}, {})]),
}


for _path in sorted(Path(__file__).parent.glob("cases_lesson*.py")):
    _spec = importlib.util.spec_from_file_location(_path.stem, _path)
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    assert not set(_module.CASES) & set(CASES), f"{_path.name} repeats exercise ids"
    CASES.update(_module.CASES)


def run(exercise_id: str, answer):
    if isinstance(answer, tuple) and len(answer) == 2 and isinstance(answer[1], dict):
        return check(exercise_id, answer[0], **answer[1])
    return check(exercise_id, answer)


def test_every_exercise_has_cases_here():
    assert set(all_exercises()) == set(CASES)


@pytest.mark.parametrize("exercise_id", sorted(CASES))
def test_reference_passes(exercise_id):
    assert run(exercise_id, CASES[exercise_id][0]).passed


@pytest.mark.parametrize(("exercise_id", "k"), [(e, k) for e in sorted(CASES) for k in range(3)])
def test_wrong_answers_fail_with_a_reason(exercise_id, k):
    result = run(exercise_id, CASES[exercise_id][1][k])
    assert not result.passed and len(result.reason) > 10


@pytest.mark.parametrize("exercise_id", sorted(CASES))
def test_blank_answer_fails(exercise_id):
    assert not check(exercise_id, ...).passed


def test_hint_prints_something(capsys):
    hint("01.1")
    assert "max_completion_tokens" in capsys.readouterr().out


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(KeyError, match="01.1"):
        check("99.9", 1)


def test_result_shows_id_and_verdict():
    assert repr(check("01.3", "nope")).startswith("01.3 NOT YET:")


def test_a_check_imports_only_its_own_lesson():
    import subprocess
    import sys

    code = ("import sys; from helpers import check; "
            "check('01.3', [{'role': 'system', 'content': 'x'}, {'role': 'user', 'content': 'y?'}]); "
            "print(sorted(m for m in sys.modules if m.startswith('helpers.exercises.lesson')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['helpers.exercises.lesson01']"


# Exercise comfort: coloured verdicts, solution("NN.k") and progress().

def test_result_html_is_green_pass_amber_not_yet_and_the_text_is_unchanged():
    from helpers.exercises import COLOURS, Result

    passed = check("01.3", CASES["01.3"][0])
    failed = Result(False, "use <b> & 'x'", "01.9")
    assert repr(failed) == "01.9 NOT YET: use <b> & 'x'"  # text/plain, what nbval compares
    assert COLOURS[True][0] in passed._repr_html_() and "PASS" in passed._repr_html_()
    html_text = failed._repr_html_()
    assert COLOURS[False][0] in html_text and "NOT YET" in html_text and "PASS<" not in html_text
    assert "&lt;b&gt; &amp; &#x27;x&#x27;" in html_text  # the reason is escaped, not markup


def reference_cells() -> dict[str, str]:
    """exercise id -> the source of the cell tagged 'solution' right before its check."""
    import nbformat

    found = {}
    for path in sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        for cell, after in zip(code, code[1:], strict=False):
            if "solution" in cell.metadata.get("tags", []) and after.source.startswith("check("):
                found[after.source.split('"')[1]] = cell.source
    return found


def test_solution_reveals_each_exercises_reference_cell():
    from helpers import solution

    references = reference_cells()
    assert set(references) == set(all_exercises())
    for exercise_id, source in references.items():
        assert str(solution(exercise_id)) == source, exercise_id


def test_solution_shows_as_a_code_block_whose_text_is_the_code(tmp_path, monkeypatch):
    from IPython.core.formatters import DisplayFormatter

    from helpers import solution

    monkeypatch.chdir(tmp_path)  # a workbook copy's kernel runs in workbook/, not in notebooks/
    data, _ = DisplayFormatter().format(solution("01.2"))
    code = reference_cells()["01.2"]
    assert data["text/plain"] == code
    assert data["text/markdown"].endswith(f"```python\n{code}\n```")
    assert "01.2" in data["text/markdown"]
    assert "01_setup_and_first_call.ipynb" in data["text/markdown"]
    with pytest.raises(KeyError, match="01.1"):
        solution("99.9")


@pytest.fixture
def fresh_kernel(monkeypatch):
    """No check run yet in this 'kernel'."""
    import helpers.exercises as exercises

    monkeypatch.setattr(exercises, "LATEST", {})
    monkeypatch.delenv("WORKBOOK_SCOPE", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    return exercises


def test_progress_counts_the_latest_verdicts_of_the_current_lesson(fresh_kernel, monkeypatch):
    from helpers import progress

    assert "No lesson yet" in progress()
    copy = "/home/me/workbook/01_setup_and_first_call_workbook.ipynb"
    monkeypatch.setenv("JPY_SESSION_NAME", copy)
    assert progress() == "Lesson 01: 0 of 3 exercises passed; not yet: 01.1, 01.2, 01.3"
    run("01.1", CASES["01.1"][0])
    run("01.3", CASES["01.3"][0])
    run("01.2", CASES["01.2"][1][0])
    assert progress() == "Lesson 01: 2 of 3 exercises passed (01.1, 01.3); not yet: 01.2"
    run("01.3", CASES["01.3"][1][0])  # a later wrong answer counts: the latest check decides
    run("01.2", CASES["01.2"][0])
    assert progress() == "Lesson 01: 2 of 3 exercises passed (01.1, 01.2); not yet: 01.3"
    run("04.1", CASES["04.1"][0])  # the lesson of the latest check is the current one
    assert progress() == "Lesson 04: 1 of 3 exercises passed (04.1); not yet: 04.2, 04.3"
    assert progress("01").startswith("Lesson 01: 2 of 3")
    assert repr(progress()) == str(progress())  # shows as plain lines, not a quoted string


def test_progress_all_lists_every_lesson_and_a_total(fresh_kernel):
    from helpers import progress

    run("02.1", CASES["02.1"][0])
    report = progress("all").splitlines()
    lessons = sorted({i.split(".")[0] for i in all_exercises()})
    assert [line.split(":")[0] for line in report[:-1]] == [f"Lesson {n}" for n in lessons]
    assert report[1].startswith("Lesson 02: 1 of ") and report[0].startswith("Lesson 01: 0 of 3")
    assert report[-1] == f"All lessons: 1 of {len(all_exercises())} exercises passed"
    with pytest.raises(KeyError):
        progress("99")

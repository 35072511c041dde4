"""Exercises: every check passes its reference answer and fails wrong or blank ones."""

from __future__ import annotations

import numpy as np
import pytest
from openai.types.chat import ChatCompletion

from helpers import check, hint
from helpers.exercises import all_exercises


def completion(finish: str, completion_tokens: int) -> ChatCompletion:
    return ChatCompletion.model_validate({
        "id": "x", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": finish, "message": {"role": "assistant", "content": "Once"}}],
        "usage": {"prompt_tokens": 9, "completion_tokens": completion_tokens,
                  "total_tokens": 9 + completion_tokens},
    })


LOGPROBS = np.log(np.array([0.5, 0.3, 0.2]))
SCALED = np.exp(LOGPROBS / 0.5)


def pair(first: str, second: str) -> tuple[ChatCompletion, ChatCompletion]:
    return tuple(ChatCompletion.model_validate({
        "id": "x", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": t}}],
    }) for t in (first, second))


CASES = {
    "01.1": (completion("length", 5), [completion("stop", 3), completion("length", 50), "text"]),
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
}


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

"""Small builders of genuine SDK objects for checks (no model call)."""

from __future__ import annotations

from openai.types.chat import ChatCompletion

__all__ = ["completion", "same_text_pair"]


def completion(texts: list[str], *, fingerprint: str | None = "fp_check", logprobs: list[list[float]] | None = None,
               finish: str = "stop") -> ChatCompletion:
    """A ChatCompletion with one choice per text (and per-token logprobs if given)."""
    choices = []
    for i, text in enumerate(texts):
        lp = None
        if logprobs is not None:
            lp = {"content": [{"token": f"t{k}", "logprob": v, "bytes": None, "top_logprobs": []}
                              for k, v in enumerate(logprobs[i])], "refusal": None}
        choices.append({"index": i, "finish_reason": finish, "logprobs": lp,
                        "message": {"role": "assistant", "content": text}})
    return ChatCompletion.model_validate({"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                                          "system_fingerprint": fingerprint, "choices": choices})


def same_text_pair(answer: object, exercise_id: str, differ: str, same: str):
    """Check a pair of responses whose texts should be identical; returns a Result."""
    from helpers.exercises import Result

    if not (isinstance(answer, tuple | list) and len(answer) == 2
            and all(isinstance(r, ChatCompletion) for r in answer)):
        return Result(False, f"pass the two responses as a pair: check('{exercise_id}', (first, second)).")
    first, second = (r.choices[0].message.content for r in answer)
    return Result(False, differ) if first != second else Result(True, same)


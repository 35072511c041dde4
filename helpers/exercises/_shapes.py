"""Small builders of genuine SDK objects for checks (no model call)."""

from __future__ import annotations

from openai.types.chat import ChatCompletion


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

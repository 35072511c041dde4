"""Exercise cases for lesson 05 (max_tokens and max_completion_tokens)."""

from __future__ import annotations


def _continue(client, messages, max_rounds=3, **kwargs):
    text, history = "", list(messages)
    for _ in range(max_rounds):
        r = client.chat.completions.create(messages=history, **kwargs)
        text += r.choices[0].message.content or ""
        if r.choices[0].finish_reason != "length":
            break
        history = [*messages, {"role": "assistant", "content": text}, {"role": "user", "content": "Continue."}]
    return text


def _no_continue(client, messages, max_rounds=3, **kwargs):
    return client.chat.completions.create(messages=messages, **kwargs).choices[0].message.content


def _repeat_request(client, messages, max_rounds=3, **kwargs):
    text = ""
    for _ in range(max_rounds):
        r = client.chat.completions.create(messages=messages, **kwargs)
        text += r.choices[0].message.content or ""
        if r.choices[0].finish_reason != "length":
            break
    return text


def _no_round_limit(client, messages, max_rounds=3, **kwargs):
    text, history = "", list(messages)
    while True:
        r = client.chat.completions.create(messages=history, **kwargs)
        text += r.choices[0].message.content or ""
        if r.choices[0].finish_reason != "length":
            return text
        history = [*messages, {"role": "assistant", "content": text}, {"role": "user", "content": "Continue."}]


CASES = {
    "05.1": (lambda r: r.choices[0].finish_reason == "length",
             [lambda r: not r.choices[0].message.content.endswith("."),
              lambda r: r.choices[0].finish_reason != "stop",
              lambda r: r.usage.completion_tokens >= 8]),
    "05.2": (_continue, [_no_continue, _repeat_request, _no_round_limit]),
}

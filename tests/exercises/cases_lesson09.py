"""Exercise cases for lesson 09 (stream): reference answers and three wrong ones each."""

from __future__ import annotations


def rebuild_text(chunks):
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


def first_token_index(chunks):
    for i, c in enumerate(chunks):
        if c.choices and c.choices[0].delta.content:
            return i
    return None


def rebuild_tool_calls(chunks):
    calls = {}
    for c in chunks:
        for d in (c.choices[0].delta.tool_calls or []) if c.choices else []:
            if d.id:
                calls[d.index] = {"id": d.id, "name": d.function.name, "arguments": ""}
            calls[d.index]["arguments"] += d.function.arguments or ""
    return [calls[i] for i in sorted(calls)]


def tool_calls_one_bucket(chunks):  # joins every call's arguments into one
    out = {"id": "", "name": "", "arguments": ""}
    for c in chunks:
        for d in (c.choices[0].delta.tool_calls or []) if c.choices else []:
            out["id"] = out["id"] or d.id or ""
            out["name"] = out["name"] or d.function.name or ""
            out["arguments"] += d.function.arguments or ""
    return [out]


def tool_calls_first_fragment_only(chunks):  # keeps only what came with the id
    return [{"id": d.id, "name": d.function.name, "arguments": d.function.arguments}
            for c in chunks if c.choices for d in (c.choices[0].delta.tool_calls or []) if d.id]


CASES = {
    "09.1": (rebuild_text, [
        lambda chunks: "".join(c.choices[0].delta.content or "" for c in chunks),  # crashes on the usage chunk
        lambda chunks: "".join(str(c.choices[0].delta.content) for c in chunks if c.choices),  # 'None' appears
        lambda chunks: chunks[-2].choices[0].delta.content,  # the last piece only
    ]),
    "09.2": (first_token_index, [
        lambda chunks: 1,
        lambda chunks: next(i for i, c in enumerate(chunks) if c.choices and c.choices[0].delta.content is not None),
        lambda chunks: next((i for i, c in enumerate(chunks) if c.choices and c.choices[0].delta.content), 0),
    ]),
    "09.3": (rebuild_tool_calls, [tool_calls_one_bucket, tool_calls_first_fragment_only, "calls"]),
}

"""Exercise cases for lesson 11 (response_format): reference answers and wrong ones for each."""

from __future__ import annotations

import json

from pydantic import BaseModel

BOOK_SCHEMA = {
    "type": "object",
    "properties": {"title": {"type": "string"}, "year": {"type": "integer"},
                   "tags": {"type": "array", "items": {"type": "string"}}},
    "required": ["title", "year", "tags"],
    "additionalProperties": False,
}


class Book(BaseModel):
    title: str
    year: int
    tags: list[str]


class BookNoTags(BaseModel):
    title: str
    year: int


class BookYearText(BaseModel):
    title: str
    year: str
    tags: list[str]


def safe_parse(completion):
    message = completion.choices[0].message
    if message.refusal:
        return None, f"refused: {message.refusal}"
    if completion.choices[0].finish_reason != "stop":
        return None, f"incomplete: finish_reason={completion.choices[0].finish_reason!r}"
    try:
        return json.loads(message.content), None
    except json.JSONDecodeError as err:
        return None, f"not JSON: {err}"


def parse_ignoring_finish(completion):
    message = completion.choices[0].message
    try:
        return json.loads(message.content), None
    except (TypeError, json.JSONDecodeError) as err:
        return None, str(err)


def rejects_only_length(completion):  # misses content_filter, which parse() also raises for
    message = completion.choices[0].message
    if message.refusal or completion.choices[0].finish_reason == "length":
        return None, "refused or cut"
    try:
        return json.loads(message.content), None
    except json.JSONDecodeError as err:
        return None, f"not JSON: {err}"


def parse_ignoring_refusal(completion):
    if completion.choices[0].finish_reason != "stop":
        return None, "incomplete"
    return json.loads(completion.choices[0].message.content), None


CASES = {
    "11.1": (BOOK_SCHEMA, [
        {k: v for k, v in BOOK_SCHEMA.items() if k != "additionalProperties"},
        {**BOOK_SCHEMA, "required": ["title", "year"]},
        {**BOOK_SCHEMA, "properties": {**BOOK_SCHEMA["properties"], "year": {"type": "string"}}},
    ]),
    "11.2": (Book, [BookNoTags, BookYearText, Book(title="Dune", year=1965, tags=[])]),
    "11.3": (safe_parse, [
        lambda c: (json.loads(c.choices[0].message.content), None),
        parse_ignoring_finish,
        parse_ignoring_refusal,
        rejects_only_length,
    ]),
}

"""Checks for lesson 11 (response_format): schemas, Pydantic models and a safe parser, offline."""

from __future__ import annotations

from typing import Any

import jsonschema
import pydantic

from helpers.exercises import Result, exercise
from helpers.fake_client import completion
from helpers.structured import strict_problems

__all__ = ["book_schema", "book_model", "safe_parse"]

GOOD_BOOK = {"title": "Dune", "year": 1965, "tags": ["sf", "desert"]}
BAD_BOOKS = [
    ({"title": "Dune", "year": 1965}, "a book without 'tags'"),
    ({"title": "Dune", "year": 1965, "tags": [], "isbn": "x"}, "a book with an extra key 'isbn'"),
    ({"title": "Dune", "year": "1965", "tags": []}, "a book whose year is a string"),
    ({"title": "Dune", "year": 1965, "tags": [7]}, "a book whose tags are numbers"),
]


@exercise("11.1", "An object with properties title (string), year (integer), tags (array whose items are "
          "strings); 'required' lists all three; 'additionalProperties': False.")
def book_schema(answer: Any) -> Result:
    if not isinstance(answer, dict):
        return Result(False, "the answer is a dict: the JSON Schema itself (not the whole response_format).")
    if "json_schema" in answer or "schema" in answer:
        return Result(False, "give just the schema (the value of json_schema['schema']), "
                      "not the response_format around it.")
    problems = strict_problems(answer)
    if problems:
        return Result(False, "not usable with strict: " + "; ".join(problems))
    try:
        jsonschema.validate(GOOD_BOOK, answer)
    except jsonschema.ValidationError as err:
        return Result(False, f"it rejects a correct book {GOOD_BOOK}: {err.message}")
    except jsonschema.SchemaError as err:
        return Result(False, f"this is not a valid JSON Schema: {err.message}")
    for book, what in BAD_BOOKS:
        if jsonschema.Draft202012Validator(answer).is_valid(book):
            return Result(False, f"it accepts {what}: {book}")
    return Result(True, "strict-ready: all fields required, no extra keys, types checked.")


@exercise("11.2", "class Book(BaseModel): with title: str, year: int, tags: list[str]; pass the class, "
          "not an instance.")
def book_model(answer: Any) -> Result:
    if not (isinstance(answer, type) and issubclass(answer, pydantic.BaseModel)):
        return Result(False, "pass the class itself: a subclass of pydantic.BaseModel.")
    fields = set(answer.model_fields)
    if not fields:
        return Result(False, f"no answer yet: {answer.__name__} has no fields; give it title, year and tags.")
    if fields != {"title", "year", "tags"}:
        return Result(False, f"the fields should be title, year and tags; it has {sorted(fields)}.")
    try:
        book = answer.model_validate(GOOD_BOOK)
    except pydantic.ValidationError as err:
        return Result(False, f"it rejects a correct book {GOOD_BOOK}: {err.errors()[0]['msg']}")
    if not (isinstance(book.title, str) and isinstance(book.year, int) and isinstance(book.tags, list)):
        return Result(False, "title should be a str, year an int and tags a list of str.")
    for data, what in [({"title": "Dune", "year": "soon", "tags": []}, "a year that is not a number"),
                       ({"title": "Dune", "year": 1965, "tags": "sf"}, "tags that are not a list"),
                       ({"title": "Dune", "year": 1965}, "a book without tags")]:
        try:
            answer.model_validate(data)
        except pydantic.ValidationError:
            continue
        return Result(False, f"it accepts {what}: {data}")
    return Result(True, "a model parse() can turn into a strict schema and use to validate the reply.")


SAFE_PARSE_CASES = [
    (completion('{"title": "Dune", "year": 1965}'), True, "a complete JSON reply"),
    (completion('{"title": "Dune", "ye', finish="length"), False, "a reply cut off by max_completion_tokens"),
    (completion('{"title": "Dune"}', finish="length"), False,
     "a reply whose finish_reason is 'length' although its text happens to parse"),
    (completion('{"title": "Dune"}', finish="content_filter"), False,
     "a reply whose finish_reason is 'content_filter' (parse() raises ContentFilterFinishReasonError)"),
    (completion(None, refusal="I can't help with that request."), False, "a refusal (content None, refusal set)"),
    (completion("Sure! Here it is: {}"), False, "a reply that is not JSON"),
]


@exercise("11.3", "Look at the message before parsing: refusal set → error; finish_reason != 'stop' "
          "→ error (stricter than the SDK's parse(), which raises only for 'length' and "
          "'content_filter'); then try json.loads and turn a json.JSONDecodeError into an error. "
          "Return (data, None) or (None, 'why').")
def safe_parse(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (safe_parse).")
    for response, ok, what in SAFE_PARSE_CASES:
        try:
            got = answer(response)
        except Exception as err:
            return Result(False, f"on {what} it raised {type(err).__name__}: {err}; return (None, reason) instead.")
        if not (isinstance(got, tuple) and len(got) == 2):
            return Result(False, f"return a pair (data, error); on {what} it returned {got!r}.")
        data, error = got
        if ok and (error is not None or data != {"title": "Dune", "year": 1965}):
            return Result(False, f"on {what} it returned {got!r}, expected the parsed dict and None.")
        if not ok and (data is not None or not (isinstance(error, str) and error)):
            return Result(False, f"on {what} it returned {got!r}, expected (None, 'a reason').")
    return Result(True, "valid, truncated, refused and non-JSON replies all handled without an exception.")

"""Check a request's JSON against the SDK's own request types, the way OpenAI's API does.

The types are the TypedDicts in ``openai.types.chat.completion_create_params``, which the
SDK generates from OpenAI's OpenAPI document: required keys, unknown keys, literals,
unions (told apart by their JSON kind, then by a ``role``/``type`` key), arrays, maps and
finite numbers. A mismatch raises ``ApiError`` with OpenAI's wording, a ``param`` path such
as ``messages[1].content[0].text`` and a code (``invalid_type``, ``invalid_value``,
``missing_required_parameter``, ``unknown_parameter``). A ``null`` for an optional key
counts as absent, as on OpenAI. Leaves out ranges, lengths and the rules that tie fields
together (``helpers.local.validate``, with its limits in ``helpers.local.limits``).

Used in lessons: none (machinery).
"""

from __future__ import annotations

import collections.abc
import math
import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin

import typing_extensions

__all__ = ["ApiError", "got", "fields", "check"]

_WRAPPERS = {
    typing.Required,
    typing.NotRequired,
    typing_extensions.Required,
    typing_extensions.NotRequired,
    typing.Annotated,
}
_ARRAYS = {list, collections.abc.Iterable, collections.abc.Sequence}
_KIND_NAMES = {
    "null": "null",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a decimal",
    "string": "a string",
    "array": "an array",
    "object": "an object",
}


@dataclass
class ApiError(Exception):
    """An error response in OpenAI's shape."""

    status: int
    message: str
    param: str | None = None
    code: str | None = None
    type: str = "invalid_request_error"

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


def _kind_of(value: Any) -> str:
    """The JSON kind of a parsed value: null, boolean, integer, number, string, array, object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def got(value: Any) -> str:
    """'a string', 'an array', ... as OpenAI names what it received."""
    return _KIND_NAMES.get(_kind_of(value), f"a {_kind_of(value)}")


def _strip(tp: Any) -> Any:
    while get_origin(tp) in _WRAPPERS:
        tp = get_args(tp)[0]
    return tp


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and typing_extensions.is_typeddict(tp)


@cache
def fields(tp: type) -> tuple[dict[str, Any], frozenset[str]]:
    """A TypedDict's field types (wrappers removed) and its required keys."""
    hints = typing_extensions.get_type_hints(tp, include_extras=True)
    required = {
        k
        for k, v in hints.items()
        if get_origin(v) in (typing.Required, typing_extensions.Required)
        or (
            getattr(tp, "__total__", True)
            and get_origin(v) not in (typing.NotRequired, typing_extensions.NotRequired)
        )
    }
    return {k: _strip(v) for k, v in hints.items()}, frozenset(required)


def _kinds(tp: Any) -> set[str]:
    """The JSON kinds a type accepts."""
    tp = _strip(tp)
    if tp in (Any, object):
        return set(_KIND_NAMES)
    if tp is type(None) or tp is None:
        return {"null"}
    if _is_union(tp):
        return set().union(*(_kinds(a) for a in get_args(tp)))
    if get_origin(tp) is Literal:
        return {_kind_of(v) for v in get_args(tp)}
    simple = {str: {"string"}, bool: {"boolean"}, int: {"integer"}, float: {"integer", "number"}}
    if tp in simple:
        return simple[tp]
    if get_origin(tp) in _ARRAYS or tp is list:
        return {"array"}
    if get_origin(tp) is dict or tp is dict or _is_typeddict(tp):
        return {"object"}
    return set(_KIND_NAMES)


def _describe(tp: Any) -> str:
    """How OpenAI's messages name a type: 'a string', 'an array of objects', 'one of ...'."""
    tp = _strip(tp)
    if _is_union(tp):
        parts = [_describe(a) for a in get_args(tp) if a is not type(None)]
        if len(parts) == 1:
            return parts[0]
        rest = [p.removeprefix("a ").removeprefix("an ") for p in parts[1:]]
        return "one of " + " or ".join(
            [parts[0], *rest]
        )  # OpenAI: "one of a string or array of objects"
    if get_origin(tp) is Literal:
        return "one of " + _quoted_list(list(get_args(tp)), "or")
    if get_origin(tp) in _ARRAYS:
        item = _strip(get_args(tp)[0]) if get_args(tp) else Any
        inner = _describe(item).removeprefix("a ").removeprefix("an ")
        return "an array" if item in (Any, object) else f"an array of {inner}s".replace("ss", "s")
    kinds = _kinds(tp)
    if kinds == {"integer", "number"}:
        return "a decimal"
    if len(kinds) == 1:
        return _KIND_NAMES[next(iter(kinds))]
    return "a value"


def _type_error(path: str, tp: Any, value: Any) -> ApiError:
    return ApiError(
        400,
        f"Invalid type for '{path}': expected {_describe(tp)}, but got {got(value)} instead.",
        path,
        "invalid_type",
    )


def _quoted_list(values: list[Any], word: str = "and") -> str:
    shown = [repr(v) if not isinstance(v, str) else f"'{v}'" for v in values]
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + (f", {word} " if len(shown) > 2 else f" {word} ") + shown[-1]


def _invalid_value(path: str, value: Any, allowed: list[Any]) -> ApiError:
    shown = f"'{value}'" if isinstance(value, str) else repr(value)
    return ApiError(
        400,
        f"Invalid value: {shown}. Supported values are: {_quoted_list(allowed)}.",
        path,
        "invalid_value",
    )


def check(value: Any, tp: Any, path: str) -> None:
    """Raise ApiError unless ``value`` (parsed JSON) fits the SDK type ``tp``."""
    tp = _strip(tp)
    if tp in (Any, object):
        return
    if _is_union(tp):
        return _check_union(value, tp, path)
    if get_origin(tp) is Literal:
        allowed = list(get_args(tp))
        if _kind_of(value) not in _kinds(tp):
            raise _type_error(path, tp, value)
        if not any(type(value) is type(a) and value == a for a in allowed):
            raise _invalid_value(path, value, allowed)
        return
    if _kind_of(value) not in _kinds(tp):
        raise _type_error(path, tp, value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ApiError(
            400,
            f"Invalid '{path}': expected a finite number, but got {value}.",
            path,
            "invalid_value",
        )
    if isinstance(value, list):
        item = get_args(tp)[0] if get_args(tp) else Any
        for i, v in enumerate(value):
            check(v, item, f"{path}[{i}]")
    elif _is_typeddict(tp):
        _check_object(value, tp, path)
    elif isinstance(value, dict) and get_origin(tp) is dict:
        item = get_args(tp)[1]
        for key, v in value.items():
            check(v, item, _join(path, key))


def _join(path: str, key: str) -> str:
    """``messages[0]`` + ``role`` -> ``messages[0].role``; a top-level key stands alone."""
    return f"{path}.{key}" if path else key


def _check_object(value: dict, tp: type, path: str) -> None:
    types_, required = fields(tp)
    for key, t in types_.items():  # a wrong tag ("type", "role") says the most: report it first
        if get_origin(t) is Literal and key in value:
            check(value[key], t, _join(path, key))
    for key in value:
        if key not in types_:
            raise ApiError(
                400,
                f"Unknown parameter: '{_join(path, key)}'.",
                _join(path, key),
                "unknown_parameter",
            )
    for key in sorted(required, key=list(types_).index):
        if key not in value:
            raise ApiError(
                400,
                f"Missing required parameter: '{_join(path, key)}'.",
                _join(path, key),
                "missing_required_parameter",
            )
    for key, v in value.items():
        if v is None and key not in required:
            continue  # null for an optional key is the same as leaving it out
        check(v, types_[key], _join(path, key))


def _discriminator(branches: list[type]) -> str | None:
    """A key that every branch has, typed as a Literal: 'role' for messages, 'type' for parts."""
    common = None
    for b in branches:
        lits = {k for k, t in fields(b)[0].items() if get_origin(t) is Literal}
        common = lits if common is None else common & lits
    for key in ("role", "type"):
        if common and key in common:
            return key
    return sorted(common)[0] if common else None


def _check_union(value: Any, tp: Any, path: str) -> None:
    args = [a for a in get_args(tp) if a is not type(None)]
    if value is None and len(args) < len(get_args(tp)):
        return
    fitting = [a for a in args if _kind_of(value) in _kinds(a)]
    if not fitting:
        raise _type_error(path, tp, value)
    if len(fitting) == 1:
        return check(value, fitting[0], path)
    objects = [_strip(a) for a in fitting if _is_typeddict(_strip(a))]
    key = (
        _discriminator(objects) if isinstance(value, dict) and len(objects) == len(fitting) else None
    )
    if key is not None:
        return _check_tagged(value, objects, key, path)
    first: ApiError | None = None
    for branch in fitting:
        try:
            return check(value, branch, path)
        except ApiError as err:
            first = first or err
    assert first is not None
    raise first


def _check_tagged(value: dict, branches: list[type], key: str, path: str) -> None:
    where = _join(path, key)
    allowed = [v for b in branches for v in get_args(fields(b)[0][key])]
    if key not in value:
        raise ApiError(
            400, f"Missing required parameter: '{where}'.", where, "missing_required_parameter"
        )
    tag = value[key]
    if not isinstance(tag, str):
        raise ApiError(
            400,
            f"Invalid type for '{where}': expected one of {_quoted_list(allowed, 'or')}, but got "
            f"{got(tag)} instead.",
            where,
            "invalid_type",
        )
    for branch in branches:
        if tag in get_args(fields(branch)[0][key]):
            return check(value, branch, path)
    raise _invalid_value(where, tag, allowed)

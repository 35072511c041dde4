"""Function calling in three small pieces: schema, dispatch, loop.

Covers :func:`tool_schema` (a ``tools=[...]`` entry built from a typed Python function's
signature and docstring), :class:`Toolbox` (register functions, parse and validate the
model's arguments, run the function, turn the result *or the error* into a ``tool``
message) and :func:`run_tool_loop` (call the model, run the tools it asks for, send the
results back, repeat until it answers in text). Leaves out streamed tool calls, custom
(free-text) tools, ``allowed_tools`` and async clients.

Used in lessons: 14, 20.
"""

from __future__ import annotations

import inspect
import json
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import jsonschema

from helpers.messages import assistant_message, tool_call_parts

__all__ = ["tool_schema", "ToolArgumentError", "Toolbox", "named", "LoopResult", "run_tool_loop"]

JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _type_schema(annotation: Any) -> dict:
    """JSON Schema for one annotation: str/int/float/bool, Literal[...], list[...], X | None."""
    if annotation in JSON_TYPES:
        return {"type": JSON_TYPES[annotation]}
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return {"type": JSON_TYPES[type(args[0])], "enum": list(args)}
    if origin is list and args:
        return {"type": "array", "items": _type_schema(args[0])}
    if origin in (Union, types.UnionType) and type(None) in args and len(args) == 2:
        inner = next(a for a in args if a is not type(None))
        return {"anyOf": [_type_schema(inner), {"type": "null"}]}
    raise TypeError(f"cannot describe {annotation!r} in a tool schema: use str, int, float, bool, "
                    "Literal[...], list[...] or X | None.")


def _docstring(fn: Callable) -> tuple[str, dict[str, str]]:
    """The summary paragraph and the ``name: text`` lines under ``Args:`` of a docstring."""
    doc = inspect.getdoc(fn) or ""
    summary = " ".join(doc.split("\n\n")[0].split())
    params: dict[str, str] = {}
    in_args = False
    for line in doc.splitlines():
        if line.strip() in ("Args:", "Arguments:", "Parameters:"):
            in_args = True
        elif in_args and ":" in line and line.startswith((" ", "\t")):
            name, _, text = line.strip().partition(":")
            params[name.split(" ")[0]] = text.strip()
        elif in_args and line.strip() and not line.startswith((" ", "\t")):
            in_args = False
    return summary, params


def tool_schema(fn: Callable, *, name: str | None = None, description: str | None = None,
                strict: bool = True) -> dict:
    """A ``{"type": "function", "function": {...}}`` entry for ``tools=[...]``, from ``fn``.

    With ``strict=True`` (OpenAI's Structured Outputs rules) every parameter is listed in
    ``required`` and one with a default may also be ``null``, meaning "use the default".
    """
    hints = get_type_hints(fn)
    summary, param_docs = _docstring(fn)
    properties: dict[str, dict] = {}
    required: list[str] = []
    for pname, param in inspect.signature(fn).parameters.items():
        if pname not in hints:
            raise TypeError(f"parameter {pname!r} of {fn.__name__} needs a type annotation.")
        schema = _type_schema(hints[pname])
        if param.default is not inspect.Parameter.empty and strict and "anyOf" not in schema:
            schema = {"anyOf": [schema, {"type": "null"}]}
        if pname in param_docs:
            schema["description"] = param_docs[pname]
        properties[pname] = schema
        if strict or param.default is inspect.Parameter.empty:
            required.append(pname)
    function = {"name": name or fn.__name__, "description": description or summary,
                "parameters": {"type": "object", "properties": properties, "required": required,
                               "additionalProperties": False},
                "strict": strict}
    return {"type": "function", "function": function}


class ToolArgumentError(ValueError):
    """The model's arguments for a tool were not valid JSON or did not fit the schema."""


class Toolbox:
    """Python functions the model may call, with their schemas; runs the calls it makes."""

    def __init__(self, *functions: Callable, strict: bool = True) -> None:
        self.strict = strict
        self.functions: dict[str, Callable] = {}
        self.schemas: dict[str, dict] = {}
        for fn in functions:
            self.tool(fn)

    def tool(self, fn: Callable | None = None, *, name: str | None = None,
             description: str | None = None) -> Any:
        """Register ``fn`` (usable as ``@toolbox.tool`` or ``@toolbox.tool(name=...)``)."""
        def register(f: Callable) -> Callable:
            schema = tool_schema(f, name=name, description=description, strict=self.strict)
            self.schemas[schema["function"]["name"]] = schema
            self.functions[schema["function"]["name"]] = f
            return f
        return register(fn) if fn is not None else register

    @property
    def tools(self) -> list[dict]:
        """The list to pass as ``tools=``."""
        return list(self.schemas.values())

    def parse(self, name: str, arguments: str) -> dict:
        """The arguments as a dict, or ToolArgumentError saying exactly what is wrong."""
        if name not in self.functions:
            raise ToolArgumentError(f"unknown tool {name!r}; available: {', '.join(self.functions)}.")
        try:
            args = json.loads(arguments)
        except (TypeError, json.JSONDecodeError) as err:
            raise ToolArgumentError(f"arguments are not valid JSON ({err}): {arguments!r}") from err
        params = self.schemas[name]["function"]["parameters"]
        error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(params).iter_errors(args))
        if error is not None:
            where = "/".join(map(str, error.absolute_path)) or "arguments"
            raise ToolArgumentError(f"{where}: {error.message}")
        return {k: v for k, v in args.items() if v is not None}  # null means "use the default"

    def run(self, call: Any) -> dict:
        """Run one tool call; the ``tool`` message to send back (an error is a result too)."""
        call_id, name, arguments = tool_call_parts(call)
        try:
            args = self.parse(name, arguments)
            result = self.functions[name](**args)
            content = result if isinstance(result, str) else json.dumps(result, ensure_ascii=False, default=str)
        except ToolArgumentError as err:
            content = json.dumps({"error": f"bad arguments for {name}: {err}"})
        except Exception as err:  # the function itself failed: tell the model, do not crash
            content = json.dumps({"error": f"{name} failed: {type(err).__name__}: {err}"})
        return {"role": "tool", "tool_call_id": call_id, "content": content}

    def run_all(self, message: Any) -> list[dict]:
        """One ``tool`` message per tool call of an assistant message, in order."""
        calls = message.get("tool_calls") if isinstance(message, dict) else message.tool_calls
        return [self.run(call) for call in calls or []]


def named(name: str) -> dict:
    """``tool_choice`` that forces one function: ``{"type": "function", "function": {"name": ...}}``."""
    return {"type": "function", "function": {"name": name}}


@dataclass
class LoopResult:
    """What :func:`run_tool_loop` did: the last response, the whole history, the tool rounds."""

    response: Any
    messages: list[dict] = field(default_factory=list)
    rounds: int = 0

    @property
    def answer(self) -> str | None:
        return self.response.choices[0].message.content


def run_tool_loop(client: Any, model: str, messages: list[dict], toolbox: Toolbox, *,
                  max_rounds: int = 3, tool_choice: Any = "auto",
                  on_call: Callable[[Any, dict], None] | None = None, **create_kwargs: Any) -> LoopResult:
    """Call the model, run the tools it calls, send the results back; stop at a text answer.

    ``tool_choice`` is used in every round, or give a list with one per round (the last
    one repeats). After ``max_rounds`` rounds of tool calls a last call with
    ``tool_choice="none"`` asks for the answer. ``on_call(call, tool_message)`` sees each
    call as it is run. ``messages`` is not changed; the result holds the new history.
    """
    choices: Sequence[Any] = tool_choice if isinstance(tool_choice, list) else [tool_choice]
    history = list(messages)
    for round_ in range(max_rounds + 1):
        choice = "none" if round_ == max_rounds else choices[min(round_, len(choices) - 1)]
        response = client.chat.completions.create(model=model, messages=history, tools=toolbox.tools,
                                                  tool_choice=choice, **create_kwargs)
        message = response.choices[0].message
        history.append(assistant_message(message))
        if not message.tool_calls:
            return LoopResult(response, history, round_)
        for call in message.tool_calls:
            result = toolbox.run(call)
            if on_call is not None:
                on_call(call, result)
            history.append(result)
    raise AssertionError("unreachable: the last round asks for tool_choice='none'")  # pragma: no cover

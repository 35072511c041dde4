"""Read a parameter's documentation straight from the installed SDK.

Lessons quote ``client.chat.completions.create``'s parameters as the installed
``openai`` package documents them (the docstrings in
``openai/types/chat/completion_create_params.py``), so the text can never drift from the
SDK a learner actually has. A dotted name reaches one level into a parameter's own type
(``"stream_options.include_usage"``, ``"response_format.json_schema.strict"``); naming the
type itself (``"response_format.json_object"``) gives its class docstring. Leaves out
anything beyond chat.completions.create.

Used in lessons: 02, 03, 04, 05, 06, 07, 08, 09, 10, 11, 12, 13, 14, 16, 18.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from functools import cache

__all__ = ["field_docs", "param_doc", "show_doc"]

# The types behind dotted names: "<prefix>.<field>" reads a field of that TypedDict.
NESTED = {
    "stream_options": ("openai.types.chat.chat_completion_stream_options_param", "ChatCompletionStreamOptionsParam"),
    "response_format.json_object": ("openai.types.shared_params.response_format_json_object",
                                    "ResponseFormatJSONObject"),
    "response_format.json_schema": ("openai.types.shared_params.response_format_json_schema", "JSONSchema"),
    "tools.function": ("openai.types.shared_params.function_definition", "FunctionDefinition"),
}


@cache
def field_docs(module_name: str, *class_names: str) -> dict[str, str]:
    """Field docstrings (the string right after each annotated field) of some classes."""
    tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
    docs: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name in class_names:
            body = node.body
            for field, after in zip(body, body[1:], strict=False):
                if isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name):
                    if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
                        docs.setdefault(field.target.id, inspect.cleandoc(str(after.value.value)))
    return docs


def _docs() -> dict[str, str]:
    # `stream` is documented on the streaming variant of the params, not on the base.
    return field_docs("openai.types.chat.completion_create_params",
                       "CompletionCreateParamsBase", "CompletionCreateParamsStreaming")


def param_doc(name: str) -> str:
    """The installed SDK's docstring for one parameter of chat.completions.create."""
    if name in NESTED:
        module_name, class_name = NESTED[name]
        return inspect.cleandoc(getattr(importlib.import_module(module_name), class_name).__doc__ or "")
    owner, _, field = name.rpartition(".")
    docs = field_docs(*NESTED[owner]) if owner in NESTED else _docs()
    if field not in docs:
        where = f"{NESTED[owner][1]} (for {owner!r})" if owner in NESTED else "chat.completions.create"
        raise KeyError(f"{name!r} is not documented in {where}; known: {', '.join(sorted(docs))}")
    return docs[field]


def show_doc(name: str, width: int = 88) -> None:
    """Print a parameter's docstring, wrapped, with the SDK version it comes from."""
    import openai

    print(f"{name}  (openai {openai.__version__}, chat.completions.create)\n")
    for para in param_doc(name).split("\n\n"):
        print(textwrap.fill(" ".join(para.split()), width), end="\n\n")

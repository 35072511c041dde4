"""Read a parameter's documentation straight from the installed SDK.

Lessons quote ``client.chat.completions.create``'s parameters as the installed
``openai`` package documents them (the docstrings in
``openai/types/chat/completion_create_params.py``), so the text can never drift from the
SDK a learner actually has. Leaves out anything beyond chat.completions.create.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from functools import lru_cache

from openai.types.chat import completion_create_params


@lru_cache(maxsize=1)
def _docs() -> dict[str, str]:
    tree = ast.parse(inspect.getsource(completion_create_params))
    docs: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "CompletionCreateParamsBase":
            body = node.body
            for field, after in zip(body, body[1:], strict=False):
                if isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name):
                    if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
                        docs[field.target.id] = inspect.cleandoc(str(after.value.value))
    return docs


def param_doc(name: str) -> str:
    """The installed SDK's docstring for one parameter of chat.completions.create."""
    docs = _docs()
    if name not in docs:
        raise KeyError(f"{name!r} is not a documented parameter; known: {', '.join(sorted(docs))}")
    return docs[name]


def show_doc(name: str, width: int = 88) -> None:
    """Print a parameter's docstring, wrapped, with the SDK version it comes from."""
    import openai

    print(f"{name}  (openai {openai.__version__}, chat.completions.create)\n")
    for para in param_doc(name).split("\n\n"):
        print(textwrap.fill(" ".join(para.split()), width), end="\n\n")

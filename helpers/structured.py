"""Check a JSON Schema against the rules of OpenAI's strict Structured Outputs, before sending it.

Covers the three rules a hand-written schema breaks most often when
``response_format={"type": "json_schema", "json_schema": {..., "strict": True}}``: the root
is an object, every object says ``"additionalProperties": false``, and every property is
listed in ``required`` (an optional field is a required one whose type allows ``null``).
The SDK's own ``parse()`` applies the last two to schemas it makes from Pydantic models.
The local backend does not enforce these rules (it turns any schema into a grammar), so
this is how to catch such a schema offline. Leaves out the rest of the supported subset
(size and nesting limits, which keywords are supported): see OpenAI's Structured Outputs guide.

Used in lessons: 11.
"""

from __future__ import annotations

from typing import Any

__all__ = ["strict_problems"]


def _walk(node: Any, path: str, problems: list[str]) -> None:
    if not isinstance(node, dict):
        return
    types = node.get("type")
    is_object = types == "object" or (isinstance(types, list) and "object" in types) or "properties" in node
    if is_object:
        if node.get("additionalProperties") is not False:
            problems.append(f"{path}: an object needs \"additionalProperties\": false")
        props = node.get("properties") or {}
        missing = [name for name in props if name not in (node.get("required") or [])]
        if missing:
            problems.append(f"{path}: every property must be in \"required\"; missing {missing} "
                            "(make a field optional with a type that allows null instead)")
        for name, sub in props.items():
            _walk(sub, f"{path}.properties.{name}", problems)
    if isinstance(node.get("items"), dict):
        _walk(node["items"], f"{path}.items", problems)
    for key in ("anyOf", "allOf"):
        for i, sub in enumerate(node.get(key) or []):
            _walk(sub, f"{path}.{key}[{i}]", problems)
    for key in ("$defs", "definitions"):
        for name, sub in (node.get(key) or {}).items():
            _walk(sub, f"{path}.{key}.{name}", problems)


def strict_problems(schema: dict[str, Any]) -> list[str]:
    """What stops ``schema`` from being used with ``strict: true``; an empty list when nothing does."""
    if not isinstance(schema, dict):
        return ["the schema must be a dict (a JSON object)"]
    problems: list[str] = []
    if schema.get("type") != "object":
        problems.append("root: the schema's root must be {\"type\": \"object\", ...}")
    _walk(schema, "root", problems)
    return problems


"""Check a JSON Schema against the rules of OpenAI's strict Structured Outputs, before sending it.

Covers the three rules a hand-written schema breaks most often when
``response_format={"type": "json_schema", "json_schema": {..., "strict": True}}``: the root
is an object, every object says ``"additionalProperties": false``, and every property is
listed in ``required`` (an optional field is a required one whose type allows ``null``),
with :func:`schema_objects`, the walk over a schema's object nodes that other checks reuse.
The SDK's own ``parse()`` applies the last two to schemas it makes from Pydantic models.
The local backend does not enforce these rules (it turns any schema into a grammar), so
this is how to catch such a schema offline. Leaves out the rest of the supported subset
(size and nesting limits, which keywords are supported): see OpenAI's Structured Outputs guide.

Used in lessons: 11.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["schema_objects", "strict_problems"]


def schema_objects(node: Any, path: str = "root") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object node of a JSON Schema with its path, the parent before its children.

    An object node has ``"type": "object"`` (or ``"object"`` in a list of types) or
    ``properties``. Walked: ``properties``, ``items``, ``anyOf``, ``allOf``, ``$defs`` and
    ``definitions``; paths read like ``root.properties.books.items``. ``$ref`` is not followed.
    """
    if not isinstance(node, dict):
        return
    types = node.get("type")
    if types == "object" or (isinstance(types, list) and "object" in types) or "properties" in node:
        yield path, node
        for name, sub in (node.get("properties") or {}).items():
            yield from schema_objects(sub, f"{path}.properties.{name}")
    if isinstance(node.get("items"), dict):
        yield from schema_objects(node["items"], f"{path}.items")
    for key in ("anyOf", "allOf"):
        for i, sub in enumerate(node.get(key) or []):
            yield from schema_objects(sub, f"{path}.{key}[{i}]")
    for key in ("$defs", "definitions"):
        for name, sub in (node.get(key) or {}).items():
            yield from schema_objects(sub, f"{path}.{key}.{name}")


def strict_problems(schema: dict[str, Any]) -> list[str]:
    """What stops ``schema`` from being used with ``strict: true``; an empty list when nothing does."""
    if not isinstance(schema, dict):
        return ["the schema must be a dict (a JSON object)"]
    problems: list[str] = []
    if schema.get("type") != "object":
        problems.append("root: the schema's root must be {\"type\": \"object\", ...}")
    for path, node in schema_objects(schema):
        if node.get("additionalProperties") is not False:
            problems.append(f"{path}: an object needs \"additionalProperties\": false")
        missing = [name for name in node.get("properties") or {} if name not in (node.get("required") or [])]
        if missing:
            problems.append(f"{path}: every property must be in \"required\"; missing {missing} "
                            "(make a field optional with a type that allows null instead)")
    return problems


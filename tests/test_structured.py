"""The strict Structured Outputs rules, checked offline."""

from __future__ import annotations

from openai import pydantic_function_tool
from pydantic import BaseModel

from helpers.structured import schema_objects, strict_problems

GOOD = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "born": {"type": ["integer", "null"]},
        "books": {"type": "array", "items": {
            "type": "object", "properties": {"title": {"type": "string"}},
            "required": ["title"], "additionalProperties": False}},
    },
    "required": ["name", "born", "books"],
    "additionalProperties": False,
}


def test_a_strict_schema_has_no_problems():
    assert strict_problems(GOOD) == []


def test_missing_additional_properties_is_found_also_when_nested():
    bad = {**GOOD, "properties": {**GOOD["properties"], "books": {"type": "array", "items": {
        "type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}}}}
    assert strict_problems(bad) == ['root.properties.books.items: an object needs "additionalProperties": false']


def test_every_property_must_be_required():
    bad = {**GOOD, "required": ["name"]}
    (problem,) = strict_problems(bad)
    assert problem.startswith("root: every property must be in \"required\"; missing ['born', 'books']")


def test_the_root_must_be_an_object():
    assert strict_problems({"type": "array", "items": {"type": "string"}})[0].startswith("root: the schema's root")
    assert strict_problems("not a schema") == ["the schema must be a dict (a JSON object)"]


def test_defs_and_any_of_are_walked():
    schema = {"type": "object", "properties": {"x": {"anyOf": [{"$ref": "#/$defs/P"}, {"type": "null"}]}},
              "required": ["x"], "additionalProperties": False,
              "$defs": {"P": {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}}}
    assert strict_problems(schema) == ['root.$defs.P: an object needs "additionalProperties": false']


def test_schema_objects_yields_every_object_node_parent_first():
    schema = {"type": "object", "properties": {
        "x": {"anyOf": [{"$ref": "#/$defs/P"}, {"type": ["object", "null"], "properties": {}}]},
        "tags": {"type": "array", "items": {"type": "string"}}},
        "$defs": {"P": {"properties": {"a": {"type": "array", "items": {"type": "object"}}}}}}
    assert [path for path, _ in schema_objects(schema)] == [
        "root", "root.properties.x.anyOf[1]", "root.$defs.P", "root.$defs.P.properties.a.items"]
    assert next(schema_objects(schema))[1] is schema
    assert [p for p, _ in schema_objects(GOOD["properties"]["books"], "$")] == ["$.items"]
    assert list(schema_objects("not a schema")) == [] and list(schema_objects({"type": "string"})) == []


class Step(BaseModel):
    explanation: str
    output: str


class Answer(BaseModel):
    steps: list[Step]
    final_answer: str | None = None


def test_schemas_the_sdk_makes_from_pydantic_models_pass():
    # The SDK's own strict conversion (public via pydantic_function_tool) meets these rules;
    # Pydantic's plain schema does not (an optional field is not required, no additionalProperties).
    assert strict_problems(pydantic_function_tool(Answer)["function"]["parameters"]) == []
    assert strict_problems(Answer.model_json_schema()) != []

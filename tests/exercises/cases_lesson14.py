"""Exercise cases for lesson 14: (reference answer, three wrong answers)."""

import copy
import json

from helpers.fake_client import tool_call

SCHEMA = {"type": "function", "function": {
    "name": "convert_currency", "description": "Convert an amount of money into another currency.",
    "parameters": {"type": "object", "properties": {
        "amount": {"type": "number", "description": "How much money."},
        "to": {"type": "string", "enum": ["EUR", "USD", "GBP"]}},
        "required": ["amount", "to"], "additionalProperties": False},
    "strict": True}}


def changed(path: list[str], value):
    schema = copy.deepcopy(SCHEMA)
    node = schema
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return schema


CALL = tool_call("get_weather", '{"city": "Paris"}', "call_abc123")
RESULT = {"city": "Paris", "temp_c": 21}


def dispatch(name, arguments, functions):
    try:
        args = json.loads(arguments)
        result = functions[name](**args)
    except Exception as err:
        return json.dumps({"error": f"{type(err).__name__}: {err}"})
    return json.dumps(result)


def trusting(name, arguments, functions):
    return json.dumps(functions[name](**json.loads(arguments)))


def only_bad_json(name, arguments, functions):
    try:
        args = json.loads(arguments)
    except json.JSONDecodeError as err:
        return json.dumps({"error": str(err)})
    return json.dumps(functions[name](**args))


CASES = {
    "14.1": (SCHEMA, [changed(["function", "parameters", "properties", "amount", "type"], "string"),
                      changed(["function", "parameters", "required"], ["amount"]),
                      changed(["function", "parameters", "properties", "to"], {"type": "string"})]),
    "14.2": (({"role": "tool", "tool_call_id": CALL.id, "content": json.dumps(RESULT)}, {"call": CALL}),
             [({"role": "tool", "tool_call_id": CALL.id, "content": RESULT}, {"call": CALL}),
              ({"role": "function", "name": "get_weather", "content": json.dumps(RESULT)}, {"call": CALL}),
              ({"role": "tool", "tool_call_id": "call_1", "content": json.dumps(RESULT)}, {"call": CALL})]),
    "14.3": (dispatch, [trusting, only_bad_json, lambda name, arguments, functions: "error"]),
}

"""Exercise cases for lesson 03: (reference answer, three wrong answers)."""

import copy

CALL = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}
GOOD = [
    {"role": "system", "content": "You can look up the weather."},
    {"role": "user", "content": "What is the weather in Paris?"},
    {"role": "assistant", "content": None, "tool_calls": [CALL]},
    {"role": "tool", "tool_call_id": "call_1", "content": '{"temp_c": 18, "sky": "clear"}'},
]


def variant(change):
    messages = copy.deepcopy(GOOD)
    change(messages)
    return messages


def trim_to(messages, budget, count):
    system, rest = messages[0], messages[1:]
    turns = []
    for message in rest:
        if message["role"] == "user" or not turns:
            turns.append([])
        turns[-1].append(message)
    while turns and count([system] + [m for t in turns for m in t]) > budget:
        turns.pop(0)
    return [system] + [m for t in turns for m in t]


def trim_messages(messages, budget, count):  # drops single messages: can orphan a tool result
    kept = list(messages)
    while len(kept) > 1 and count(kept) > budget:
        kept.pop(1)
    return kept


def trim_newest(messages, budget, count):
    kept = list(messages)
    while len(kept) > 1 and count(kept) > budget:
        kept.pop()
    return kept


CASES = {
    "03.1": (GOOD, [GOOD[:1] + GOOD[1:2] + GOOD[3:],  # tool result with no tool call before it
                    variant(lambda m: m[3].update(tool_call_id="call_2")),
                    variant(lambda m: m[2]["tool_calls"][0]["function"].update(arguments={"city": "Paris"}))]),
    "03.2": (trim_to, [trim_messages, trim_newest, lambda messages, budget, count: messages[:1]]),
}

"""Exercise cases for lesson 02: (reference answer, three wrong answers)."""

from helpers.costs import price_call
from helpers.exercises.lesson02 import SAMPLING
from helpers.model_catalog import shutdowns


def cheapest(table, prompt_tokens, completion_tokens):
    costs = {m: price_call(m, prompt_tokens, completion_tokens, table=table)
             for m, p in table.prices.items() if not p.local}
    return min(costs, key=costs.get)


def cheapest_input(table, prompt_tokens, completion_tokens):
    return min((p for p in table.prices.values() if not p.local), key=lambda p: p.input).model


def cheapest_with_local(table, prompt_tokens, completion_tokens):
    costs = {m: price_call(m, prompt_tokens, completion_tokens, table=table) for m in table.prices}
    return min(costs, key=costs.get)


def for_reasoning(params):
    out = {k: v for k, v in params.items() if k not in SAMPLING}
    if "max_tokens" in out:
        out["max_completion_tokens"] = out.pop("max_tokens")
    return out


def drops_only(params):
    return {k: v for k, v in params.items() if k not in SAMPLING}


def in_place(params):
    for key in SAMPLING:
        params.pop(key, None)
    if "max_tokens" in params:
        params["max_completion_tokens"] = params.pop("max_tokens")
    return params


def retiring_before(ids, before):
    dates = shutdowns()
    return sorted(m for m in ids if dates.get(m, "")[:1].isdigit() and dates[m] < before)


CASES = {
    "02.1": (cheapest, [cheapest_input, cheapest_with_local, lambda t, p, c: "middle"]),
    "02.2": (for_reasoning, [drops_only, in_place, lambda p: {}]),
    "02.3": (retiring_before, [lambda ids, before: sorted(m for m in ids if m in shutdowns()),
                               lambda ids, before: [m for m in ids if shutdowns().get(m, "z") < before],
                               lambda ids, before: []]),
}

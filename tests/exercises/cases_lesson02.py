"""Exercise cases for lesson 02: (reference answer, three wrong answers)."""

from helpers.costs import price_call
from helpers.exercises.lesson02 import PENALTIES, SAMPLING
from helpers.model_catalog import sampling_extra, shutdowns


def cheapest(table, prompt_tokens, completion_tokens):
    costs = {m: price_call(m, prompt_tokens, completion_tokens, table=table)
             for m, p in table.prices.items() if not p.local}
    return min(costs, key=costs.get)


def cheapest_input(table, prompt_tokens, completion_tokens):
    return min((p for p in table.prices.values() if not p.local), key=lambda p: p.input).model


def cheapest_with_local(table, prompt_tokens, completion_tokens):
    costs = {m: price_call(m, prompt_tokens, completion_tokens, table=table) for m in table.prices}
    return min(costs, key=costs.get)


def for_reasoning(params, model):
    out = {k: v for k, v in params.items() if k not in PENALTIES}
    if "max_tokens" in out:
        out["max_completion_tokens"] = out.pop("max_tokens")
    if any(k in out for k in SAMPLING):
        extra = sampling_extra(model)
        if extra:
            out.update(extra)
        else:
            out = {k: v for k, v in out.items() if k not in SAMPLING}
    return out


def strips_always(params, model):  # the old rule: every reasoning model refuses sampling
    out = {k: v for k, v in params.items() if k not in SAMPLING + PENALTIES}
    if "max_tokens" in out:
        out["max_completion_tokens"] = out.pop("max_tokens")
    return out


def in_place(params, model):
    for key in PENALTIES:
        params.pop(key, None)
    if "max_tokens" in params:
        params["max_completion_tokens"] = params.pop("max_tokens")
    if any(k in params for k in SAMPLING):
        params.update(sampling_extra(model) or {})
    return params


def none_everywhere(params, model):  # adds reasoning_effort="none" whatever the model
    return for_reasoning(params, "gpt-5.4-mini")


def retiring_before(ids, before):
    dates = shutdowns()
    return sorted(m for m in ids if dates.get(m, "")[:1].isdigit() and dates[m] < before)


CASES = {
    "02.1": (cheapest, [cheapest_input, cheapest_with_local, lambda t, p, c: "middle"]),
    "02.2": (for_reasoning, [strips_always, in_place, none_everywhere]),
    "02.3": (retiring_before, [lambda ids, before: sorted(m for m in ids if m in shutdowns()),
                               lambda ids, before: [m for m in ids if shutdowns().get(m, "z") < before],
                               lambda ids, before: []]),
}

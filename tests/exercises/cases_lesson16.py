"""Exercise cases for lesson 16: (reference answer, three wrong answers)."""

from helpers.cost_meter import Call, CostMeter


def call_cost(usage, price):
    cached = usage.prompt_tokens_details.cached_tokens if usage.prompt_tokens_details else 0
    return ((usage.prompt_tokens - cached) * price["input"] + cached * price["cached_input"]
            + usage.completion_tokens * price["output"]) / 1_000_000


def meter_with(*calls):
    meter = CostMeter()
    meter.calls.extend(calls)
    return meter


STREAMED = Call("m", 20, 0, 5, 0, "recording", True)
BARE_STREAM = Call("m", None, 0, None, 0, "recording", True)
PLAIN = Call("m", 20, 0, 5, 0, "recording", False)

CASES = {
    "16.1": (call_cost, [
        lambda u, p: (u.prompt_tokens * p["input"] + u.completion_tokens * p["output"]) / 1_000_000,
        lambda u, p: (u.prompt_tokens * p["input"] + u.prompt_tokens_details.cached_tokens * p["cached_input"]
                      + u.completion_tokens * p["output"]) / 1_000_000,
        lambda u, p: (u.prompt_tokens * p["input"] + u.completion_tokens * p["output"]) / 1_000,
    ]),
    "16.2": (meter_with(PLAIN, STREAMED), [meter_with(STREAMED, BARE_STREAM), meter_with(PLAIN), meter_with()]),
}

"""Use-case functions: the parameters they choose, and their answers on the local model."""

from __future__ import annotations

import jsonschema
import pytest

from helpers import use_cases
from helpers.fake_client import ScriptedClient


def test_translate_is_deterministic_and_stops_at_the_end_of_a_one_line_source():
    spy = ScriptedClient([("Bonjour", "stop")])
    reply = use_cases.translate(spy, "m", "Hello", "French")
    call = spy.calls[0]
    assert call["temperature"] == 0 and call["stop"] == ["\n"] and "French" in call["messages"][0]["content"]
    assert reply.text == "Bonjour" and reply.complete


def test_translate_keeps_line_breaks_of_a_multi_line_source():
    spy = ScriptedClient([("Bonjour\nau revoir", "stop")])
    use_cases.translate(spy, "m", "Hello\ngoodbye", "French")
    assert "stop" not in spy.calls[0]


def test_a_cut_off_reply_says_so():
    reply = use_cases.summarise(ScriptedClient([("A long", "length")]), "m", "text")
    assert not reply.complete and "cut off" in str(reply)


def test_outline_refuses_a_cut_off_json():
    with pytest.raises(ValueError, match="max_completion_tokens"):
        use_cases.outline(ScriptedClient([('{"title": "x", "sec', "length")]), "m", "tea")


def test_outline_format_accepts_exactly_the_requested_number_of_sections():
    schema = use_cases.outline_format(2)["json_schema"]["schema"]
    section = {"heading": "h", "points": ["a", "b"]}
    jsonschema.validate({"title": "t", "sections": [section, section]}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"title": "t", "sections": [section]}, schema)


@pytest.mark.live
def test_every_use_case_answers_on_the_local_model(client, model):
    summary = use_cases.summarise(client, model, "Tea is a drink made from leaves. It is popular in "
                                  "Britain, China and India, and it contains caffeine.")
    assert summary.text and summary.completion_tokens <= 120
    translation = use_cases.translate(client, model, "Good morning.", "French")
    assert "\n" not in translation.text
    plan = use_cases.outline(client, model, "tea", sections=2)
    assert len(plan["sections"]) == 2
    explanation = use_cases.explain_code(client, model, "print(1 + 1)", max_completion_tokens=20)
    assert explanation.completion_tokens <= 20


def test_outline_checks_the_number_of_sections_itself():
    with pytest.raises(ValueError, match="asked for 3 sections, got 1"):
        use_cases.outline(ScriptedClient([('{"title": "t", "sections": [{"heading": "h", "points": ["a", "b"]}]}',
                                           "stop")]), "m", "tea")


OUTLINE = '{"title": "t", "sections": [{"heading": "h", "points": ["a", "b"]}]}'
EVERY_USE_CASE = {
    "summarise": (lambda c, m: use_cases.summarise(c, m, "Tea is a drink."), "A drink."),
    "translate": (lambda c, m: use_cases.translate(c, m, "Hello", "French"), "Bonjour"),
    "outline": (lambda c, m: use_cases.outline(c, m, "tea", sections=1), OUTLINE),
    "explain_code": (lambda c, m: use_cases.explain_code(c, m, "print(1)"), "It prints 1."),
}


@pytest.mark.parametrize("name", list(EVERY_USE_CASE))
def test_a_use_case_adds_reasoning_effort_none_only_for_models_that_need_it(name):
    """gpt-5.1+ accept temperature only with reasoning_effort='none'; the local model's
    requests (and so its recordings) must not change."""
    run, text = EVERY_USE_CASE[name]
    for model, want in [("gpt-5.4-mini", {"reasoning_effort": "none"}), ("SmolLM2-135M-Instruct", {}),
                        ("gpt-4o-mini", {})]:
        spy = ScriptedClient([(text, "stop")])
        run(spy, model)
        call = spy.calls[0]
        assert "temperature" in call, name
        assert {k: call[k] for k in ("reasoning_effort",) if k in call} == want, (name, model)

"""Chatbot: streams on the local model, stores whole turns only, resumes, retries, runs tools."""

from __future__ import annotations

import openai
import pytest

from helpers import make_client
from helpers.chat_store import ChatStore
from helpers.chatbot import BudgetExceeded, Chatbot
from helpers.faults import FaultTransport
from helpers.settings import LOCAL_MODEL_ID
from helpers.tools import Toolbox

HOURS = {"monday": "9:00-17:00", "saturday": "10:00-13:00", "sunday": "closed"}


def opening_hours(day: str) -> str:
    """The library's opening hours on a given day.

    Args:
        day: the day of the week, e.g. "monday".
    """
    return HOURS.get(day.strip().lower(), "unknown day")


@pytest.fixture
def store(tmp_path):
    return ChatStore(tmp_path / "chat.sqlite")


@pytest.mark.live
def test_a_turn_streams_is_stored_with_its_usage_and_resumes_in_a_new_bot(client, model, store, tmp_path):
    pieces = []
    bot = Chatbot(client, model, store, "t", max_completion_tokens=16, seed=1)
    answer = bot.ask("Say hello.", on_text=pieces.append)
    assert answer and pieces and pieces[-1] == answer and len(pieces) > 1  # arrived in pieces
    assert [m["role"] for m in bot.messages] == ["system", "user", "assistant"]
    totals = store.totals("t")
    assert totals["completion_tokens"] <= 16 and totals["prompt_tokens"] > 0 and totals["cost_usd"] == 0
    resumed = Chatbot(client, model, ChatStore(tmp_path / "chat.sqlite"), "t")
    assert resumed.messages == bot.messages and "1 turns" in resumed.status()


def test_a_failed_call_stores_nothing_and_the_error_reaches_the_caller(model, store):
    faults = FaultTransport(["401"])
    bot = Chatbot(make_client("local", replay="off", wrap=faults), model, store, "f")
    with pytest.raises(openai.AuthenticationError):
        bot.ask("Hello?")
    assert [m["role"] for m in bot.messages] == ["system"] and faults.count == 1


@pytest.mark.live
def test_transient_errors_are_retried_by_the_sdk(model, store):
    faults = FaultTransport(["429", "503"], retry_after=0.01)
    bot = Chatbot(make_client("local", replay="off", wrap=faults, max_retries=2), model, store, "r",
                  max_completion_tokens=8)
    assert bot.ask("Hi")
    assert [a.outcome for a in faults.attempts] == ["429 (injected)", "503 (injected)", "200"]


@pytest.mark.live
def test_a_tool_call_runs_and_the_answer_comes_after_its_result(client, model, store):
    bot = Chatbot(client, model, store, "tools", toolbox=Toolbox(opening_hours), max_completion_tokens=40, seed=3)
    bot.ask("When does the library open on Saturday?", tool_choice="required")
    roles = [m["role"] for m in bot.messages]
    assert roles[:4] == ["system", "user", "assistant", "tool"] and roles[-1] == "assistant"
    call = bot.messages[2]["tool_calls"][0]
    assert call["function"]["name"] == "opening_hours"
    assert bot.messages[3]["tool_call_id"] == call["id"]
    assert bot.messages[-1]["content"]


@pytest.mark.live
def test_history_beyond_the_budget_is_kept_but_not_sent(client, model, store):
    bot = Chatbot(client, model, store, "long", history_tokens=60, max_completion_tokens=12, seed=2)
    for question in ["Name a colour.", "Name a fruit.", "Name an animal."]:
        bot.ask(question)
    sent = bot.context([{"role": "user", "content": "Next?"}])
    assert len(bot.messages) == 7 and sent[0] == bot.messages[0] and len(sent) < len(bot.messages) + 1
    assert sent[-1] == {"role": "user", "content": "Next?"}


@pytest.mark.live
def test_the_budget_refuses_a_call_once_spent(client, store):
    bot = Chatbot(client, LOCAL_MODEL_ID, store, "b", budget_usd=1e-9, price_as="gpt-4o-mini",
                  max_completion_tokens=4)
    bot.ask("Hi")  # nothing spent before the first call
    assert bot.spent() > 0
    with pytest.raises(BudgetExceeded, match="budget"):
        bot.ask("Again")
    assert sum(m["role"] == "user" for m in bot.messages) == 1


def test_the_widget_ends_with_the_chat_widgets_input_row(store):
    from helpers.chat_widget import PLACEHOLDER

    bot = Chatbot(make_client("local", replay="off"), LOCAL_MODEL_ID, store, "row")
    assert [type(w).__name__ for w in bot.view.children] == ["HTML", "HTML", "HTML", "HBox"]
    assert bot.view.children[-1].children == (bot.box, bot.send)
    assert (bot.box.placeholder, bot.send.description) == (PLACEHOLDER, "Send")
    bot.box.value = "   "
    bot.send.click()  # the button runs submit: an empty box sends nothing
    assert [m["role"] for m in bot.messages] == ["system"]


@pytest.mark.live
def test_the_widget_keeps_the_text_on_an_error_and_clears_it_on_success(model, store):
    faults = FaultTransport(["400"])
    bot = Chatbot(make_client("local", replay="off", wrap=faults, max_retries=0), model, store, "w",
                  max_completion_tokens=8)
    bot.view.children[-1].children[0].value = "Hello there"
    assert bot.submit() is False
    assert bot.box.value == "Hello there" and "BadRequestError" in bot.info.value
    assert bot.submit() is True
    assert bot.box.value == "" and "Hello there" in bot.transcript.value and "1 turns" in bot.info.value


def test_a_budget_without_a_price_is_refused_up_front(client, store):
    with pytest.raises(ValueError, match="price_as"):
        Chatbot(client, "some-gateway/model", store, "x", budget_usd=1.0)

"""The chatbot widget's logic, driven in Python: what a click does on success and on failure."""

from __future__ import annotations

import openai
import pytest
from test_conversation import answering, unreachable

from helpers.chat_widget import PLACEHOLDER, ChatWidget, input_row, transcript_html
from helpers.conversation import Conversation


def test_a_successful_submit_clears_the_box_and_shows_both_turns():
    chat = ChatWidget(answering("Blue <b>is</b> calm."), "m", Conversation("Be brief."))
    chat.text.value = "  A colour?  "
    assert chat.submit() is True
    assert chat.text.value == "" and "workbook-provenance" in chat.status.value
    assert [m["role"] for m in chat.conversation.messages] == ["system", "user", "assistant"]
    assert "A colour?" in chat.transcript.value
    assert "Blue &lt;b&gt;is&lt;/b&gt; calm." in chat.transcript.value  # model text is escaped
    assert not chat.button.disabled


def test_a_failing_call_shows_the_error_and_loses_nothing():
    conv = Conversation("Be brief.")
    conv.messages += [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]
    before = list(conv.messages)
    chat = ChatWidget(unreachable(), "m", conv)
    shown = chat.transcript.value
    chat.text.value = "Still there?"
    assert chat.submit() is False
    assert "APIConnectionError" in chat.status.value and "still in the box" in chat.status.value
    assert chat.text.value == "Still there?"
    assert conv.messages == before and chat.transcript.value == shown
    assert not chat.button.disabled


def test_a_bad_request_is_shown_with_its_message(client, model):
    chat = ChatWidget(client, model, Conversation("Be brief."), temperature=7)
    chat.text.value = "Hi"
    assert chat.submit() is False
    assert "BadRequestError" in chat.status.value and "temperature" in chat.status.value


@pytest.mark.live
def test_the_button_and_enter_key_both_submit(client, model):
    chat = ChatWidget(client, model, Conversation("You are a concise assistant."), max_completion_tokens=6, seed=1)
    chat.text.value = "Say hi."
    chat.button.click()
    assert len(chat.conversation.messages) == 3 and chat.text.value == ""
    chat.text.value = "Again."
    chat.text._submission_callbacks(chat.text)
    assert len(chat.conversation.messages) == 5


def test_an_empty_box_sends_nothing():
    chat = ChatWidget(unreachable(), "m", Conversation("Be brief."))
    chat.text.value = "   "
    assert chat.submit() is False and "Type something" in chat.status.value
    assert len(chat.conversation.messages) == 1


def test_transcript_html_marks_tool_calls_and_empty_history():
    assert "no messages" in transcript_html([])
    html = transcript_html([{"role": "assistant", "content": None, "tool_calls": [{}]}])
    assert "(tool call)" in html


def test_errors_are_openai_errors_so_replay_misses_show_too():
    from helpers.errors import ReplayMissError

    assert issubclass(ReplayMissError, openai.OpenAIError)


def test_enter_pressed_again_while_answering_sends_nothing_twice():
    chat = ChatWidget(answering("Hi."), "m", Conversation("Be brief."))
    chat.text.value = "Hello"
    chat._busy.acquire()  # an answer is still coming
    try:
        assert chat.submit() is False
    finally:
        chat._busy.release()
    assert chat.submit() is True and len(chat.conversation.messages) == 3


def test_in_a_kernel_the_handlers_wait_for_the_boxs_last_keys(monkeypatch):
    import threading

    from helpers import views

    started = []
    monkeypatch.setattr("IPython.get_ipython", lambda: type("K", (), {"kernel": object()})())
    monkeypatch.setattr(threading, "Timer", lambda delay, fn: started.append(delay) or type(
        "T", (), {"start": lambda self: None})())
    calls = []
    views.later(lambda: calls.append(1))()
    assert started == [views.SUBMIT_DELAY_S] and calls == []


def test_input_row_is_a_box_and_a_send_button_that_both_send():
    sent: list[str] = []
    text, button, row = input_row(lambda: sent.append(text.value))
    assert list(row.children) == [text, button] and type(row).__name__ == "HBox"
    assert (text.placeholder, text.layout.width) == (PLACEHOLDER, "70%") == ("Type a message and press Enter", "70%")
    assert (button.description, button.button_style) == ("Send", "primary")
    text.value = "by click"
    button.click()
    text.value = "by Enter"
    text._submission_callbacks(text)
    assert sent == ["by click", "by Enter"]



def test_the_chat_widget_shows_that_row_between_transcript_and_status():
    chat = ChatWidget(answering("x"), "m", Conversation("Be brief."))
    transcript, row, status = chat.view.children
    assert row.children == (chat.text, chat.button) and chat.text.placeholder == PLACEHOLDER
    assert (transcript, status) == (chat.transcript, chat.status)

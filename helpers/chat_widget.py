"""A tiny chatbot in a notebook: a text box, a Send button and the transcript as HTML.

Covers :class:`ChatWidget`, built on :class:`helpers.conversation.Conversation`. Its
``submit`` handler (the button's and the text box's) sends the typed text; the reply
streams into the transcript as it is generated (or appears at once when recorded), with
a status line that says where it came from (``helpers.live_view``); on success it
clears the box and redraws the transcript; on an error it shows the error's message,
keeps the history as it was and leaves the typed text in the box so nothing is lost.
No ``Output`` capture: everything shown is an ``HTML`` widget's value, so the logic is
testable without a browser. :func:`input_row` builds the text box and the Send button
(``helpers.chatbot`` uses it too). Leaves out tools and cost limits (capstone).

Used in lessons: 03.
"""

from __future__ import annotations

import html
import threading
import warnings
from collections.abc import Callable
from typing import Any

import openai

from helpers.conversation import Conversation
from helpers.live_view import ask
from helpers.views import Box, later, one_at_a_time

__all__ = ["transcript_html", "ChatWidget", "input_row", "PLACEHOLDER"]

PLACEHOLDER = "Type a message and press Enter"
COLOURS = {"user": "#1f6feb", "assistant": "#2da44e", "system": "#8250df", "developer": "#8250df", "tool": "#9a6700"}


def input_row(on_send: Callable[[], Any]) -> tuple[Any, Any, Any]:
    """(text box, Send button, the row holding both): Enter in the box or a click runs ``on_send()``.

    ``on_send`` runs through :func:`helpers.views.later`, so in a kernel it sees the box's
    latest value. The placeholder and the button's text are what the browser tests look for.
    """
    import ipywidgets as w

    text = w.Text(placeholder=PLACEHOLDER, layout=w.Layout(width="70%"))
    button = w.Button(description="Send", button_style="primary")
    handler = later(on_send)
    button.on_click(handler)
    with warnings.catch_warnings():  # deprecated in ipywidgets 8 but still the only "Enter" event;
        warnings.simplefilter("ignore", DeprecationWarning)  # observing value would also fire on blur
        text.on_submit(handler)
    return text, button, w.HBox([text, button])


def transcript_html(messages: list[dict]) -> str:
    """The messages as simple HTML, one line per message, role in colour."""
    rows = []
    for msg in messages:
        role = msg["role"]
        text = msg.get("content") or ("(tool call)" if msg.get("tool_calls") else "")
        rows.append(f'<div><b style="color:{COLOURS.get(role, "#000")}">{html.escape(role)}</b>: '
                    f'{html.escape(str(text))}</div>')
    return "".join(rows) or "<i>(no messages yet)</i>"


class ChatWidget:
    """``ChatWidget(client, MODEL, Conversation("Be brief."), max_completion_tokens=60).view``."""

    def __init__(self, client: Any, model: str, conversation: Conversation, **params: Any):
        import ipywidgets as w

        self.client, self.model, self.conversation, self.params = client, model, conversation, params
        self._busy = threading.Lock()
        self.text, self.button, row = input_row(self.submit)
        self.transcript = w.HTML(transcript_html(conversation.messages))
        self.status = w.HTML("")
        self.view = Box([self.transcript, row, self.status], what="Chat")

    @one_at_a_time
    def submit(self) -> bool:
        """Send the box's text; True when a reply came back (False at once while busy)."""
        text = self.text.value.strip()
        if not text:
            self.status.value = "<i>Type something first.</i>"
            return False
        self.button.disabled = True
        self.status.value = "<i>waiting for the model…</i>"
        conversation = self.conversation
        request = [*conversation.messages, {"role": "user", "content": text}]

        def on_text(so_far: str) -> None:
            shown = [*request, {"role": "assistant", "content": so_far}]
            self.transcript.value = transcript_html(shown)

        def on_status(status: str) -> None:
            self.status.value = status

        try:
            answer = ask(self.client, self.model, request, on_text=on_text, on_status=on_status,
                         **self.params)
        except (openai.OpenAIError, ValueError) as err:
            self.transcript.value = transcript_html(conversation.messages)
            self.status.value = (f'<span style="color:#cf222e"><b>{type(err).__name__}</b>: '
                                 f'{html.escape(str(err))}</span><br><i>Your message is still in the box; '
                                 'the history is unchanged. Fix the problem and press Send again.</i>')
            return False
        finally:
            self.button.disabled = False
        conversation.messages = [*request, answer.message]
        conversation.model = self.model
        if answer.usage is not None:
            conversation.prompt_tokens.append(answer.usage.prompt_tokens)
        self.text.value = ""
        self.transcript.value = transcript_html(conversation.messages)
        return True

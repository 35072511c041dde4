"""The capstone chatbot: streams, calls tools, trims history, survives restarts, counts cost.

Covers :class:`Chatbot`, which puts the earlier lessons' pieces together: the history
lives in a :class:`helpers.chat_store.ChatStore` (SQLite, so a kernel restart resumes
it); each request sends the instructions plus as many recent whole turns as fit a token
budget (``Conversation.trim``); the answer is streamed (``helpers.streaming.collect``)
with ``include_usage`` so every call's tokens and cost are stored with it; tool calls
are run by a :class:`helpers.tools.Toolbox` and sent back; transient errors are retried
by the SDK itself (``max_retries`` on the client); a dollar budget refuses calls once
spent. A turn is stored only when it completed, so an error never leaves half a turn
behind. The widget (``bot.view``) is a text box, a Send button, the transcript and a
status line. Leaves out several users, async, and retrying a stream that broke halfway.

Used in lessons: 20.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import openai

from helpers import provenance
from helpers.chat_store import ChatStore
from helpers.chat_widget import input_row, transcript_html
from helpers.conversation import Conversation
from helpers.costs import load_prices, price_call
from helpers.live_view import Ticker, status_html
from helpers.model_catalog import sampling_extra
from helpers.streaming import collect
from helpers.tools import Toolbox
from helpers.views import Box, one_at_a_time

__all__ = ["BudgetExceeded", "Chatbot"]


class BudgetExceeded(openai.OpenAIError):
    """The conversation has spent its dollar budget; no call was made."""


class Chatbot:
    """A streaming, tool-using chatbot whose history is kept in SQLite."""

    def __init__(self, client: Any, model: str, store: ChatStore, name: str = "chat", *,
                 system: str = "You are a helpful, concise assistant.", toolbox: Toolbox | None = None,
                 history_tokens: int = 600, budget_usd: float | None = None, max_rounds: int = 3,
                 price_as: str | None = None, **params: Any) -> None:
        self.client, self.model, self.store, self.name = client, model, store, name
        self.price_as = price_as  # price the tokens as this model's (e.g. to see a local chat's cost on OpenAI)
        self.toolbox, self.history_tokens, self.budget_usd = toolbox, history_tokens, budget_usd
        self.max_rounds = max_rounds
        # reasoning_effort="none" where OpenAI needs it for sampling parameters ({} locally)
        self.params = {"max_completion_tokens": 120, **sampling_extra(model), **params}
        if budget_usd is not None and load_prices().get(price_as or model) is None:
            raise ValueError(f"budget_usd needs a price for {price_as or model!r} and data/prices.json has "
                             "none: pass price_as='<a priced model>' or leave budget_usd out.")
        if not store.messages(name):
            store.append(name, {"role": "system", "content": system})
        self._view: widgets.VBox | None = None
        self._busy = threading.Lock()

    @property
    def messages(self) -> list[dict]:
        """The whole stored conversation (more than is sent when it outgrows the budget)."""
        return self.store.messages(self.name)

    def context(self, extra: list[dict]) -> list[dict]:
        """What the next request sends: instructions plus the recent turns that fit the budget."""
        conversation = Conversation(model=self.model)
        conversation.messages = self.messages + extra
        conversation.trim(self.history_tokens)
        return conversation.messages

    def spent(self) -> float | None:
        """Dollars spent so far on this conversation (None when a price was unknown)."""
        return self.store.totals(self.name)["cost_usd"]

    def ask(self, text: str, *, tool_choice: Any = "auto", on_text: Callable[[str], None] | None = None) -> str:
        """Send ``text``; stream the answer to ``on_text``; store the turn; return the answer.

        ``tool_choice`` applies to the first round; later rounds use "auto", and the last
        one "none", so the model always ends with a text answer. On any error nothing is
        stored and the error propagates.
        """
        spent = self.spent()
        if self.budget_usd is not None and spent is not None and spent >= self.budget_usd:
            raise BudgetExceeded(f"this conversation has spent ${spent:.6f} of its ${self.budget_usd:.6f} "
                                 "budget; raise budget_usd or start a new conversation name.")
        turn: list[tuple[dict, Any]] = [({"role": "user", "content": text}, None)]
        for round_number in range(self.max_rounds):
            choice = tool_choice if round_number == 0 else "auto"
            if round_number == self.max_rounds - 1:
                choice = "none"
            extra = {"tools": self.toolbox.tools, "tool_choice": choice} if self.toolbox else {}
            stream = self.client.chat.completions.create(
                model=self.model, messages=self.context([m for m, _ in turn]), stream=True,
                stream_options={"include_usage": True}, **extra, **self.params)
            result = collect(stream, on_text=on_text)
            turn.append((result.message(), result.usage))
            if not result.tool_calls:
                break
            turn.extend((msg, None) for msg in self.toolbox.run_all(result.message()))
        self._store(turn)
        return result.text

    def _store(self, turn: list[tuple[dict, Any]]) -> None:
        rows = []
        for message, usage in turn:
            if usage is None:
                rows.append((message, None, None, None))
                continue
            details = usage.prompt_tokens_details
            cached = (details.cached_tokens or 0) if details else 0
            cost = price_call(self.price_as or self.model, usage.prompt_tokens, usage.completion_tokens, cached)
            rows.append((message, usage.prompt_tokens, usage.completion_tokens, cost))
        self.store.append_rows(self.name, rows)  # one transaction: the whole turn, or nothing

    def status(self) -> str:
        """One line: turns, tokens so far, dollars so far."""
        totals = self.store.totals(self.name)
        turns = sum(1 for m in self.messages if m["role"] == "user")
        cost = "unknown" if totals["cost_usd"] is None else f"${totals['cost_usd']:.6f}"
        if self.price_as:
            cost += f" at {self.price_as} prices"
        return (f"{turns} turns · {totals['prompt_tokens']} prompt + {totals['completion_tokens']} "
                f"completion tokens · cost {cost}")

    @property
    def view(self) -> widgets.VBox:
        """The chat widget: transcript, a status line, a text box and a Send button."""
        if self._view is None:
            self.transcript = widgets.HTML(transcript_html(self.messages))
            self.live = widgets.HTML("")
            self.info = widgets.HTML(html.escape(self.status()))
            self.box, self.send, row = input_row(self.submit)
            self._view = Box([self.transcript, self.live, self.info, row], what="Chatbot")
        return self._view

    @one_at_a_time
    def submit(self) -> bool:
        """The widget's handler: ask the box's text; on an error show it and keep the text.
        False at once while an answer is still coming (Enter pressed again)."""
        _ = self.view  # build the widgets if the bot was never displayed
        text = self.box.value.strip()
        if not text:
            return False
        self.send.disabled = True
        self.live.value = "<i>⏳ sending…</i>"
        parts = {"text": "", "status": ""}

        def draw() -> None:
            self.live.value = (f"<div>{parts['status']}</div><div style='white-space:pre-wrap'>"
                               f"{html.escape(parts['text'])}</div>")

        def on_text(so_far: str) -> None:
            parts["text"] = so_far
            draw()

        def on_status(status: str) -> None:
            parts["status"] = status
            draw()

        provenance.forget_last()
        try:
            with Ticker(on_status):
                self.ask(text, on_text=on_text)
        except openai.OpenAIError as err:
            self.info.value = f"<span style='color:#b00'>{html.escape(type(err).__name__)}: " \
                              f"{html.escape(str(err))}</span> (your message is still in the box)"
            return False
        finally:
            self.send.disabled = False
        last = provenance.last_call()
        self.box.value = ""
        self.live.value = status_html(last.source, last.seconds) if last is not None else ""
        self.transcript.value = transcript_html(self.messages)
        self.info.value = html.escape(self.status())
        return True

"""A cost meter: tallies every chat completion a client makes, with tokens and dollars.

Covers a transport that sits around the client's transport (``make_client(wrap=meter)``)
and reads ``usage`` from each ``/chat/completions`` answer: JSON bodies, streams that
asked for ``stream_options={"include_usage": True}``, and replayed answers alike. Each
call becomes a row (model, prompt / cached / completion / reasoning tokens, where the
answer came from, its cost from ``data/prices.json``); a chart shows them. A model with
no sourced price shows its cost as "unknown", never 0. Leaves out counting tokens before
a call and the prices themselves (``helpers.costs``).

Used in lessons: 16.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import openai

from helpers._http import TeeStream, WrapperTransport, is_stream, plain_headers, sse_data
from helpers.client import make_client, notebook_scope
from helpers.costs import PriceTable, load_prices, price_call
from helpers.recordings import RecordingStore

__all__ = ["UNKNOWN", "Call", "CostMeter", "private_cache_client"]

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Call:
    """One metered call: what the response's ``usage`` said, and where the answer came from."""

    model: str | None
    prompt_tokens: int | None
    cached_tokens: int
    completion_tokens: int | None
    reasoning_tokens: int
    source: str      # "backend" (a real call), "recording" or "cache" (replayed: nothing billed)
    streamed: bool


def _usage_call(body: dict | None, source: str, streamed: bool) -> Call:
    body = body or {}
    usage = body.get("usage") or {}
    prompt_details = usage.get("prompt_tokens_details") or {}
    completion_details = usage.get("completion_tokens_details") or {}
    return Call(body.get("model"), usage.get("prompt_tokens"), prompt_details.get("cached_tokens") or 0,
                usage.get("completion_tokens"), completion_details.get("reasoning_tokens") or 0, source, streamed)


def _last_usage_event(raw: bytes) -> dict | None:
    """From a Server-Sent Events body, the last chunk that carries usage (or the last chunk)."""
    last = None
    for data in sse_data(raw, errors="replace"):
        if data.strip() == "[DONE]":
            continue
        try:
            event = json.loads(data)
        except ValueError:
            continue
        if isinstance(event, dict) and (event.get("usage") or last is None or not last.get("usage")):
            last = event
    return last


class CostMeter(WrapperTransport):
    """Wraps a transport and records a :class:`Call` for every successful chat completion."""

    example = "CostMeter()"

    def __init__(self, inner: httpx2.BaseTransport | None = None, prices: PriceTable | None = None):
        super().__init__(inner)
        self.prices, self.calls = prices or load_prices(), []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self.underneath().handle_request(request)
        if not (request.method == "POST" and request.url.path.rstrip("/").endswith("/chat/completions")
                and 200 <= response.status_code < 300):
            return response
        source = response.extensions.get("workbook_source", "backend")
        if is_stream(response):
            def done(raw: bytes) -> None:
                self.calls.append(_usage_call(_last_usage_event(raw), source, True))
            return httpx2.Response(response.status_code, headers=plain_headers(response),
                                   stream=TeeStream(response, done), extensions=response.extensions)
        raw = response.read()
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        self.calls.append(_usage_call(body, source, False))
        return httpx2.Response(response.status_code, headers=plain_headers(response), content=raw,
                               extensions=response.extensions)

    def reset(self) -> None:
        """Forget the calls counted so far."""
        self.calls.clear()

    def cost(self, call: Call, as_model: str | None = None) -> float | None:
        """Dollars for one call (``as_model``: priced as if that model had used these tokens)."""
        if call.prompt_tokens is None or call.completion_tokens is None:
            return None
        return price_call(as_model or call.model, call.prompt_tokens, call.completion_tokens,
                          call.cached_tokens, table=self.prices)

    def frame(self, as_model: str | None = None):
        """The calls as a pandas DataFrame; cost is a number of dollars or "unknown"."""
        import pandas as pd

        label = f"cost as {as_model} $" if as_model else "cost $"
        rows = []
        for n, call in enumerate(self.calls, 1):
            cost = self.cost(call, as_model)
            rows.append({"call": n, "model": call.model, "source": call.source, "streamed": call.streamed,
                         "prompt": call.prompt_tokens, "cached": call.cached_tokens,
                         "completion": call.completion_tokens, "reasoning": call.reasoning_tokens,
                         label: UNKNOWN if cost is None else cost,
                         "paid $": UNKNOWN if cost is None else (cost if call.source == "backend" else 0.0)})
        columns = ["call", "model", "source", "streamed", "prompt", "cached", "completion", "reasoning",
                   label, "paid $"]
        frame = pd.DataFrame(rows, columns=columns).set_index("call")
        return frame.astype({"prompt": "Int64", "completion": "Int64"})  # missing usage shows as <NA>

    def total(self, as_model: str | None = None, paid_only: bool = False) -> tuple[float, int]:
        """(dollars over the calls with a known price, number of calls whose price is unknown)."""
        known, unknown = 0.0, 0
        for call in self.calls:
            cost = self.cost(call, as_model)
            if cost is None:
                unknown += 1
            elif not paid_only or call.source == "backend":
                known += cost
        return known, unknown

    def summary(self, as_model: str | None = None) -> str:
        """One line: calls, tokens, cost, paid, and the date the prices were retrieved."""
        cost, unknown = self.total(as_model)
        paid, _ = self.total(as_model, paid_only=True)
        tokens = sum((c.prompt_tokens or 0) + (c.completion_tokens or 0) for c in self.calls)
        priced = f" priced as {as_model}" if as_model else ""
        extra = f"; {unknown} call(s) of unknown price not included" if unknown else ""
        return (f"{len(self.calls)} calls, {tokens} tokens, ${cost:.6f}{priced} (paid ${paid:.6f}){extra}. "
                f"Prices retrieved {self.prices.retrieved} (data/prices.json).")

    def chart(self, as_model: str | None = None, show: bool = True):
        """A stacked bar chart of each call's tokens, titled with the cost and the prices' date.

        Shown at once in a notebook (returns None); ``show=False`` returns the figure instead.
        """
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 3))
        xs = range(1, len(self.calls) + 1)
        cached = [c.cached_tokens for c in self.calls]
        fresh = [(c.prompt_tokens or 0) - c.cached_tokens for c in self.calls]
        out = [c.completion_tokens or 0 for c in self.calls]
        ax.bar(xs, fresh, label="prompt (not cached)", color="#4c72b0")
        ax.bar(xs, cached, bottom=fresh, label="prompt (cached)", color="#8fb0de")
        ax.bar(xs, out, bottom=[a + b for a, b in zip(fresh, cached, strict=True)], label="completion", color="#dd8452")
        ax.set_xlabel("call")
        ax.set_ylabel("tokens")
        ax.set_xticks(list(xs))
        ax.legend(fontsize=8)
        cost, unknown = self.total(as_model)
        shown = f"${cost:.6f}" + (f" + {unknown} unknown" if unknown else "")
        ax.set_title(f"{len(self.calls)} calls, {shown}{' as ' + as_model if as_model else ''} "
                     f"(prices retrieved {self.prices.retrieved})", fontsize=10)
        fig.tight_layout()
        if not show:
            return fig
        plt.show()
        return None


def private_cache_client(directory: str | Path, **kwargs: Any) -> openai.OpenAI:
    """``make_client(replay="auto")`` whose recordings and answer cache live under ``directory``.

    With an empty directory, the first run of each request reaches the backend and is
    cached; a later run (after a kernel restart, or ``helpers.replay.reset_counters()``)
    is served from the cache. Lesson 16 uses it to show "run twice, pay once".
    """
    store = RecordingStore(Path(directory) / "recordings", Path(directory) / "cache",
                           scope=notebook_scope(kwargs.pop("scope", None)))
    return make_client(replay="auto", store=store, **kwargs)

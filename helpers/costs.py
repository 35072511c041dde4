"""What a call costs: the price table in data/prices.json and the cost of one usage block.

Covers loading the sourced prices (US dollars per 1M input / cached input / output
tokens, with the date they were retrieved), looking a model up (a dated snapshot such as
``gpt-4o-mini-2024-07-18`` falls back to its alias) and pricing one call. A model with no
sourced price costs ``None`` ("unknown"), never a made-up 0. Leaves out tallying a
notebook's calls (``helpers.cost_meter``) and counting tokens before a call.

Used in lessons: 02, 16, 20.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from helpers.settings import PRICES_PATH

__all__ = ["PRICES_PATH", "Price", "PriceTable", "load_prices", "price_call"]

_SNAPSHOT = re.compile(r"-\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Price:
    """One model's prices in US dollars per 1M tokens."""

    model: str
    input: float
    cached_input: float | None
    output: float
    local: bool = False
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class PriceTable:
    """Every sourced price, the date they were read and where they come from."""

    prices: dict[str, Price]
    retrieved: str
    sources: dict[str, dict] = field(default_factory=dict)

    def get(self, model: str | None) -> Price | None:
        """The price for ``model`` (or its undated alias); ``None`` when unknown."""
        if not model:
            return None
        return self.prices.get(model) or self.prices.get(_SNAPSHOT.sub("", model))

    def table(self):
        """The prices as a pandas DataFrame, one row per model, with its sources' dates."""
        import pandas as pd

        rows = []
        for price in self.prices.values():
            dates = [self.sources.get(s, {}).get("published") for s in price.sources]
            rows.append({
                "model": price.model, "input $/1M": price.input,
                "cached input $/1M": price.cached_input, "output $/1M": price.output,
                "source dated": ", ".join(sorted({d for d in dates if d})) or ("local" if price.local else "undated"),
            })
        return pd.DataFrame(rows).set_index("model")


def _price(model: str, entry: dict, local: bool) -> Price:
    return Price(model, float(entry["input"]), None if entry.get("cached_input") is None
                 else float(entry["cached_input"]), float(entry["output"]), local,
                 tuple(entry.get("sources", ())))


def load_prices(path: str | Path | None = None) -> PriceTable:
    """Read data/prices.json (or ``path``) into a :class:`PriceTable`."""
    return _load(str(path or PRICES_PATH))


@lru_cache(maxsize=4)
def _load(path: str) -> PriceTable:
    data = json.loads(Path(path).read_text())
    prices = {name: _price(name, entry, False) for name, entry in data.get("models", {}).items()}
    prices |= {name: _price(name, entry, True) for name, entry in data.get("local", {}).items()}
    return PriceTable(prices, data["retrieved"], data.get("sources", {}))


def price_call(model: str | None, prompt_tokens: int, completion_tokens: int, cached_tokens: int = 0,
               table: PriceTable | None = None) -> float | None:
    """Dollars for one call, or ``None`` when the model has no sourced price.

    Cached prompt tokens are billed at the cached-input rate, the rest of the prompt at
    the input rate; completion tokens (reasoning tokens included) at the output rate.
    """
    price = (table or load_prices()).get(model)
    if price is None:
        return None
    cached = min(cached_tokens or 0, prompt_tokens)
    cached_rate = price.input if price.cached_input is None else price.cached_input
    dollars = (prompt_tokens - cached) * price.input + cached * cached_rate + completion_tokens * price.output
    return dollars / 1_000_000

"""Prices come from data/prices.json with sources and a date; unknown models cost None."""

from __future__ import annotations

import json

import pytest

from helpers.costs import PRICES_PATH, load_prices, price_call


def test_every_paid_price_names_a_dated_or_official_source():
    data = json.loads(PRICES_PATH.read_text())
    assert data["retrieved"]
    for name, entry in data["models"].items():
        assert entry["sources"], name
        for source in entry["sources"]:
            assert data["sources"][source]["url"].startswith("https://"), (name, source)
        assert entry["input"] > 0 and entry["output"] > entry["input"], name


def test_lookup_falls_back_from_a_dated_snapshot_to_its_alias():
    table = load_prices()
    assert table.get("gpt-4o-mini-2024-07-18") == table.get("gpt-4o-mini")
    assert table.get("gpt-4o-mini") is not None
    assert table.get("no-such-model") is None
    assert table.get(None) is None


def test_price_call_splits_cached_from_uncached_prompt_tokens(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"retrieved": "2026-01-01", "models": {
        "m": {"input": 1.0, "cached_input": 0.1, "output": 4.0, "sources": []}}}))
    table = load_prices(path)
    # 1M prompt tokens of which 400k cached, 500k completion tokens
    assert price_call("m", 1_000_000, 500_000, 400_000, table=table) == pytest.approx(0.6 + 0.04 + 2.0)
    assert price_call("other", 10, 10, table=table) is None


def test_local_model_is_free_but_known():
    table = load_prices()
    assert price_call("SmolLM2-135M-Instruct", 100, 100, table=table) == 0
    assert table.get("SmolLM2-135M-Instruct").local


def test_price_table_shows_source_dates():
    frame = load_prices().table()
    assert "gpt-5.4-mini" in frame.index
    assert frame.loc["gpt-5.4-mini", "source dated"].startswith("2026-")
    assert frame.loc["SmolLM2-135M-Instruct", "source dated"] == "local"

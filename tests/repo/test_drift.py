"""Drift guard: no lesson and no price recommends a model that was shut down when it was recorded.

Compares two committed facts, never today's date: the shutdown dates in the installed SDK's
"Deprecated values" note (``helpers.model_catalog.shutdowns``) and the date each lesson's
recordings were made (the newest ``created`` of a chat completion in
``data/recordings/<lesson>/``; ``data/prices.json``'s ``retrieved`` for a lesson without
recordings, and for the prices themselves). Every deprecated id that a lesson's markdown or
code names, or that prices.json prices, fails when its shutdown date is on or before that date,
unless the lesson cites it as history (a report, an SDK quote): those few mentions are listed
in ``HISTORY`` with the reason. Leaves out ids the SDK does not list as deprecated.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import nbformat
import openai
import pytest

from helpers.model_catalog import shutdowns

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
RECORDINGS = ROOT / "data" / "recordings"
PRICES = ROOT / "data" / "prices.json"
COMPLETIONS = {"chat.completion", "chat.completion.chunk"}

# (lesson, id) -> why a lesson may name a model that had shut down when it was recorded.
HISTORY = {
    ("02_model", "gpt-4"): "names the gpt-4 family in is_reasoning_model's rule, not a model to use",
    ("02_model", "o1-mini"): "a 2024 report of its 400 for temperature, and exercise 02.3's retired ids",
    ("02_model", "o1"): "a January 2025 test of which parameters o1 refused",
    ("02_model", "o3-mini"): "a January 2025 test of which parameters o3-mini refused",
    ("02_model", "o4-mini"): "the SDK's stop docstring ('not supported with o3 and o4-mini')",
    ("02_model", "gpt-4.1-nano"): "exercise 02.3 lists it among ids retiring before a date",
    ("02_model", "gpt-5-chat-latest"): "the model of a 2025 report that *-chat-latest ids refuse reasoning",
    ("03_messages", "o1"): "the SDK's own words: 'With o1 models and newer, developer messages...'",
    ("03_messages", "gpt-4-turbo"): "the model of a reported 400 for a tool message's order",
    ("08_stop", "o4-mini"): "the SDK's stop docstring ('not supported with o3 and o4-mini')",
    ("16_tokens_costs_caching", "gpt-3.5-turbo"): "shows the older cl100k_base encoding, not a model to call",
}


def _mentions(text: str, model: str) -> bool:
    """``model`` as a whole id in ``text``: not 'gpt-4' inside 'gpt-4o' or 'gpt-4.1'."""
    return re.search(rf"(?<![\w./-]){re.escape(model)}(?![\w-]|\.\d)", text) is not None


def lesson_text(path: Path) -> str:
    """The markdown and code a lesson shows (its sources, not its saved outputs)."""
    nb = nbformat.read(path, as_version=4)
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type in ("markdown", "code"))


def recorded_on(folder: Path) -> str | None:
    """The newest day (UTC, YYYY-MM-DD) a chat completion in ``folder``'s recordings was made."""
    days: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if value.get("object") in COMPLETIONS and isinstance(value.get("created"), int):
                days.append(dt.datetime.fromtimestamp(value["created"], dt.UTC).date().isoformat())
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for file in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        walk(json.loads(file.read_text()))
    return max(days, default=None)


def findings(notebooks: Path, recordings: Path, prices: Path,
             history: dict[tuple[str, str], str], dates: dict[str, str]) -> list[str]:
    """One message per recommended id whose shutdown date is on or before its lesson's date."""
    data = json.loads(prices.read_text())
    retrieved = data["retrieved"]
    dated = {m: d for m, d in dates.items() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)}
    found = []
    for model in data.get("models", {}):
        if model in dated and dated[model] <= retrieved:
            found.append(f"{prices.name}: prices {model!r}, which the SDK says shuts down on "
                         f"{dated[model]}, on or before {retrieved} when the prices were retrieved")
    for path in sorted(notebooks.glob("[0-9][0-9]_*.ipynb")):
        lesson, text = path.stem, lesson_text(path)
        when = recorded_on(recordings / lesson) or retrieved
        for model, shut in sorted(dated.items()):
            if shut <= when and (lesson, model) not in history and _mentions(text, model):
                found.append(f"{lesson}: recommends {model!r}, which the SDK says shuts down on {shut}, "
                             f"on or before {when} when this lesson's recordings were made. Recommend a "
                             f"current model, or, if the lesson cites it as history, add ({lesson!r}, "
                             f"{model!r}) to HISTORY with the reason")
    return found


def test_no_lesson_or_price_recommends_a_model_shut_down_before_its_recordings():
    problems = findings(NOTEBOOKS, RECORDINGS, PRICES, HISTORY, shutdowns())
    assert not problems, f"openai {openai.__version__}:\n" + "\n".join(problems)


def test_every_history_entry_is_still_mentioned_and_past_its_shutdown():
    dates = shutdowns()
    for (lesson, model), reason in HISTORY.items():
        assert reason and _mentions(lesson_text(NOTEBOOKS / f"{lesson}.ipynb"), model), (lesson, model)
        assert dates[model] <= (recorded_on(RECORDINGS / lesson) or "9999"), (lesson, model)


def test_every_lesson_date_comes_from_its_recordings():
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        if path.stem != "00_index":
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", recorded_on(RECORDINGS / path.stem) or ""), path.stem


def _lesson(folder: Path, name: str, markdown: str, created: int) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(markdown)])
    nbformat.write(nb, folder / "notebooks" / f"{name}.ipynb")
    store = folder / "recordings" / name
    store.mkdir(parents=True)
    body = {"object": "chat.completion", "created": created, "model": "m", "choices": []}
    (store / "a.json").write_text(json.dumps({"responses": [{"status": 200, "body": body}]}))


@pytest.fixture
def planted(tmp_path):
    (tmp_path / "notebooks").mkdir()
    prices = {"retrieved": "2026-11-27", "models": {"gpt-5.4-mini": {}, "old-cheap": {}}}
    (tmp_path / "prices.json").write_text(json.dumps(prices))
    nov_27 = int(dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC).timestamp())
    _lesson(tmp_path, "02_model", "Use `WORKBOOK_MODEL=old-cheap`, or gpt-4o-mini.", nov_27)
    _lesson(tmp_path, "05_early", "Try `old-cheap` (recorded before it shut down).", nov_27 - 60 * 86400)
    _lesson(tmp_path, "07_family", "`old-cheap-2` and `old-cheap.9` are other ids.", nov_27)
    return tmp_path


def test_the_guard_reports_a_planted_past_shutdown_recommendation(planted):
    dates = {"old-cheap": "2026-10-23", "gpt-4o-mini": "2027-01-14", "gpt-5.1-mini": "Not a supported model ID."}
    found = findings(planted / "notebooks", planted / "recordings", planted / "prices.json", {}, dates)
    assert len(found) == 2, found
    assert found[0].startswith("prices.json: prices 'old-cheap'") and "2026-10-23" in found[0]
    assert found[1].startswith("02_model: recommends 'old-cheap'") and "on or before 2026-11-27" in found[1]
    # 05 was recorded in September, before the shutdown; 07 names other ids; gpt-4o-mini is current.
    allowed = findings(planted / "notebooks", planted / "recordings", planted / "prices.json",
                       {("02_model", "old-cheap"): "history"}, dates)
    assert allowed == found[:1]


def test_a_shutdown_on_the_recording_day_counts(planted):
    dates = {"old-cheap": "2026-11-27"}
    found = findings(planted / "notebooks", planted / "recordings", planted / "prices.json", {}, dates)
    assert [f.split(":")[0] for f in found] == ["prices.json", "02_model"]

"""scripts/time_lessons.py: the slot rule, the table, the agenda and WORKSHOP.md's block.

Running notebooks is left to the script itself (it takes minutes); these check what it
writes from measured numbers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts import time_lessons

ROOT = Path(__file__).resolve().parents[2]


def row(file: str, replay, live, words=360, code=30, exercises=2) -> dict:
    info = {"words": words, "code": code, "exercises": exercises}
    return {"file": file, "title": file[:2], "replay": replay, "live": live, **info,
            "slot": time_lessons.slot(info, live)}


def test_slot_rule_reading_code_exercises_and_live_run_rounded_up_to_five():
    # 360/180 + 30/15 + 2*5 + 120/60 = 16 -> 20
    assert time_lessons.slot({"words": 360, "code": 30, "exercises": 2}, 120.0) == 20
    assert time_lessons.slot({"words": 0, "code": 0, "exercises": 0}, "failed (X)") == 5


def test_table_totals_and_a_failed_run_is_shown_not_hidden():
    rows = [row("04_temperature.ipynb", 5.0, 30.0), row("07_n.ipynb", 4.0, "failed (ReplayMissError)")]
    text = time_lessons.table(rows)
    assert "| failed (ReplayMissError) |" in text
    assert text.splitlines()[-1].startswith("| **all 2** | 9.0 | 30.0 | 720 | 60 | 4 |")


def test_agenda_groups_lessons_by_session_and_adds_their_slots():
    rows = [row("04_temperature.ipynb", 5.0, 30.0), row("07_n.ipynb", 4.0, 12.0), row("19_use_cases.ipynb", 1.0, 1.0)]
    text = time_lessons.agenda(rows)
    assert "| 2 · Sampling | 04, 07 | 0 h 30 min |" in text
    assert "| 5 · Putting it together | 19 | 0 h 15 min |" in text
    assert "First calls" not in text


def test_write_replaces_only_the_marked_block(tmp_path, monkeypatch):
    page = tmp_path / "WORKSHOP.md"
    page.write_text(f"intro\n{time_lessons.START}\nold\n{time_lessons.END}\noutro\n")
    monkeypatch.setattr(time_lessons, "WORKSHOP", page)
    time_lessons.write(time_lessons.block([row("07_n.ipynb", 4.0, 12.0)], "2026-01-01 00:00 UTC"))
    text = page.read_text()
    assert text.startswith("intro\n<!-- lesson-times:start -->\nMeasured 2026-01-01 00:00 UTC on ")
    assert "old" not in text and text.endswith("<!-- lesson-times:end -->\noutro\n")
    page.write_text("no markers")
    with pytest.raises(SystemExit):
        time_lessons.write("x")


def test_workshop_page_holds_a_measured_table():
    text = (ROOT / "WORKSHOP.md").read_text()
    block = text.split(time_lessons.START, 1)[1].split(time_lessons.END, 1)[0]
    assert "Measured " in block and "| lesson | run all, replay (s) |" in block

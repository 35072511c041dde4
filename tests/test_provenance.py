"""The note under a cell that made calls, progress while live, and the IPython hooks."""

from __future__ import annotations

from types import SimpleNamespace

from helpers import activity, provenance


def tally(*calls: tuple[str, float | None]) -> provenance.CellTally:
    return provenance.CellTally([provenance.Call(s, t) for s, t in calls])


def test_note_text_is_deterministic_for_replayed_answers_and_timed_for_live_ones():
    assert provenance.note_text(tally()) == ""
    assert provenance.note_text(tally(("recorded", None), ("recorded", None))) == "answers: 2 recorded"
    assert provenance.note_text(tally(("cached", None))) == "answers: 1 cached"
    assert provenance.note_text(tally(("recorded", None), ("live", 1.25), ("live", 1.0))) == \
        "answers: 1 recorded, 2 live in 2.2 s"


def test_note_html_says_how_to_get_a_fresh_sample():
    markup = provenance._note_html(tally(("recorded", None)))
    assert "workbook-provenance" in markup and "WORKBOOK_REPLAY=off" in markup


class FakeShell:
    def __init__(self):
        self.handlers = {}
        self.events = SimpleNamespace(register=lambda name, fn: self.handlers.setdefault(name, []).append(fn))


def test_install_registers_once_and_hooks_reset_the_tally_per_cell(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    shell = FakeShell()
    assert provenance.install(shell) and provenance.install(shell)
    assert len(shell.handlers["pre_run_cell"]) == 1
    pre, post = shell.handlers["pre_run_cell"][0], shell.handlers["post_run_cell"][0]
    pre(SimpleNamespace(cell_id="c1", raw_cell="x"))
    assert provenance.current_cell()[0] == "c1"
    provenance.served("recorded")
    post(None)
    assert provenance.current_cell()[0] is None
    assert [repr(n) for n in shown] == ["answers: 1 recorded"]
    pre(SimpleNamespace(cell_id="c2", raw_cell="print(1)"))
    post(None)  # a cell that made no call shows no note
    assert len(shown) == 1


def test_a_live_call_in_a_cell_shows_progress_then_the_note_in_the_same_place(monkeypatch):
    shown, updates = [], []

    class Handle:
        def update(self, obj):
            updates.append(repr(obj))

    def display(obj, display_id=False, **kw):
        shown.append(repr(obj))
        return Handle() if display_id else None

    monkeypatch.setattr("IPython.display.display", display)
    monkeypatch.setattr(provenance, "PROGRESS_EVERY_S", 0.0)
    shell = FakeShell()
    provenance._pre_run_cell(SimpleNamespace(cell_id="c3", raw_cell=""))
    provenance.live_started()
    activity.token()
    activity.token()
    provenance.live_finished(0.5)
    activity.token()  # no longer listening
    provenance._post_run_cell(None)
    assert shown[0].startswith("⏳ generating live… 0 tokens")
    assert updates[-2].startswith("⏳ generating live… 2 tokens")
    assert updates[-1] == "answers: 1 live in 0.5 s"
    del shell


def test_no_progress_under_strict_replay_and_none_outside_a_cell(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(repr(obj)))
    provenance._pre_run_cell(SimpleNamespace(cell_id="c4", raw_cell=""))
    provenance.live_started(strict=True)
    provenance.live_finished(0.1)
    provenance._post_run_cell(None)
    assert shown == ["answers: 1 live in 0.1 s"]
    shown.clear()
    provenance.live_started()  # a widget callback: no cell is running
    provenance.live_finished(0.1)
    assert shown == [] and provenance.last_call().source == "live"


def test_a_call_that_got_no_answer_is_counted_as_failed_not_live():
    assert provenance.note_text(tally(("failed", 0.01), ("failed", 0.5))) == "answers: 2 failed (no answer)"
    assert "live" not in provenance._note_html(tally(("failed", 0.01)))

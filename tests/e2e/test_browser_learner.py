"""The learner's path in a real browser, under the DEFAULT settings (issue 10).

One JupyterLab serves temporary copies of the lessons with the environment a learner has
after ``make setup``: ``WORKBOOK_REPLAY`` unset (``auto``), no ``OPENAI_*`` variable, no
``WORKBOOK_BACKEND``, plus ``WORKBOOK_THREADS=1`` and a temporary ``WORKBOOK_CACHE`` (so
live answers and the capstone's SQLite history stay in the test's folder). Chromium
does what a person does: the Run menu, clicks, typing, Shift+Enter, the Kernel menu.

- lesson 01's workbook copy: unanswered (NOT YET), a typed wrong answer (NOT YET with a
  reason), ``hint``, ``solution`` (the reference code), ``progress``, the right answer (PASS);
- lesson 06 opened fresh shows widgets or ``run this cell to use it``, never a repr;
- lesson 04 after Run All: every answer says where it came from, the explorer is drawn; the
  sample cell re-run twice shows the same text and makes no live call; the live slider
  moved by keyboard and to a value with no recording (typed into its readout, since every
  value a drag reaches is recorded) shows progress, then new text, no error (the time to
  the first visible change goes to .cache/browser/timings.json); a browser reload keeps
  the widgets drawn and live;
- lesson 20: the chat answers two typed messages and shows them again after a kernel
  restart and Run All.

Live generations are only checked for shape (text arrived, no error), never wording.
Leaves out the stray-key environment (``tests/e2e/test_browser_stray_key.py``) and strict
replay (``tests/e2e/test_browser.py``).
"""

from __future__ import annotations

import re
import time

import browser_lab
import nbformat
import pytest
from browser_lab import (
    REPR_TEXT,
    ROOT,
    WIDGET_TEXT,
    Notebook,
    lesson,
    new_page,
    record_timing,
    running_lab,
    shoot,
    wait_until,
)

from helpers.exercises import all_exercises

# the shared fixtures (Chromium, a page per test, a screenshot on failure)
browser, page, shoot_on_failure = (
    browser_lab.browser,
    browser_lab.page,
    browser_lab.shoot_on_failure,
)
RECORDINGS = ROOT / "data" / "recordings"
LIVE_TIMEOUT_S = 300  # one live generation on a busy 2-core machine
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab with a learner's default settings (see the module docstring)."""
    listing = sorted(str(p.relative_to(RECORDINGS)) for p in RECORDINGS.rglob("*") if p.is_file())
    with running_lab(tmp_path_factory.mktemp("learner")) as server:
        yield server
    after = sorted(str(p.relative_to(RECORDINGS)) for p in RECORDINGS.rglob("*") if p.is_file())
    assert after == listing, (
        "auto replay added files to data/recordings (it must only use the cache)"
    )


def solution_source(number: str, exercise_id: str) -> str:
    """The reference answer's code: the lesson's solution cell followed by its check."""
    cells = [
        c
        for c in nbformat.read(lesson("notebooks", number), as_version=4).cells
        if c.cell_type == "code"
    ]
    for cell, after in zip(cells, cells[1:], strict=False):
        if "solution" in cell.metadata.get("tags", []) and f'check("{exercise_id}"' in after.source:
            return cell.source
    raise AssertionError(f"no solution cell for {exercise_id} in notebooks/{number}_*.ipynb")


def code_lines(source: str) -> list[str]:
    return [
        line.strip()
        for line in source.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


class Problems(list):
    """Failures of one scenario's steps, each with a screenshot; the test fails with all."""

    def __init__(self, page, test: str):
        super().__init__()
        self.page, self.test = page, test

    def check(self, ok: bool, step: str, message: str) -> bool:
        if not ok:
            path = shoot(self.page, f"{self.test}-{step}")
            self.append(f"{step}: {message} (screenshot {path.relative_to(ROOT)})")
        return ok

    def raise_if_any(self) -> None:
        assert not self, "\n".join(self)


# -- lesson 01: an exercise from unanswered to PASS ---------------------------------------------


def test_lesson_01_workbook_exercise_unanswered_wrong_hint_solution_right(page, lab):
    name = lab.add(lesson("workbook", "01"))
    book = Notebook(page, lab, name).open()
    book.run_all()
    problems = Problems(page, "01_workbook")
    errors = book.errors()
    problems.check(not errors, "run-all", f"a cell shows an error: {errors[:1]}")

    for k in ("1", "2", "3"):
        out = book.output_text(book.cell(f'check("01.{k}"'))
        problems.check(
            "NOT YET" in out and "no answer yet" in out,
            f"unanswered-01.{k}",
            f"an unanswered exercise should say NOT YET / no answer yet, shows {out!r}",
        )

    wrong = "first_text = lambda response: response.choices[0].message"
    answer_cell = book.cell("def first_text(response):")
    typed = book.type_source(answer_cell, wrong)
    assert typed == wrong, f"the exercise cell holds {typed!r} after typing"
    book.run_cell(answer_cell)
    check_cell = book.cell('check("01.2"')
    book.run_cell(check_cell)
    out = book.output_text(check_cell)
    problems.check(
        "NOT YET" in out and "no answer yet" not in out and len(out.split(":", 1)[-1]) > 10,
        "wrong",
        f"a wrong answer should say NOT YET with a reason, shows {out!r}",
    )
    coloured = check_cell.locator(".workbook-result").count()
    problems.check(coloured == 1, "coloured", "the check's result is not the coloured HTML box")

    expected_hint = all_exercises()["01.2"].hint
    hint_cell = book.add_cell_below(check_cell, 'hint("01.2")')
    book.run_cell(hint_cell)
    out = book.output_text(hint_cell)
    problems.check(expected_hint[:60] in " ".join(out.split()), "hint", f"hint() shows {out!r}")

    reference = solution_source("01", "01.2")
    solution_cell = book.add_cell_below(hint_cell, 'solution("01.2")')
    book.run_cell(solution_cell)
    out = book.output_text(solution_cell)
    missing = [line for line in code_lines(reference) if line not in out]
    problems.check(
        not missing,
        "solution",
        f"solution() should show the reference code; missing {missing}, shows {out[:500]!r}",
    )

    answer_cell = book.cell("first_text = lambda")
    book.type_source(
        answer_cell, reference, paste=True
    )  # copied from the reference, as a learner would
    book.run_cell(answer_cell)
    check_cell = book.cell('check("01.2"')
    book.run_cell(check_cell)
    out = book.output_text(check_cell)
    problems.check(
        "PASS" in out and "NOT YET" not in out, "right", f"the reference answer shows {out!r}"
    )

    progress_cell = book.add_cell_below(check_cell, "progress()")
    book.run_cell(progress_cell)
    out = book.output_text(progress_cell)
    problems.check(
        re.search(r"\b1 of 3\b", out) is not None,
        "progress",
        f"progress() after one PASS should count 1 of 3, shows {out!r}",
    )
    shoot(page, "01_workbook_exercise")
    problems.raise_if_any()


# -- widgets before running ----------------------------------------------------------------


def widget_outputs(number: str) -> int:
    nb = nbformat.read(lesson("notebooks", number), as_version=4)
    return sum(
        1
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if WIDGET_MIME in o.get("data", {})
    )


def widget_report(page) -> dict:
    """How the page shows widget outputs: drawn, as the one-line text, as a repr or an error
    (the first repr or error is scrolled into view, for the screenshot)."""
    return page.evaluate(
        """([hint, repr]) => {
      const outs = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')];
      const bad = outs.find(
        o => o.innerText.includes(repr) || /Error displaying widget/.test(o.innerText));
      if (bad) bad.scrollIntoView({block: 'center'});
      return {
        drawn: outs.filter(
          o => o.querySelector('.widget-slider, .widget-text, .widget-html')).length,
        hinted: outs.filter(o => o.innerText.includes(hint)).length,
        repr: outs.filter(o => o.innerText.includes(repr)).map(o => o.innerText.slice(0, 120)),
        broken: outs.filter(o => /Error displaying widget|Loading widget/.test(o.innerText))
                    .map(o => o.innerText.slice(0, 120)),
      };
    }""",
        [WIDGET_TEXT, REPR_TEXT],
    )


def assert_widgets_shown(page, expected: int, where: str, wait_s: float = 20) -> None:
    """Within ``wait_s`` (saved or kernel state takes a moment to draw), every widget output
    is drawn or shows the one-line text; none shows a repr or an error."""
    deadline = time.monotonic() + wait_s
    while True:
        report = widget_report(page)
        shown = report["drawn"] + report["hinted"] >= expected
        if (shown and not report["repr"] and not report["broken"]) or time.monotonic() > deadline:
            break
        page.wait_for_timeout(500)
    assert not report["repr"], f"{where}: a widget shows as its Python repr: {report['repr']}"
    assert not report["broken"], f"{where}: a widget is not drawn: {report['broken']}"
    assert report["drawn"] + report["hinted"] >= expected, (
        f"{where}: {expected} widget outputs expected, drawn {report['drawn']}, "
        f"one-line text {report['hinted']}"
    )


def test_lesson_06_opened_fresh_shows_widgets_not_a_repr(page, lab):
    name = lab.add(lesson("notebooks", "06"))
    Notebook(page, lab, name).open()
    assert_widgets_shown(page, widget_outputs("06"), "lesson 06 opened fresh")
    shoot(page, "06_opened_fresh")


# -- lesson 04: notes, re-runs, the live slider, a reload ------------------------------------

SAMPLE = "Write one sentence about the sea."
SLIDER = "live_slider(client, MODEL, story"
RIGHT_PANEL = ":scope > div > div:last-child"
LIVE = re.compile(r"\d+ live\b")
# The slider's right panel shows ``title`` with its final status (both panels then carry a
# .workbook-provenance status), or an error in red.
PANEL_DONE = """([el, title]) => {
  const all = el.querySelectorAll(':scope > div > div');
  if (!all.length) return false;
  const t = all[all.length - 1].innerText;
  const titled = t.startsWith(title) && /\\s/.test(t.charAt(title.length));
  return el.querySelector('span[style*="cf222e"]') !== null
    || (titled && el.querySelectorAll('.workbook-provenance').length > 1);
}"""


def panels(view) -> list[str]:
    return [p.inner_text() for p in view.locator(":scope > div > div").all()]


def panel_text(panel: str) -> str:
    """A panel's generated text: what follows its title line."""
    return panel.split("\n", 1)[1].strip() if "\n" in panel else ""


class TestLesson04:
    """One lesson 04 page, run once, used by each step in turn (in this order)."""

    @pytest.fixture(scope="class")
    @classmethod
    def book(cls, browser, lab):
        tab = new_page(browser)
        book = Notebook(tab, lab, lab.add(lesson("notebooks", "04"))).open()
        book.seconds = book.run_all()
        yield book
        tab.close()
        lab.stop_kernels()

    def test_run_all_notes_every_answer_and_draws_the_explorer(self, book):
        page = book.page
        shoot(page, "04_auto_ran")
        assert not book.errors(), f"a cell shows an error: {book.errors()[:1]}"
        for text in (
            "max_completion_tokens=1, logprobs=True",
            SAMPLE,
            "temps = [0, 0.3",
            "sweep = {t:",
        ):
            notes = book.cell(text).locator(".workbook-provenance").all_inner_texts()
            assert len(notes) == 1 and notes[0].startswith("answers:") and "recorded" in notes[0], (
                f"the cell with {text!r} should note its recorded answers, shows {notes}"
            )
            assert not LIVE.search(notes[0]), (
                f"under auto replay a recorded cell went live: {notes[0]}"
            )
        explorer = book.cell("explore(cands")
        assert explorer.locator(".widget-slider").count() >= 1, (
            "the explorer is not drawn as a widget"
        )
        assert REPR_TEXT not in book.output_text(explorer)
        print(f"\n[timing] lesson 04 Run All under auto replay: {book.seconds:.1f} s")

    def test_sample_cell_rerun_twice_is_identical_and_never_live(self, book):
        cell = book.cell(SAMPLE)
        book.watch(cell.locator(".jp-OutputArea"), "sample")
        texts = [book.output_text(cell)]
        for _ in range(2):
            book.run_cell(cell)
            texts.append(book.output_text(cell))
        notes = cell.locator(".workbook-provenance").all_inner_texts()
        shoot(cell, "04_sample_rerun")
        assert texts[0] == texts[1] == texts[2], (
            f"re-running the sample cell changed its output: {texts}"
        )
        assert len(notes) == 1 and "recorded" in notes[0] and not LIVE.search(notes[0]), notes
        assert not book.watched("sample")["progress"], "a re-run showed live progress (a live call)"

    def test_live_slider_shows_progress_then_new_text(self, book):
        page, cell = book.page, book.cell(SLIDER)
        view = cell.locator(".widget-html-content").last
        readout, handle = cell.locator(".widget-readout"), cell.locator(".noUi-handle")
        handle.scroll_into_view_if_needed()
        start_value = float(readout.inner_text())

        # one step by keyboard: a recorded value
        handle.focus()
        page.keyboard.press("ArrowRight")
        stepped = round(start_value + 0.1, 4)
        wait_until(page, PANEL_DONE, [view.element_handle(), f"temperature={stepped:g}"])
        stepped = float(readout.inner_text())
        assert stepped > start_value, (
            f"ArrowRight did not move the slider ({start_value} -> {stepped})"
        )
        right = panels(view)[-1]
        assert right.startswith(f"temperature={stepped:g}") and panel_text(right), right

        # a value no recording has: typed into the readout, as a learner can
        value = round(stepped - 0.05, 2)
        readout.click()
        page.keyboard.press("Control+a")
        page.keyboard.type(f"{value}")
        book.watch(view, "slider", RIGHT_PANEL)
        moved = time.perf_counter()
        page.keyboard.press("Enter")
        wait_until(page, PANEL_DONE, [view.element_handle(), f"temperature={value:g}"], LIVE_TIMEOUT_S)
        total = time.perf_counter() - moved
        page.wait_for_timeout(1500)  # nothing may overwrite the final status afterwards
        watched = book.watched("slider")
        shoot(page, "04_live_slider")
        shoot(cell, "04_live_slider_cell")

        log = watched["log"]
        right = panels(view)[-1]
        assert float(readout.inner_text()) == value, (
            f"the slider shows {readout.inner_text()}, not {value}"
        )
        assert view.locator('span[style*="cf222e"]').count() == 0, (
            f"the live move shows an error: {view.inner_text()}"
        )
        statuses = [(part or "").split("\n", 1)[0] for _, _, part in log[-4:]]
        assert "live answer in" in right.split("\n", 1)[0], (
            f"1.5 s after the answer the right panel's status is not its final one: "
            f"{right[:80]!r}; "
            f"its last status lines were {statuses}"
        )
        assert right.startswith(f"temperature={value:g}"), right
        assert watched["progress"], "no progress line while generating live"
        streamed = [t for t, _, part in log if part and panel_text(part)]
        pieces = {panel_text(part) for _, _, part in log if part and panel_text(part)}
        assert panel_text(right) and panel_text(right) != panel_text(panels(view)[0]), (
            f"the live answer did not change the panel's text: {panels(view)}"
        )
        figures = {
            "value": value,
            "first_visible_change_s": round(log[0][0] / 1000, 3),
            "first_text_s": round(streamed[0] / 1000, 3) if streamed else None,
            "answer_done_s": round(total, 3),
            "updates": len(log),
        }
        record_timing("lesson04_live_slider", figures)
        assert len(pieces) >= 2, f"the live text did not stream (it arrived in {len(pieces)} piece)"

    def test_reload_keeps_the_widgets_drawn_and_live(self, book):
        page = book.page
        book.save()  # as a learner does; a reload shows the saved file
        page.reload()
        book.wait_idle()
        assert_widgets_shown(page, 2, "lesson 04 after a browser reload")
        shoot(page, "04_after_reload")
        cell = book.cell(SLIDER)
        view, readout = cell.locator(".widget-html-content").last, cell.locator(".widget-readout")
        readout.scroll_into_view_if_needed()
        readout.click()
        page.keyboard.press("Control+a")
        page.keyboard.type("0.7")  # a recorded value: the kernel answers at once
        page.keyboard.press("Enter")
        wait_until(page, PANEL_DONE, [view.element_handle(), "temperature=0.7"])
        assert view.locator('span[style*="cf222e"]').count() == 0, view.inner_text()
        shoot(cell, "04_after_reload_slider")


# -- lesson 20: the capstone chat keeps talking and resumes --------------------------------

# Two messages: the second shows the chat ready again after a reply (no stale progress line)
# and answering with history; a third showed nothing new and cost 20 s of live generation.
MESSAGES = [
    "Do you lend e-books?",
    "How do I renew a loan?",
]
CHAT = "mine.view"
INPUT = 'input[placeholder="Type a message and press Enter"]'
TYPING_DELAY_MS = 100  # a quick typist (10 keys a second), then Enter at once; at 25 keys a
# second (40 ms) the last key is lost: Enter sends "submit" before ipywidgets syncs the value
STALE = "after reply {} the chat still shows a progress line instead of where the answer came from"
# The chat has settled: the transcript has one more assistant row, or an error is shown.
SETTLED = """([box, rows]) => {
  const transcript = box.querySelector('.widget-html-content').innerText;
  const answered = transcript.split('\\n').filter(l => l.startsWith('assistant')).length > rows;
  return answered || box.innerText.includes('still in the box');
}"""


def transcript_rows(box) -> list[str]:
    return [
        r for r in box.locator(".widget-html-content").first.inner_text().split("\n") if r.strip()
    ]


def test_lesson_20_chat_answers_two_messages_and_resumes_after_a_restart(page, lab):
    book = Notebook(page, lab, lab.add(lesson("notebooks", "20"))).open()
    book.run_all()
    assert not book.errors(), f"a cell shows an error: {book.errors()[:1]}"
    box = book.cell(CHAT).locator(".widget-vbox").first
    box.scroll_into_view_if_needed()
    replies = []
    for n, message in enumerate(MESSAGES):
        rows = sum(1 for r in transcript_rows(box) if r.startswith("assistant"))
        if n == 0:
            book.watch(box, "chat")
        else:  # seconds after the previous reply: its final status, no stale progress line
            assert box.locator(".workbook-progress").count() == 0, STALE.format(n)
        box.locator(INPUT).click()
        page.keyboard.type(message, delay=TYPING_DELAY_MS)
        started = time.perf_counter()
        page.keyboard.press("Enter")
        wait_until(page, SETTLED, [box.element_handle(), rows], LIVE_TIMEOUT_S)
        replies.append(round(time.perf_counter() - started, 1))
        assert "still in the box" not in box.inner_text(), (
            f"message {n + 1} failed: {box.inner_text()}"
        )
        rows_now = transcript_rows(box)
        asked = [i for i, r in enumerate(rows_now) if r.startswith("user:")][-1]
        assert rows_now[asked] == f"user: {message}", (
            f"typed {message!r} then Enter, the chat sent {rows_now[asked]!r}"
        )
        answers = [
            r
            for r in rows_now[asked + 1 :]
            if r.startswith("assistant:") and r.split(":", 1)[1].strip() not in ("", "(tool call)")
        ]
        assert answers, f"message {n + 1} got no answer: {rows_now[asked:]}"
        # the box is cleared for the next message
        wait_until(page, "el => el.value === ''", box.locator(INPUT).element_handle(), 5)
        if n == 0:
            assert book.watched("chat")["progress"], (
                "no progress shown while the first reply was generated"
            )
    page.wait_for_timeout(1500)
    assert box.locator(".workbook-progress").count() == 0, STALE.format(len(MESSAGES))
    shoot(page, "20_chat_two_messages")
    record_timing("lesson20_chat_replies_s", {"replies_s": replies})

    box.evaluate("el => { el.dataset.beforeRestart = 'yes'; }")  # to tell the re-run's chat from it
    book.restart_kernel()
    book.run_all()
    assert not book.errors(), f"after the restart a cell shows an error: {book.errors()[:1]}"
    box = book.cell(CHAT).locator(".widget-vbox").first
    assert box.get_attribute("data-before-restart") is None, "the chat cell was not run again"
    box.scroll_into_view_if_needed()
    shoot(page, "20_chat_after_restart")
    transcript = "\n".join(transcript_rows(box))
    missing = [m for m in MESSAGES if f"user: {m}" not in transcript]
    assert not missing, (
        f"after a kernel restart the transcript lacks {missing}:\n{transcript[-1500:]}"
    )

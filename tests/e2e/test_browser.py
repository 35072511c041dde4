"""A real browser runs lesson 04 in JupyterLab and moves its temperature slider.

JupyterLab serves a temporary COPY of notebooks/04_temperature.ipynb (the committed file
is never touched: its hash is compared before and after) on 127.0.0.1, a free port, with a
token, under WORKBOOK_BACKEND=local and WORKBOOK_REPLAY=strict. Debian's Chromium, driven
by Playwright, runs every cell from the Run menu, drags the live slider (a
SelectionSlider of the recorded temperatures under strict replay) one step, and checks
that the generated text beside it changes and that no cell shows an error. Screenshots go
to the git-ignored .cache/browser/ (server, browser and driver: tests/e2e/browser_lab.py).

Chromium is looked for at WORKBOOK_CHROMIUM or /usr/bin/chromium (`.ci/run` installs
Debian's chromium package). Without it this test FAILS with a message saying how to
install it: a browser test that skips itself would prove nothing in CI.
"""

from __future__ import annotations

import hashlib

import browser_lab
import nbformat
import pytest
from browser_lab import (
    NOT_DIRTY,
    ROOT,
    SHOTS,
    STDERR,
    Notebook,
    launch_chromium,
    new_page,
    running_lab,
    shoot,
    wait_until,
)

LESSON = ROOT / "notebooks" / "04_temperature.ipynb"
shoot_on_failure = browser_lab.shoot_on_failure  # a fixture: a screenshot when a test fails


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server (strict replay, local backend) on a copy of lesson 04."""
    with running_lab(
        tmp_path,
        WORKBOOK_BACKEND="local",
        WORKBOOK_REPLAY="strict",
        WORKBOOK_RECORDINGS=str(ROOT / "data" / "recordings"),
    ) as server:
        yield server, server.add(LESSON)


def test_lesson_04_runs_in_chromium_and_the_slider_changes_the_text(lab):
    server, name = lab
    committed = sha256(LESSON)
    with launch_chromium() as browser:
        page = new_page(browser)
        book = Notebook(page, server, name).open()
        book.run_all()
        shoot(page, "04_temperature_ran")

        errors = page.locator(STDERR)
        assert errors.count() == 0, f"a cell shows an error: {errors.first.inner_text()[:1500]}"

        # The live slider: the box whose note says strict replay offers recorded values only.
        box = page.locator(
            ".widget-vbox", has=page.locator(".widget-hbox", has_text="strict replay")
        ).last
        view = box.locator(".widget-html-content").last
        readout = box.locator(".widget-readout")
        handle = box.locator(".noUi-handle")
        handle.scroll_into_view_if_needed()
        value_before, text_before = readout.inner_text(), view.inner_text()
        newest_before = view.locator(":scope > div > div").last.inner_text()

        track, knob = box.locator(".noUi-base").bounding_box(), handle.bounding_box()
        options = (
            int(float(handle.get_attribute("aria-valuemax"))) + 1
        )  # SelectionSlider: an index per option
        x, y = knob["x"] + knob["width"] / 2, knob["y"] + knob["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + track["width"] / (options - 1), y, steps=5)  # one option to the right
        page.mouse.up()
        wait_until(page, "([el, old]) => el.innerText !== old", [view.element_handle(), text_before])
        # the panel may draw the new title before its text: wait for its status line too
        wait_until(page, "el => el.querySelectorAll('.workbook-provenance').length > 1",
                   view.element_handle())

        value_after = readout.inner_text()
        panels = [p.inner_text() for p in view.locator(":scope > div > div").all()]
        assert float(value_after) > float(value_before)
        assert panels[0] == newest_before  # the previous generation moved to the left panel
        assert panels[1].startswith(f"temperature={float(value_after):g}")
        new_text = panels[1].split("\n", 1)[1].strip()
        old_text = newest_before.split("\n", 1)[1].strip()
        assert new_text and new_text != old_text, (
            "moving the slider did not change the generated text"
        )
        assert errors.count() == 0

        shoot(page, "04_temperature_slider_full")
        page.locator(".jp-CodeCell", has=box).screenshot(
            path=str(SHOTS / "04_temperature_slider.png")
        )

        page.keyboard.press("Control+s")  # save the COPY, to read its outputs back
        wait_until(page, NOT_DIRTY, timeout_s=30)

    saved = nbformat.read(server.root / name, as_version=4)
    failed = [
        o
        for c in saved.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert failed == []
    assert sum(1 for c in saved.cells if c.cell_type == "code" and c.execution_count) == sum(
        1 for c in saved.cells if c.cell_type == "code"
    )
    assert sha256(LESSON) == committed, "the committed notebook was modified"

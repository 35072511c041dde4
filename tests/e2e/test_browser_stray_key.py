"""A key left in the shell, in a real browser: the setup cell says so, errors stay short.

JupyterLab starts with a bogus ``OPENAI_API_KEY`` (assembled here at run time, so no
key-shaped text is committed) and ``OPENAI_BASE_URL`` on a closed port of 127.0.0.1
(never an outside address), ``WORKBOOK_BACKEND`` unset, replay ``auto``: the trap of
issue 10. Chromium opens lesson 01 and runs it all. The setup cell's status table must
carry the note that the key in the environment picked the 'openai' backend and how to
switch; the first call must end in the one short ``APIConnectionError`` message naming
the fix (``WORKBOOK_BACKEND=local``), not ~290 lines of chained tracebacks; the key
itself is shown nowhere. Leaves out the default settings (``tests/e2e/test_browser_learner.py``).
"""

from __future__ import annotations

import os
import re

import browser_lab
import pytest
from browser_lab import STDERR, Notebook, free_port, lesson, running_lab, shoot

# the shared fixtures (Chromium, a page per test, a screenshot on failure)
browser, page, shoot_on_failure = (
    browser_lab.browser,
    browser_lab.page,
    browser_lab.shoot_on_failure,
)
BOGUS_KEY = "-".join(["sk", "bogus", os.urandom(12).hex()])
FIRST_CALL = "What is a large language model?"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    closed = free_port()  # bound, then released: nothing listens there
    with running_lab(
        tmp_path_factory.mktemp("stray-key"),
        OPENAI_API_KEY=BOGUS_KEY,
        OPENAI_BASE_URL=f"http://127.0.0.1:{closed}/v1",
    ) as server:
        server.closed_port = closed
        yield server


def test_lesson_01_with_a_stray_key_warns_and_fails_short(page, lab):
    book = Notebook(page, lab, lab.add(lesson("notebooks", "01"))).open()
    book.run_all()

    setup = book.cell("client = make_client()")
    table = book.output_text(setup)
    assert (
        "OPENAI_API_KEY is set in your environment" in table and "WORKBOOK_BACKEND=local" in table
    ), f"the setup cell does not say that the key in the environment chose the backend:\n{table}"
    assert f"127.0.0.1:{lab.closed_port}" in table, (
        f"the note does not say where calls go:\n{table}"
    )

    call = book.cell(FIRST_CALL)
    call.scroll_into_view_if_needed()
    shoot(page, "01_stray_key_first_call")
    errors = call.locator(STDERR).all_inner_texts()
    assert len(errors) == 1, f"the first call should show one error output, shows {len(errors)}"
    lines = [line for line in errors[0].splitlines() if line.strip()]
    assert lines and lines[0].startswith("APIConnectionError:"), (
        f"the error does not name its cause:\n{errors[0][:2000]}"
    )
    assert "WORKBOOK_BACKEND=local" in errors[0], (
        f"the error does not say how to fix it:\n{errors[0][:2000]}"
    )
    assert len(lines) < 6, (
        f"the error takes {len(lines)} lines, not a short message:\n{errors[0][:3000]}"
    )

    notes = call.locator(".workbook-provenance").all_inner_texts()
    assert not any(re.search(r"\d+ live\b", note) for note in notes), (
        f"the call failed, yet its note counts live answers: {notes}"
    )

    everything = page.locator(".jp-Notebook").inner_text()
    assert "Traceback" not in everything, "a traceback is shown"
    assert BOGUS_KEY not in everything and BOGUS_KEY[-12:] not in everything, "the key is shown"

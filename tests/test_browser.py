"""A real browser runs lesson 04 in JupyterLab and moves its temperature slider.

JupyterLab serves a temporary COPY of notebooks/04_temperature.ipynb (the committed file
is never touched: its hash is compared before and after) on 127.0.0.1, a free port, with a
token, under WORKBOOK_BACKEND=local and WORKBOOK_REPLAY=strict. Debian's Chromium, driven
by Playwright, runs every cell from the Run menu, drags the live slider (a
SelectionSlider of the recorded temperatures under strict replay) one step, and checks
that the generated text beside it changes and that no cell shows an error. Screenshots go
to the git-ignored .cache/browser/.

Chromium is looked for at WORKBOOK_CHROMIUM or /usr/bin/chromium (`.ci/run` installs
Debian's chromium package). Without it this test FAILS with a message saying how to
install it: a browser test that skips itself would prove nothing in CI.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "notebooks" / "04_temperature.ipynb"
SHOTS = ROOT / ".cache" / "browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# JupyterLab user settings for the run: every cell in the DOM (no virtual scrolling), no news.
LAB_SETTINGS = {
    "notebook-extension/tracker": {"windowingMode": "none"},
    "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}
ALL_RAN = """() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')].map(e => e.textContent);
  const busy = prompts.some(t => t.includes('*'));
  const failed = document.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
  return prompts.length > 0 && !busy && (prompts.every(t => /\\[\\d+\\]/.test(t)) || failed !== null);
}"""


def chromium() -> str:
    path = os.environ.get("WORKBOOK_CHROMIUM") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(f"No Chromium at {path}. The browser test drives a real Chromium: install Debian's "
                    "(`apt-get install -y chromium chromium-driver`, which .ci/run does as root), or point "
                    "WORKBOOK_CHROMIUM at a Chromium/Chrome binary.", pytrace=False)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on a copy of lesson 04: yields (base URL, token, the copy's path)."""
    work = tmp_path / "lab"
    work.mkdir()
    copy = work / LESSON.name
    shutil.copy(LESSON, copy)
    for name, values in LAB_SETTINGS.items():
        path = tmp_path / "settings" / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), os.urandom(16).hex()
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "WORKBOOK_MODEL")}
    env.update(WORKBOOK_BACKEND="local", WORKBOOK_REPLAY="strict",
               WORKBOOK_RECORDINGS=str(ROOT / "data" / "recordings"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"))
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}"]
    if os.geteuid() == 0:
        command.append("--allow-root")  # JupyterLab refuses to run as root otherwise
    log = (tmp_path / "jupyterlab.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{(tmp_path / 'jupyterlab.log').read_text()[-2000:]}")
                time.sleep(0.3)
        yield base, token, copy
    finally:
        try:
            request = urllib.request.Request(f"{base}/api/shutdown", method="POST",
                                             headers={"Authorization": f"token {token}"})
            urllib.request.urlopen(request, timeout=5)
            server.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log.close()


def test_lesson_04_runs_in_chromium_and_the_slider_changes_the_text(lab):
    from playwright.sync_api import sync_playwright

    base, token, copy = lab
    committed = sha256(LESSON)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/lab/tree/{copy.name}?token={token}")
            page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            page.wait_for_function(ALL_RAN, timeout=180_000)
            page.screenshot(path=str(SHOTS / "04_temperature_ran.png"))

            errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
            assert errors.count() == 0, f"a cell shows an error: {errors.first.inner_text()[:1500]}"

            # The live slider: the box whose note says strict replay offers recorded values only.
            box = page.locator(".widget-vbox", has=page.locator(".widget-hbox", has_text="strict replay")).last
            view = box.locator(".widget-html-content").last
            readout = box.locator(".widget-readout")
            handle = box.locator(".noUi-handle")
            handle.scroll_into_view_if_needed()
            value_before, text_before = readout.inner_text(), view.inner_text()
            newest_before = view.locator(":scope > div > div").last.inner_text()

            track, knob = box.locator(".noUi-base").bounding_box(), handle.bounding_box()
            options = int(float(handle.get_attribute("aria-valuemax"))) + 1  # SelectionSlider: an index per option
            x, y = knob["x"] + knob["width"] / 2, knob["y"] + knob["height"] / 2
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x + track["width"] / (options - 1), y, steps=5)  # one option to the right
            page.mouse.up()
            page.wait_for_function("([el, old]) => el.innerText !== old",
                                   arg=[view.element_handle(), text_before], timeout=60_000)

            value_after = readout.inner_text()
            panels = [p.inner_text() for p in view.locator(":scope > div > div").all()]
            assert float(value_after) > float(value_before)
            assert panels[0] == newest_before  # the previous generation moved to the left panel
            assert panels[1].startswith(f"temperature={float(value_after):g}")
            new_text = panels[1].split("\n", 1)[1].strip()
            old_text = newest_before.split("\n", 1)[1].strip()
            assert new_text and new_text != old_text, "moving the slider did not change the generated text"
            assert errors.count() == 0

            page.screenshot(path=str(SHOTS / "04_temperature_slider_full.png"))
            cell = page.locator(".jp-CodeCell", has=box)
            cell.screenshot(path=str(SHOTS / "04_temperature_slider.png"))

            page.keyboard.press("Control+s")  # save the COPY, to read its outputs back
            page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=30_000)
        finally:
            browser.close()

    saved = nbformat.read(copy, as_version=4)
    failed = [o for c in saved.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert failed == []
    assert sum(1 for c in saved.cells if c.cell_type == "code" and c.execution_count) == \
        sum(1 for c in saved.cells if c.cell_type == "code")
    assert sha256(LESSON) == committed, "the committed notebook was modified"

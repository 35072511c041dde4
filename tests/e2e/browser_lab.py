"""Shared pieces of the real-browser tests: a JupyterLab server, Chromium, a notebook driver.

``running_lab`` starts JupyterLab on 127.0.0.1, a free port, with a token and its own
config, runtime, settings (``LAB_SETTINGS``: every cell in the DOM, no news) and
workspace folders, serving a temporary folder into which tests copy notebooks (the
committed files are never served). The server's environment is the test process's
without any ``OPENAI_*`` or ``WORKBOOK_*`` variable, plus ``WORKBOOK_THREADS=1``, a
temporary ``WORKBOOK_CACHE`` and whatever the test module passes: the default settings
(``auto`` replay, no key) unless a module asks for others. ``launch_chromium`` drives
Debian's Chromium (``/usr/bin/chromium`` or ``WORKBOOK_CHROMIUM``) through Playwright;
without it the tests FAIL saying how to install it. :class:`Notebook` does what a person
does in JupyterLab (menus, clicks, typing, Shift+Enter, restarting the kernel) and reads
what the page shows; each page opens its notebook in a workspace of its own, so it shows
no tab an earlier test opened. Fixtures, which a test module takes by assigning them to
its own names: ``browser`` (one Chromium per module), ``page`` (a page per test, needing
the module's ``lab``; its kernels stop afterwards) and the autouse ``shoot_on_failure``:
after a failed test every open page is saved, named after the test, to the git-ignored
``.cache/browser/``. Leaves out the scenarios themselves (``tests/e2e/test_browser*.py``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / ".cache" / "browser"
TIMINGS = SHOTS / "timings.json"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# JupyterLab user settings for the run: every cell in the DOM (no virtual scrolling), no news.
LAB_SETTINGS = {
    "notebook-extension/tracker": {"windowingMode": "none"},
    "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}
VIEWPORT = {"width": 1280, "height": 900}
IDLE = "Python 3 (ipykernel) | Idle"
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
WIDGET_TEXT = "run this cell to use it"
REPR_TEXT = "VBox(children="
PAGES: list[Any] = []  # every page a test opened: screenshotted when that test fails
# How often a wait checks the page again. Playwright's default for a wait, a check on every
# animation frame, keeps Chromium busy: over 10 s of waiting on a lesson page it took 3.2 s
# of CPU, against 0.45 s when checking every 100 ms (0.55 s with no wait at all), and a
# locator's wait_for cost 2.6 s. On two cores that CPU is taken from the kernel generating
# the very answer being waited for. A wait ends at most this much after what it waits for.
POLL_MS = 100

NO_PROMPT_BUSY = """() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
  return prompts.length > 0 && !prompts.some(p => p.textContent.includes('*'));
}"""
# The page shows this text (the argument) somewhere visible, or no longer does; no unsaved changes.
SHOWS = "t => document.body.innerText.includes(t)"
HIDES = "t => !document.body.innerText.includes(t)"
NOT_DIRTY = "() => !document.querySelector('.jp-mod-dirty')"
SOME_PROMPT_BUSY = """() => [
  ...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')
].some(p => p.textContent.includes('*'))"""
# Watch an element from now on: every change of its text (and of the text of the part
# that ``sel`` selects, when given) with the time since the watch started (performance.now),
# and whether a .workbook-progress element was ever inside it.
WATCH = """([el, name, sel]) => {
  const part = () => {
    const p = sel ? el.querySelector(sel) : null;
    return p ? p.innerText : null;
  };
  const w = {start: performance.now(), progress: false, log: [], last: el.innerText};
  const look = () => {
    if (el.querySelector('.workbook-progress')) w.progress = true;
    const text = el.innerText;
    if (text !== w.last && w.log.length < 2000) {
      w.last = text;
      w.log.push([performance.now() - w.start, text, part()]);
    }
  };
  const observer = new MutationObserver(look);
  observer.observe(el, {childList: true, subtree: true, characterData: true, attributes: true});
  window.__watch = window.__watch || {};
  window.__watch[name] = w;
}"""


def chromium() -> str:
    path = os.environ.get("WORKBOOK_CHROMIUM") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(
            f"No Chromium at {path}. The browser tests drive a real Chromium: install Debian's "
            "(`apt-get install -y chromium chromium-driver`, which .ci/run does as root), or point "
            "WORKBOOK_CHROMIUM at a Chromium/Chrome binary.",
            pytrace=False,
        )
    return path


def free_port() -> int:
    """A port nothing listens on now (also used as a closed port for connection errors)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lesson(folder: str, number: str) -> Path:
    """The one notebook ``<folder>/<number>_*.ipynb`` (file names may change; numbers do not)."""
    found = sorted((ROOT / folder).glob(f"{number}_*.ipynb"))
    assert len(found) == 1, (
        f"expected one {folder}/{number}_*.ipynb, found {[p.name for p in found]}"
    )
    return found[0]


def record_timing(name: str, values: dict[str, Any]) -> None:
    """Merge one measurement into .cache/browser/timings.json (and print it)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    data = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {}
    data[name] = {**values, "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    TIMINGS.write_text(json.dumps(data, indent=2) + "\n")
    print(f"\n[timing] {name}: {json.dumps(values)}")


@dataclass
class Lab:
    """A running JupyterLab: its base URL, token and the folder it serves."""

    base: str
    token: str
    root: Path
    log: Path

    def add(self, source: Path) -> str:
        """Copy a notebook into the served folder; its name there."""
        shutil.copy(source, self.root / source.name)
        return source.name

    def url(self, name: str) -> str:
        """The notebook in a workspace of its own, emptied first (``reset``): a page shows this
        notebook only, not every tab an earlier test of the same server opened."""
        workspace = re.sub(r"[^A-Za-z0-9]+", "-", name) + f"-{os.urandom(3).hex()}"
        return f"{self.base}/lab/workspaces/{workspace}/tree/{name}?reset&token={self.token}"

    def _api(self, method: str, path: str) -> Any:
        request = urllib.request.Request(
            f"{self.base}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def stop_kernels(self) -> None:
        """Shut every session's kernel down (each holds a model in memory)."""
        for session in self._api("GET", "/api/sessions") or []:
            try:
                self._api("DELETE", f"/api/sessions/{session['id']}")
            except OSError:
                pass

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def lab_environment(tmp: Path, **overrides: str) -> dict[str, str]:
    """The server's environment: no OPENAI_*/WORKBOOK_* from outside, one thread, a fresh cache."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "WORKBOOK_")) and k != "JPY_SESSION_NAME"
    }
    env.update(
        WORKBOOK_THREADS="1",
        WORKBOOK_CACHE=str(tmp / "cache" / "replay"),
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
    )
    env.update(overrides)
    return env


@contextmanager
def running_lab(tmp: Path, **overrides: str) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 serving ``tmp/lab`` with ``lab_environment(tmp, **overrides)``."""
    work = tmp / "lab"
    work.mkdir(parents=True)
    for name, values in LAB_SETTINGS.items():
        path = tmp / "settings" / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), os.urandom(16).hex()
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={work}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")  # JupyterLab refuses to run as root otherwise
    log_path = tmp / "jupyterlab.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        command, env=lab_environment(tmp, **overrides), stdout=log, stderr=subprocess.STDOUT
    )
    lab = Lab(f"http://127.0.0.1:{port}", token, work, log_path)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{lab.base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{lab.tail()}")
                time.sleep(0.3)
        yield lab
    finally:
        try:
            lab._api("POST", "/api/shutdown")
            server.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log.close()


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    path = chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module's tests."""
    with launch_chromium() as chrome:
        yield chrome


def wait_until(page: Any, predicate: str, arg: Any = None, timeout_s: float = 60, poll_ms: int = POLL_MS) -> None:
    """Until the JavaScript ``predicate`` (called with ``arg``) is true, checked every
    ``poll_ms`` (a shorter period only for a state that may last less than ``POLL_MS``);
    Playwright's TimeoutError after ``timeout_s``."""
    page.wait_for_function(predicate, arg=arg, timeout=timeout_s * 1000, polling=poll_ms)


def new_page(browser: Any) -> Any:
    """A new tab in the browser's one window (context), as a learner opens one: JupyterLab's
    scripts come from the browser's cache after the first page, as they do on a laptop."""
    if not browser.contexts:
        browser.new_context(viewport=VIEWPORT)
    page = browser.contexts[0].new_page()
    PAGES.append(page)
    return page


def shoot(page: Any, name: str) -> Path:
    """Save a screenshot of a page's viewport (or of one element) as .cache/browser/<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    page.screenshot(path=str(path))
    return path


def shoot_failure(name: str, pages: list[Any]) -> None:
    """A screenshot of each page still open: <name>-FAILED[-n].png."""
    for n, page in enumerate(p for p in pages if not p.is_closed()):
        try:
            path = shoot(page, f"{name}-FAILED" + (f"-{n}" if n else ""))
            print(f"\nscreenshot of the failure: {path}")
        except Exception as err:  # pragma: no cover - the page died with the test
            print(f"\nno screenshot: {err}")


@pytest.fixture(autouse=True)
def shoot_on_failure(request):
    """After a failed test, a screenshot of every page still open (pages of longer-lived
    fixtures; the ``page`` fixture shoots its own before closing it)."""
    failed_before = request.session.testsfailed  # counted when the call's report is logged
    yield
    if request.session.testsfailed > failed_before:
        shoot_failure(request.node.name, PAGES)


@pytest.fixture
def page(request, browser, lab):
    """A fresh page for one test (the module defines ``browser`` and ``lab``); on failure a
    screenshot; afterwards the page closes and the server's kernels stop."""
    failed_before = request.session.testsfailed
    tab = new_page(browser)
    yield tab
    if request.session.testsfailed > failed_before:
        shoot_failure(request.node.name, [tab])
    tab.close()
    lab.stop_kernels()


class Notebook:
    """One notebook open in JupyterLab, driven as a person would."""

    def __init__(self, page: Any, lab: Lab, name: str):
        self.page, self.lab, self.name = page, lab, name

    # -- opening, running -------------------------------------------------------------------
    def open(self, timeout_s: float = 120) -> Notebook:
        self.page.goto(self.lab.url(self.name))
        self.wait_idle(timeout_s)
        return self

    def wait_idle(self, timeout_s: float = 120) -> None:
        """Until the status bar says the kernel is idle."""
        wait_until(self.page, SHOWS, IDLE, timeout_s)

    def menu(self, top: str, item: str | re.Pattern) -> None:
        self.page.get_by_role("menuitem", name=top, exact=True).click()
        if isinstance(item, str):
            self.page.get_by_role("menuitem", name=item, exact=True).click()
        else:
            self.page.get_by_role("menuitem", name=item).click()

    def run_all(self, timeout_s: float = 240) -> float:
        """Run menu > Run All Cells; wait until no cell is queued or running; seconds taken."""
        started = time.perf_counter()
        self.menu("Run", "Run All Cells")
        wait_until(self.page, SOME_PROMPT_BUSY, timeout_s=20, poll_ms=50)  # may be brief
        wait_until(self.page, NO_PROMPT_BUSY, timeout_s=timeout_s)
        self.wait_idle(60)
        return time.perf_counter() - started

    def restart_kernel(self) -> None:
        """Kernel menu > Restart Kernel…, confirm the dialog, wait until idle."""
        self.menu("Kernel", re.compile(r"^Restart Kernel…"))  # not "Restart Kernel and …"
        dialog = self.page.locator(".jp-Dialog")
        dialog.get_by_role("button", name="Confirm Kernel Restart").click()
        dialog.wait_for(state="detached", timeout=30_000)
        try:  # the status leaves Idle while the kernel restarts (it may be too quick to see)
            wait_until(self.page, HIDES, IDLE, timeout_s=10, poll_ms=50)
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: it was quicker
            pass
        self.wait_idle(120)

    # -- cells -----------------------------------------------------------------------------
    def cell(self, source_text: str) -> Any:
        """The one code cell whose source contains ``source_text`` (by position: it stays
        the same cell when its source is retyped, until a cell is inserted above it)."""
        texts = self.page.locator(
            ".jp-Notebook .jp-CodeCell .jp-InputArea-editor"
        ).all_inner_texts()
        hits = [i for i, text in enumerate(texts) if source_text in text.replace("\u00a0", " ")]
        assert len(hits) == 1, (
            f"expected one code cell containing {source_text!r}, found {len(hits)}"
        )
        return self.page.locator(".jp-Notebook .jp-CodeCell").nth(hits[0])

    @staticmethod
    def prompt(cell: Any) -> str:
        return cell.locator(".jp-InputPrompt").inner_text().strip()

    def run_cell(self, cell: Any, timeout_s: float = 120) -> None:
        """Click into the cell and press Shift+Enter; wait until it has run (a new number)."""
        before = self.prompt(cell)
        cell.locator(".cm-content").click()
        self.page.keyboard.press("Shift+Enter")
        wait_until(
            self.page,
            "([el, old]) => { const t = el.querySelector('.jp-InputPrompt').textContent;"
            " return /\\[\\d+\\]/.test(t) && t.trim() !== old; }",
            [cell.element_handle(), before],
            timeout_s,
        )

    def type_source(self, cell: Any, code: str, *, paste: bool = False) -> str:
        """Replace the cell's source: keys typed one by one (or pasted); the text it now holds."""
        editor = cell.locator(".cm-content")
        editor.click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.press("Delete")
        if paste:
            self.page.keyboard.insert_text(code)
        else:
            self.page.keyboard.type(code)
        return editor.inner_text().replace("\u00a0", " ").strip()

    def add_cell_below(self, cell: Any, code: str) -> Any:
        """Select ``cell``, press Escape then B (a new cell below), type ``code``; the new cell."""
        cell.locator(".jp-InputPrompt").click()
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("b")
        new = self.page.locator(".jp-Notebook .jp-Cell.jp-mod-active")
        new.locator(".cm-content").wait_for()
        typed = self.type_source(new, code)
        assert typed == code, f"the new cell holds {typed!r}, not {code!r}"
        return self.cell(code)

    @staticmethod
    def output_text(cell: Any) -> str:
        """What the cell's outputs show (without the execution-count prompts)."""
        return "\n".join(cell.locator(".jp-OutputArea-output").all_inner_texts())

    def save(self) -> None:
        """Ctrl+S; wait until the notebook is no longer marked as changed."""
        self.page.keyboard.press("Control+s")
        wait_until(self.page, NOT_DIRTY, timeout_s=30)

    def errors(self) -> list[str]:
        """The text of every error or stderr output on the page."""
        return [e.inner_text() for e in self.page.locator(STDERR).all()]

    def watch(self, element: Any, name: str, part: str | None = None) -> None:
        """Start watching an element (see WATCH)."""
        self.page.evaluate(WATCH, [element.element_handle(), name, part])

    def watched(self, name: str) -> dict[str, Any]:
        """{'progress': bool, 'log': [[ms since the watch began, text, part's text], ...]}."""
        return self.page.evaluate(
            "name => { const w = window.__watch[name];"
            " return {progress: w.progress, log: w.log}; }",
            name,
        )

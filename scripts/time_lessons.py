"""Time every lesson's "Run all": under strict replay and live on the local model.

Each notebook runs twice in a fresh kernel, top to bottom, nothing saved:
- replay: WORKBOOK_REPLAY=strict, every answer from data/recordings/ (what a learner's
  unchanged cells cost under the default `auto` too);
- live: WORKBOOK_REPLAY=off on the embedded local model (every call generated here).
It prints a markdown table (with prose words, code lines, exercises and a suggested
teaching slot), and with --write puts that table, an agenda by session, the date and
the machine into WORKSHOP.md between its `lesson-times` markers.

    python scripts/time_lessons.py                      # every lesson, print the table
    python scripts/time_lessons.py 04_temperature 07_n  # some lessons
    python scripts/time_lessons.py --write              # and update WORKSHOP.md
    python scripts/time_lessons.py --lock /tmp/x.lock   # hold a lock file while a notebook runs

The suggested slot is a rule of thumb, not a measurement: prose at 180 words a minute,
code at 15 lines a minute, 5 minutes per exercise, plus the live run, rounded up to 5.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import math
import os
import platform
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

try:
    from scripts import nav  # python -m scripts.NAME, or imported (tests)
except ModuleNotFoundError:  # python scripts/NAME.py: this folder is on sys.path, the root is not
    import nav

ROOT = Path(__file__).resolve().parent.parent

WORKSHOP = ROOT / "WORKSHOP.md"
START, END = "<!-- lesson-times:start -->", "<!-- lesson-times:end -->"
# The workshop's sessions: the agenda --write puts in WORKSHOP.md is made from this list
# (lessons not timed in this run are left out of it).
SESSIONS = [
    ("1 · First calls", ["00", "01", "02", "03"]),
    ("2 · Sampling", ["04", "05", "06", "07", "08"]),
    ("3 · Streaming, reproducibility, structure", ["09", "10", "11", "12", "13"]),
    ("4 · Tools, errors, costs, endpoints", ["14", "15", "16", "17"]),
    ("5 · Putting it together", ["18", "19", "20"]),
]


@contextlib.contextmanager
def held(lock: str | None):
    """Hold an exclusive lock file (if one is given) for the duration of a block."""
    if not lock:
        yield
        return
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run(path: Path, replay: str, lock: str | None) -> float | str:
    """Seconds a fresh kernel takes to run the notebook, or the error that stopped it."""
    nb = nbformat.read(path, as_version=4)
    os.environ.update(WORKBOOK_BACKEND="local", WORKBOOK_REPLAY=replay, WORKBOOK_SCOPE=path.stem)
    client = NotebookClient(nb, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with held(lock):
        start = time.perf_counter()
        try:
            client.execute()
        except CellExecutionError as err:
            return f"failed ({err.ename})"
        return time.perf_counter() - start


def size(path: Path) -> dict[str, int]:
    nb = nbformat.read(path, as_version=4)
    prose = sum(len(re.findall(r"\w+", c.source)) for c in nb.cells
                if c.cell_type == "markdown"
                and not {"nav-header", "nav-footer", "toc"} & set(c.metadata.get("tags", [])))
    code = sum(len([x for x in c.source.splitlines() if x.strip()]) for c in nb.cells if c.cell_type == "code")
    exercises = sum(1 for c in nb.cells if "solution" in c.metadata.get("tags", []))
    return {"words": prose, "code": code, "exercises": exercises}


def slot(info: dict, live: float | str) -> int:
    """Suggested teaching minutes (the rule in the module docstring)."""
    run_min = live / 60 if isinstance(live, float) else 0
    minutes = info["words"] / 180 + info["code"] / 15 + 5 * info["exercises"] + run_min
    return max(5, 5 * math.ceil(minutes / 5))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        names = re.findall(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
        cpu = names[0].strip() if names else cpu
    threads = os.environ.get("WORKBOOK_THREADS", "all")
    return (f"{cpu}, {os.cpu_count()} logical CPUs (llama.cpp threads: {threads}), "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


def fmt(value: float | str) -> str:
    return f"{value:.1f}" if isinstance(value, float) else value


def table(rows: list[dict]) -> str:
    lines = ["| lesson | run all, replay (s) | run all, live (s) | prose words | code lines | exercises "
             "| suggested slot (min) |",
             "|---|--:|--:|--:|--:|--:|--:|"]
    for r in rows:
        lines.append(f"| [{r['title']}](notebooks/{r['file']}) | {fmt(r['replay'])} | {fmt(r['live'])} | "
                     f"{r['words']} | {r['code']} | {r['exercises']} | {r['slot']} |")
    total_replay = sum(r["replay"] for r in rows if isinstance(r["replay"], float))
    total_live = sum(r["live"] for r in rows if isinstance(r["live"], float))
    lines.append(f"| **all {len(rows)}** | {total_replay:.1f} | {total_live:.1f} | "
                 f"{sum(r['words'] for r in rows)} | {sum(r['code'] for r in rows)} | "
                 f"{sum(r['exercises'] for r in rows)} | {sum(r['slot'] for r in rows)} |")
    return "\n".join(lines)


def agenda(rows: list[dict]) -> str:
    by_number = {r["file"][:2]: r for r in rows}
    lines = ["| session | lessons | suggested time |", "|---|---|--:|"]
    for name, numbers in SESSIONS:
        present = [by_number[n] for n in numbers if n in by_number]
        if present:
            minutes = sum(r["slot"] for r in present)
            lessons = ", ".join(r["file"][:2] for r in present)
            lines.append(f"| {name} | {lessons} | {minutes // 60} h {minutes % 60:02d} min |")
    return "\n".join(lines)


def block(rows: list[dict], when: str) -> str:
    return "\n".join([
        START,
        f"Measured {when} on {machine()} by `scripts/time_lessons.py`: the {len(rows)} lessons "
        "present then, each run in a fresh kernel (kernel start included).",
        "",
        table(rows),
        "",
        "Agenda (suggested slots added up; add breaks):",
        "",
        agenda(rows),
        END,
    ])


def write(text: str) -> None:
    current = WORKSHOP.read_text(encoding="utf-8")
    if START not in current or END not in current:
        raise SystemExit(f"{WORKSHOP.name} has no {START} ... {END} markers to replace")
    before, rest = current.split(START, 1)
    after = rest.split(END, 1)[1]
    WORKSHOP.write_text(before + text + after, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook stems (default: every lesson)")
    parser.add_argument("--write", action="store_true", help=f"update the table in {WORKSHOP.name}")
    parser.add_argument("--lock", help="a lock file to hold while each notebook runs (shared machines)")
    args = parser.parse_args()
    os.environ.pop("OPENAI_API_KEY", None)  # local model and recordings only: no key is ever used
    paths = [p for p in nav.lessons() if not args.names or p.stem in args.names or p.name in args.names]
    if not paths:
        print(f"No notebook matches {args.names}", file=sys.stderr)
        return 2
    rows = []
    for path in paths:
        replay = run(path, "strict", args.lock)
        live = run(path, "off", args.lock)
        info = size(path)
        rows.append({"file": path.name, "title": nav.title(path), "replay": replay, "live": live, **info,
                     "slot": slot(info, live)})
        print(f"{path.name:40s} replay {fmt(replay):>8}  live {fmt(live):>8}", file=sys.stderr, flush=True)
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = block(rows, when)
    print(text)
    if args.write:
        write(text)
    return 1 if any(isinstance(r[k], str) for r in rows for k in ("replay", "live")) else 0


if __name__ == "__main__":
    raise SystemExit(main())

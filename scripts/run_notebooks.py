"""Execute the notebooks and save their outputs, or refresh their recordings.

    python scripts/run_notebooks.py [NAMES...]           # strict replay, save outputs (make notebooks)
    python scripts/run_notebooks.py --record [NAMES...]  # re-record, then save outputs (make record)
    python scripts/run_notebooks.py --record-missing NAME # record only requests with no recording

Each notebook runs in a fresh kernel with ``WORKBOOK_SCOPE`` set to its name, so its
recordings are filed under ``data/recordings/<name>/``. ``--record`` first deletes that
folder (recordings no notebook makes any more are pruned that way), runs the notebook
with ``WORKBOOK_REPLAY=record`` against the configured backend (the local model unless
WORKBOOK_BACKEND/OPENAI_API_KEY say otherwise), then re-runs it under strict replay so
that the saved outputs are exactly what CI will compare. ``--record-missing`` keeps every
recording and runs the notebook in ``auto`` mode with its cache in the notebook's own
recordings folder, so only requests that have no recording yet (a cell whose request was
edited) are generated and filed; then the strict run saves the outputs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

try:
    from scripts import nav  # python -m scripts.NAME, or imported (tests)
except ModuleNotFoundError:  # python scripts/NAME.py: this folder is on sys.path, the root is not
    import nav

ROOT = Path(__file__).resolve().parent.parent

RECORDINGS = ROOT / "data" / "recordings"


def execute(path: Path, replay: str, save: bool, cache: Path | None = None) -> float:
    """Run one notebook top to bottom in a fresh kernel; return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    env = dict(os.environ, WORKBOOK_SCOPE=path.stem, WORKBOOK_REPLAY=replay)
    if cache is not None:
        env["WORKBOOK_CACHE"] = str(cache)
    start = time.perf_counter()
    NotebookClient(nb, timeout=900, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute(env=env)
    took = time.perf_counter() - start
    if save:
        nbformat.write(nb, path)
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook names or stems (default: all)")
    parser.add_argument("--record", action="store_true", help="re-record recordings first")
    parser.add_argument("--record-missing", action="store_true", help="record only requests with none")
    args = parser.parse_args()
    nav.sync(check=False)
    paths = [p for p in nav.lessons() if not args.names or p.stem in args.names or p.name in args.names]
    if not paths:
        print(f"No notebook matches {args.names}", file=sys.stderr)
        return 2
    for path in paths:
        if args.record:
            shutil.rmtree(RECORDINGS / path.stem, ignore_errors=True)
            took = execute(path, "record", save=False)
            print(f"recorded  {path.name}  {took:6.1f} s", flush=True)
        elif args.record_missing:
            took = execute(path, "auto", save=False, cache=RECORDINGS / path.stem)
            print(f"filled    {path.name}  {took:6.1f} s", flush=True)
        took = execute(path, "strict", save=True)
        print(f"executed  {path.name}  {took:6.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

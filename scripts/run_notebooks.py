"""Execute the notebooks and save their outputs, or refresh their recordings.

    python scripts/run_notebooks.py [NAMES...]           # strict replay, save outputs (make notebooks)
    python scripts/run_notebooks.py --record [NAMES...]  # re-record, then save outputs (make record)

Each notebook runs in a fresh kernel with ``WORKBOOK_SCOPE`` set to its name, so its
recordings are filed under ``data/recordings/<name>/``. ``--record`` first deletes that
folder (recordings no notebook makes any more are pruned that way), runs the notebook
with ``WORKBOOK_REPLAY=record`` against the configured backend (the local model unless
WORKBOOK_BACKEND/OPENAI_API_KEY say otherwise), then re-runs it under strict replay so
that the saved outputs are exactly what CI will compare.
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


def execute(path: Path, replay: str, save: bool) -> float:
    """Run one notebook top to bottom in a fresh kernel; return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    os.environ["WORKBOOK_SCOPE"] = path.stem
    os.environ["WORKBOOK_REPLAY"] = replay
    start = time.perf_counter()
    NotebookClient(nb, timeout=900, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    took = time.perf_counter() - start
    if save:
        nbformat.write(nb, path)
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook names or stems (default: all)")
    parser.add_argument("--record", action="store_true", help="re-record recordings first")
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
        took = execute(path, "strict", save=True)
        print(f"executed  {path.name}  {took:6.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Run every lesson against someone else's OpenAI-compatible server, live, and count errors.

    python scripts/foreign_run.py [--server llama|serve] [NAMES...]   # make test-foreign

Starts a server on a free loopback port, then executes each lesson 01-20 top to bottom in
a fresh kernel the way a learner with that server would: ``WORKBOOK_BACKEND=openai``,
``OPENAI_BASE_URL`` at the server, ``WORKBOOK_MODEL`` set to the id the server reports
(``GET /v1/models``), a placeholder key, and ``WORKBOOK_REPLAY=off``. Every cell runs
even after one raises (``allow_errors``), so one failure does not hide the next.

- ``--server llama`` (default): llama-cpp-python's own server (``python -m
  llama_cpp.server``, the ``[server]`` extra) on the same SmolLM2 GGUF, with its defaults
  (the model id is the file's path, as a learner gets it).
- ``--server serve``: the project's own ``helpers.local.serve`` with replay off: the control.

Prints, per lesson, its wall time, the cells that raised (an uncaught error: the run
fails; on the control server, an exercise check that does not PASS with the lesson's
reference answer fails it too), and the features the lesson reported as unsupported by that server (the lines
``helpers.features`` prints, see lesson 17); writes the same as JSON to
``.cache/foreign/<server>.json``. Exit status 1 when any cell raised.

``--probe`` instead measures, with ``helpers.probes``, which parameters that server
honours, and writes ``data/probes/<server>.json`` (lesson 17 shows it as a measured column
beside the backends' own documentation; the file names the versions and the date).

Leaves out servers on other machines and keys: it only ever talks to loopback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from helpers.features import MARK

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / ".cache" / "foreign"
PROBE_DIR = ROOT / "data" / "probes"
# The line helpers.features prints when a server refuses a named feature.
UNSUPPORTED = re.compile(rf"^{re.escape(MARK)} (?P<feature>[^(—\n]+?)\s*(?:\(|—|$)", re.M)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(kind: str, port: int, log: Path) -> subprocess.Popen:
    py = sys.executable
    if kind == "llama":
        from helpers.local.model import default_threads, gguf_path

        threads = os.environ.get("WORKBOOK_THREADS") or str(default_threads())
        cmd = [py, "-m", "llama_cpp.server", "--model", str(gguf_path()), "--host", "127.0.0.1",
               "--port", str(port), "--n_ctx", "8192", "--n_threads", threads]
    else:
        cmd = [py, "-m", "helpers.local.serve", "--port", str(port), "--replay", "off"]
    handle = log.open("w")
    return subprocess.Popen(cmd, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)


def wait_for_models(base_url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited ({proc.returncode}); its log:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=5) as r:
                return json.load(r)["data"][0]["id"]
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer GET /v1/models within {timeout:.0f} s")


def lesson_env(kind: str, base_url: str, model: str, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "WORKBOOK_"))}
    env.update(WORKBOOK_BACKEND="openai", OPENAI_BASE_URL=base_url, OPENAI_API_KEY="sk-no-key-needed",
               WORKBOOK_MODEL=model, WORKBOOK_REPLAY="off", WORKBOOK_SCOPE=name,
               WORKBOOK_CACHE=str(OUT / kind / "cache" / name), WORKBOOK_RECORDINGS=str(OUT / kind / "recordings"))
    for keep in ("WORKBOOK_THREADS", "WORKBOOK_N_BATCH", "WORKBOOK_FLASH_ATTN"):
        if keep in os.environ:
            env[keep] = os.environ[keep]
    return env


def cell_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.get("data", {}).get("text/plain", ""))
    return ANSI.sub("", "\n".join(parts))


def run_lesson(kind: str, path: Path, env: dict[str, str], timeout: int, checks_must_pass: bool) -> dict:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            record_timing=False, resources={"metadata": {"path": str(path.parent)}})
    crashed = None
    try:
        client.execute(env=env)
    except Exception as exc:  # a cell timeout or a dead kernel: counted as an error
        crashed = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    errors, unsupported, not_yet = [], [], []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.source.startswith("check(") and "NOT YET" in cell_text(cell):
            (errors if checks_must_pass else not_yet).append(
                {"cell": index, "error": f"{cell.source.splitlines()[0]} says {cell_text(cell).strip()[:200]}"})
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                errors.append({"cell": index, "error": f"{out.ename}: {ANSI.sub('', out.evalue)[:300]}"})
        for match in UNSUPPORTED.finditer(cell_text(cell)):
            feature = match["feature"].strip()
            if feature not in unsupported:
                unsupported.append(feature)
    if crashed:
        errors.append({"cell": None, "error": crashed})
    saved = OUT / kind / f"{path.stem}.ipynb"
    saved.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, saved)  # to read what the lesson showed on that server
    return {"lesson": path.stem, "seconds": round(time.perf_counter() - start, 1),
            "errors": errors, "unsupported": unsupported, "checks_not_passed": not_yet}


def probe_server(kind: str, base_url: str, model: str) -> Path:
    """Measure the server's parameters with helpers.probes; write them with their provenance."""
    import datetime as dt
    import importlib.metadata as md

    import httpx2
    import openai

    from helpers.probes import PROBES, probe
    from helpers.translate import MirrorMaxTokens

    raw = openai.OpenAI(base_url=base_url, api_key="sk-no-key-needed", max_retries=0)
    # The limit probes see the server as it is; the others send max_completion_tokens as
    # max_tokens (helpers.translate), so that they do not run to the context's end.
    mirrored = openai.OpenAI(base_url=base_url, api_key="sk-no-key-needed", max_retries=0,
                             http_client=openai.DefaultHttpxClient(transport=MirrorMaxTokens(httpx2.HTTPTransport())))
    verdicts = {}
    for name in PROBES:
        verdict, evidence = probe(name, raw if name in ("max_completion_tokens", "max_tokens") else mirrored, model)
        verdicts[name] = {"verdict": verdict, "evidence": evidence}
    software = {"llama": "llama-cpp-python", "serve": "chat-completions-workbook"}[kind]
    data = {"server": f"{software} {md.version(software)}", "model": Path(model).name,
            "measured": dt.date.today().isoformat(),
            "command": f"python scripts/foreign_run.py --server {kind} --probe",
            "note": "probes other than the two limits sent max_completion_tokens as max_tokens",
            "verdicts": verdicts}
    PROBE_DIR.mkdir(parents=True, exist_ok=True)
    path = PROBE_DIR / f"{'llama_cpp_server' if kind == 'llama' else 'helpers_serve'}.json"
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return path


def run_server(kind: str, names: list[str], timeout: int, probe: bool) -> dict:
    """Start one server, run the lessons (or the probes) against it, stop it; the report."""
    lessons = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00_"))
    if names:
        lessons = [p for p in lessons if p.stem in names or p.name in names]
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    log = OUT / f"{kind}.log"
    proc = start_server(kind, port, log)
    began = time.perf_counter()
    results, model = [], None
    try:
        model = wait_for_models(base_url, proc, log)
        print(f"[{kind}] server at {base_url}, model {model!r}", flush=True)
        if probe:
            print(f"[{kind}] wrote", probe_server(kind, base_url, model).relative_to(ROOT), flush=True)
            return {"server": kind, "errors": 0, "lessons": []}
        for path in lessons:
            # On the control server every exercise check must pass with the reference answer.
            result = run_lesson(kind, path, lesson_env(kind, base_url, model, path.stem), timeout,
                                checks_must_pass=kind == "serve")
            results.append(result)
            flag = "ok " if not result["errors"] else "ERR"
            extra = f"  unsupported: {'; '.join(result['unsupported'])}" if result["unsupported"] else ""
            if result["checks_not_passed"]:
                extra += f"  checks not passed: {len(result['checks_not_passed'])}"
            print(f"[{kind}] {flag} {path.stem:28} {result['seconds']:6.1f} s{extra}", flush=True)
            for err in result["errors"]:
                print(f"[{kind}]       cell {err['cell']}: {err['error']}", flush=True)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    total = round(time.perf_counter() - began, 1)
    failed = sum(len(r["errors"]) for r in results)
    report = {"server": kind, "model": model, "seconds": total, "errors": failed, "lessons": results}
    (OUT / f"{kind}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(f"[{kind}] {failed} uncaught errors in {len(results)} lessons, {total:.0f} s", flush=True)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="lesson stems (default: 01-20)")
    parser.add_argument("--server", default="llama",
                        help="llama, serve, or both as 'llama,serve' (run side by side)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--probe", action="store_true", help="measure parameters, write data/probes/")
    args = parser.parse_args()
    kinds = [k.strip() for k in args.server.split(",") if k.strip()]
    if not kinds or any(k not in ("llama", "serve") for k in kinds):
        parser.error(f"--server takes llama, serve or llama,serve, not {args.server!r}")
    OUT.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(len(kinds)) as pool:
        reports = list(pool.map(lambda k: run_server(k, args.names, args.timeout, args.probe), kinds))
    return 1 if any(r["errors"] for r in reports) else 0


if __name__ == "__main__":
    raise SystemExit(main())

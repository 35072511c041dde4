"""benchmarks/: the result record and its verdicts, the interleaved A/B measurement, the
registry, the command line and the report (tables and latest.json).

No real benchmark runs here (``make bench`` runs them: minutes of generation and nbval);
a fake benchmark goes through the harness instead.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from benchmarks import harness, run
from benchmarks.harness import Result

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("value", "better", "target", "verdict"), [
    (1.25, "<=", 1.25, "PASS"), (1.26, "<=", 1.25, "MISS"),
    (0.9, ">=", 0.9, "PASS"), (0.89, ">=", 0.9, "MISS"),
    (49.9, "<", 50, "PASS"), (50.0, "<", 50, "MISS"),
    (2, "==", 2, "PASS"), (1, "==", 2, "MISS"), (2, "==", None, "MISS"),
    (math.nan, "<", 1, "MISS"),
])
def test_a_result_passes_only_when_its_value_meets_the_target(value, better, target, verdict):
    assert Result("figure", value, "s", target, better).verdict == verdict


def test_invalid_error_informational_and_noisy_show_in_the_verdict():
    assert Result("f", 1.0, "x", 1.25, "<=", valid=False).verdict == "INVALID"
    assert Result("f", None, "", None, "==", error="RuntimeError: boom").verdict == "ERROR"
    assert Result("f", 1.0, "x", 1.25, "<=", informational=True, noisy=True).verdict == "info (PASS, noisy)"
    with pytest.raises(ValueError, match="better"):
        Result("f", 1.0, "x", 1.0, "=<")


def test_ab_is_the_ratio_of_the_medians_and_flags_a_wide_spread_as_noisy():
    r = harness.ab("replay", [3.0, 1.0, 2.0], [1.0, 2.0, 1.0], 1.25, "<=", side_unit="us", side_scale=1e6)
    assert (r.figures["a_median"], r.figures["b_median"], r.value) == (2.0, 1.0, 2.0)
    assert r.verdict == "MISS" and not r.noisy  # no max_spread: never noisy
    assert r.side("a_median") == "2000000.0 us" and r.shown() == "2.00x" and r.shown_target() == "<=1.25x"
    assert harness.ab("g", [10, 16], [10, 10], 0.9, ">=", side_unit="tok/s", max_spread=1.5).noisy
    assert not harness.ab("g", [10, 14], [10, 10], 0.9, ">=", side_unit="tok/s", max_spread=1.5).noisy


def test_alternate_flips_the_order_every_round_and_stops_at_the_deadline(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(harness.gc, "collect", lambda: calls.append("gc"))  # before each side's block

    def side(name):
        return lambda: calls.append(name) or 1.0

    samples = harness.alternate({"a": side("a"), "b": side("b")}, rounds=3, block=2)
    assert calls == ["gc", "a", "a", "gc", "b", "b", "gc", "b", "b", "gc", "a", "a", "gc", "a", "a", "gc", "b", "b"]
    assert samples == {"a": [1.0] * 6, "b": [1.0] * 6}
    calls.clear()
    harness.alternate({"a": side("a"), "b": side("b")}, rounds=5, deadline=0.0, min_rounds=2)
    assert [c for c in calls if c != "gc"] == ["a", "b", "b", "a"]  # past the deadline: only the minimum rounds


def test_the_registry_lists_every_benchmark_module_once_with_the_same_interface():
    modules = {p.stem for p in (ROOT / "benchmarks").glob("*.py")} - {"__init__", "harness", "run"}
    assert {m.__name__.rsplit(".", 1)[-1] for m in run.BENCHMARKS.values()} == modules
    assert list(run.BENCHMARKS) == ["replay", "generation", "nbval", "memory", "lessons", "threads"]
    for name, module in run.BENCHMARKS.items():
        assert module.NAME == name and callable(module.run) and module.TITLE and module.LEGEND
        assert "Left out" in module.__doc__, f"{name}: the docstring says what it leaves out"


def test_only_selects_a_subset_in_the_registry_order_and_refuses_unknown_names(capsys):
    assert run.parse_args(["--only", "threads, replay"]).only == ["replay", "threads"]
    assert run.parse_args([]).only == list(run.BENCHMARKS)
    with pytest.raises(SystemExit):
        run.parse_args(["--only", "replay,speed"])
    assert "unknown benchmark(s): speed" in capsys.readouterr().err


def test_list_prints_every_benchmark_as_make_bench_runs_the_script():
    # As `make bench` starts it: a script, the repository root not on sys.path.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "benchmarks/run.py", "--list"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    names = [line.split()[0] for line in done.stdout.splitlines()]
    assert names == list(run.BENCHMARKS)
    assert "<= 1.25x" in done.stdout and "< 600 MB" in done.stdout


def fake(name: str, results) -> SimpleNamespace:
    def run_it(ctx: harness.Context):
        ctx.note(f"{name} ran")
        if isinstance(results, Exception):
            raise results
        return results

    return SimpleNamespace(NAME=name, TITLE=f"{name} title", LEGEND=f"{name} legend", run=run_it,
                           __doc__=f"{name}: a fake.")


def test_a_run_prints_one_summary_of_every_figure_and_writes_latest_json(tmp_path, monkeypatch, capsys):
    ok = fake("fast", [Result("quick", 12.0, "ms", 50, "<"),
                       harness.ab("ratio", [2.0], [1.0], 1.5, "<=", side_unit="s")])
    broken = fake("broken", RuntimeError("no model"))
    monkeypatch.setattr(run, "BENCHMARKS", {"fast": ok, "broken": broken})
    monkeypatch.setattr(harness, "RESULTS", tmp_path / "latest.json")
    assert run.main([]) == 1  # a benchmark raised
    out = capsys.readouterr().out
    summary = out[out.index("Summary"):].splitlines()
    assert [line.split()[0] for line in summary[2:5]] == ["fast", "fast", "broken"]
    assert summary[2].endswith("PASS") and summary[3].endswith("MISS") and summary[4].endswith("ERROR")
    assert "1 PASS, 1 MISS, 0 INVALID, 1 ERROR" in out
    report = json.loads((tmp_path / "latest.json").read_text())
    assert {"python", "cpus", "loadavg", "llama_cpp", "openai"} <= set(report["machine"])
    assert report["benchmarks"]["fast"]["notes"] == ["fast ran"]
    assert [r["verdict"] for r in report["benchmarks"]["fast"]["results"]] == ["PASS", "MISS"]
    assert report["benchmarks"]["broken"]["results"][0]["error"] == "RuntimeError: no model"
    assert [(s["benchmark"], s["verdict"]) for s in report["summary"]] == [
        ("fast", "PASS"), ("fast", "MISS"), ("broken", "ERROR")]

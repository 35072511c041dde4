"""Kernel memory: peak RSS of a kernel-like process with the local model loaded; target < 600 MB.

A fresh Python process imports what a lesson imports (helpers, pandas, matplotlib),
builds a client, and makes the heaviest kinds of call (logprobs with 20 alternatives, a
stream, a JSON-schema grammar, n=3), then reports its peak RSS. A second fresh process
that imports the same libraries but never loads the model gives the baseline, so the
model's own share shows too (a note; the target judges the peak alone).

Both run under a small launcher process of their own (this file run as a script): Linux
carries a parent's peak RSS into a child's ``ru_maxrss`` across fork and exec, so
started straight from ``benchmarks/run.py``, after a benchmark that loaded the model,
they would report the harness's peak instead of their own.

Left out: a real Jupyter kernel (its ZMQ machinery adds a little), widgets and figures
drawn, and memory the process returned before its peak.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

try:
    from benchmarks import harness
except ModuleNotFoundError:  # python benchmarks/run.py: this folder is on sys.path, the root is not
    import harness

NAME = "memory"
TITLE = "Kernel memory: peak RSS of a fresh process that loads the model and makes the heaviest calls"
LEGEND = "baseline: a second fresh process with the same imports and no model"
TARGET_MB = 600

WORKLOAD = r"""
import json, resource
import pandas, matplotlib
from helpers import make_client, default_model
LOAD = {load}
if LOAD:
    client, model = make_client("local", replay="off"), default_model("local")
    msgs = [{{"role": "system", "content": "You are concise."}},
            {{"role": "user", "content": "Describe a cat in JSON."}}]
    client.chat.completions.create(model=model, messages=msgs, max_completion_tokens=64, logprobs=True, top_logprobs=20)
    for _ in client.chat.completions.create(model=model, messages=msgs, max_completion_tokens=64, stream=True):
        pass
    schema = {{"type": "object", "properties": {{"name": {{"type": "string"}}, "age": {{"type": "integer"}}}},
              "required": ["name", "age"], "additionalProperties": False}}
    client.chat.completions.create(model=model, messages=msgs, max_completion_tokens=64, n=3,
        response_format={{"type": "json_schema", "json_schema": {{"name": "cat", "schema": schema}}}})
print(json.dumps({{"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def peak_mb(load: bool) -> float:
    """Peak RSS in MB of one fresh process running the workload, with or without the model."""
    out = subprocess.run([sys.executable, "-c", WORKLOAD.format(load=load)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["peak_mb"]


def measure() -> dict[str, float]:
    """Peak RSS in MB with and without the model."""
    with_model, baseline = peak_mb(True), peak_mb(False)
    return {"peak_rss_mb": with_model, "baseline_rss_mb": baseline, "model_share_mb": with_model - baseline}


def measure_fresh() -> dict[str, float]:
    """:func:`measure` from a fresh launcher process, whose own small peak is all its children inherit."""
    out = subprocess.run([sys.executable, str(Path(__file__).resolve())], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run(ctx: harness.Context) -> list[harness.Result]:
    """The kernel's peak RSS with the model, against the target; the baseline in a note."""
    figures = measure_fresh()
    note = f"imports alone {figures['baseline_rss_mb']:.0f} MB, model +{figures['model_share_mb']:.0f} MB"
    return [harness.Result("kernel peak RSS with the model", figures["peak_rss_mb"], "MB", TARGET_MB, "<",
                           notes=[note], figures=figures)]


if __name__ == "__main__":  # the launcher (measure_fresh): prints the figures as JSON
    print(json.dumps(measure()))

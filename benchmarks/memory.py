"""Peak memory of a kernel-like process with the local model loaded (target < 600 MB).

Runs a fresh Python process that imports what a lesson imports (helpers, pandas,
matplotlib), builds a client, and makes the heaviest kinds of call (logprobs with 20
alternatives, a stream, a JSON-schema grammar, n=3), then reports its peak RSS. A
second process that imports the same libraries but never loads the model gives the
baseline, so the model's own share is visible too.

    python benchmarks/memory.py
"""

from __future__ import annotations

import json
import subprocess
import sys

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
    out = subprocess.run([sys.executable, "-c", WORKLOAD.format(load=load)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["peak_mb"]


def measure() -> dict[str, float]:
    """Peak RSS in MB with and without the model."""
    with_model, baseline = peak_mb(True), peak_mb(False)
    return {"peak_rss_mb": with_model, "baseline_rss_mb": baseline, "model_share_mb": with_model - baseline}


if __name__ == "__main__":
    result = measure()
    verdict = "PASS" if result["peak_rss_mb"] < 600 else "MISS"
    print(f"kernel peak RSS with the model: {result['peak_rss_mb']:.0f} MB "
          f"(imports alone {result['baseline_rss_mb']:.0f} MB, model +{result['model_share_mb']:.0f} MB); "
          f"target < 600 MB: {verdict}")

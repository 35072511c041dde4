"""helpers.compat: probes tell honoured from ignored, on the real local backend and on fakes."""

from __future__ import annotations

import openai
import pytest

from helpers.compat import PROBES, measure, probe
from helpers.exercises._shapes import completion


def test_local_backend_honours_what_it_documents(client, model):
    table = measure({"local": client}, model)
    assert set(table.index) == set(PROBES)
    for name in ["temperature", "seed", "max_completion_tokens", "max_tokens", "n", "logprobs",
                 "tool_choice", "stream_options.include_usage", "response_format"]:
        assert table.loc[name, "local"] == "honoured", (name, table.loc[name, "local: evidence"])
    assert table.loc["user", "local"] == "accepted"


class Deaf:
    """A backend that ignores every parameter: one fixed long answer, whatever is asked."""

    def __init__(self):
        self.chat = self.completions = self

    def create(self, **kwargs):
        reply = completion(["The sea is wide and blue and calm."])
        return reply.model_copy(update={"usage": openai.types.CompletionUsage(
            prompt_tokens=5, completion_tokens=12, total_tokens=17)})


@pytest.mark.parametrize("name", ["temperature", "seed", "max_tokens", "n", "presence_penalty", "response_format"])
def test_a_deaf_backend_is_reported_as_ignoring(name):
    verdict, evidence = probe(name, Deaf(), "m")
    assert verdict == "ignored", evidence


def test_errors_become_verdicts():
    class Refuses(Deaf):
        def create(self, **kwargs):
            raise openai.APIConnectionError(request=None)

    verdict, _ = probe("n", Refuses(), "m")
    assert verdict == "error: APIConnectionError"

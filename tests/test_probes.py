"""helpers.probes: probes tell honoured from ignored, on the real local backend and on fakes."""

from __future__ import annotations

import openai
import pytest

from helpers.fake_client import completion, usage
from helpers.probes import CUT_OFF, PROBES, measure, probe


@pytest.mark.live
def test_local_backend_honours_what_it_documents(client, model):
    """Only what holds on any CPU and build: the verdicts, never the generated wording.

    JSON mode is a grammar on the local backend, so its answer is JSON or cut by the token
    limit, never "ignored"; which of the two depends on how long this build's answer is.
    """
    table = measure({"local": client}, model)
    assert set(table.index) == set(PROBES)
    for name in ["temperature", "seed", "max_completion_tokens", "max_tokens", "n", "stop", "logprobs",
                 "tool_choice", "stream_options.include_usage"]:
        assert table.loc[name, "local"] == "honoured", (name, table.loc[name, "local: evidence"])
    assert table.loc["response_format", "local"] in ("honoured", CUT_OFF), table.loc["response_format"].to_dict()
    assert table.loc["user", "local"] == "accepted"


class Deaf:
    """A backend that ignores every parameter: one fixed long answer, whatever is asked."""

    def __init__(self):
        self.chat = self.completions = self

    def create(self, **kwargs):
        return completion("The sea is wide and blue and calm.", usage=usage(5, 12))


@pytest.mark.parametrize("name", ["temperature", "seed", "max_tokens", "n", "presence_penalty", "response_format"])
def test_a_deaf_backend_is_reported_as_ignoring(name):
    verdict, evidence = probe(name, Deaf(), "m")
    assert verdict == "ignored", evidence


class Answers(Deaf):
    """A backend that answers every request with one fixed text and finish_reason."""

    def __init__(self, text: str, finish: str):
        super().__init__()
        self.text, self.finish = text, finish

    def create(self, **kwargs):
        return completion([self.text], finish=self.finish)


def test_json_cut_by_the_token_limit_is_cut_off_not_ignored():
    verdict, evidence = probe("response_format", Answers('{"colour": "sea green", "hex": "#2E8B', "length"), "m")
    assert verdict == CUT_OFF == "cut off (finish_reason=length)"
    assert "tokens were not enough" in evidence


@pytest.mark.parametrize("text, finish", [("The sea is wide", "length"), ("The sea is wide.", "stop"),
                                          ('{"colour": "sea green", "hex": "#2E8B', "stop")])
def test_text_that_is_not_json_is_ignored_unless_the_limit_cut_it(text, finish):
    verdict, evidence = probe("response_format", Answers(text, finish), "m")
    assert verdict == "ignored" and f"finish_reason={finish}" in evidence


def test_json_that_parses_is_honoured_whatever_the_finish_reason():
    assert probe("response_format", Answers('{"colour": "red"}', "stop"), "m")[0] == "honoured"
    assert probe("response_format", Answers('{"colour": "red"}', "length"), "m")[0] == "honoured"


def test_errors_become_verdicts():
    class Refuses(Deaf):
        def create(self, **kwargs):
            raise openai.APIConnectionError(request=None)

    verdict, _ = probe("n", Refuses(), "m")
    assert verdict == "error: APIConnectionError"

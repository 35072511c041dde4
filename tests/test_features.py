"""helpers.features: a refused feature is one line and the lesson goes on; nothing else is hidden."""

from __future__ import annotations

import httpx2
import openai
import pytest

from helpers import features
from helpers.fake_client import usage as fake_usage
from helpers.features import MARK, NotReported, needs, reported


def refusal(status: int, body: dict | None = None) -> openai.APIStatusError:
    request = httpx2.Request("POST", "http://127.0.0.1:8000/v1/chat/completions")
    response = httpx2.Response(status, json=body or {}, request=request)
    cls = {400: openai.BadRequestError, 404: openai.NotFoundError, 401: openai.AuthenticationError,
           429: openai.RateLimitError}.get(status, openai.InternalServerError)
    return cls(f"Error code: {status}", response=response, body=body)


@pytest.fixture
def remote(monkeypatch):
    monkeypatch.setenv("WORKBOOK_BACKEND", "openai")
    monkeypatch.setattr(features, "_refused", {})
    monkeypatch.setattr(features, "_said", {})


def test_a_refused_feature_prints_one_line_naming_it_and_the_answer(remote, capsys):
    with needs("json_schema response_format", url="https://example.org/docs") as part:
        raise refusal(500, {"message": "1 validation error: response_format.type"})
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{MARK} json_schema response_format — it answered 500: 1 validation error")
    assert "Read more: https://example.org/docs" in line and len(line.splitlines()) == 1
    assert part.ok is False and "json_schema response_format" in features.unsupported()


def test_a_later_part_that_lacks_the_refused_names_is_skipped_and_says_so(remote, capsys):
    with needs("custom tools"):
        raise refusal(400, {"error": {"message": "unknown tool type"}})
    with needs("custom tools"):
        undefined_name  # noqa: B018, F821
    assert "(skipped: this needs custom tools" in capsys.readouterr().out
    with needs("custom tools"):
        [][3]  # noqa: B018
    assert "here it stopped at IndexError: list index out of range" in capsys.readouterr().out
    with pytest.raises(IndexError), needs("another feature"):  # never refused: a real bug
        [][3]  # noqa: B018


@pytest.mark.parametrize("exc", [NameError("x"), TypeError("bug"), refusal(401), refusal(429)])
def test_bugs_keys_and_rate_limits_still_raise(remote, exc):
    with pytest.raises(type(exc)), needs("anything"):
        raise exc


def test_on_the_local_backend_nothing_is_caught(monkeypatch):
    monkeypatch.setenv("WORKBOOK_BACKEND", "local")
    with pytest.raises(openai.InternalServerError), needs("json_schema response_format"):
        raise refusal(500)


def test_an_optional_field_reads_as_the_sdk_types_it():
    usage = fake_usage(3, 2)  # no details: a server that leaves them out
    missing = reported(usage, "completion_tokens_details.reasoning_tokens")
    assert isinstance(missing, NotReported) and not missing
    assert f"{missing}" == "not reported by this server (completion_tokens_details)"
    assert reported(usage, "prompt_tokens") == 3


def test_using_a_missing_field_inside_needs_is_one_line(remote, capsys):
    usage = fake_usage(3, 2)  # no details: a server that leaves them out
    with needs("usage details"):
        reported(usage, "completion_tokens_details").reasoning_tokens  # noqa: B018
    assert "this server does not report completion_tokens_details" in capsys.readouterr().out


def test_the_foreign_run_counts_the_same_line():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("foreign_run",
                                                  Path(__file__).parent.parent / "scripts" / "foreign_run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    line = f"{MARK} json_schema response_format — it answered 500: no. Read more: x"
    assert [m["feature"] for m in module.UNSUPPORTED.finditer(line)] == ["json_schema response_format"]


def test_fewer_choices_than_asked_is_one_line_and_the_cell_goes_on(remote, capsys):
    from helpers.features import choices

    response = openai.types.chat.ChatCompletion.model_construct(choices=[object()])
    assert len(choices(response, 3)) == 1 and len(choices(response, 3)) == 1
    out = capsys.readouterr().out
    assert f"{MARK} n — asked for n=3, it sent 1 choice" in out and out.count(MARK) == 1  # once per cell
    assert len(choices(response, 1)) == 1 and capsys.readouterr().out == ""


def test_expect_turns_an_empty_result_into_the_same_line(remote, capsys):
    from helpers.features import expect

    assert expect([1], "usage") == [1]
    with needs("stream_options.include_usage"):
        expect([], "usage in streams")
    assert "stream_options.include_usage — this server does not report usage in streams" in capsys.readouterr().out

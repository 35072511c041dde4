"""make_client / make_async_client / status: genuine SDK objects, right transport."""

from __future__ import annotations

import asyncio

import openai
import pytest

from helpers import ConfigError, make_async_client, make_client, status
from helpers.client import notebook_scope
from helpers.settings import LOCAL_BASE_URL


def test_make_client_returns_a_plain_openai_client():
    client = make_client("local", replay="off")
    assert type(client) is openai.OpenAI
    assert str(client.base_url).rstrip("/") == LOCAL_BASE_URL


def test_openai_kwargs_pass_through():
    client = make_client("local", max_retries=5, timeout=12.0)
    assert client.max_retries == 5
    assert client.timeout == 12.0


@pytest.mark.live
def test_first_call_returns_chat_completion(client, model, ask):
    response = client.chat.completions.create(model=model, messages=ask("Say hi."), max_completion_tokens=4)
    assert isinstance(response, openai.types.chat.ChatCompletion)
    assert response.model == model
    assert response.usage.completion_tokens <= 4


@pytest.mark.live
def test_async_client_works_and_streams(model, ask):
    async def run():
        client = make_async_client("local", replay="off")
        assert type(client) is openai.AsyncOpenAI
        response = await client.chat.completions.create(
            model=model, messages=ask("Say hi."), max_completion_tokens=4, seed=3)
        stream = await client.chat.completions.create(
            model=model, messages=ask("Say hi."), max_completion_tokens=4, seed=3, stream=True)
        text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
        return response.choices[0].message.content, text

    whole, streamed = asyncio.run(run())
    assert whole == streamed and whole


def test_status_masks_the_key(monkeypatch):
    fake = "sk" + "-proj-secretsecretsecret9876"  # assembled: no key-shaped literal in the source
    monkeypatch.setenv("OPENAI_API_KEY", fake)
    shown = status()
    assert shown["backend"] == "openai"
    assert "secretsecret" not in repr(shown)
    assert shown["api_key"] == "sk-...9876"


def test_status_reports_problems_instead_of_raising():
    shown = status("openai", "auto")
    assert "OPENAI_API_KEY is not set" in shown["problem"]


def test_scope_from_argument_environment_or_jupyter(monkeypatch):
    assert notebook_scope("03_messages") == "03_messages"
    assert notebook_scope(None) == "misc"
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/me/notebooks/04_temperature.ipynb")
    assert notebook_scope(None) == "04_temperature"
    monkeypatch.setenv("WORKBOOK_SCOPE", "07_n")
    assert notebook_scope(None) == "07_n"


def test_in_a_notebook_a_replay_miss_is_a_short_error_not_a_deep_traceback():
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    source = ("from helpers import make_client, default_model\n"
              "client = make_client(replay='strict')\n"
              "client.chat.completions.create(model=default_model(),\n"
              "    messages=[{'role': 'user', 'content': 'a question nobody recorded'}])")
    nb = new_notebook(cells=[new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True, shutdown_kernel="immediate").execute()
    (output,) = nb.cells[0].outputs
    assert output.output_type == "error" and output.ename == "ReplayMissError"
    assert len(output.traceback) == 1 and "make record" in output.traceback[0]
    assert "httpx2" not in "".join(output.traceback)


def test_status_hides_a_password_in_the_base_url(monkeypatch):
    from helpers import status

    secret = "hunter2" + "-" + "pass" * 3
    monkeypatch.setenv("OPENAI_API_KEY", "sk" + "-abc" * 8)
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://user:{secret}@127.0.0.1:9/v1")
    shown = repr(status())
    assert secret not in shown and "user:***@127.0.0.1" in shown


def test_a_replay_miss_never_quotes_a_credential(monkeypatch):
    import pytest

    from helpers import ReplayMissError

    key = "sk" + "-" + "Q7w8E9r0" * 5
    client = make_client("openai", replay="strict", api_key=key, base_url="http://127.0.0.1:9/v1",
                         max_retries=0)
    with pytest.raises(ReplayMissError) as info:
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": f"my key is {key}"}])
    assert key[-12:] not in str(info.value) and key[3:15] not in str(info.value)


def test_a_key_in_the_environment_is_named_as_the_reason_for_the_backend(monkeypatch):
    from helpers import status

    monkeypatch.setenv("OPENAI_API_KEY", "sk" + "-abc" * 8)
    assert "OPENAI_API_KEY is set in your environment" in status()["note"]
    monkeypatch.setenv("WORKBOOK_BACKEND", "openai")
    assert "note" not in status()


@pytest.mark.live
def test_a_client_reads_and_writes_the_store_it_is_given_and_no_other(tmp_path, model, ask):
    import pytest

    from helpers import ReplayMissError
    from helpers.recordings import RecordingStore
    from helpers.replay import reset_counters

    mine = RecordingStore(tmp_path / "mine" / "recordings", tmp_path / "mine" / "cache", scope="lesson")
    request = {"model": model, "messages": ask("Say hi."), "max_completion_tokens": 3}
    recorded = make_client("local", replay="record", store=mine).chat.completions.create(**request)
    assert [p.parent.name for p in mine.root.glob("*/*.json")] == ["lesson"]
    assert not list(tmp_path.glob("recordings/*/*.json"))  # WORKBOOK_RECORDINGS (conftest) untouched
    reset_counters()
    replayed = make_client("local", replay="strict", store=mine).chat.completions.create(**request)
    assert replayed.choices[0].message.content == recorded.choices[0].message.content
    with pytest.raises(ReplayMissError):
        make_client("local", replay="strict", max_retries=0).chat.completions.create(**request)


@pytest.mark.live
def test_the_async_client_takes_a_store_and_wrappers(tmp_path, model, ask):
    from helpers._http import WrapperTransport
    from helpers.recordings import RecordingStore

    class Counting(WrapperTransport):
        seen = 0

        async def handle_async_request(self, request):
            Counting.seen += 1
            return await self.underneath().handle_async_request(request)

    mine = RecordingStore(tmp_path / "mine" / "recordings", tmp_path / "mine" / "cache")

    async def run():
        client = make_async_client("local", replay="auto", store=mine, wrap=[Counting(), Counting()])
        return await client.chat.completions.create(model=model, messages=ask("Say hi."), max_completion_tokens=2)

    assert asyncio.run(run()).choices[0].finish_reason in ("length", "stop")
    assert Counting.seen == 2 and len(list(mine.cache.glob("*.json"))) == 1  # auto: cached in the given store


@pytest.mark.parametrize(("name", "raw"), [("WORKBOOK_FLASH_ATTN", "yes"), ("WORKBOOK_THREADS", "0"),
                                           ("WORKBOOK_N_BATCH", "big")])
def test_a_bad_numerical_setting_is_a_config_error_when_the_client_is_made(monkeypatch, name, raw):
    """Not a 500 from the backend (retried by the SDK) at the first live call."""
    monkeypatch.setenv(name, raw)
    with pytest.raises(ConfigError, match=name):
        make_client("local")

"""Setup problems reach the learner as one short message that names the cause and the fix."""

from __future__ import annotations

import httpx2
import openai
import pytest

from helpers.errors import short_message

KEY = "sk" + "-bogus-" + "x" * 24


def sdk_client(handler) -> openai.OpenAI:
    return openai.OpenAI(api_key=KEY, base_url="https://api.openai.com/v1", max_retries=0,
                         http_client=openai.DefaultHttpxClient(transport=httpx2.MockTransport(handler)))


def raised(handler) -> openai.OpenAIError:
    with pytest.raises(openai.OpenAIError) as info:
        sdk_client(handler).chat.completions.create(model="gpt-5.4-mini", messages=[{"role": "user", "content": "hi"}])
    return info.value


def refuse_key(request):
    return httpx2.Response(401, json={"error": {"message": "Incorrect API key provided: sk-bogus***xxxx.",
                                                "type": "invalid_request_error", "code": "invalid_api_key"}})


def no_network(request):
    raise httpx2.ConnectError("[Errno -3] Temporary failure in name resolution", request=request)


def unknown_model(request):
    return httpx2.Response(404, json={"error": {"message": "The model 'gpt-9' does not exist",
                                                "type": "invalid_request_error", "code": "model_not_found"}})


def test_a_refused_key_names_the_server_and_both_fixes(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    message = short_message(raised(refuse_key))
    assert "https://api.openai.com refused the API key (401" in message
    assert "chosen because OPENAI_API_KEY is set in your environment" in message
    assert "WORKBOOK_BACKEND=local" in message and "%tb" in message
    assert KEY not in message


def test_no_connection_says_so_and_how_to_switch(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    message = short_message(raised(no_network))
    assert message.startswith("Could not reach https://api.openai.com (ConnectError")
    assert "WORKBOOK_BACKEND=local" in message and message.count("\n") == 0


def test_an_explicit_backend_choice_is_not_called_a_stray_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("WORKBOOK_BACKEND", "openai")
    assert "chosen because" not in short_message(raised(no_network))


def test_a_404_points_at_the_model_id():
    message = short_message(raised(unknown_model))
    assert "404: The model 'gpt-9' does not exist" in message and "WORKBOOK_MODEL" in message


def test_other_sdk_errors_keep_their_usual_traceback():
    def bad_request(request):
        return httpx2.Response(400, json={"error": {"message": "bad", "type": "invalid_request_error"}})

    assert short_message(raised(bad_request)) is None


def test_in_ipython_a_connection_error_is_a_few_lines_not_hundreds(monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from helpers.client import make_client

    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    shell = InteractiveShell.instance()
    try:
        monkeypatch.setattr("IPython.get_ipython", lambda: shell)
        make_client("openai", replay="off", api_key=KEY)  # installs the short tracebacks in IPython
        shell.user_ns.update(sdk_client=sdk_client, no_network=no_network)
        with capture_output() as captured:
            shell.run_cell("sdk_client(no_network).chat.completions.create(model='m', messages=[])")
        text = captured.stdout + captured.stderr
        assert "APIConnectionError: Could not reach https://api.openai.com" in text
        assert len(text.strip().splitlines()) <= 3, text
        with capture_output() as captured:
            shell.run_cell("%tb")
        assert "Traceback" in captured.stdout + captured.stderr or "ConnectError" in captured.stdout
    finally:  # later tests in this process must not find a running IPython
        InteractiveShell.clear_instance()

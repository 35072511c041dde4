"""Checks for lesson 15 (errors and retries)."""

from __future__ import annotations

from typing import Any

import httpx2
import openai

from helpers.exercises import Result, exercise
from helpers.fake_client import completion

__all__ = ["status_error", "retryable", "corrected_recipe"]

_REQUEST = httpx2.Request("POST", "https://api.openai.com/v1/chat/completions")


def status_error(status: int) -> openai.APIStatusError:
    """The exception the SDK raises for an HTTP error status (built offline)."""
    response = httpx2.Response(status, request=_REQUEST, json={"error": {"message": "x"}})
    client = openai.OpenAI(api_key="offline-check", base_url="http://offline.invalid/v1")
    return client._make_status_error(f"Error code: {status}", body={"error": {"message": "x"}}, response=response)


RETRYABLE = [status_error(429), status_error(500), status_error(503), status_error(408),
             openai.APITimeoutError(request=_REQUEST), openai.APIConnectionError(request=_REQUEST)]
FINAL = [status_error(400), status_error(401), status_error(403), status_error(404), status_error(422)]


@exercise("15.1", "Retry what may work next time: RateLimitError, APITimeoutError, APIConnectionError "
          "and InternalServerError (any 5xx); also 408 and 409 as the SDK does. Not 400, 401, 403, 404, 422.")
def retryable(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (is_retryable).")
    for err in RETRYABLE:
        if answer(err) is not True:
            return Result(False, f"{type(err).__name__} ({getattr(err, 'status_code', 'no status')}) "
                          f"is worth retrying, but it returned {answer(err)!r}.")
    for err in FINAL:
        if answer(err) is not False:
            return Result(False, f"{type(err).__name__} ({err.status_code}) will fail the same way again: "
                          f"it returned {answer(err)!r}, expected False.")
    return Result(True, "rate limits, timeouts, lost connections and server errors are retried; "
                  "your own mistakes (400, 401, 403, 404, 422) are not.")


class _ScriptedClient:
    """Raises the scripted errors on create(), then answers; counts the calls."""

    def __init__(self, errors: list[Exception]):
        self.errors, self.calls = list(errors), 0
        self.chat = self.completions = self

    def create(self, **kwargs):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return completion(["ok"])


def _run(fn, errors):
    client = _ScriptedClient(errors)
    try:
        return fn(client, [{"role": "user", "content": "hi"}]), client.calls
    except Exception as err:  # the outcome, whatever it is
        return err, client.calls


@exercise("15.2", "Decorate with @retry(retry=retry_if_exception_type((openai.RateLimitError, "
          "openai.APITimeoutError, openai.APIConnectionError, openai.InternalServerError)), "
          "stop=stop_after_attempt(4), reraise=True, wait=...) and use a client with max_retries=0.")
def corrected_recipe(answer: Any) -> Result:
    if not callable(answer) or not hasattr(answer, "retry_with"):
        return Result(False, "pass a function decorated with tenacity's @retry(...).")
    import tenacity

    fast = answer.retry_with(wait=tenacity.wait_none())  # same rules, no waiting while checking
    out, calls = _run(fast, [status_error(429), status_error(503)])
    if calls != 3 or not hasattr(out, "choices"):
        return Result(False, f"after a 429 and a 503 the third attempt should succeed; it made {calls} "
                      f"attempt(s) and ended with {type(out).__name__}.")
    out, calls = _run(fast, [status_error(401)] * 5)
    if calls != 1:
        return Result(False, f"a 401 (bad key) was tried {calls} times: retry only retryable errors.")
    if not isinstance(out, openai.AuthenticationError):
        return Result(False, f"a 401 should reach the caller as AuthenticationError, not {type(out).__name__}: "
                      "use reraise=True.")
    out, calls = _run(fast, [status_error(429)] * 9)
    if calls != 4:
        return Result(False, f"with rate limits that never end it made {calls} attempts; stop after 4.")
    if not isinstance(out, openai.RateLimitError):
        return Result(False, f"when retries run out the caller should see RateLimitError, not {type(out).__name__}.")
    return Result(True, "retryable errors are retried up to 4 attempts in all, others fail at once, "
                  "and the caller sees the SDK's own exception.")

"""Exercise cases for lesson 15: (reference answer, three wrong answers)."""

import openai
from tenacity import (
    retry,
    retry_if_exception,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)


def is_retryable(err):
    if isinstance(err, openai.APIConnectionError):  # APITimeoutError is a kind of APIConnectionError
        return True
    if isinstance(err, openai.APIStatusError):
        return err.status_code in (408, 409, 429) or err.status_code >= 500
    return False


@retry(retry=retry_if_exception(is_retryable), stop=stop_after_attempt(4),
       wait=wait_exponential(multiplier=0.5, max=8), reraise=True)
def ask(client, messages):
    return client.chat.completions.create(model="m", messages=messages, max_completion_tokens=20)


@retry(stop=stop_after_attempt(4), reraise=True)  # retries everything, a 401 too
def ask_everything(client, messages):
    return client.chat.completions.create(model="m", messages=messages)


@retry(retry=retry_if_exception(is_retryable), stop=stop_after_attempt(4))  # no reraise: RetryError
def ask_wrapped(client, messages):
    return client.chat.completions.create(model="m", messages=messages)


@retry(retry=retry_if_exception_type(openai.RateLimitError), stop=stop_after_attempt(4), reraise=True)
def ask_rate_only(client, messages):  # a 503 is not retried
    return client.chat.completions.create(model="m", messages=messages)


CASES = {
    "15.1": (is_retryable, [lambda e: True, lambda e: isinstance(e, openai.RateLimitError),
                            lambda e: isinstance(e, openai.APIStatusError)]),
    "15.2": (ask, [ask_everything, ask_wrapped, ask_rate_only]),
}

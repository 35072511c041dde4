"""When a server is only partly OpenAI-compatible: name the feature a lesson part needs.

Covers two things a lesson does on someone else's server (a gateway, Ollama, vLLM,
llama-cpp-python's own server):

- ``with needs("json_schema response_format", url=...):`` around the code that uses one
  named feature. If the server refuses it (an HTTP error that means "not this": 400,
  404, 405, 422, 500, 501) the block stops, the cell prints **one line** (which feature,
  what the server answered, where to read more) and the notebook goes on. A later block
  that names the same feature and fails only because the refused part never defined its
  names or results (``NameError``, an empty list, a ``None``) prints that it was skipped,
  and where it stopped. Nothing else is caught: a typo, a
  wrong type, a 401 or a 429 still raises, and on the embedded local backend (which
  implements every feature the lessons use) nothing is caught at all, so the tests see
  every failure.
- ``reported(obj, "usage.completion_tokens_details.reasoning_tokens")``: a field the SDK
  types as optional, read the way it is typed. It gives the value, or a
  :class:`NotReported` that prints as ``not reported by this server (usage.
  completion_tokens_details)`` instead of an ``AttributeError`` on ``None``.

- ``expect(value, what)``: ``value``, or (when it is empty) the same one line inside
  ``needs`` that a missing field gives, naming ``what`` the server did not report.
- ``choices(response, n)``: the response's choices, and one printed line when the server
  sent fewer than the ``n`` asked for, as servers that ignore ``n`` do (llama-cpp-python's
  own server drops it and sends one); the cell goes on with what it got.

``unsupported()`` lists what this kernel has seen refused. Leaves out probing a server
on purpose (``helpers.probes``) and retrying (``helpers.faults``, lesson 15).

    >>> with needs("models.retrieve"):
    ...     print(client.models.retrieve(MODEL))
    ⚠ not supported by this server: models.retrieve — it answered 404: Not Found. ...

Used in lessons: 02, 03, 04, 05, 06, 07, 09, 10, 11, 13, 14, 18, 19, 20.
"""

from __future__ import annotations

from typing import Any

import openai

__all__ = ["needs", "reported", "expect", "choices", "NotReported", "NotReportedError", "unsupported", "MARK"]

# The start of the line printed for a refused feature (scripts/foreign_run.py counts them).
MARK = "⚠ not supported by this server:"
REFUSALS = (400, 404, 405, 422, 500, 501)
# What a later part fails with when an earlier, refused part never made its results:
# caught only for a feature already refused in this kernel, and printed with the error.
CASCADE = (NameError, LookupError, TypeError, AttributeError)
N_DOC = "https://platform.openai.com/docs/api-reference/chat/create#chat-create-n"
_refused: dict[str, str] = {}
_said: dict[str, int] = {}


def unsupported() -> dict[str, str]:
    """The features refused in this kernel so far, each with what the server answered."""
    return dict(_refused)


def _catching() -> bool:
    """Only on a remote server: the local backend must never hide a failure."""
    from helpers.settings import resolve_backend

    return resolve_backend() != "local"


def _answer(err: openai.APIStatusError) -> str:
    body = getattr(err, "body", None)
    text = body.get("message") if isinstance(body, dict) else None
    if not text and isinstance(body, dict) and isinstance(body.get("error"), dict):
        text = body["error"].get("message")
    if not text and isinstance(body, dict) and isinstance(body.get("detail"), list | str):
        text = str(body["detail"])
    text = " ".join(str(text or err.message or "").split())
    return f"{err.status_code}: {text[:160]}{'…' if len(text) > 160 else ''}"


class needs:  # noqa: N801 - used as a statement: `with needs("feature"):`
    """Context manager: the block needs ``feature``; a refusal becomes one printed line."""

    def __init__(self, feature: str, *, url: str | None = None) -> None:
        self.feature, self.url = feature, url
        self.ok = True

    def __enter__(self) -> needs:
        return self

    def __exit__(self, etype: type | None, err: BaseException | None, tb: Any) -> bool:
        if err is None or not _catching():
            return False
        more = f" Read more: {self.url}" if self.url else ""
        if isinstance(err, openai.APIStatusError) and err.status_code in REFUSALS:
            self.ok = False
            _refused[self.feature] = _answer(err)
            print(f"{MARK} {self.feature} — it answered {_answer(err)}.{more} "
                  "The rest of this part is skipped; the lesson goes on.")
            return True
        if isinstance(err, NotReportedError):
            self.ok = False
            _refused[self.feature] = str(err)
            print(f"{MARK} {self.feature} — {err}.{more}")
            return True
        if isinstance(err, CASCADE) and self.feature in _refused:
            self.ok = False
            why = f"{type(err).__name__}: {str(err).splitlines()[0][:120] if str(err) else ''}"
            print(f"(skipped: this needs {self.feature}, which this server refused above; here it "
                  f"stopped at {why})")
            return True
        return False


class NotReportedError(AttributeError):
    """Raised when a :class:`NotReported` value is used as if it were there."""


class NotReported:
    """A field the server left out. Prints as a sentence; using it raises a clear error."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"not reported by this server ({self.path})"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return False

    def __format__(self, spec: str) -> str:
        return str(self)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise NotReportedError(f"this server does not report {self.path}")

    def __iter__(self) -> Any:
        raise NotReportedError(f"this server does not report {self.path}")

    def __len__(self) -> int:
        raise NotReportedError(f"this server does not report {self.path}")

    def __getitem__(self, key: Any) -> Any:
        raise NotReportedError(f"this server does not report {self.path}")


def reported(obj: Any, path: str) -> Any:
    """``obj.a.b.c`` for ``path="a.b.c"``, or a :class:`NotReported` naming the first
    missing (``None``) field on the way."""
    done = []
    for name in path.split("."):
        value = getattr(obj, name, None)
        done.append(name)
        if value is None:
            return NotReported(".".join(done))
        obj = value
    return obj


def choices(response: Any, n: int) -> list:
    """``response.choices``; when the server sent fewer than the ``n`` asked for (it ignores
    ``n``), also one printed line saying so. The cell goes on with the choices it got."""
    got = list(response.choices or [])
    if len(got) < n:
        answer = f"asked for n={n}, it sent {len(got)} choice{'s' if len(got) != 1 else ''}"
        _refused.setdefault("n", answer)
        from helpers.provenance import current_cell

        run = current_cell()[1]  # once per cell run, not once per call in a loop
        if _said.get("n") != run:
            _said["n"] = run
            print(f"{MARK} n — {answer}; what follows uses {'it' if len(got) == 1 else 'those'}. "
                  f"Read more: {N_DOC}")
    return got


def expect(value: Any, what: str) -> Any:
    """``value`` when it holds something; else :class:`NotReportedError` naming ``what``."""
    if not value:
        raise NotReportedError(f"this server does not report {what}")
    return value

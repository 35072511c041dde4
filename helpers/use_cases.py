"""Everyday tasks as small functions around one chat.completions call (lesson 19).

Each function takes the client and model explicitly (so it runs on any backend, recorded
or live), sets its parameters on purpose, and returns a :class:`Reply` that says whether
the answer is complete, so a caller never mistakes a cut-off text for a finished one.
Covers summarising, translating, outlining (Structured Outputs) and explaining code.
Every call adds ``sampling_extra(model)`` (``reasoning_effort="none"`` on OpenAI's gpt-5.1
and later, which accept ``temperature`` only then; nothing for any other model, so the
local model's requests are unchanged). Leaves out chunking of long documents and retries
(lesson 15 shows those).

Used in lessons: 19.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from helpers.model_catalog import sampling_extra

__all__ = ["Reply", "summarise", "translate", "outline_format", "outline", "explain_code"]

SEED = 7  # fixed, so a re-run gives the same text where the backend honours seeds


@dataclass(frozen=True)
class Reply:
    """The text of the first choice, whether it ended by itself, and what it cost."""

    text: str
    finish_reason: str
    prompt_tokens: int | None
    completion_tokens: int | None

    @property
    def complete(self) -> bool:
        return self.finish_reason == "stop"

    def __str__(self) -> str:
        return self.text if self.complete else self.text + " [… cut off: finish_reason=" + self.finish_reason + "]"


def _reply(response: Any) -> Reply:
    choice = response.choices[0]
    usage = response.usage
    return Reply(choice.message.content or "", choice.finish_reason,
                 usage.prompt_tokens if usage else None, usage.completion_tokens if usage else None)


def summarise(client: Any, model: str, text: str, *, sentences: int = 2, max_completion_tokens: int = 120) -> Reply:
    """A faithful summary: low temperature (stay close to the source), a hard token cap."""
    response = client.chat.completions.create(
        model=model,
        messages=[
            {"role": "system", "content": f"You summarise texts in at most {sentences} sentences. "
                                          "Use only facts from the text."},
            {"role": "user", "content": f"Summarise this text:\n\n{text}"},
        ],
        temperature=0.2, seed=SEED, max_completion_tokens=max_completion_tokens,
        **sampling_extra(model),
    )
    return _reply(response)


def translate(client: Any, model: str, text: str, language: str, *, max_completion_tokens: int = 200) -> Reply:
    """A translation: temperature 0 (one right answer, not variety), output only the translation.

    A one-line source also gets ``stop=["\\n"]``: a translation of one line is one line, so any
    chatter a model adds after it is cut off.
    """
    response = client.chat.completions.create(
        model=model,
        messages=[
            {"role": "system", "content": f"You translate the user's text into {language}. "
                                          f"Reply with the {language} translation only."},
            {"role": "user", "content": text},
        ],
        temperature=0, seed=SEED, max_completion_tokens=max_completion_tokens,
        **({} if "\n" in text.strip() else {"stop": ["\n"]}), **sampling_extra(model),
    )
    return _reply(response)


def outline_format(sections: int) -> dict[str, Any]:
    """A strict json_schema response_format for an outline with exactly ``sections`` headings."""
    section = {"type": "object", "additionalProperties": False, "required": ["heading", "points"],
               "properties": {"heading": {"type": "string"},
                              "points": {"type": "array", "items": {"type": "string"},
                                         "minItems": 2, "maxItems": 3}}}
    schema = {"type": "object", "additionalProperties": False, "required": ["title", "sections"],
              "properties": {"title": {"type": "string"},
                             "sections": {"type": "array", "items": section,
                                          "minItems": sections, "maxItems": sections}}}
    return {"type": "json_schema", "json_schema": {"name": "outline", "strict": True, "schema": schema}}


def outline(client: Any, model: str, topic: str, *, sections: int = 3, temperature: float = 0.7,
            max_completion_tokens: int = 300) -> dict[str, Any]:
    """A content outline as data: Structured Outputs guarantee the shape, temperature adds variety.

    Raises ValueError when the answer was cut off (its JSON would be incomplete).
    """
    response = client.chat.completions.create(
        model=model,
        messages=[
            {"role": "system", "content": "You plan short articles. Answer in JSON."},
            {"role": "user", "content": f"Outline an article about {topic} in {sections} sections."},
        ],
        response_format=outline_format(sections), temperature=temperature, seed=SEED,
        max_completion_tokens=max_completion_tokens, **sampling_extra(model),
    )
    reply = _reply(response)
    if not reply.complete:
        raise ValueError(f"the outline was cut off after {reply.completion_tokens} tokens "
                         f"(finish_reason={reply.finish_reason!r}); raise max_completion_tokens.")
    plan = json.loads(reply.text)
    if len(plan.get("sections", [])) != sections:  # do not rely on every backend enforcing maxItems
        raise ValueError(f"asked for {sections} sections, got {len(plan.get('sections', []))}.")
    return plan


def explain_code(client: Any, model: str, code: str, *, audience: str = "a beginner",
                 max_completion_tokens: int = 150) -> Reply:
    """An explanation for a given audience: the persona goes in the system message."""
    response = client.chat.completions.create(
        model=model,
        messages=[
            {"role": "system", "content": f"You explain Python code to {audience}, "
                                          "step by step, in plain words."},
            {"role": "user", "content": f"What does this code do?\n\n```python\n{code}\n```"},
        ],
        temperature=0.3, seed=SEED, max_completion_tokens=max_completion_tokens,
        **sampling_extra(model),
    )
    return _reply(response)

"""Answer a chat.completions request body with the embedded model, in OpenAI's shapes.

Covers turning a validated body into choices (``n``, seeds, ``response_format`` as a
grammar, tools with ``tool_choice`` none/auto/required/named), and building the
``ChatCompletion`` JSON or the stream of ``ChatCompletionChunk`` JSON objects, with
``usage`` and log-probabilities. Limits that need the prompt's length are checked here:
prompt plus an explicit token limit must fit the context (``context_length_exceeded``
otherwise, as on OpenAI); without one a choice stops after
``DEFAULT_MAX_COMPLETION_TOKENS`` (``helpers.local.limits``) with ``finish_reason
"length"``. Grammars from a schema (tools, ``json_schema``) allow at most one space
between tokens and no raw control characters inside strings; the ``json_object`` grammar
allows one newline and 20 spaces of indent at a time: constrained output cannot run on in
whitespace. Generation
holds a lease on ``MODEL_LOCK`` (``complete(lease)``, ``stream(lease)``). Leaves out
validation and HTTP.

Used in lessons: none (machinery).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import string
import time
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from helpers.local.generate import Outcome, Sampling, generate
from helpers.local.limits import DEFAULT_MAX_COMPLETION_TOKENS
from helpers.local.model import MODEL_LOCK, N_CTX, gguf_path, load_model
from helpers.local.prompt import TOOL_OPEN, prompt_tokens, render, tool_call_schema
from helpers.local.sampling import TokenLogprob, token_text
from helpers.local.validate import ApiError

__all__ = ["rand_id", "grammar_text", "Request"]

_ALNUM = string.ascii_letters + string.digits


def rand_id(prefix: str, n: int) -> str:
    """An OpenAI-style id: ``prefix`` then ``n`` random letters and digits (``chatcmpl-``, ``call_``, ``req_``)."""
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(n))


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    """Stable per model file and llama.cpp build, like OpenAI's ``system_fingerprint``."""
    import llama_cpp

    return "fp_" + hashlib.sha256(f"{gguf_path().name}:{llama_cpp.__version__}".encode()).hexdigest()[:10]


def _enum_wins(schema: Any) -> Any:
    """Drop "type" beside "enum"/"const": llama.cpp's converter lets a type list override them."""
    if isinstance(schema, list):
        return [_enum_wins(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _enum_wins(v) for k, v in schema.items()}
    if ("enum" in out or "const" in out) and isinstance(out.get("type"), list):
        out.pop("type")
    return out


# JSON text may not hold raw control characters in strings (json.loads refuses them).
_CHAR_RULE = r'char ::= [^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})'
_SPACE_RULE = 'space ::= " "?'


def grammar_text(schema: dict) -> str:
    """GBNF for one JSON Schema: llama.cpp's converter, with whitespace held to one space
    between tokens and no raw control characters (newlines, tabs) inside strings, where
    the converter's own rule lets them run on and makes the text invalid JSON."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    text = json_schema_to_gbnf(json.dumps(_enum_wins(schema)))
    text = re.sub(r"^char ::= .*$", lambda _: _CHAR_RULE, text, flags=re.M)
    return re.sub(r"^space ::= .*$", lambda _: _SPACE_RULE, text, flags=re.M)


def _grammar(schema: dict | None, *, any_json: bool = False, param: str = "response_format"):
    """A llama.cpp grammar for JSON (any object, or one JSON Schema); a bad schema is a 400."""
    from llama_cpp import LlamaGrammar
    from llama_cpp.llama_grammar import JSON_GBNF  # any object; whitespace runs of <= 21 chars

    try:
        text = JSON_GBNF if any_json else grammar_text(schema)
        return LlamaGrammar.from_string(text, verbose=False)
    except Exception as err:  # the converter raises AssertionError, KeyError, ValueError...
        raise ApiError(400, f"Invalid schema in '{param}': {type(err).__name__}: {err}. "
                       "Check that every '$ref' resolves and every 'type' is a JSON Schema type.",
                       param, "invalid_value") from err


def _logprobs_json(llm, records: list[TokenLogprob]) -> dict:
    def entry(token_id: int, logprob: float) -> dict:
        raw = llm.detokenize([token_id])
        return {"token": token_text(raw), "logprob": logprob, "bytes": list(raw)}

    content = [entry(r.token_id, r.logprob) | {"top_logprobs": [entry(i, lp) for i, lp in r.top]} for r in records]
    return {"content": content, "refusal": None}


@lru_cache(maxsize=1)
def _longest_token(llm) -> int:
    """The most bytes one token of the model stands for (32 for SmolLM2)."""
    return max(len(llm.detokenize([i])) for i in range(llm.n_vocab()))


class Request:
    """One validated request, ready to generate."""

    def __init__(self, body: dict[str, Any], model_id: str):
        self.body, self.model_id = body, model_id
        self.llm = load_model()
        tools = body.get("tools") or None
        choice = body.get("tool_choice") or ("auto" if tools else "none")
        self.tools = tools if choice != "none" else None
        self.tool_choice = choice
        size = len(render(body["messages"], self.tools).encode())
        if size > N_CTX and size > N_CTX * _longest_token(self.llm):  # surely too long
            raise ApiError(400, f"This model's maximum context length is {N_CTX} tokens. However, "
                           f"your messages resulted in more than {N_CTX} tokens ({size} bytes). "
                           "Please reduce the length of the messages.",
                           "messages", "context_length_exceeded")
        self.prompt_tokens = prompt_tokens(self.llm, body["messages"], self.tools)
        self.call_prefix = self.llm.tokenize(f"{TOOL_OPEN}\n".encode(), add_bos=False,
                                             special=False)
        used = len(self.prompt_tokens) + (len(self.call_prefix) if self.tools else 0)
        room = N_CTX - used
        if room <= 0:
            raise ApiError(400, f"This model's maximum context length is {N_CTX} tokens. However, your messages "
                           f"resulted in {used} tokens. Please reduce the length of the messages.",
                           "messages", "context_length_exceeded")
        explicit = body.get("max_completion_tokens") or body.get("max_tokens")
        if explicit and explicit > room:
            raise ApiError(400, f"This model's maximum context length is {N_CTX} tokens. However, "
                           f"you requested {used + explicit} tokens ({used} in the messages, "
                           f"{explicit} in the completion). Please reduce the length of the "
                           "messages or completion.",
                           "messages", "context_length_exceeded")
        limit = explicit or min(DEFAULT_MAX_COMPLETION_TOKENS, room)
        stop = body.get("stop")
        bias = {int(k): float(v) for k, v in (body.get("logit_bias") or {}).items()}
        bad = [k for k in bias if not 0 <= k < self.llm.n_vocab()]
        if bad:
            raise ApiError(400, f"Invalid key in 'logit_bias': {bad[0]} is not a token id of this model "
                           f"(0..{self.llm.n_vocab() - 1}).", "logit_bias", "invalid_value")
        self.sampling = Sampling(
            temperature=float(body.get("temperature", 1.0) if body.get("temperature") is not None else 1.0),
            top_p=float(body["top_p"]) if body.get("top_p") is not None else 1.0,
            presence_penalty=float(body.get("presence_penalty") or 0.0),
            frequency_penalty=float(body.get("frequency_penalty") or 0.0),
            logit_bias=bias,
            top_logprobs=(body.get("top_logprobs") or 0) if body.get("logprobs") else None,
            stop=[stop] if isinstance(stop, str) else list(stop or []),
            max_tokens=limit,
        )
        seed = body.get("seed")
        self.seed = secrets.randbits(32) if seed is None else int(seed)
        self.n = body.get("n") or 1
        self.id, self.created = rand_id("chatcmpl-", 29), int(time.time())
        self.grammar, self.call_grammar = self._grammars()

    def _grammars(self):
        """Build grammars up front, so a bad schema is a 400 before any stream starts."""
        fmt = self.body.get("response_format") or {}
        grammar = call = None
        if fmt.get("type") == "json_object":
            grammar = _grammar(None, any_json=True)
        elif fmt.get("type") == "json_schema":
            grammar = _grammar(fmt["json_schema"].get("schema") or {}, param="response_format.json_schema.schema")
        if self.tools is not None:
            only = self.tool_choice["function"]["name"] if isinstance(self.tool_choice, dict) else None
            call = _grammar(tool_call_schema(self.tools, only), param="tools")
        return grammar, call

    # -- one choice -----------------------------------------------------------------
    def _choice(self, index: int) -> Iterator[tuple[str, Any]]:
        """Yield ("text", Piece) events, then one ("end", (Outcome, tool_calls|None))."""
        seed = self.seed + index
        call_mode = False
        if self.tools is not None:
            call_mode = self.tool_choice != "auto" or self._wants_tool(seed)
        if call_mode:
            tokens = self.prompt_tokens + self.call_prefix
            outcome = yield from self._run(tokens, seed, self.call_grammar, quiet=True)
            yield "end", (outcome, self._parse_call(outcome.text))
            return
        outcome = yield from self._run(self.prompt_tokens, seed, self.grammar)
        yield "end", (outcome, None)

    def _run(self, tokens: list[int], seed: int, grammar, quiet: bool = False):
        gen = generate(self.llm, tokens, self.sampling, seed, grammar)
        while True:
            try:
                piece = next(gen)
            except StopIteration as stop:
                return stop.value
            if not quiet:
                yield "text", piece

    def _wants_tool(self, seed: int) -> bool:
        """tool_choice=auto: let the model's own first tokens decide (same seed, so consistent)."""
        peek = Sampling(temperature=self.sampling.temperature, top_p=self.sampling.top_p, max_tokens=4)
        gen = generate(self.llm, self.prompt_tokens, peek, seed)
        text = ""
        try:
            while True:
                text += next(gen).text
        except StopIteration as stop:
            text = stop.value.text
        return text.lstrip().startswith(("<tool", '{"name"'))

    def _parse_call(self, text: str) -> list[dict]:
        try:
            call = json.loads(text)
            name, args = call["name"], json.dumps(call["arguments"], ensure_ascii=False)
        except (ValueError, KeyError, TypeError):  # truncated by the token limit: keep what was written
            names = [t["function"]["name"] for t in self.tools]
            said = re.search(r'"name"\s*:\s*"([^"]*)"', text)
            name = self.tool_choice["function"]["name"] if isinstance(self.tool_choice, dict) else names[0]
            name = said.group(1) if said and said.group(1) in names else name
            _, found, rest = text.partition('"arguments"')
            args = rest.split(":", 1)[1].lstrip() if found and ":" in rest else ""  # like OpenAI: the cut-off arguments
        return [{"id": rand_id("call_", 24), "type": "function", "function": {"name": name, "arguments": args}}]

    # -- whole responses --------------------------------------------------------------
    def _usage(self, completion: int) -> dict:
        prompt = len(self.prompt_tokens)
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
                "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                              "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}}

    def _envelope(self, obj: str) -> dict:
        return {"id": self.id, "object": obj, "created": self.created, "model": self.model_id,
                "service_tier": "default", "system_fingerprint": _fingerprint()}

    def complete(self, lease: Any = None) -> dict:
        """The full ``chat.completion`` object (generated under ``lease``, a new one if None)."""
        choices, used = [], 0
        with lease or MODEL_LOCK.lease():
            for i in range(self.n):
                for kind, value in self._choice(i):
                    if kind == "end":
                        outcome, calls = value
                used += outcome.completion_tokens
                choices.append(self._choice_json(i, outcome, calls))
        return self._envelope("chat.completion") | {"choices": choices, "usage": self._usage(used)}

    def _choice_json(self, index: int, outcome: Outcome, calls: list | None) -> dict:
        message = {"role": "assistant", "content": None if calls else outcome.text, "refusal": None, "annotations": []}
        if calls:
            message["tool_calls"] = calls
        finish = "tool_calls" if calls and outcome.finish_reason == "stop" else outcome.finish_reason
        logprobs = _logprobs_json(self.llm, outcome.logprobs) if self.sampling.top_logprobs is not None else None
        return {"index": index, "message": message, "logprobs": logprobs, "finish_reason": finish}

    def stream(self, lease: Any = None) -> Iterator[dict]:
        """``chat.completion.chunk`` objects, generated lazily as the caller reads them.

        The lease (a new one if None) is taken at the first chunk and paused between
        chunks, so an abandoned stream can be told from one being read."""
        lease = lease or MODEL_LOCK.lease()
        with lease:
            for chunk in self._chunks():
                lease.pause()
                yield chunk
                lease.resume()

    def _chunks(self) -> Iterator[dict]:
        opts = self.body.get("stream_options") or {}
        with_usage = bool(opts.get("include_usage"))
        want_lp = self.sampling.top_logprobs is not None
        used = 0

        def chunk(choices: list, usage: Any = None) -> dict:
            out = self._envelope("chat.completion.chunk") | {"choices": choices}
            return out | ({"usage": usage} if with_usage else {})

        def part(i: int, delta: dict, logprobs: Any = None, finish: str | None = None) -> dict:
            return chunk([{"index": i, "delta": delta, "logprobs": logprobs,
                           "finish_reason": finish}])

        for i in range(self.n):
            yield part(i, {"role": "assistant", "content": "", "refusal": None})
            for kind, value in self._choice(i):
                if kind == "text":
                    lp = _logprobs_json(self.llm, value.logprobs) if want_lp else None
                    yield part(i, {"content": value.text}, lp)
                    continue
                outcome, calls = value
                used += outcome.completion_tokens
                if calls:
                    yield part(i, {"tool_calls": [{"index": k, **c} for k, c in enumerate(calls)]})
                finish = outcome.finish_reason
                yield part(i, {}, None, "tool_calls" if calls and finish == "stop" else finish)
        if with_usage:
            yield chunk([], self._usage(used))

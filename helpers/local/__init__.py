"""The embedded backend: SmolLM2-135M-Instruct answering OpenAI's HTTP API, in process.

A request goes transport -> validate (schema, limits) -> chat (prompt, generate,
sampling) -> model; ``serve`` puts the same transport behind a loopback HTTP server.

* ``transport``: the httpx2 transports (sync and async) that answer ``/chat/completions`` and ``/models``.
* ``validate``: a request's ranges, lengths and cross-field rules, with OpenAI's errors.
* ``schema``: a request's shape, checked against the SDK's own request types.
* ``limits``: OpenAI's documented limits and the local backend's own, in one table.
* ``chat``: a validated request turned into a ``ChatCompletion`` or a stream of chunks.
* ``prompt``: chat messages and tools rendered as SmolLM2's ChatML prompt.
* ``generate``: one choice, token by token (stop sequences, token limit, log-probabilities).
* ``prefill``: a prompt read once for every generation that starts from it (exact).
* ``sampling``: OpenAI's sampling semantics on top of llama.cpp's sampler chain.
* ``model``: finding the GGUF file, loading it once, the one-request-at-a-time lock.
* ``numerics``: llama.cpp's threads and batch size, from settings.
* ``serve``: ``python -m helpers.local.serve``, an OpenAI-compatible server on this machine.

Importing this package imports none of them (some are heavy): import the
part you need, e.g. ``from helpers.local.transport import LocalTransport``. Leaves out
record/replay (``helpers.replay``) and building the client (``helpers.client``).

Used in lessons: none (machinery).
"""

__all__ = ["chat", "generate", "limits", "model", "numerics", "prefill", "prompt", "sampling",
           "schema", "serve", "transport", "validate"]

"""helpers.local.prefill: a prompt put back generates, to the last bit, what reading it again does.

Every case compares two runs of ``generate`` on one build and one CPU: one that reads the
prompt into an empty context, one that starts from the kept state. That is what must hold
on any machine (the text itself differs between CPUs, the equality does not).
"""

from __future__ import annotations

import pytest
from llama_cpp import Llama
from llama_cpp.llama_grammar import JSON_GBNF, LlamaGrammar

from helpers.local import prefill
from helpers.local.generate import Sampling, generate
from helpers.local.model import gguf_path, load_model
from helpers.local.prompt import prompt_tokens

pytestmark = pytest.mark.live

QUESTION = "Write two sentences about a lighthouse keeper who finds a message in a bottle."


def chatml(llm, question: str = QUESTION) -> list[int]:
    return prompt_tokens(llm, [{"role": "system", "content": "You are a concise assistant."},
                               {"role": "user", "content": question}])


def drain(gen):
    pieces = []
    while True:
        try:
            pieces.append(next(gen))
        except StopIteration as stop:
            return pieces, stop.value


@pytest.fixture
def reads(monkeypatch):
    """The length of every prompt llama.cpp reads (one call of ``Llama.eval`` with more
    than one token; generating feeds it one token at a time)."""
    seen: list[int] = []
    original = Llama.eval

    def counted(self, tokens):
        if len(tokens) > 1:
            seen.append(len(tokens))
        return original(self, tokens)

    monkeypatch.setattr(Llama, "eval", counted)
    return seen


CASES = {
    "greedy": (Sampling(temperature=0, max_tokens=12), None),
    "sampled": (Sampling(temperature=1.0, max_tokens=12), None),
    "nucleus": (Sampling(temperature=0.7, top_p=0.9, max_tokens=12), None),
    "penalties and logprobs": (Sampling(temperature=1.2, frequency_penalty=1.0, presence_penalty=0.5,
                                        logit_bias={13: -5.0}, top_logprobs=3, max_tokens=12), None),
    "json grammar": (Sampling(temperature=0.8, max_tokens=12), "json"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_prompt_put_back_generates_what_reading_it_again_generates(case, reads):
    llm = load_model()
    sampling, grammar = CASES[case]
    tokens = chatml(llm, QUESTION + " Answer in JSON." if grammar else QUESTION)
    make = (lambda: LlamaGrammar.from_string(JSON_GBNF, verbose=False)) if grammar else (lambda: None)
    prefill.forget(llm)
    read = drain(generate(llm, tokens, sampling, 11, make()))
    assert prefill.kept(llm) == [tuple(tokens)] and reads == [len(tokens)]
    put_back = drain(generate(llm, tokens, sampling, 11, make()))
    assert reads == [len(tokens)], "the second generation read its prompt again"
    assert put_back == read  # texts, finish reasons, token counts and every logprob float
    if case == "penalties and logprobs":
        assert read[1].logprobs and read[1].logprobs[0].top  # the floats compared are there


def test_prompts_read_in_many_batches_and_taken_in_turns_are_put_back_exactly(reads):
    """A prompt longer than the batch is read in several steps; the state kept is the last
    step's. Two prompts taken in turns (a peek, then a tool call) are both kept."""
    small = Llama(model_path=str(gguf_path()), n_ctx=512, n_batch=8, n_ubatch=8, n_threads=1, verbose=False)
    first, second = chatml(small), chatml(small, "Name three birds that live near the sea.")
    assert len(first) > 4 * 8
    sampling = Sampling(temperature=0.9, top_logprobs=2, max_tokens=8)
    expected = {}
    for tokens in (first, second):
        prefill.forget(small)
        expected[tuple(tokens)] = drain(generate(small, tokens, sampling, 3))
    reads.clear()
    prefill.forget(small)
    for tokens in (first, second, first, second):
        assert drain(generate(small, tokens, sampling, 3)) == expected[tuple(tokens)]
    assert reads == [len(first), len(second)]


def test_at_most_keep_prompts_and_max_tokens_are_kept_oldest_first_out(monkeypatch):
    small = Llama(model_path=str(gguf_path()), n_ctx=256, n_threads=1, verbose=False)
    prompts = [chatml(small, f"Say {word}.") for word in ("one", "two", "three", "four", "five")]
    for tokens in prompts:
        prefill.read(small, tokens)
    assert prefill.kept(small) == [tuple(t) for t in prompts[-prefill.KEEP:]]
    assert prefill.read(small, prompts[1]) is True  # kept: put back, and now the newest
    assert prefill.kept(small)[-1] == tuple(prompts[1])
    assert prefill.read(small, prompts[0]) is False  # the oldest went out
    monkeypatch.setattr(prefill, "MAX_TOKENS", 2 * len(prompts[0]) + 1)
    prefill.read(small, prompts[2])
    assert len(prefill.kept(small)) == 2
    long = chatml(small, "Say " + "very " * 40 + "long.")
    prefill.read(small, long)
    assert tuple(long) not in prefill.kept(small)


def test_a_state_llama_cpp_refuses_is_read_again_and_dropped(monkeypatch, reads):
    import llama_cpp

    llm = load_model()
    tokens = chatml(llm)
    sampling = Sampling(temperature=1.0, max_tokens=12)
    prefill.forget(llm)
    expected = drain(generate(llm, tokens, sampling, 5))
    monkeypatch.setattr(llama_cpp, "llama_state_set_data", lambda ctx, data, size: 0)
    assert drain(generate(llm, tokens, sampling, 5)) == expected
    assert reads == [len(tokens), len(tokens)]


def test_n_choices_read_their_prompt_once(client, model, ask, reads):
    prefill.forget(load_model())
    resp = client.chat.completions.create(model=model, messages=ask(QUESTION), n=4, seed=2,
                                          temperature=1.0, max_completion_tokens=6)
    assert len(resp.choices) == 4 and len(reads) == 1 and reads[0] == resp.usage.prompt_tokens

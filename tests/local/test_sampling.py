"""Unit tests of OpenAI's sampling semantics (``helpers.local.sampling``) and of the
token loop in ``helpers.local.generate``, with small numpy arrays and a scripted fake
model: no GGUF file is loaded here.
"""

from __future__ import annotations

import numpy as np
import pytest

from helpers.local.generate import (
    END_TOKENS,
    Sampling,
    generate,
    held_back,
    needs_processor,
    tokens_before,
)
from helpers.local.sampling import OpenAIProcessor, token_text

SCORES = np.array([1.0, 3.0, 0.5, 2.0, -1.0, 0.0], dtype=np.float32)
PROMPT = np.array([4, 4, 4], dtype=np.intc)  # the prompt repeats token 4


def log_softmax(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    shifted = x - x.max()
    return shifted - np.log(np.exp(shifted).sum())


def logsumexp(x: np.ndarray) -> float:
    x = np.asarray(x, dtype=np.float64)
    return float(x.max() + np.log(np.exp(x - x.max()).sum()))


def ids(*tokens: int) -> np.ndarray:
    return np.array([*PROMPT, *tokens], dtype=np.intc)


# -- OpenAIProcessor ------------------------------------------------------------------------

def test_without_settings_the_logits_pass_through_unchanged():
    proc = OpenAIProcessor(prompt_len=3)
    out = proc(ids(1, 1, 2), SCORES.copy())
    np.testing.assert_allclose(out, SCORES)
    assert proc.records == []


def test_logit_bias_is_added_to_the_named_tokens_only():
    scores = SCORES.copy()
    proc = OpenAIProcessor(prompt_len=3, logit_bias={1: -100.0, 5: 4.5})
    out = proc(ids(), scores)
    expected = SCORES.copy()
    expected[1] -= 100
    expected[5] += 4.5
    np.testing.assert_allclose(out, expected)
    np.testing.assert_array_equal(scores, SCORES)  # the input array is not modified
    assert int(np.argmax(out)) == 5  # the boosted token now wins


def test_penalties_count_completion_tokens_only():
    proc = OpenAIProcessor(prompt_len=3, presence_penalty=0.25, frequency_penalty=0.5)
    out = proc(ids(1, 1, 2), SCORES.copy())
    expected = SCORES.copy()
    expected[1] -= 2 * 0.5 + 0.25  # produced twice
    expected[2] -= 1 * 0.5 + 0.25  # produced once
    # token 4 appears three times, but only in the prompt: no penalty
    np.testing.assert_allclose(out, expected)


def test_penalties_accumulate_across_steps():
    proc = OpenAIProcessor(prompt_len=3, frequency_penalty=1.0)
    np.testing.assert_allclose(proc(ids(), SCORES.copy()), SCORES)  # nothing produced yet
    first = proc(ids(3), SCORES.copy())
    assert first[3] == pytest.approx(SCORES[3] - 1.0)
    second = proc(ids(3, 3), SCORES.copy())
    assert second[3] == pytest.approx(SCORES[3] - 2.0)
    third = proc(ids(3, 3, 0), SCORES.copy())
    assert third[3] == pytest.approx(SCORES[3] - 2.0)
    assert third[0] == pytest.approx(SCORES[0] - 1.0)


def test_presence_penalty_is_flat():
    proc = OpenAIProcessor(prompt_len=3, presence_penalty=1.5)
    out = proc(ids(2, 2, 2, 5), SCORES.copy())
    assert out[2] == pytest.approx(SCORES[2] - 1.5)
    assert out[5] == pytest.approx(SCORES[5] - 1.5)
    assert out[4] == pytest.approx(SCORES[4])


def test_negative_penalties_encourage_repeats():
    proc = OpenAIProcessor(prompt_len=3, frequency_penalty=-2.0)
    out = proc(ids(4), SCORES.copy())
    assert out[4] == pytest.approx(SCORES[4] + 2.0)


@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0])
def test_temperature_divides_the_logits(temperature):
    proc = OpenAIProcessor(prompt_len=3, temperature=temperature)
    np.testing.assert_allclose(proc(ids(), SCORES.copy()), SCORES / temperature, rtol=1e-6)


def test_temperature_zero_leaves_the_logits_for_the_greedy_pick():
    proc = OpenAIProcessor(prompt_len=3, temperature=0.0, logit_bias={0: 5.0})
    out = proc(ids(), SCORES.copy())
    assert np.all(np.isfinite(out))
    assert int(np.argmax(out)) == 0


def test_bias_and_penalties_come_before_the_temperature():
    proc = OpenAIProcessor(prompt_len=3, temperature=0.5, logit_bias={0: 1.0}, frequency_penalty=1.0)
    out = proc(ids(0), SCORES.copy())
    assert out[0] == pytest.approx((SCORES[0] + 1.0 - 1.0) / 0.5)


def test_recorded_logprobs_are_normalised_and_sorted():
    proc = OpenAIProcessor(prompt_len=3, top_logprobs=3)
    proc(ids(), SCORES.copy())
    assert logsumexp(proc._last) == pytest.approx(0.0, abs=1e-5)
    proc.finish(3)  # the model then picked token 3
    [record] = proc.records
    expected = log_softmax(SCORES)
    assert record.token_id == 3
    assert record.logprob == pytest.approx(expected[3], abs=1e-5)
    assert [i for i, _ in record.top] == [1, 3, 0]
    values = [lp for _, lp in record.top]
    assert values == sorted(values, reverse=True)
    np.testing.assert_allclose(values, expected[[1, 3, 0]], atol=1e-5)
    assert sum(np.exp(values)) < 1


def test_logprobs_are_recorded_before_the_temperature_and_after_the_bias():
    proc = OpenAIProcessor(prompt_len=3, temperature=0.3, logit_bias={4: 3.0}, top_logprobs=1)
    proc(ids(), SCORES.copy())
    proc.finish(4)
    biased = SCORES.copy()
    biased[4] += 3.0
    [record] = proc.records
    assert record.logprob == pytest.approx(log_softmax(biased)[4], abs=1e-5)
    assert record.top[0][0] == 1


def test_each_step_records_the_token_sampled_from_its_own_distribution():
    proc = OpenAIProcessor(prompt_len=3, top_logprobs=2, frequency_penalty=10.0)
    proc(ids(), SCORES.copy())          # step 1 distribution: unpenalised
    proc(ids(1), SCORES.copy())         # step 2: token 1 now penalised; records step 1's pick
    proc.finish(3)                      # step 2 picked token 3
    first, second = proc.records
    assert (first.token_id, second.token_id) == (1, 3)
    assert first.logprob == pytest.approx(log_softmax(SCORES)[1], abs=1e-5)
    penalised = SCORES.copy()
    penalised[1] -= 10.0
    assert second.logprob == pytest.approx(log_softmax(penalised)[3], abs=1e-5)
    assert second.top[0][0] == 3  # token 1 is no longer the best
    assert first.top[0][0] == 1


def test_without_top_logprobs_nothing_is_recorded():
    proc = OpenAIProcessor(prompt_len=3, top_logprobs=None, logit_bias={1: 1.0})
    proc(ids(), SCORES.copy())
    proc(ids(1), SCORES.copy())
    proc.finish(2)
    assert proc.records == []


def test_top_logprobs_zero_records_the_token_without_alternatives():
    proc = OpenAIProcessor(prompt_len=3, top_logprobs=0)
    proc(ids(), SCORES.copy())
    proc.finish(2)
    [record] = proc.records
    assert record.top == []
    assert record.logprob == pytest.approx(log_softmax(SCORES)[2], abs=1e-5)


def test_finish_without_a_token_records_nothing():
    proc = OpenAIProcessor(prompt_len=3, top_logprobs=1)
    proc.finish(None)
    assert proc.records == []


# -- token_text -----------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "text"), [
    (b" Paris", " Paris"),
    ("é".encode(), "é"),
    (b"", ""),
    ("é".encode()[:1], "bytes:\\xc3"),
    ("€".encode()[:2], "bytes:\\xe2\\x82"),
])
def test_token_text(raw, text):
    assert token_text(raw) == text


# -- generate -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "stops", "kept"), [
    ("Hello wor", ["world"], 3),
    ("Hello w", ["world"], 1),
    ("Hello", ["world"], 0),
    ("Hello world", ["world"], 0),   # a whole stop is cut, not held back
    ("xab", ["abc", "b"], 2),
    ("xaa", ["aab"], 2),
    ("xaa", ["ab"], 1),
    ("ab", ["abc", "bcd"], 2),
    ("", ["abc"], 0),
    ("abc", [], 0),
    ("a", ["a"], 0),                 # a one-character stop is never "still forming"
    ("é", ["éa"], 1),
])
def test_held_back(text, stops, kept):
    assert held_back(text, stops) == kept


def test_tokens_before():
    starts = [0, 2, 2, 5]
    assert [tokens_before(starts, n) for n in (0, 1, 2, 3, 5, 6)] == [0, 1, 1, 3, 3, 4]


@pytest.mark.parametrize(("sampling", "needed"), [
    (Sampling(), False),
    (Sampling(temperature=0.0), False),
    (Sampling(temperature=0.7), False),
    (Sampling(top_p=0.5), False),
    (Sampling(temperature=0.0, top_p=0.5), False),
    (Sampling(temperature=0.7, top_p=0.5), True),
    (Sampling(logit_bias={3: 1.0}), True),
    (Sampling(presence_penalty=0.1), True),
    (Sampling(frequency_penalty=-0.1), True),
    (Sampling(top_logprobs=0), True),
])
def test_needs_processor(sampling, needed):
    assert needs_processor(sampling) is needed


VOCAB = {0: b"<|endoftext|>", 2: b"<|im_end|>", 10: b"Hel", 11: b"lo", 12: b" wor", 13: b"ld",
         14: b"!", 15: b"a", 16: b"b", 17: b"x", 18: b"\xc3", 19: b"\xa9", 20: b" caf"}
N_VOCAB = 32


class FakeLlama:
    """Just enough of ``llama_cpp.Llama`` for ``generate``: plays a fixed list of tokens."""

    def __init__(self, script: list[int]):
        self.script, self.seed, self.kwargs = script, None, {}

    def set_seed(self, seed: int) -> None:
        self.seed = seed

    def reset(self) -> None:
        pass

    def eval(self, tokens) -> None:  # reading the prompt: nothing to compute
        pass

    class _ctx:  # noqa: N801 - llama_cpp.Llama's own name; no logits, so prefill keeps nothing
        get_logits_ith = staticmethod(lambda i: None)

    def detokenize(self, tokens: list[int]) -> bytes:
        return b"".join(VOCAB[t] for t in tokens)

    def generate(self, tokens, **kwargs):
        self.kwargs = kwargs
        seen = list(tokens)
        for token in self.script:
            for proc in kwargs.get("logits_processor") or []:
                scores = np.zeros(N_VOCAB, dtype=np.float32)
                scores[token] = 5.0  # the scripted token is the model's favourite
                proc(np.array(seen, dtype=np.intc), scores)
            yield token
            seen.append(token)


def run(script: list[int], **sampling):
    """Drive ``generate`` to the end: (pieces, outcome, fake model)."""
    llm = FakeLlama(script)
    gen = generate(llm, [1, 7, 7], Sampling(**sampling), seed=5)
    pieces = []
    while True:
        try:
            pieces.append(next(gen))
        except StopIteration as stop:
            return pieces, stop.value, llm


def test_generate_ends_on_an_end_token_with_finish_stop():
    pieces, outcome, _ = run([10, 11, 14, 2, 12])
    assert outcome.text == "Hello!"
    assert outcome.finish_reason == "stop"
    assert outcome.completion_tokens == 3  # the end token is not counted
    assert "".join(p.text for p in pieces) == "Hello!"
    assert 2 in END_TOKENS


def test_generate_stops_at_the_token_limit_with_finish_length():
    pieces, outcome, _ = run([10, 11, 12, 13, 14, 2], max_tokens=3)
    assert outcome.text == "Hello wor"
    assert outcome.finish_reason == "length"
    assert outcome.completion_tokens == 3
    assert "".join(p.text for p in pieces) == outcome.text


def test_generate_cuts_a_stop_sequence_split_across_tokens_and_never_emits_it():
    pieces, outcome, _ = run([10, 11, 12, 13, 14, 2], stop=[" world"])
    assert outcome.text == "Hello"
    assert outcome.finish_reason == "stop"
    assert outcome.completion_tokens == 4
    assert [p.text for p in pieces if p.text] and "".join(p.text for p in pieces) == "Hello"
    assert all("w" not in p.text for p in pieces)


def test_generate_releases_held_back_text_that_was_not_a_stop():
    pieces, outcome, _ = run([15, 16, 17, 2], stop=["abc"])
    assert outcome.text == "abx" and outcome.finish_reason == "stop"
    emitted = [p.text for p in pieces if p.text]
    assert emitted == ["abx"]  # "a" and "ab" might have been the start of "abc"


def test_generate_flushes_held_back_text_at_the_end():
    pieces, outcome, _ = run([15, 16, 2], stop=["abc"])
    assert outcome.text == "ab"
    assert "".join(p.text for p in pieces) == "ab"


def test_generate_decodes_utf8_split_across_tokens():
    pieces, outcome, _ = run([20, 18, 19, 2])
    assert outcome.text == " café"
    assert "".join(p.text for p in pieces) == " café"
    assert all("\ufffd" not in p.text for p in pieces)


def test_generate_logprob_records_align_with_the_text():
    pieces, outcome, _ = run([10, 11, 12, 13, 2], top_logprobs=2)
    assert [r.token_id for r in outcome.logprobs] == [10, 11, 12, 13]
    assert [r.token_id for p in pieces for r in p.logprobs] == [10, 11, 12, 13]
    assert all(r.top[0][0] == r.token_id for r in outcome.logprobs)


def test_generate_logprob_records_stop_at_the_stop_sequence():
    _, outcome, _ = run([10, 11, 12, 13, 14, 2], top_logprobs=1, stop=[" wor"])
    assert outcome.text == "Hello"
    assert [r.token_id for r in outcome.logprobs] == [10, 11]


@pytest.mark.parametrize(("temperature", "top_p", "chain_temp", "processor"), [
    (0.0, 1.0, 0.0, False),
    (0.7, 1.0, 0.7, False),
    (1.0, 0.3, 1.0, False),
    (0.7, 0.3, 1.0, True),   # OpenAI: temperature first, then top_p -> done by the processor
    (1.5, 0.9, 1.0, True),
])
def test_generate_orders_temperature_before_top_p(temperature, top_p, chain_temp, processor):
    _, _, llm = run([10, 2], temperature=temperature, top_p=top_p)
    assert llm.kwargs["temp"] == chain_temp
    assert llm.kwargs["top_p"] == top_p
    assert llm.kwargs["top_k"] == 0 and llm.kwargs["min_p"] == 0.0 and llm.kwargs["repeat_penalty"] == 1.0
    assert bool(llm.kwargs["logits_processor"]) is processor


def test_generate_with_processor_and_temperature_zero_stays_greedy():
    _, _, llm = run([10, 2], temperature=0.0, logit_bias={3: 1.0})
    assert llm.kwargs["temp"] == 0.0
    assert llm.kwargs["logits_processor"]


@pytest.mark.parametrize("seed", [-1, 2**32 - 1, 2**33 - 1])
def test_generate_never_hands_llama_cpp_its_random_seed(seed):
    llm = FakeLlama([10, 2])
    gen = generate(llm, [1], Sampling(), seed)
    list(gen)
    assert llm.seed != 0xFFFFFFFF

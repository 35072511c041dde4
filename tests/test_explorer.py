"""The next-token explorer's maths and plot (no model needed)."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from helpers.explorer import Candidates, distribution, nucleus, tempered

matplotlib.use("Agg")
LOGPROBS = np.log(np.array([0.5, 0.2, 0.15, 0.1, 0.05]) * 0.9)  # the head of a larger distribution


def test_temperature_zero_is_the_argmax():
    assert tempered(LOGPROBS[::-1], 0).tolist() == [0, 0, 0, 0, 1]


def test_small_temperature_approaches_the_argmax():
    assert tempered(LOGPROBS, 0.05)[0] > 0.999


def test_t1_p1_reproduces_the_returned_probabilities_renormalised():
    dist = distribution(LOGPROBS, 1.0, 1.0)
    expected = np.exp(LOGPROBS) / np.exp(LOGPROBS).sum()
    np.testing.assert_allclose(dist.final, expected)
    assert dist.kept.all()


def test_high_temperature_flattens():
    assert tempered(LOGPROBS, 2.0).max() < tempered(LOGPROBS, 1.0).max()
    np.testing.assert_allclose(tempered(LOGPROBS, 1e6), np.full(5, 0.2), atol=1e-5)


@pytest.mark.parametrize(("top_p", "kept"), [(0.0, 1), (0.5, 1), (0.51, 2), (0.7, 2), (0.71, 3),
                                             (0.85, 3), (0.95, 4), (0.96, 5), (1.0, 5)])
def test_nucleus_keeps_the_smallest_set_reaching_p(top_p, kept):
    probs = np.array([0.5, 0.2, 0.15, 0.1, 0.05])
    mask = nucleus(probs, top_p)
    assert mask.sum() == kept and mask[:kept].all()


def test_nucleus_follows_probability_not_position():
    assert nucleus(np.array([0.1, 0.6, 0.3]), 0.8).tolist() == [False, True, True]


@pytest.mark.parametrize("temperature", [0, 0.3, 1, 1.7])
@pytest.mark.parametrize("top_p", [0.05, 0.5, 0.9, 1])
def test_result_always_sums_to_one_and_only_on_kept(temperature, top_p):
    dist = distribution(LOGPROBS, temperature, top_p)
    assert dist.final.sum() == pytest.approx(1.0)
    assert (dist.final[~dist.kept] == 0).all()


def test_bad_values_are_refused():
    with pytest.raises(ValueError):
        tempered(LOGPROBS, -1)
    with pytest.raises(ValueError):
        nucleus(np.array([1.0]), 1.5)


@pytest.mark.live
def test_candidates_from_a_real_response(client, model, ask):
    response = client.chat.completions.create(model=model, messages=ask("The capital of France is"),
                                              max_completion_tokens=2, logprobs=True, top_logprobs=10, seed=1)
    cands = Candidates.from_token_logprob(response.choices[0].logprobs.content[0])
    assert len(cands.tokens) == 10 and np.all(np.diff(cands.logprobs) <= 0)
    assert cands.chosen == response.choices[0].logprobs.content[0].token


def test_plot_marks_the_cut_off():
    from helpers.explorer_view import plot

    cands = Candidates(["a", "b", "c", "d", "e"], LOGPROBS, "b")
    ax = plot(cands, 1.0, 0.6)
    assert "2 of 5" in ax.get_title()
    assert len(ax.lines) == 1  # the cut-off line
    assert len(plot(cands, 1.0, 1.0, ax=ax).lines) == 0


def test_explore_sliders_redraw_the_image_without_a_model_call():
    from helpers.explorer_view import explore

    cands = Candidates(["a", "b", "c", "d", "e"], LOGPROBS, "b")
    box = explore(cands)
    t_slider, p_slider = box.children[0].children
    image = box.children[1]
    before = image.value
    assert before[:4] == b"\x89PNG"
    p_slider.value = 0.3
    assert image.value != before and image.value[:4] == b"\x89PNG"
    assert t_slider.continuous_update is False and p_slider.continuous_update is False


def test_a_sampled_token_outside_the_bars_is_named_with_its_probability_and_why():
    from helpers.explorer import sampled_note
    from helpers.explorer_view import ExplorerFigure, explore, plot

    outside = Candidates(["a", "b", "c", "d", "e"], LOGPROBS, " x", float(np.log(0.004)))
    note = sampled_note(outside)
    assert note.startswith("sampled token ' x' (p=0.4%) is outside the top 5 shown")
    assert "they hold 90.0% of the probability" in note  # LOGPROBS are 90% of the mass
    assert sampled_note(Candidates(["a", "b"], LOGPROBS[:2], "b", float(LOGPROBS[1]))) == ""
    assert "' x' (p=0.4%) is outside the top 5 shown" in plot(outside).get_title()
    figure = ExplorerFigure(outside)
    figure.update(1.5, 0.5)
    assert "outside the top 5" in figure.ax.get_title()
    escaped = note.replace("'", "&#x27;")
    assert explore(outside).children[-1].value == f"<small>{escaped}</small>"
    inside = Candidates(["a", "b", "c", "d", "e"], LOGPROBS, "b", float(LOGPROBS[1]))
    assert len(explore(inside).children) == 2 and "outside" not in plot(inside).get_title()
    assert "sampled: b" in [t.get_text() for t in plot(inside).get_legend().get_texts()]


@pytest.mark.live
def test_candidates_keep_the_sampled_tokens_own_logprob(client, model, ask):
    response = client.chat.completions.create(
        model=model, messages=ask("The capital of France is"), max_completion_tokens=1,
        logprobs=True, top_logprobs=5, seed=1)
    entry = response.choices[0].logprobs.content[0]
    assert Candidates.from_token_logprob(entry).chosen_logprob == entry.logprob


def test_explorer_sliders_show_whole_labels_and_its_text_is_one_line():
    from helpers.explorer_view import explore

    box = explore(Candidates(["a", "b", "c", "d", "e"], LOGPROBS, "b"))
    for slider in box.children[0].children:
        assert slider.style.description_width == "initial"  # "temperature", not "temperat…"
    assert box._repr_mimebundle_()["text/plain"] == "Next-token explorer: run this cell to use it"

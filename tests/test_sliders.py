"""Live sliders: keys match the transport's, strict replay snaps to recorded values."""

from __future__ import annotations

import pytest

from helpers import make_client
from helpers.replay import reset_counters
from helpers.sliders import grid, live_slider, recorded_values

STORY = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Start a story."}]


def test_grid_values_are_rounded_and_span_the_range():
    assert grid("temperature")[:3] == [0.0, 0.1, 0.2] and grid("temperature")[-1] == 2.0
    assert grid("top_p")[-1] == 1.0 and grid("frequency_penalty")[0] == -2.0


@pytest.mark.live
def test_recorded_values_finds_what_the_transport_recorded(model):
    recorder = make_client("local", replay="record", scope="s")
    for t in (0.3, 1.2):
        recorder.chat.completions.create(model=model, messages=STORY, temperature=t, max_completion_tokens=4, seed=5)
    found = recorded_values(model, STORY, "temperature", grid("temperature"), max_completion_tokens=4, seed=5)
    assert found == [0.3, 1.2]
    assert recorded_values(model, STORY, "temperature", grid("temperature"), max_completion_tokens=5, seed=5) == []


@pytest.mark.live
def test_slider_reruns_the_prompt_and_shows_old_beside_new(model, monkeypatch):
    monkeypatch.setenv("WORKBOOK_REPLAY", "off")
    client = make_client("local", replay="off")
    box = live_slider(client, model, STORY, "temperature", value=0.0, max_completion_tokens=6, seed=1)
    slider, view = box.children[0].children[0], box.children[1]
    first = view.value
    assert "temperature=0" in first and "(move the slider)" in first
    slider.value = 1.5
    assert "temperature=1.5" in view.value and "temperature=0" in view.value and view.value != first


@pytest.mark.live
def test_strict_slider_offers_only_recorded_values(model, monkeypatch):
    recorder = make_client("local", replay="record", scope="s")
    for t in (0.2, 0.9):
        recorder.chat.completions.create(model=model, messages=STORY, temperature=t, max_completion_tokens=4, seed=2)
    reset_counters()
    monkeypatch.setenv("WORKBOOK_REPLAY", "strict")
    box = live_slider(make_client("local"), model, STORY, "temperature", value=0.7,
                      max_completion_tokens=4, seed=2)
    slider = box.children[0].children[0]
    assert list(slider.options) == [0.2, 0.9] and slider.value == 0.9
    slider.value = 0.2  # served from the recording, no miss
    assert "temperature=0.2" in box.children[1].value


def test_unknown_parameter_is_refused(client, model):
    with pytest.raises(ValueError, match="param must be one of"):
        live_slider(client, model, STORY, "seed")


def test_a_live_sweep_is_five_values_and_says_so_while_replay_keeps_the_full_grid(capsys):
    from helpers import make_client
    from helpers.sliders import answers_live

    replayed = make_client("local", replay="strict")
    assert grid("temperature", client=replayed) == grid("temperature") and capsys.readouterr().out == ""
    live = make_client("local", replay="off")
    assert answers_live(live) and not answers_live(make_client("local", replay="record"))
    from helpers.faults import FaultTransport

    assert answers_live(make_client("local", replay="off", wrap=FaultTransport()))  # found under a wrapper
    assert grid("temperature", client=live) == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert "5 temperature values instead of the recorded run's 21" in capsys.readouterr().out
    remote = make_client("openai", replay="auto", api_key="k", base_url="http://127.0.0.1:9/v1")
    assert grid("presence_penalty", 0.5, client=remote) == [-2.0, -1.0, 0.0, 1.0, 2.0]
    assert not answers_live(make_client("local", replay="auto"))  # the recordings were made there

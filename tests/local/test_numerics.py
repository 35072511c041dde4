"""helpers.local.numerics: threads, batch size and flash attention for llama.cpp, from settings."""

from __future__ import annotations

import pytest

from helpers.errors import ConfigError
from helpers.local.numerics import llama_kwargs


def test_defaults_use_half_the_cores_up_to_four_and_a_512_batch():
    assert llama_kwargs({}, 2) == {"n_threads": 1, "n_threads_batch": 1, "n_batch": 512, "n_ubatch": 512,
                                   "flash_attn": False}
    assert [llama_kwargs({}, n)["n_threads"] for n in (1, 4, 6, 8, 64)] == [1, 2, 3, 4, 4]
    assert llama_kwargs({}, None)["n_threads"] == 1


def test_settings_override_threads_and_batch_together_with_the_physical_batch():
    got = llama_kwargs({"WORKBOOK_THREADS": "1", "WORKBOOK_N_BATCH": " 8 "}, 2)
    assert got == {"n_threads": 1, "n_threads_batch": 1, "n_batch": 8, "n_ubatch": 8, "flash_attn": False}


def test_empty_values_mean_the_default():
    assert llama_kwargs({"WORKBOOK_THREADS": "", "WORKBOOK_N_BATCH": "", "WORKBOOK_FLASH_ATTN": ""}, 2) == \
        llama_kwargs({}, 2)


@pytest.mark.parametrize("name", ["WORKBOOK_THREADS", "WORKBOOK_N_BATCH"])
@pytest.mark.parametrize("raw", ["0", "-4", "eight", "2.5"])
def test_bad_values_are_refused_with_the_setting_named(name, raw):
    with pytest.raises(ConfigError, match=f"{name} must be a whole number of at least 1, not '{raw}'"):
        llama_kwargs({name: raw}, 2)


@pytest.mark.parametrize(("raw", "on"), [("1", True), (" 1 ", True), ("0", False)])
def test_flash_attention_is_on_only_when_asked(raw, on):
    assert llama_kwargs({"WORKBOOK_FLASH_ATTN": raw}, 2)["flash_attn"] is on


@pytest.mark.parametrize("raw", ["yes", "true", "2", "on"])
def test_a_flash_attention_value_other_than_0_or_1_is_refused(raw):
    with pytest.raises(ConfigError, match=f"WORKBOOK_FLASH_ATTN must be 1 \\(on\\) or 0 \\(off\\), not '{raw}'"):
        llama_kwargs({"WORKBOOK_FLASH_ATTN": raw}, 2)

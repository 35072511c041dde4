"""Parameter docs are read from the installed SDK, not copied."""

from __future__ import annotations

import pytest

from helpers.sdkdocs import param_doc, show_doc


def test_docs_come_from_the_installed_sdk():
    assert param_doc("temperature").startswith("What sampling temperature to use, between 0 and 2.")
    assert "best effort" in param_doc("seed")
    assert "deprecated in favor of `max_completion_tokens`" in param_doc("max_tokens")


def test_unknown_parameter_lists_the_known_ones():
    with pytest.raises(KeyError, match="top_p"):
        param_doc("creativity")


def test_show_doc_names_the_sdk_version(capsys):
    import openai

    show_doc("top_p")
    assert f"openai {openai.__version__}" in capsys.readouterr().out


def test_stream_is_read_from_the_streaming_params():
    assert param_doc("stream").startswith("If set to true, the model response data will be streamed")


def test_dotted_names_read_a_parameter_s_own_type():
    assert "the `choices` field will always be an empty array" in param_doc("stream_options.include_usage")
    assert "Only a subset of JSON Schema is supported" in param_doc("response_format.json_schema.strict")
    assert "will not generate JSON without a system or user message" in param_doc("response_format.json_object")
    assert "follow the exact schema defined in the" in param_doc("tools.function.strict")


def test_unknown_nested_field_lists_the_known_ones():
    with pytest.raises(KeyError, match="include_usage"):
        param_doc("stream_options.include_tokens")

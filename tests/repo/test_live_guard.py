"""tests/conftest.py's live_guard: a test that makes the model read tokens must be marked live.

Runs a small suite of its own (pytester) with the real fixture: an unmarked test that
calls ``Llama.eval`` fails at teardown with the message that says what to do; the same
test marked ``live`` passes; an unmarked test that only tokenizes passes. Leaves out
generation in another process, which the guard does not see (its docstring says so).
"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

SUITE = '''
import pytest
from helpers.local.model import load_model

def read_one_token():
    llm = load_model()
    llm.reset()
    llm.eval(llm.tokenize(b"Hi", add_bos=False, special=False))

def test_unmarked_reads():
    read_one_token()

@pytest.mark.live
def test_marked_reads():
    read_one_token()

def test_unmarked_tokenizes():
    assert load_model().tokenize(b"Hi", add_bos=False, special=False)
'''


@pytest.mark.live  # its inner suite reads one token, twice
def test_an_unmarked_test_that_reads_tokens_fails_and_says_to_mark_it(pytester):
    pytester.makeconftest("from tests.conftest import live_guard  # noqa: F401\n"
                          "def pytest_configure(config):\n"
                          "    config.addinivalue_line('markers', 'live: generates')\n")
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*test_unmarked_reads made the embedded model read tokens 1 times*"
                                 "add @pytest.mark.live*"])

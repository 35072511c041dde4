"""The benchmarks, one module each, reported through ``harness`` and run by ``run.py``
(``python benchmarks/run.py``, or ``make bench``). A package so that the tests import
them by name (``from benchmarks import harness, run``) without adding folders to ``sys.path``.
"""

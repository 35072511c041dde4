"""The repository's command-line tools, each run as ``python scripts/NAME.py`` (or
``python -m scripts.NAME``): ``nav`` (navigation cells and the link check), ``workbook``
(the student copies), ``run_notebooks`` (execute and save the lessons), ``time_lessons``
(the timings in WORKSHOP.md). A package so that they and the tests import each other
by name (``from scripts import nav``) without adding folders to ``sys.path``.
"""

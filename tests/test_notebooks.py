"""Every notebook in notebooks/ runs from a clean kernel without an error, including errors
that end up only in widget state (a failing widget callback or drawing inside an Output
widget), and the notebooks that draw show their graphs as SVG.

The kernel is the `python3` kernelspec of the interpreter running the tests (its
`share/jupyter` comes first on JUPYTER_PATH), and the test checks that it really is.

No cell may stall. nbclient, waiting for a cell's reply on the shell channel, can miss it
when it sends on that channel at the same moment (it does so to sync the outputs of an
ipywidgets `Output` widget back to the kernel); it then sees the reply only when its
per-cell timeout runs out, and carries on as if nothing had happened. So each cell's wall
time is checked against that timeout, and a cell that used it up fails the test."""

import glob
import importlib.util
import os
import sys
import time

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.output_widget import OutputWidget

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


CELL_TIMEOUT = 60         # seconds: nbclient's limit for one cell (the slowest takes ~5 s)


class StalledCell(AssertionError):
    """A cell took nbclient's whole per-cell timeout and still "succeeded"."""


class _OutputWidgetNoEcho(OutputWidget):
    """nbclient's stand-in for a frontend's Output widget, minus its echo of each output
    back to the kernel on the shell channel (the race described above). Only for notebooks
    whose point is an Output widget; ours draw without one."""

    def send(self, *args, **kwargs):
        pass


def execute(nb, cwd, timeout=CELL_TIMEOUT, output_widget_echo=True):
    """Run `nb` in place from a fresh python3 kernel; widget state is kept in the metadata.
    A cell that runs into `timeout` fails loudly: nbclient's own error when no reply comes,
    `StalledCell` when the reply came only as the timeout ran out."""
    nb.cells.insert(0, nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(nb, kernel_name="python3", timeout=timeout, allow_errors=False,
                            iopub_timeout=10, raise_on_iopub_timeout=True,
                            store_widget_state=True, resources={"metadata": {"path": cwd}})
    if not output_widget_echo:
        client.widget_registry["@jupyter-widgets/output"]["OutputModel"] = _OutputWidgetNoEcho
    started, took = {}, {}
    client.on_cell_start = lambda cell, cell_index: started.update(
        {cell_index: time.monotonic()})
    client.on_cell_executed = lambda cell, cell_index, execute_reply: took.update(
        {cell_index: time.monotonic() - started[cell_index]})
    try:
        client.execute()
    finally:
        probe = nb.cells.pop(0)
    stalled = {i: s for i, s in took.items() if s >= 0.9 * timeout}
    if stalled:
        i, seconds = next(iter(stalled.items()))
        raise StalledCell(f"cell {i - 1} took {seconds:.0f} s, the whole per-cell timeout "
                          f"({timeout} s): its reply came late or was lost:\n"
                          f"{nb.cells[i - 1].source[:300]}")
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


STEPPER_NOTEBOOK = os.path.join(ROOT, "notebooks", "02_gf_walkthrough_stepped.ipynb")


def widget_values(nb):
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for model in state.values():
        value = model.get("state", {}).get("value")
        if isinstance(value, str):
            yield value


@pytest.mark.needs_dot
def test_the_stepper_notebook_draws_inside_its_widget():
    nb = nbformat.read(STEPPER_NOTEBOOK, as_version=4)
    execute(nb, os.path.dirname(STEPPER_NOTEBOOK))
    assert any(value.startswith("<svg") for value in widget_values(nb))
    assert not list(widget_outputs(nb))              # no Output widget: see the docstring


@pytest.mark.slow
@pytest.mark.needs_dot
def test_the_stepper_notebook_never_stalls():
    """The notebook that clicks the stepper's buttons, 40 times from a fresh kernel with a
    short per-cell timeout: with an Output widget about one run in 25 stalled."""
    for _ in range(40):
        nb = nbformat.read(STEPPER_NOTEBOOK, as_version=4)
        execute(nb, os.path.dirname(STEPPER_NOTEBOOK), timeout=15)
        assert problems(nb) == []


def test_a_stalled_cell_fails_loudly(tmp_path):
    """A cell whose reply comes only as the per-cell timeout runs out fails the test (one
    whose reply never comes fails with nbclient's CellTimeoutError)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import time; time.sleep(3.7)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    with pytest.raises(StalledCell, match=r"cell 0 took 4 s, the whole per-cell timeout"):
        execute(nb, str(tmp_path), timeout=4)


def test_errors_hidden_in_widgets_are_found(tmp_path):
    """The checks above would see a failing button callback and a failing Output widget."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in (
        "import ipywidgets as w\nout = w.Output()\nout",
        "with out:\n    raise ValueError('drawing failed inside the widget')",
        "b = w.Button()\nb.on_click(lambda _: 1 / 0)\nb.click()",
    )])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    execute(nb, str(tmp_path), output_widget_echo=False)   # no cell fails: errors are hidden
    found = problems(nb)
    assert any("drawing failed inside the widget" in p for p in found)
    assert any("ZeroDivisionError" in p for p in found)
    assert any(o.get("output_type") == "error" for o in widget_outputs(nb))

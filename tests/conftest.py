"""Shared test setup. Tests that need the Graphviz `dot` program are marked `needs_dot`:
locally they skip with a reason when `dot` is missing; in CI (CI=true, which `.ci/run`
sets) they must run, so a missing `dot` fails them instead.

Property tests draw the same examples on every run (Hypothesis' derandomize), so that a
result never depends on luck; `HYPOTHESIS_PROFILE=explore make test` draws new ones, to hunt
for a failing case."""

import importlib.util
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def pytest_collection_modifyitems(config, items):
    if shutil.which("dot"):
        return
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    for item in items:
        if "needs_dot" in item.keywords:
            if in_ci:
                item.add_marker(pytest.mark.usefixtures("_require_dot_in_ci"))
            else:
                item.add_marker(pytest.mark.skip(
                    reason="Graphviz 'dot' is not installed (make test installs it; "
                           "or: apt-get install graphviz)"))


@pytest.fixture
def _require_dot_in_ci():
    pytest.fail("CI must have Graphviz 'dot' (the Makefile installs it); it is missing")


@pytest.fixture(scope="session")
def workloads():
    """`benchmarks/workloads.py`: the benchmark's workloads (micrograd's demo among them)."""
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "workloads.py"
    spec = importlib.util.spec_from_file_location("workloads", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

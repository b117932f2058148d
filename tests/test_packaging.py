"""Packaging: the license, the metadata and the version have one home each, the oldest
setuptools the build requirements allow builds the package, and the sdist carries what its
own tests need.

The build tests are `slow` ('make test-slow'): they make a fresh venv with that exact
setuptools from the package index, build the sdist and the wheel there, and collect the
test suite in the unpacked sdist."""

import importlib.metadata
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import autograd_xor

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def minimum_setuptools():
    """The version in `requires = ["setuptools>=X"]` of [build-system]."""
    m = re.search(r'^requires = \["setuptools>=([\d.]+)"\]', PYPROJECT, re.MULTILINE)
    assert m, "pyproject.toml: [build-system] requires = [\"setuptools>=X\"]"
    return m.group(1)


def test_the_license_is_mit_in_a_license_file():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 the autograd_xor authors" in text
    assert re.search(r'^license = "MIT"$', PYPROJECT, re.MULTILINE)
    assert re.search(r'^license-files = \["LICENSE"\]$', PYPROJECT, re.MULTILINE)


def test_an_spdx_license_asks_for_a_setuptools_that_reads_it():
    # `license = "MIT"` (PEP 639) is an error before setuptools 77
    assert tuple(int(x) for x in minimum_setuptools().split(".")[:2]) >= (77, 0)
    # PEP 639: a license expression and a license classifier must not both be given
    assert "License ::" not in PYPROJECT


def test_the_version_is_written_once():
    assert re.search(r'^dynamic = \["version"\]', PYPROJECT, re.MULTILINE)
    assert not re.search(r'^version = "', PYPROJECT, re.MULTILINE)      # no static version
    assert 'version = { attr = "autograd_xor.__version__" }' in PYPROJECT
    assert re.fullmatch(r"\d+\.\d+\.\d+", autograd_xor.__version__)
    assert importlib.metadata.version("autograd_xor") == autograd_xor.__version__


def test_the_metadata_has_classifiers_and_project_urls():
    meta = importlib.metadata.metadata("autograd_xor")
    assert "Intended Audience :: Education" in meta.get_all("Classifier")
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert urls["Repository"].startswith("https://github.com/")
    assert {"Homepage", "Documentation", "Issues"} <= set(urls)


def test_the_sdist_manifest_takes_what_the_tests_read():
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8")
    for folder in ("tests", "docs", "benchmarks", "notebooks"):
        assert f"graft {folder}\n" in manifest, folder
    for name in ("LICENSE", "Makefile", "mkdocs.yml"):
        assert name in manifest


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(sdist, wheel) built by the oldest setuptools the build requirements allow, installed
    in a venv of its own from the package index."""
    tmp = tmp_path_factory.mktemp("build")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    version = minimum_setuptools()
    r = subprocess.run([python, "-m", "pip", "install", "-q", f"setuptools=={version}", "build"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"cannot install setuptools=={version} from the index:\n{r.stderr}"
    r = subprocess.run([python, "-c", "import setuptools; print(setuptools.__version__)"],
                       capture_output=True, text=True, check=True)
    assert r.stdout.strip() == version
    out = tmp / "dist"
    r = subprocess.run([python, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                       capture_output=True, text=True, timeout=600, cwd=tmp)
    assert r.returncode == 0, f"python -m build with setuptools {version} failed:\n" \
                              f"{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    sdist, = out.glob("*.tar.gz")
    wheel, = out.glob("*.whl")
    return sdist, wheel


@pytest.mark.slow
def test_the_oldest_allowed_setuptools_builds_a_wheel_with_the_license(built):
    _, wheel = built
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        meta, = [n for n in names if n.endswith(".dist-info/METADATA")]
        text = z.read(meta).decode("utf-8")
    assert "License-Expression: MIT" in text
    assert f"Version: {autograd_xor.__version__}" in text
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "autograd_xor/walkthroughs/gf.py" in names and "autograd_xor/cli/train.py" in names
    assert "autograd_xor/py.typed" in names            # PEP 561: type checkers read our hints
    assert not any(n.startswith(("tests/", "docs/", "benchmarks/")) for n in names)


@pytest.mark.slow
def test_the_tests_collect_in_the_unpacked_sdist(built, tmp_path):
    sdist, _ = built
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp_path)
    top, = tmp_path.iterdir()
    for needed in ("tests/conftest.py", "docs/hooks.py", "benchmarks/bench.py",
                   "notebooks/build_notebooks.py", "mkdocs.yml", "LICENSE", "Makefile",
                   "autograd_xor/py.typed"):
        assert (top / needed).exists(), needed
    assert not list(top.rglob(".hypothesis")) and not list(top.rglob("__pycache__"))
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    r = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                        "-p", "no:cacheprovider"], cwd=top, capture_output=True, text=True,
                       timeout=600, env=env)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "error" not in r.stdout.lower().splitlines()[-1], r.stdout[-3000:]
    collected = int(re.search(r"(\d+) tests? collected", r.stdout).group(1))
    assert collected > 900
    # the tests run the sdist's own package, not the one installed for this suite
    r = subprocess.run([sys.executable, "-c", "import autograd_xor; print(autograd_xor.__file__)"],
                       cwd=top, capture_output=True, text=True, check=True)
    assert Path(r.stdout.strip()).resolve().is_relative_to(top.resolve())

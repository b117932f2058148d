"""Types: the package says it is typed (PEP 561's py.typed), and its public API is annotated,
so that a user's type checker reads it: every public function's parameters and return, and
every public method of every public class. `make lint` runs mypy over the package."""

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import autograd_xor
import autograd_xor.cli
import autograd_xor.walkthroughs

# the modules whose whole public API is annotated: every module of the package but its
# private ones, with each walkthrough's and each command's
TYPED = ["engine", "modes", "ops", "nn", "losses", "optim", "datasets", "gradcheck", "testing",
         "replay", "render", "stepping", "explorer", "classify", "xor", "files", "plotting",
         "jupyter", "walkthroughs", "cli"] + [
    f"{package.__name__.split('.')[1]}.{m.name}"
    for package in (autograd_xor.walkthroughs, autograd_xor.cli)
    for m in pkgutil.iter_modules(package.__path__)]


def test_the_package_ships_py_typed():
    assert (Path(autograd_xor.__file__).parent / "py.typed").is_file()


def _missing(fn, where):
    """The parts of fn's signature that have no annotation, named."""
    sig = inspect.signature(fn)
    out = [f"{where}({name})" for name, p in sig.parameters.items()
           if name not in ("self", "cls") and p.annotation is inspect.Parameter.empty]
    if sig.return_annotation is inspect.Signature.empty:
        out.append(f"{where} -> ?")
    return out


def _unannotated(obj, where):
    if inspect.isfunction(obj):
        return _missing(obj, where)
    if inspect.isclass(obj):
        out = []
        for name, member in vars(obj).items():
            if isinstance(member, property):
                member = member.fget
            if inspect.isfunction(member) and (not name.startswith("_") or name in (
                    "__init__", "__call__", "__new__", "__add__", "__mul__", "__pow__")):
                out += _missing(member, f"{where}.{name}")
        return out
    return []


def _public(mod):
    """A module's public names: its __all__, or else the functions and classes it defines
    whose names do not start with '_' (the commands' modules have no __all__)."""
    if hasattr(mod, "__all__"):
        return mod.__all__
    return [name for name, obj in vars(mod).items() if not name.startswith("_") and
            (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == mod.__name__]


@pytest.mark.parametrize("name", [n for n in autograd_xor.__all__
                                  if not inspect.ismodule(getattr(autograd_xor, n))])
def test_every_public_name_of_the_package_is_annotated(name):
    assert _unannotated(getattr(autograd_xor, name), name) == []


@pytest.mark.parametrize("module", TYPED)
def test_the_public_api_of_the_typed_modules_is_annotated(module):
    mod = importlib.import_module(f"autograd_xor.{module}")
    missing = [m for name in _public(mod) for m in _unannotated(getattr(mod, name), name)]
    assert missing == []


def test_the_check_would_see_a_missing_annotation():
    def f(x, y: int = 0):
        return x

    assert _missing(f, "f") == ["f(x)", "f -> ?"]

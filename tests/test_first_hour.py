"""A newcomer's first hour: the README's shell commands run as written on a fresh clone, the
words a reader meets name the worked examples by their subject (never by the project's
file names: "seed" means a random seed only), and the command's numbers agree with each
other."""

import io
import json
import os
import re
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from autograd_xor import walkthroughs
from autograd_xor.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
VENV_BIN = Path(sys.prefix) / "bin"        # the venv `make test` made: .venv/bin

# --- the README's commands ------------------------------------------------------------------

# Commands the test does not run, each with the reason. Anything else a ```sh block says must
# be run below, so a new command in the README is either checked or listed here.
NOT_RUN = {
    "pip install": "installs into the reader's own environment",
}


def readme_commands():
    """(line, command) for each command of the README's ```sh and ```bash blocks, its
    comment removed."""
    text = README.read_text(encoding="utf-8")
    out = []
    for m in re.finditer(r"^```(?:sh|bash)\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        first = text.count("\n", 0, m.start(1)) + 1
        for k, line in enumerate(m.group(1).splitlines()):
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command:
                out.append((first + k, command))
    return out


COMMANDS = readme_commands()


def test_the_readme_has_shell_blocks_to_run():
    words = [c.split()[0] for _, c in COMMANDS]
    assert "make" in words and "autograd-xor" in words and ".venv/bin/autograd-xor" in words
    assert [c for _, c in COMMANDS][:2] == ["make demo", "make test"]      # the quick start


def _kind(command):
    if command.startswith("make "):
        return "make"
    if command == "source .venv/bin/activate":
        return "activate"
    if command.split()[0] in ("autograd-xor", ".venv/bin/autograd-xor"):
        return "cli"
    for prefix in NOT_RUN:
        if command.startswith(prefix):
            return "not run"
    return None


def test_every_readme_command_is_run_or_listed_as_not_run():
    unknown = [f"README.md:{n}: {c}" for n, c in COMMANDS if _kind(c) is None]
    assert unknown == [], "run these in test_first_hour.py or add them to NOT_RUN"


def test_the_readme_make_targets_exist():
    """`make -n TARGET` (what make would do, doing nothing) for every make line: the
    targets exist and their recipes expand. `make demo` and the others really run in CI."""
    targets = sorted({t for _, c in COMMANDS if _kind(c) == "make"
                      for t in shlex.split(c)[1:]})
    assert {"demo", "test", "docs", "serve-docs", "notebooks"} <= set(targets)
    for target in targets:
        r = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True,
                           timeout=60)
        assert r.returncode == 0, f"make -n {target}: {r.stderr}"


@pytest.mark.needs_dot
def test_the_readme_cli_commands_run_as_written(tmp_path):
    """Each `autograd-xor ...` line, as a reader types it after `make demo`: in a folder of
    their own with the clone's `.venv` (here: the venv running the tests), through bash, the
    `.venv/bin/...` ones as they are and the rest after `source .venv/bin/activate`."""
    (tmp_path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    cli = [(n, c) for n, c in COMMANDS if _kind(c) == "cli"]
    assert len(cli) >= 10
    activated = any(_kind(c) == "activate" for _, c in COMMANDS)
    assert activated, "the README says how to put autograd-xor on PATH"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"        # the venv only through .venv

    def run(item):
        n, command = item
        folder = tmp_path / f"line{n}"
        folder.mkdir()
        (folder / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
        script = command if command.startswith(".venv/") else \
            f"source .venv/bin/activate && {command}"
        r = subprocess.run(["bash", "-c", script], cwd=folder, capture_output=True, text=True,
                           timeout=300, env=env)
        return n, command, r

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, cli))
    failed = [f"README.md:{n}: {c}\n{r.stderr[-800:]}" for n, c, r in results if r.returncode]
    assert failed == []
    outputs = {c: r.stdout for _, c, r in results}
    assert "learned XOR" in outputs["autograd-xor train --plot xor.png --graph xor-network.svg"]
    written = {p.name for p in tmp_path.rglob("*") if p.suffix in (".png", ".svg")}
    assert {"xor.png", "xor-network.svg"} <= written


# --- words a newcomer understands -------------------------------------------------------------

JARGON = ("seed 00", "Seed 00", "the book", "issue's")


def _help_texts():
    """The command's --help and each subcommand's."""
    parser = build_parser()
    texts = {"autograd-xor --help": parser.format_help()}
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, p in sub.choices.items():
        texts[f"autograd-xor {name} --help"] = p.format_help()
    return texts


def _walkthrough_texts():
    from autograd_xor.cli import main
    texts = {}
    for name in walkthroughs.names():
        ex = walkthroughs.get(name)
        result = ex.run()
        texts[f"autograd-xor walkthrough {name}"] = ex.render(result)
        texts[f"autograd-xor walkthrough {name} --json"] = json.dumps(result, ensure_ascii=False)
        texts[f"{name}: subject, title, source, intro, notebook cells"] = "\n".join(
            [ex.subject, ex.title, ex.source, ex.intro] + [c for _, c in ex.cells])
    for args in (["walkthrough", "--list"], ["walkthrough", "--list", "--json"]):
        out = io.StringIO()
        saved, sys.stdout = sys.stdout, out
        try:
            main(args)
        finally:
            sys.stdout = saved
        texts["autograd-xor " + " ".join(args)] = out.getvalue()
    return texts


def _page_texts():
    import importlib.util
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "hooks.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    texts = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
             for p in [README, *sorted((ROOT / "docs").rglob("*.md"))]}
    for name in walkthroughs.names():
        texts[f"docs/walkthroughs/{name}.md (generated)"] = hooks.walkthrough_page(name)
    texts["docs: the worked examples' table"] = hooks.walkthrough_list_markdown()
    return texts


def _notebook_texts():
    texts = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        texts[str(path.relative_to(ROOT))] = "\n".join(c.source for c in nb.cells)
    return texts


def user_facing_texts():
    return {**_page_texts(), **_notebook_texts(), **_help_texts(), **_walkthrough_texts()}


def test_user_facing_text_names_worked_examples_by_subject_not_by_file():
    found = []
    for where, text in user_facing_texts().items():
        for word in JARGON:
            for m in re.finditer(re.escape(word), text):
                line = text[:m.start()].count("\n") + 1
                found.append(f"{where}:{line}: {word!r}")
    assert found == [], "\n".join(found)


def test_the_jargon_check_sees_every_kind_of_text():
    texts = user_facing_texts()
    assert "README.md" in texts and "docs/getting-started.md" in texts
    assert "notebooks/02_gf_walkthrough_stepped.ipynb" in texts
    assert "autograd-xor walkthrough --help" in texts and "autograd-xor train --help" in texts
    assert "autograd-xor walkthrough gf --json" in texts
    assert "the five-weight G/F network" in texts["autograd-xor walkthrough --list"]


def test_every_worked_example_says_where_it_comes_from():
    for name in walkthroughs.names():
        ex = walkthroughs.get(name)
        text = ex.render(ex.run())
        assert text.splitlines()[1] == f"  from {ex.source}", name
        assert json.loads(json.dumps(ex.run()))["source_file"] == ex.source_file


# --- the command's numbers ----------------------------------------------------------------

def test_the_progress_bar_and_the_final_loss_use_the_same_precision():
    from autograd_xor.cli.train import _ProgressBar
    out = io.StringIO()
    bar = _ProgressBar(10, out)
    bar(10, 0.0036631234)
    assert "loss 0.003663\n" in out.getvalue()           # as "final loss ...: 0.003663"

"""`autograd-xor walkthrough` as a user runs it: every example, --json, --list, bad input."""

import json
import subprocess
import sys

import pytest

from autograd_xor.cli import main
from autograd_xor.walkthroughs import WALKTHROUGHS, get

NAMES = ["gf", "perceptron", "descent", "sigmoid", "and", "xor-sigmoid", "xor-relu"]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "autograd_xor", "walkthrough", *args],
                          capture_output=True, text=True, timeout=120)


def test_the_registry_has_every_example_in_order():
    assert list(WALKTHROUGHS) == NAMES
    for name in NAMES:
        ex = get(name)
        assert ex.name == name and ex.subject and ex.title and ex.source
        assert ex.source_file.endswith(".txt")          # the copy the numbers were checked on


def test_get_names_the_valid_choices():
    with pytest.raises(KeyError, match="choose one of: gf, perceptron, descent"):
        get("xor")


def test_gf_json_through_the_command():
    p = cli("gf", "--json")
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert r["figures"]["error term g"]["rounded"] == "-0.066"
    assert r["figures"]["new w_gf0"]["rounded"] == "-0.1859"
    assert r["values"] == get("gf").run()["values"]


def test_gf_steps_through_the_command():
    p = cli("gf", "--steps", "3")
    assert p.returncode == 0, p.stderr
    assert "ITERATIONS" in p.stdout and "0.3066" in p.stdout


@pytest.mark.parametrize("name", NAMES)
def test_every_walkthrough_prints(name, capsys):
    assert main(["walkthrough", name]) == 0
    out = capsys.readouterr().out
    ex = get(name)
    first, second = out.splitlines()[:2]
    assert first.lower().startswith(ex.subject.lower()) and second == f"  from {ex.source}"


def test_sigmoid_json_has_the_verdict(capsys):
    assert main(["walkthrough", "sigmoid", "--json", "--epochs", "2000"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["figures"]["tutorial: final W"]["rounded"] == "-24.3428836"
    assert r["verdict"].startswith("the engine's gradient is dC/dW")


def test_list_text_and_json():
    p = cli("--list")
    assert p.returncode == 0
    lines = p.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == NAMES
    p = cli("--list", "--json")
    listed = json.loads(p.stdout)
    assert [e["name"] for e in listed] == NAMES
    assert listed[0]["options"] == {"steps": 1}
    assert listed[0]["subject"] == "the five-weight G/F network"
    assert listed[0]["source_file"] == get("gf").source_file


@pytest.mark.parametrize("args, words", [
    (["nope"], ["no worked example called 'nope'", "gf, perceptron"]),
    ([], ["name an example", "--list"]),
    (["descent", "--steps", "3"], ["descent takes no --steps", "gf, perceptron"]),
    (["gf", "--seed", "1"], ["gf takes no --seed", "xor-sigmoid, xor-relu"]),
])
def test_bad_use_is_one_line_and_exit_2(args, words):
    p = cli(*args)
    assert p.returncode == 2
    assert p.stdout == ""
    err = p.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("autograd-xor: error:")
    for w in words:
        assert w in err


def test_argparse_refuses_a_bad_number():
    p = cli("gf", "--steps", "0")
    assert p.returncode == 2 and "from 1 to 10,000, got 0" in p.stderr
    p = cli("gf", "--steps", "1000000000")           # refused before any work is done
    assert p.returncode == 2 and "from 1 to 10,000, got 1000000000" in p.stderr


@pytest.mark.parametrize("name", NAMES)
def test_every_walkthrough_has_json(name, capsys):
    assert main(["walkthrough", name, "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["name"] == name and r["source"] == get(name).source
    assert r["source_file"] == get(name).source_file
    for fig in r.get("figures", {}).values():           # each printed figure, three ways
        assert set(fig) == {"value", "rounded", "printed", "agrees"}

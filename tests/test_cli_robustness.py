"""`autograd-xor` under bad input, faults and signals, run as a user (or a careless script)
runs it: every case ends in one line naming the problem and what to do, with the
documented exit status (2 bad usage or input, 1 a failed run, 130 Ctrl-C), and every file
that was there is left as it was."""

import json
import os
import resource
import signal
import socket
import stat
import subprocess
import sys
import time

import pytest
from test_cli_train import read_terminal

CMD = [sys.executable, "-m", "autograd_xor"]
HOOK = "AUTOGRAD_XOR_TEST_SLOW_WRITE"


def run(*args, cwd=None, env=None, **kwargs):
    return subprocess.run(CMD + [str(a) for a in args], capture_output=True, text=True,
                          cwd=cwd, env=None if env is None else {**os.environ, **env},
                          timeout=120, **kwargs)


def one_line_error(r, status=2):
    """The run failed with `status` and one line on stderr, no traceback, nothing on stdout."""
    assert r.returncode == status, (r.returncode, r.stderr)
    assert r.stderr.startswith("autograd-xor: error: "), r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    assert r.stdout == ""
    return r.stderr


def snapshot(folder):
    """Every file in `folder` with its bytes and mode."""
    return {p.name: (p.read_bytes() if p.is_file() and not p.is_symlink() else None,
                     p.lstat().st_mode) for p in folder.iterdir()}


# --- model files given to --load ----------------------------------------------------------

GOOD = {"format": "autograd_xor.mlp", "version": 2, "module": "MLP", "nin": 2,
        "nouts": [2, 1], "activations": ["tanh", "sigmoid"], "task": "binary",
        "loss": "binary_cross_entropy",
        "state": {f"layers.{l}.neurons.{j}.{p}": 0.5 for l, n in ((0, 2), (1, 1))
                  for j in range(n) for p in ("w.0", "w.1", "b")}}


def _good(**change):
    return json.dumps({**GOOD, **change})


LOAD_CASES = {
    "binary garbage": (b"\x00\x01\x02\xff\xfe garbage \x80", "not UTF-8 text"),
    "truncated JSON": (_good()[:60].encode(), "not JSON"),
    "NaN weight": (_good().replace("0.5", "NaN", 1).encode(), "holds NaN"),
    "10**400 weight": (_good().replace("0.5", str(10 ** 400), 1).encode(), "401 digits"),
    "deeply nested JSON": (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
    "unknown activation": (_good(activations=["tanh", "softplus"]).encode(), "'softplus'"),
    "a billion weights": (_good(nouts=[1_000_000_000, 1]).encode(), "declares 4,000,000,001 "
                                                                    "parameters"),
    "wrong key types": (_good(nin="two").encode(), "'nin' (the number of inputs) must be a "
                                                   "whole number, got str 'two'"),
    "non-UTF-8 bytes": (_good().replace("tanh", "t\udce9nh").encode("utf-8", "surrogateescape"),
                        "not UTF-8 text (byte 0xe9"),
    "a newer version": (_good(version=7).encode(), "version 7 model file, newer than this "
                                                   "autograd_xor reads"),
    "a 10 MB string": (_good(module="m" * 10_000_000).encode(), "(10000002 characters)"),
}


@pytest.mark.parametrize("case", list(LOAD_CASES))
def test_a_bad_model_file_is_refused_naming_it_and_nothing_changes(tmp_path, case):
    content, words = LOAD_CASES[case]
    bad = tmp_path / "bad model.json"
    bad.write_bytes(content)
    before = snapshot(tmp_path)
    r = run("train", "--load", bad, "--save", tmp_path / "out.json", "--epochs", "5")
    err = one_line_error(r)
    assert f"--load: '{bad}'" in err and words in err and len(err) < 800
    assert snapshot(tmp_path) == before                       # no out.json, bad untouched


def test_a_bad_model_file_is_refused_with_data_too(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(LOAD_CASES["NaN weight"][0])
    err = one_line_error(run("train", "--data", "moons", "--load", bad))
    assert str(bad) in err and "holds NaN" in err


@pytest.mark.parametrize("path, words", [
    ("", "--load needs a file name, got ''"),
    ("missing.json", "cannot read the model file 'missing.json': No such file or directory"),
    (".", "cannot read the model file '.': Is a directory"),
])
def test_an_empty_or_missing_load_is_an_error_not_a_fresh_run(tmp_path, path, words):
    err = one_line_error(run("train", "--load", path, cwd=tmp_path))
    assert words in err
    assert list(tmp_path.iterdir()) == []


def test_loading_a_fifo_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    err = one_line_error(run("train", "--load", tmp_path / "pipe"))
    assert "not a regular file" in err


def test_a_multiclass_model_does_not_fit_xor(tmp_path):
    model = tmp_path / "spiral.json"
    r = run("train", "--data", "spiral", "--points", "30", "--epochs", "1", "--hidden", "4",
            "--save", model)
    assert r.returncode == 1, r.stderr                  # one epoch does not learn it: saved
    before = snapshot(tmp_path)
    for args in (["--data", "xor"], ["--data", "moons"], []):
        err = one_line_error(run("train", *args, "--load", model))
        assert str(model) in err and ("3-class model" in err or "2-H-1 XOR network" in err)
    err = one_line_error(run("train", "--data", "spiral", "--classes", "4", "--load", model))
    assert "3-class model (3 outputs); this data set has 4 classes" in err
    assert snapshot(tmp_path) == before


# --- sizes and numbers on the command line ------------------------------------------------

@pytest.mark.parametrize("args, words", [
    (["--hidden", "1000000000"], "argument --hidden: each size must be a whole number from 1 "
                                 "to 1,024, got 1000000000"),
    (["--hidden", "0"], "from 1 to 1,024, got 0"),
    (["--hidden", "-4"], "from 1 to 1,024, got -4"),
    (["--hidden", "four"], "expected whole numbers separated by commas"),
    (["--hidden", "16,16"], "the classic XOR demo has one hidden layer"),
    (["--epochs", "1" + "0" * 12], "argument --epochs: must be a whole number from 0 to "
                                   "1,000,000, got 1000000000000"),
    (["--epochs", "-1"], "from 0 to 1,000,000, got -1"),
    (["--epochs", "1e3"], "expected a whole number from 0 to 1,000,000, got '1e3'"),
    (["--lr", "0"], "argument --lr: must be a positive number of at most 1000, got '0'"),
    (["--lr", "-1"], "got '-1'"),
    (["--lr", "nan"], "got 'nan'"),
    (["--lr", "fast"], "expected a positive number of at most 1000, got 'fast'"),
    (["--seed", "0.5"], "argument --seed: expected a whole number"),
    (["--data", "moons", "--hidden", "1024,1024"], "makes a network of 1,053,697 "
                                                   "parameters, more than 250,000"),
    (["--data", "moons", "--batch-size", "0"], "from 1 to 100,000, got 0"),
    (["--data", "moons", "--points", "5"], "from 10 to 10,000, got 5"),
    (["--data", "moons", "--points", "101"], "--points 101: moons splits its points evenly "
                                             "over 2 classes; use --points 100 or 102"),
    (["--data", "spiral", "--classes", "7"], "--classes 7: the default 300 points: spiral "
                                             "splits its points evenly over 7 classes; use "
                                             "--points 294 or 301"),
    (["--data", "spiral", "--classes", "9"], "from 2 to 7, got 9"),
    (["--data", "moons", "--classes", "3"], "--classes is for --data spiral"),
    (["--data", "spiral", "--loss", "bce"], "--loss bce is for two classes"),
    (["--optimizer", "adam"], "--optimizer needs --data"),
    (["--data", "circles", "--optimizer", "rmsprop"], "invalid choice: 'rmsprop'"),
])
def test_bad_numbers_are_refused_before_anything_runs(args, words):
    start = time.monotonic()
    err = run("train", *args).stderr
    assert words in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert time.monotonic() - start < 30                  # nothing was allocated or trained


@pytest.mark.parametrize("args", [
    ["train", "--hidden", "9" * 100_000],
    ["train", "--data", "m" * 100_000],
    ["train", "--load", "m" * 100_000],
    ["walkthrough", "w" * 100_000],
    ["graph", "gf", "--out", "g" * 100_000 + ".gif"],
    ["train", "--" + "x" * 100_000],
])
def test_a_100_kb_argument_is_not_echoed_whole(args):
    r = run(*args)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.count("\n") == 1 and len(r.stderr) < 1100, len(r.stderr)
    assert "characters)" in r.stderr


def test_the_parser_reads_arguments_from_an_iterator_as_argparse_does():
    # (it read an iterator whole to remember the arguments for its errors, leaving argparse
    # none: "the following arguments are required: COMMAND")
    from autograd_xor.cli import build_parser
    args = build_parser().parse_args(iter(["graph", "gf", "--out", "g.svg"]))
    assert (args.command, args.name, args.out) == ("graph", "gf", "g.svg")


def test_walkthrough_numbers_are_bounded_too():
    err = run("walkthrough", "xor-sigmoid", "--epochs", "1" + "0" * 9).stderr
    assert "must be a whole number from 1 to 100,000, got 1000000000" in err


# --- writing files ------------------------------------------------------------------------

def _special(tmp_path, kind):
    path = tmp_path / "target"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        return path, server
    elif kind == "device":
        return "/dev/null", None
    return path, None


@pytest.mark.parametrize("kind, words", [
    ("folder", "it is a folder, not a file"),
    ("fifo", "it is a named pipe (FIFO), not a regular file"),
    ("socket", "it is a socket, not a regular file"),
    ("device", "it is a device, not a regular file"),
])
@pytest.mark.parametrize("option", ["--save", "--plot", "--graph"])
def test_outputs_that_are_not_regular_files_are_refused_before_training(tmp_path, kind, words,
                                                                       option):
    path, server = _special(tmp_path, kind)
    try:
        before = snapshot(tmp_path)
        err = one_line_error(run("train", option, path))          # stdout empty: no training
        assert f"{option}: cannot write '{path}': {words}" in err
        assert snapshot(tmp_path) == before
    finally:
        if server:
            server.close()


def test_graph_out_refuses_a_folder(tmp_path):
    err = one_line_error(run("graph", "gf", "--out", tmp_path, "--format", "dot"))
    assert "it is a folder, not a file" in err


def test_save_through_a_symlink_keeps_the_link_and_the_mode(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    real.chmod(0o600)
    (tmp_path / "link.json").symlink_to("real.json")
    r = run("train", "--epochs", "1", "--save", tmp_path / "link.json")
    assert r.returncode == 1, r.stderr                     # one epoch does not learn XOR
    assert os.readlink(tmp_path / "link.json") == "real.json"
    assert json.loads(real.read_text())["format"] == "autograd_xor.mlp"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def test_json_and_save_to_stdout_are_refused_together():
    err = one_line_error(run("train", "--json", "--save", "-"))
    assert "--save - and --json would both write to standard output" in err


def test_save_to_stdout_puts_only_the_model_there():
    r = run("train", "--epochs", "600", "--save", "-")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["nouts"] == [4, 1]          # the whole of stdout is the model
    assert "learned XOR" in r.stderr and "x1  x2 | target" in r.stderr


def test_the_same_file_twice_and_overwriting_the_loaded_model_are_refused(tmp_path):
    err = one_line_error(run("train", "--plot", "a.png", "--graph", "./a.png", cwd=tmp_path))
    assert "--plot and --graph both name 'a.png'" in err
    model = tmp_path / "m.json"
    assert run("train", "--save", model).returncode == 0
    err = one_line_error(run("train", "--load", model, "--plot", model))
    assert "would overwrite the model file given to --load" in err


def test_an_io_error_while_writing_exits_1_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "m.json"
    target.write_text("old model")

    def small_files():                                  # the child may write 100 bytes at most
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))
    r = run("train", "--epochs", "600", "--save", target, preexec_fn=small_files,
            env={"PYTHONDONTWRITEBYTECODE": "1"})
    assert r.returncode == 1, r.stderr
    assert r.stderr == f"autograd-xor: error: cannot write '{target}': File too large; any " \
                       f"file that was there is unchanged\n"
    assert target.read_text() == "old model" and [p.name for p in tmp_path.iterdir()] == \
        ["m.json"]


# --- signals: Ctrl-C and kill -9 ----------------------------------------------------------

def _start(args, cwd, env=None):
    return subprocess.Popen(CMD + [str(a) for a in args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def _wait_for(predicate, timeout=60):
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def _temporaries(folder):
    return [p.name for p in folder.iterdir() if ".autograd-xor-tmp-" in p.name]


def _old_model(folder):
    target = folder / "m.json"
    target.write_text("old model")
    return target


def _only_the_old_model(folder):
    return (folder / "m.json").read_text() == "old model" and \
        [x.name for x in folder.iterdir()] == ["m.json"]


def _start_a_slow_save(folder):
    """A run that is saving over m.json, slowly (the writer's test hook), once the write has
    begun."""
    p = _start(["train", "--epochs", "1", "--save", _old_model(folder)], folder, {HOOK: "0.5"})
    _wait_for(lambda: _temporaries(folder))
    return p


def _ctrl_c(p):
    """Send Ctrl-C's signal; (exit status, standard error)."""
    p.send_signal(signal.SIGINT)
    status = p.wait(timeout=60)                # the output is a few lines: no pipe fills up
    return status, p.stderr.read()


def test_ctrl_c_during_training_is_one_line_and_status_130(tmp_path):
    target = _old_model(tmp_path)
    p = _start(["train", "--data", "moons", "--epochs", "1000000", "--save", target], tmp_path)
    header = p.stdout.readline()                       # flushed before training starts
    assert header.startswith("Training a 2-16-16-1 network")
    time.sleep(0.3)
    assert _ctrl_c(p) == (130, "autograd-xor: interrupted\n")
    assert _only_the_old_model(tmp_path)


def test_ctrl_c_under_a_progress_bar_starts_a_line_of_its_own():
    import pty
    leader, follower = pty.openpty()                 # standard error on a terminal
    p = subprocess.Popen(CMD + ["train", "--data", "moons", "--epochs", "1000000"],
                         stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    chunks = []
    _wait_for(lambda: chunks.append(os.read(leader, 4096)) or b"epoch" in b"".join(chunks))
    p.send_signal(signal.SIGINT)
    assert p.wait(timeout=60) == 130
    screen = read_terminal(leader, chunks).decode()
    os.close(leader)
    assert screen.startswith("\r[") and "/1000000  loss " in screen
    assert screen.endswith("\r\nautograd-xor: interrupted\r\n") and "Traceback" not in screen


def test_ctrl_c_while_writing_leaves_the_old_file_and_no_temporary(tmp_path):
    assert _ctrl_c(_start_a_slow_save(tmp_path)) == (130, "autograd-xor: interrupted\n")
    assert _only_the_old_model(tmp_path)


def test_kill_9_while_writing_leaves_the_old_file_and_the_next_run_cleans_up(tmp_path):
    p = _start_a_slow_save(tmp_path)
    time.sleep(0.6)                                    # part of the data is in the temp file
    p.kill()
    p.communicate(timeout=60)
    assert p.returncode == -signal.SIGKILL
    assert (tmp_path / "m.json").read_text() == "old model"      # the old file, whole
    left = _temporaries(tmp_path)
    assert len(left) == 1 and left[0].startswith(".m.json.autograd-xor-tmp-")
    assert (tmp_path / left[0]).stat().st_size > 0
    r = run("train", "--epochs", "600", "--save", tmp_path / "m.json")
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "m.json").read_text())["format"] == "autograd_xor.mlp"
    assert [x.name for x in tmp_path.iterdir()] == ["m.json"]     # the leftover is gone


# --- pipes and terminals ------------------------------------------------------------------

@pytest.mark.parametrize("args", [["train"], ["walkthrough", "gf", "--steps", "2000"]])
def test_a_reader_that_stops_early_ends_the_command_quietly(args):
    p = _start(args, None)
    first = p.stdout.readline()
    assert first
    p.stdout.close()                                   # as `| head -1` does
    err = p.stderr.read()
    p.wait(timeout=60)
    assert p.returncode == 0
    assert err == ""                                   # no BrokenPipeError, no "Exception ignored"


NON_UTF8 = {
    "cp1252": {"PYTHONIOENCODING": "cp1252"},
    "C locale": {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0",
                 "PYTHONIOENCODING": ""},
}


@pytest.mark.parametrize("encoding", list(NON_UTF8))
@pytest.mark.parametrize("name", ["descent", "and", "gf", "perceptron"])
def test_a_terminal_without_unicode_gets_ascii_renderings(encoding, name):
    env = NON_UTF8[encoding]
    utf8 = subprocess.run(CMD + ["walkthrough", name], capture_output=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"}).stdout.decode()
    r = subprocess.run(CMD + ["walkthrough", name], capture_output=True,
                       env={**os.environ, **env}, timeout=120)
    assert r.returncode == 0 and r.stderr == b"", r.stderr
    text = r.stdout.decode("cp1252" if encoding == "cp1252" else "ascii")
    assert text.count("?") == utf8.count("?")          # every character has a rendering
    if name == "descent":
        assert "x^4 - 3x" in text and "f'(4)" in text.replace("′", "'")


def test_json_on_an_ascii_terminal_is_the_same_json():
    env = {**os.environ, **NON_UTF8["C locale"]}
    r = subprocess.run(CMD + ["walkthrough", "gf", "--json"], capture_output=True, env=env)
    assert r.returncode == 0 and r.stdout.isascii()
    utf8 = subprocess.run(CMD + ["walkthrough", "gf", "--json"], capture_output=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert json.loads(r.stdout) == json.loads(utf8.stdout)


def test_an_error_message_on_an_ascii_terminal(tmp_path):
    env = {**os.environ, **NON_UTF8["C locale"]}
    r = subprocess.run(CMD + ["walkthrough", "w" * 1000], capture_output=True, env=env)
    assert r.returncode == 2 and r.stderr.isascii() and b"..." in r.stderr
    assert b"Traceback" not in r.stderr


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version
    r = run("--version")
    assert r.returncode == 0 and r.stdout == f"autograd-xor {version('autograd_xor')}\n"

"""`autograd-xor train` as a user runs it."""

import json
import os
import subprocess
import sys

import pytest

CMD = [sys.executable, "-m", "autograd_xor"]


def run(*args, cwd=None):
    return subprocess.run(CMD + list(args), capture_output=True, text=True, cwd=cwd, timeout=300)


def test_train_json_learns_xor():
    r = run("train", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["learned"] is True and out["epochs"] == 1000 and out["hidden"] == 4
    assert out["targets"] == [0.0, 1.0, 1.0, 0.0]
    assert [round(p) for p in out["predictions"]] == [0, 1, 1, 0]
    assert all(abs(p - t) < 0.5 for p, t in zip(out["predictions"], out["targets"]))
    assert 0 < out["loss"] < 0.1


def test_train_prints_the_truth_table():
    r = run("train", "--epochs", "600", "--seed", "1")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "2-4-1" in lines[0] and "600 epochs" in lines[0]
    rows = [l for l in lines if "|" in l and l.strip()[0].isdigit()]
    assert len(rows) == 4
    for row, target in zip(rows, [0, 1, 1, 0]):
        output = float(row.split("|")[-1])
        assert abs(output - target) < 0.5
    assert "learned XOR" in r.stdout
    assert "\r" not in r.stderr                      # no progress bar when not on a terminal


def test_train_that_does_not_learn_exits_nonzero_with_a_message():
    r = run("train", "--epochs", "3", "--json")
    assert r.returncode == 1
    assert json.loads(r.stdout)["learned"] is False
    assert "did not learn XOR" in r.stderr and "--epochs" in r.stderr


def test_same_seed_same_result_and_other_options():
    a = json.loads(run("train", "--json", "--seed", "3", "--hidden", "3", "--lr", "1.0",
                       "--epochs", "400").stdout)
    b = json.loads(run("train", "--json", "--seed", "3", "--hidden", "3", "--lr", "1.0",
                       "--epochs", "400").stdout)
    assert a == b and a["hidden"] == 3 and a["lr"] == 1.0 and a["epochs"] == 400


@pytest.mark.parametrize("args, message", [
    (["train", "--lr", "-1"], "--lr"),
    (["train", "--epochs", "ten"], "--epochs"),
    (["train", "--hidden", "0"], "--hidden"),
    (["fly"], "invalid choice"),
    ([], "required"),
])
def test_bad_command_lines_exit_2_without_traceback(args, message):
    r = run(*args)
    assert r.returncode == 2
    assert message in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and r.stdout == ""


def test_save_and_load_round_trip(tmp_path):
    path = tmp_path / "xor.json"
    r = run("train", "--json", "--save", str(path))
    assert r.returncode == 0, r.stderr
    trained = json.loads(r.stdout)
    saved = json.loads(path.read_text())
    assert saved["format"] == "autograd_xor.mlp" and saved["nouts"] == [4, 1]
    r2 = run("train", "--json", "--load", str(path), "--epochs", "0")
    assert r2.returncode == 0, r2.stderr
    assert json.loads(r2.stdout)["predictions"] == trained["predictions"]   # bit for bit
    assert [p.name for p in tmp_path.iterdir()] == ["xor.json"]               # no temp files


def test_load_errors_are_one_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    for path, message in [(bad, "not a model file"), (tmp_path / "none.json", "cannot read")]:
        r = run("train", "--load", str(path))
        assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr
    other = tmp_path / "other.json"
    assert run("train", "--json", "--save", str(other), "--hidden", "3").returncode == 0
    r = run("train", "--load", str(other), "--hidden", "5")
    assert r.returncode == 2 and "does not match" in r.stderr


def test_unwritable_save_path_exits_2_and_leaves_nothing(tmp_path):
    target = tmp_path / "missing-dir" / "model.json"
    r = run("train", "--epochs", "1", "--save", str(target))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "cannot write" in r.stderr
    assert not target.parent.exists()


def test_console_script_is_installed():
    exe = os.path.join(os.path.dirname(sys.executable), "autograd-xor")
    r = subprocess.run([exe, "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "train" in r.stdout


def read_terminal(leader, chunks=()):
    """Everything the program wrote to a pseudo-terminal (after `chunks`), until it closed."""
    chunks = list(chunks)
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:                          # the terminal closed: all read
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def test_progress_bar_on_a_terminal():
    # stderr on a pseudo-terminal: the bar is drawn in place ("\r") and ends at the last epoch
    import pty
    leader, follower = pty.openpty()
    try:
        r = subprocess.run(CMD + ["train", "--epochs", "200"], stdout=subprocess.PIPE,
                           stderr=follower, timeout=120)
        os.close(follower)
        follower = None
        bar = read_terminal(leader).decode()
    finally:
        if follower is not None:
            os.close(follower)
        os.close(leader)
    assert r.returncode == 0
    assert bar.count("\r") >= 10 and "epoch 200/200" in bar and "#" * 30 in bar


def test_saved_files_get_the_usual_permissions(tmp_path):
    path = tmp_path / "model.json"
    assert run("train", "--epochs", "1", "--save", str(path)).returncode == 1   # not learned
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask

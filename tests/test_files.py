"""The one writer, `autograd_xor.files.write_output`: whole or not at all, only regular files
replaced, symbolic links written through, permissions kept, its temporaries cleaned up."""

import os
import socket
import stat
import subprocess
import sys

import pytest

from autograd_xor.files import OutputTargetError, check_output, write_output


def names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_new_file_gets_the_data_and_the_umask_permissions(tmp_path):
    target = tmp_path / "m.json"
    old = os.umask(0o027)
    try:
        write_output(target, "text é\n")
    finally:
        os.umask(old)
    assert target.read_bytes() == "text é\n".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert names(tmp_path) == ["m.json"]


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "m.json"
    target.write_text("old")
    target.chmod(0o600)
    write_output(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    target.chmod(0o664)
    write_output(target, b"newer")
    assert stat.S_IMODE(target.stat().st_mode) == 0o664


def test_a_replaced_file_keeps_its_owner_where_the_process_may_set_it(tmp_path):
    target = tmp_path / "m.json"
    target.write_text("old")
    # root may give a file to anyone; anyone else can only test with their own ids
    owner = (12345, 23456) if os.geteuid() == 0 else (os.geteuid(), os.getegid())
    os.chown(target, *owner)
    write_output(target, b"new")
    st = target.stat()
    assert (st.st_uid, st.st_gid) == owner and target.read_bytes() == b"new"


@pytest.mark.parametrize("make, words", [
    (lambda p: p.mkdir(), "a folder"),
    (lambda p: os.mkfifo(p), r"a named pipe \(FIFO\)"),
])
def test_folders_and_pipes_are_refused_and_left_alone(tmp_path, make, words):
    target = tmp_path / "target"
    make(target)
    before = target.lstat()
    for attempt in (lambda: check_output(target), lambda: write_output(target, b"x")):
        with pytest.raises(OutputTargetError, match=words):
            attempt()
    after = target.lstat()
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert names(tmp_path) == ["target"]


def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(OutputTargetError, match="a socket"):
            write_output(path, b"x")
        assert stat.S_ISSOCK(path.lstat().st_mode)
    finally:
        server.close()


def test_a_device_is_refused():
    with pytest.raises(OutputTargetError, match="a device"):
        write_output("/dev/null", b"x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_missing_folder_and_an_empty_name_are_refused(tmp_path):
    with pytest.raises(OutputTargetError, match="does not exist; create it first"):
        write_output(tmp_path / "no" / "m.json", b"x")
    with pytest.raises(OutputTargetError, match="empty file name"):
        write_output("", b"x")
    assert names(tmp_path) == []


def test_a_symbolic_link_is_written_through(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to("real.json")
    write_output(link, b"new")
    assert link.is_symlink() and os.readlink(link) == "real.json"       # the link stays
    assert real.read_bytes() == b"new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert names(tmp_path) == ["link.json", "real.json"]


def test_a_link_to_nothing_creates_its_file_and_a_link_loop_is_refused(tmp_path):
    dangling = tmp_path / "dangling"
    dangling.symlink_to("made.json")
    write_output(dangling, b"made")
    assert dangling.is_symlink() and (tmp_path / "made.json").read_bytes() == b"made"
    loop = tmp_path / "loop"
    loop.symlink_to("loop")
    with pytest.raises(OutputTargetError, match="symbolic link loop"):
        write_output(loop, b"x")
    assert loop.is_symlink()


_REAL_OPEN = os.open


def _full_disk(fd, data):
    raise OSError(28, "No space left on device")


def _interrupted(fd):
    raise KeyboardInterrupt


def _open_then_interrupted(path, *args):
    # Python may raise KeyboardInterrupt as os.open returns, before its result is kept
    _REAL_OPEN(path, *args)
    raise KeyboardInterrupt


@pytest.mark.parametrize("call, fault, error", [
    ("write", _full_disk, OSError),
    ("fsync", _interrupted, KeyboardInterrupt),
    ("open", _open_then_interrupted, KeyboardInterrupt),
], ids=["a full disk", "Ctrl-C before the fsync", "Ctrl-C as the temporary is made"])
def test_a_fault_while_writing_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch,
                                                                     call, fault, error):
    target = tmp_path / "m.json"
    target.write_text("old")
    monkeypatch.setattr(os, call, fault)
    with pytest.raises(error) as caught:
        write_output(target, b"new")
    monkeypatch.undo()
    if error is OSError:
        assert caught.value.filename == str(target)            # the target, not the temp
    assert target.read_text() == "old" and names(tmp_path) == ["m.json"]


def test_leftovers_of_dead_writers_are_removed_and_nothing_else(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = tmp_path / f".m.json.autograd-xor-tmp-{dead}-0123abcd"
    live = tmp_path / f".m.json.autograd-xor-tmp-{os.getppid()}-0123abcd"     # alive
    other = tmp_path / f".m.json.other-tmp-{dead}-0123abcd"                    # not ours
    for p in (stale, live, other):
        p.write_text("partial")
    write_output(tmp_path / "m.json", b"new")
    assert names(tmp_path) == sorted([live.name, other.name, "m.json"])


def test_the_slow_write_hook_writes_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRAD_XOR_TEST_SLOW_WRITE", "0.001")
    data = bytes(range(256)) * 3
    write_output(tmp_path / "b.bin", data)
    assert (tmp_path / "b.bin").read_bytes() == data


def test_text_to_standard_output_is_utf8_bytes_whatever_the_terminal(capfdbinary):
    import io
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    saved = sys.stdout
    sys.stdout = out
    try:
        write_output("-", "x → y\n", "dot")
        out.flush()
        data = out.buffer.getvalue()
    finally:
        sys.stdout = saved
    assert data == "x → y\n".encode()

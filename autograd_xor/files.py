"""The files the package writes: one table of formats, the format a file name asks for,
and one writer.

Every output file (a drawing, a plot, a saved model) is written by `write_output`, and
`check_output` says beforehand whether it could be (the command line asks it before any
training). What the writer promises:

- **Whole or not at all.** The data goes into a temporary file in the target's folder,
  named `.<target>.autograd-xor-tmp-<pid>-<random>`, which is flushed and fsynced, then
  renamed over the target (and the folder fsynced). A crash or a kill at any moment,
  SIGKILL included, leaves the old file or the new one, never a mix. A temporary file left
  by a killed writer is removed by the next write into that folder (only files of that
  pattern, owned by this user, whose writer process no longer exists).
- **Only regular files are replaced.** A target that is a folder, a device, a named pipe
  (FIFO) or a socket is refused with `OutputTargetError`, and so is a target whose folder
  does not exist or cannot be written to. A symbolic link is written *through*: the file it
  points to is replaced (atomically) and the link stays as it was; a link to nothing creates
  the file it names, as the shell's `>` does.
- **Permissions.** A replaced file keeps its mode (and, where the process may set it, its
  owner and group); a new file gets what `open()` would give (0666 minus the umask).
- `-` means standard output.

Test hook: when the environment variable `AUTOGRAD_XOR_TEST_SLOW_WRITE` is a number of
seconds, the writer writes in 8 pieces and sleeps that long after each, before the rename,
so that the tests can interrupt or kill a write halfway. Nothing else reads it.

Which formats exist, which of them are text, and what each kind of picture needs to be
written in them is the table `FORMATS`:

| format | suffixes    | data  | a graph (`draw_dot`, `draw_network`) | a plot (matplotlib) |
|--------|-------------|-------|--------------------------------------|---------------------|
| svg    | .svg        | text  | Graphviz                             | matplotlib          |
| png    | .png        | bytes | Graphviz                             | matplotlib          |
| pdf    | .pdf        | bytes |                                      | matplotlib          |
| dot    | .dot, .gv   | text  | nothing (plain Python)               |                     |
| json   | .json       | text  |                                      |                     |

    >>> format_of("net.gv", "graph"), format_of("curve.pdf", "plot"), format_of("-", "plot")
    ('dot', 'pdf', 'png')
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import sys
import time
from dataclasses import dataclass, field

__all__ = ["FORMATS", "KINDS", "Format", "OutputTargetError", "check_output", "format_of",
           "formats_for", "suffixes_for", "write_output"]

GRAPHVIZ = "Graphviz"          # the graphviz package (the render extra) and the dot program
MATPLOTLIB = "matplotlib"      # the plot extra


@dataclass(frozen=True)
class Format:
    """One output format: its file-name suffixes (the first is the one to suggest), whether
    its data is text (UTF-8) rather than bytes, and the kinds of picture that can be written
    in it, each with what drawing it needs (`None`: nothing but Python).

        >>> FORMATS["dot"]
        Format(suffixes=('.dot', '.gv'), text=True, kinds={'graph': None})
    """
    suffixes: tuple[str, ...]
    text: bool
    kinds: dict[str, str | None] = field(default_factory=dict)


FORMATS = {
    "svg": Format((".svg",), text=True, kinds={"graph": GRAPHVIZ, "plot": MATPLOTLIB}),
    "png": Format((".png",), text=False, kinds={"graph": GRAPHVIZ, "plot": MATPLOTLIB}),
    "pdf": Format((".pdf",), text=False, kinds={"plot": MATPLOTLIB}),
    "dot": Format((".dot", ".gv"), text=True, kinds={"graph": None}),
    "json": Format((".json",), text=True),
    "html": Format((".html", ".htm"), text=True),
}

# Each kind of picture: the format of a file name without a suffix (and of '-'), and the
# word for its format in messages.
KINDS = {"graph": ("svg", "drawing"), "plot": ("png", "image")}


def formats_for(kind: str) -> tuple[str, ...]:
    """The formats a kind of picture ('graph' or 'plot') can be written in, its default first.

        >>> formats_for("graph"), formats_for("plot")
        (('svg', 'png', 'dot'), ('png', 'svg', 'pdf'))
    """
    default = KINDS[kind][0]
    return (default,) + tuple(name for name, f in FORMATS.items()
                              if kind in f.kinds and name != default)


def suffixes_for(kind: str) -> tuple[str, ...]:
    """The suffix to suggest for each format of `formats_for(kind)`.

        >>> suffixes_for("plot")
        ('.png', '.svg', '.pdf')
    """
    return tuple(FORMATS[f].suffixes[0] for f in formats_for(kind))


def format_of(path: str | os.PathLike[str], kind: str) -> str:
    """The format a picture of `kind` ('graph' or 'plot') gets at `path`, from its suffix:
    the kind's default for '-' and for a name without a suffix; a `ValueError` naming the
    file and the suffixes to use for any other suffix.

        >>> format_of("G.SVG", "graph"), format_of("graph", "graph")
        ('svg', 'svg')
        >>> format_of("net.gif", "graph")
        Traceback (most recent call last):
        ...
        ValueError: cannot tell the drawing format of 'net.gif'; end the file name with one of .svg, .png, .dot
    """
    default, word = KINDS[kind]
    name = "-" if str(path) == "-" else os.fspath(path)
    suffix = "" if name == "-" else os.path.splitext(name)[1].lower()
    if not suffix:
        return default
    for fmt in formats_for(kind):
        if suffix in FORMATS[fmt].suffixes:
            return fmt
    raise ValueError(f"cannot tell the {word} format of {name!r}; end the file name with one "
                     f"of {', '.join(suffixes_for(kind))}")


class OutputTargetError(ValueError):
    """An output path that must not be written: a folder, a device, a named pipe or a socket,
    or a file in a folder that does not exist or cannot be written to. Nothing was written.

        >>> import tempfile
        >>> check_output(tempfile.gettempdir())      # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        autograd_xor.files.OutputTargetError: cannot write '...': it is a folder, not a file; give a file name (e.g. inside it)
    """


_TEMP_TAG = ".autograd-xor-tmp-"
_TEMP_NAME = re.compile(r"\A\..*" + re.escape(_TEMP_TAG) + r"(\d+)-[0-9a-f]{8}\Z", re.DOTALL)
_KINDS = ((stat.S_ISDIR, "a folder, not a file; give a file name (e.g. inside it)"),
          (stat.S_ISCHR, "a device, not a regular file; write to a regular file"),
          (stat.S_ISBLK, "a device, not a regular file; write to a regular file"),
          (stat.S_ISFIFO, "a named pipe (FIFO), not a regular file; write to a regular file "
                          "(or use '-' for standard output)"),
          (stat.S_ISSOCK, "a socket, not a regular file; write to a regular file"))


def _shown(path):
    from ._checks import shorten
    return shorten(os.fspath(path), 200)


def _target(path):
    """The file to replace for `path`: the path itself, or the file a symbolic link points
    to; its `os.stat` (None when absent). Raises OutputTargetError for what must not be
    written."""
    name = os.fspath(path)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if not name:
        raise OutputTargetError("cannot write to an empty file name; give a file name, or '-' "
                                "for standard output")
    real = os.path.realpath(name)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise OutputTargetError(f"cannot write {_shown(name)}: {e.strerror or e} (a symbolic "
                                f"link loop?); give another file name") from None
    if st is not None:
        for test, what in _KINDS:
            if test(st.st_mode):
                raise OutputTargetError(f"cannot write {_shown(name)}: it is {what}")
        if not stat.S_ISREG(st.st_mode):
            raise OutputTargetError(f"cannot write {_shown(name)}: it is not a regular file")
    folder = os.path.dirname(real) or "."
    # name the folder as the user wrote it, unless a symbolic link led elsewhere
    said = (os.path.dirname(name) or ".") if real == os.path.abspath(name) else folder
    if not os.path.isdir(folder):
        raise OutputTargetError(f"cannot write {_shown(name)}: the folder {_shown(said)} "
                                f"does not exist; create it first (mkdir -p) or give another "
                                f"path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputTargetError(f"cannot write {_shown(name)}: the folder {_shown(said)} is "
                                f"not writable (permission denied); choose another folder")
    return real, st


def check_output(path: str | os.PathLike[str]) -> None:
    """Raise `OutputTargetError` now if `write_output(path, ...)` would refuse `path` (see
    the module's notes); '-' (standard output) is always fine. Nothing is written.

        >>> check_output("-")
        >>> check_output("no/such/folder/model.json")
        Traceback (most recent call last):
        ...
        autograd_xor.files.OutputTargetError: cannot write 'no/such/folder/model.json': the folder 'no/such/folder' does not exist; create it first (mkdir -p) or give another path
    """
    if str(path) != "-":
        _target(path)


def write_output(path: str | os.PathLike[str], data: str | bytes, format: str | None = None
                 ) -> None:
    """Write `data` (str or bytes) to `path` whole or not at all, or to standard output when
    `path` is '-'. Text is written as UTF-8. See the module's notes for what is refused
    (`OutputTargetError`), symbolic links, permissions and temporary files; an error while
    writing raises the `OSError` with the target's name and leaves the old file as it was.

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "g.dot")
        >>> write_output(path, "digraph {}\\n", "dot")
        >>> open(path).read(), os.listdir(os.path.dirname(path))
        ('digraph {}\\n', ['g.dot'])
        >>> write_output("-", b"digraph {}\\n", "dot")
        digraph {}
    """
    if str(path) == "-":
        _write_stdout(data, format)
        return
    real, st = _target(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = os.path.dirname(real) or "."
    _remove_stale_temporaries(folder)
    base = os.path.basename(real)[:100]               # temp names stay under NAME_MAX
    tmp = os.path.join(folder, f".{base}{_TEMP_TAG}{os.getpid()}-{secrets.token_hex(4)}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | \
        getattr(os, "O_CLOEXEC", 0)
    # The cleanup below covers the creation too: an interrupt can arrive just after os.open
    # has made the file and before its result is kept. The name is ours alone (pid, random).
    fd: int | None = None
    try:
        fd = os.open(tmp, flags, 0o600)
        if st is not None:                   # keep the owner where we may, then the mode
            try:
                os.fchown(fd, st.st_uid, st.st_gid)
            except OSError:
                pass
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
        else:
            os.fchmod(fd, 0o666 & ~_umask())
        _write_all(fd, data)
        os.fsync(fd)
        done = fd                            # forget it first: never close it twice
        fd = None
        os.close(done)
        os.replace(tmp, real)
    except BaseException as e:               # KeyboardInterrupt too: never leave the temp
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError) and e.filename in (tmp, real, None):
            raise OSError(e.errno, e.strerror, os.fspath(path)) from None
        raise
    _fsync_folder(folder)


def _write_stdout(data, format):
    if format is not None and FORMATS[format].text and isinstance(data, bytes):
        data = data.decode("utf-8")
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:                       # a text-only stream (doctest, StringIO)
        sys.stdout.write(data if isinstance(data, str) else data.decode("utf-8", "replace"))
        return
    sys.stdout.flush()                       # file formats are UTF-8 whatever the terminal
    buffer.write(data.encode("utf-8") if isinstance(data, str) else data)
    buffer.flush()


def _write_all(fd, data):
    delay = _test_delay()
    pieces = 8 if delay else 1
    size = max(1, -(-len(data) // pieces))
    view = memoryview(data)
    for start in range(0, max(len(data), 1), size):
        chunk = view[start:start + size]
        while chunk:
            chunk = chunk[os.write(fd, chunk):]
        if delay:
            time.sleep(delay)


def _test_delay():
    """The test hook's delay in seconds (see the module's notes), else 0."""
    try:
        delay = float(os.environ.get("AUTOGRAD_XOR_TEST_SLOW_WRITE", "") or 0)
    except ValueError:
        return 0.0
    return delay if 0 < delay < 60 else 0.0


def _remove_stale_temporaries(folder):
    """Remove this writer's temporary files in `folder` left by processes that no longer
    exist (killed mid-write): only names of our pattern, regular files owned by this user."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        match = _TEMP_NAME.match(name)
        if not match or _alive(int(match.group(1))):
            continue
        full = os.path.join(folder, name)
        try:
            st = os.lstat(full)
            if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid():
                os.unlink(full)
        except OSError:
            pass


def _alive(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError, OSError):
        return True                          # someone else's process, or cannot tell: keep
    return True


def _fsync_folder(folder):
    """Make the rename itself durable; not every system can open a folder, which is fine."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask():
    """The process's umask, read without changing it where the system says it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask

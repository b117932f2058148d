"""The files the package writes: one table of formats, the format a file name asks for,
and one writer.

Every output file (a drawing, a plot, a saved model) is written by `write_output`: into a
temporary file in the same folder, then renamed over the target, so a failure never leaves
a partial file; `-` means standard output. Which formats exist, which of them are text, and
what each kind of picture needs to be written in them is the table `FORMATS`:

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

import os
import sys
import tempfile
from dataclasses import dataclass, field

__all__ = ["Format", "FORMATS", "KINDS", "formats_for", "suffixes_for", "format_of",
           "write_output"]

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
    suffixes: tuple
    text: bool
    kinds: dict = field(default_factory=dict)


FORMATS = {
    "svg": Format((".svg",), text=True, kinds={"graph": GRAPHVIZ, "plot": MATPLOTLIB}),
    "png": Format((".png",), text=False, kinds={"graph": GRAPHVIZ, "plot": MATPLOTLIB}),
    "pdf": Format((".pdf",), text=False, kinds={"plot": MATPLOTLIB}),
    "dot": Format((".dot", ".gv"), text=True, kinds={"graph": None}),
    "json": Format((".json",), text=True),
}

# Each kind of picture: the format of a file name without a suffix (and of '-'), and the
# word for its format in messages.
KINDS = {"graph": ("svg", "drawing"), "plot": ("png", "image")}


def formats_for(kind):
    """The formats a kind of picture ('graph' or 'plot') can be written in, its default first.

        >>> formats_for("graph"), formats_for("plot")
        (('svg', 'png', 'dot'), ('png', 'svg', 'pdf'))
    """
    default = KINDS[kind][0]
    return (default,) + tuple(name for name, f in FORMATS.items()
                              if kind in f.kinds and name != default)


def suffixes_for(kind):
    """The suffix to suggest for each format of `formats_for(kind)`.

        >>> suffixes_for("plot")
        ('.png', '.svg', '.pdf')
    """
    return tuple(FORMATS[f].suffixes[0] for f in formats_for(kind))


def format_of(path, kind):
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


def write_output(path, data, format=None):
    """Write `data` (str or bytes) to `path` atomically, or to standard output when `path`
    is '-'. A file gets the data whole or not at all, with the permissions `open()` would
    give; text is written as UTF-8. With `format` (a name in `FORMATS`), the bytes of a text
    format go to standard output as text.

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "g.dot")
        >>> write_output(path, "digraph {}\\n", "dot")
        >>> open(path).read(), os.listdir(os.path.dirname(path))
        ('digraph {}\\n', ['g.dot'])
        >>> write_output("-", b"digraph {}\\n", "dot")
        digraph {}
    """
    if format is not None and FORMATS[format].text and isinstance(data, bytes):
        data = data.decode("utf-8")
    if str(path) == "-":
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
        return
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    except OSError as e:                     # report the file asked for, not the temp file
        raise OSError(e.errno, e.strerror, path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())      # mkstemp makes 0600; give what open() would
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask

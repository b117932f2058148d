"""The `autograd-xor` command (also `python -m autograd_xor`).

    autograd-xor train         train a classifier (XOR by default)             cli/train.py
    autograd-xor walkthrough   print a worked example, number by number      cli/walkthrough.py
    autograd-xor graph         draw a worked example's graph                  cli/graph.py
    autograd-xor explore       write a page that steps through a graph        cli/explore.py
    autograd-xor --version     the installed version

Each command is one module with `add_parser(sub)` and `run(args)`, registered by one line
in `build_parser()`; what they share (the one-line errors, the parser, number types,
output any terminal can show) is in `cli/_common.py`.

Exit statuses: 0 success; 1 a run that failed (the network did not learn, training
diverged, or an I/O error while writing a file); 2 bad usage, a bad argument, a bad input
file or a refused output target (one line on standard error, before any training); 130
interrupted (Ctrl-C). Output piped into a reader that stops early (`| head -1`) ends the
command quietly.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from ..files import OutputTargetError
from . import explore, graph, train, walkthrough
from ._common import (
    FAILED,
    INTERRUPTED,
    OK,
    USAGE,
    CLIError,
    Parser,
    bounded,
    setup_streams,
    shorten,
)

__all__ = ["build_parser", "main", "version"]


def version() -> str:
    """The installed package's version, from its metadata (`importlib.metadata`).

        >>> version().count(".") >= 1
        True
    """
    from importlib import metadata
    try:
        return metadata.version("autograd_xor")
    except metadata.PackageNotFoundError:        # run from a source tree, not installed
        from .. import __version__
        return __version__


def build_parser() -> Parser:
    """The command's argument parser, one subcommand per module.

        >>> build_parser().parse_args(["graph", "gf", "--out", "gf.svg"]).view
        'ops'
    """
    parser = Parser(
        prog="autograd-xor",
        description="A scalar autodiff engine for learning backpropagation: train "
                    "classifiers (XOR, moons, circles, spirals), walk through worked "
                    "examples, draw computation graphs.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    train.add_parser(sub)
    walkthrough.add_parser(sub)
    graph.add_parser(sub)
    explore.add_parser(sub)
    return parser


def _say(message):
    print(f"autograd-xor: {bounded(message)}", file=sys.stderr)


def _quiet_stdout():
    """The reader of standard output has gone: send what is left (and the final flush at
    exit) nowhere, so that Python does not complain about it."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command on `argv` (default: `sys.argv[1:]`) and return its exit status: a
    user error is one line on standard error and status 2, a failed run status 1, Ctrl-C
    status 130.

        >>> main(["walkthrough", "nope"])       # prints the error to standard error
        2
    """
    setup_streams()
    try:
        args = build_parser().parse_args(argv)
        status = args.run(args)
        sys.stdout.flush()
        return status
    except CLIError as e:
        train.end_progress_line()
        _say(f"error: {e}")
        return e.status
    except OutputTargetError as e:           # a target that changed since it was checked
        train.end_progress_line()
        _say(f"error: {e}")
        return USAGE
    except KeyboardInterrupt:
        train.end_progress_line()
        _say("interrupted")
        return INTERRUPTED
    except BrokenPipeError:                  # the reader stopped early (`| head`): not an error
        _quiet_stdout()
        return OK
    except OSError as e:                     # writing an output file failed
        train.end_progress_line()
        where = f" {shorten(e.filename, 200)}" if e.filename else ""
        _say(f"error: cannot write{where}: {e.strerror or e}; any file that was there is "
             f"unchanged")
        return FAILED
    except MemoryError:
        train.end_progress_line()
        _say("error: out of memory; try a smaller network (--hidden) or fewer points")
        return FAILED

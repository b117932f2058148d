"""The `autograd-xor` command (also `python -m autograd_xor`).

    autograd-xor train         learn XOR and show the truth table             cli/train.py
    autograd-xor walkthrough   print a worked example, number by number      cli/walkthrough.py
    autograd-xor graph         draw a worked example's graph                  cli/graph.py
    autograd-xor explore       write a page that steps through a graph        cli/explore.py

Each command is one module with `add_parser(sub)` and `run(args)`, registered by one line
in `build_parser()`; what they share (the one-line `CLIError`, the parser, number types)
is in `cli/_common.py`. Errors in the command line or in files print one line and exit with
status 2.
"""

import sys

from . import explore, graph, train, walkthrough
from ._common import CLIError, Parser

__all__ = ["main", "build_parser"]


def build_parser():
    """The command's argument parser, one subcommand per module.

        >>> build_parser().parse_args(["graph", "gf", "--out", "gf.svg"]).view
        'ops'
    """
    parser = Parser(
        prog="autograd-xor",
        description="A scalar autodiff engine for learning backpropagation: train XOR, "
                    "walk through worked examples, draw computation graphs.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    train.add_parser(sub)
    walkthrough.add_parser(sub)
    graph.add_parser(sub)
    explore.add_parser(sub)
    return parser


def main(argv=None):
    """Run the command on `argv` (default: `sys.argv[1:]`) and return its exit status; a
    user error is one line on standard error and status 2.

        >>> main(["walkthrough", "nope"])       # prints the error to standard error
        2
    """
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except CLIError as e:
        print(f"autograd-xor: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:                  # the reader stopped early (`| head`): not an error
        return 0
    except OSError as e:
        where = f" {e.filename!r}" if e.filename else ""
        print(f"autograd-xor: error: cannot write{where}: {e.strerror or e}", file=sys.stderr)
        return 2

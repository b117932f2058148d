"""`autograd-xor graph`: draw a walkthrough's graph to a file (or stdout).

    autograd-xor graph NAME --out FILE [--view ops|network] [--format svg|png|dot]

`--view ops` (the default) draws the walkthrough's computation graph after one backward
pass, every node with its label, value and gradient; `--view network` draws its network
with each weight edge coloured by the sign of its adjustment. Without `--format`, the format
comes from the file's suffix (`autograd_xor.files`: .svg, .png, .dot or .gv; SVG when there
is none). `--out -` writes to stdout; a file is written whole or not at all, and a folder,
device, pipe or socket is refused (`autograd_xor.files`). DOT text needs no Graphviz; SVG
and PNG need the `dot` program, and without it the command says how to install it and
writes nothing.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..files import (
    OutputTargetError,
    check_output,
    format_of,
    formats_for,
    suffixes_for,
    write_output,
)
from ..render import DotNotFoundError, render
from ._common import CLIError, Parser, find_walkthrough, one_of, user_errors

if TYPE_CHECKING:
    from ..engine import Value
    from ..nn import Module


def add_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    """Register `graph` on the command's subparsers."""
    p = sub.add_parser("graph", help="draw a worked example's graph as SVG, PNG or DOT",
                       description="Draw a worked example after one backward pass: its "
                                   "computation graph (values, gradients, ops) or its "
                                   "network (weights coloured by the sign of -grad).")
    p.add_argument("name", metavar="NAME", help="the worked example, e.g. gf")
    p.add_argument("--out", metavar="FILE", required=True, help="where to write ('-' for "
                   "standard output)")
    p.add_argument("--view", choices=("ops", "network"), default="ops",
                   help="ops: the computation graph (default); network: neurons and weights")
    p.add_argument("--format", choices=formats_for("graph"), default=None,
                   help=f"{one_of(formats_for('graph'))} (default: from the --out suffix, "
                        f"else {formats_for('graph')[0]})")
    p.set_defaults(run=run)


def _format(args):
    if args.format:
        return args.format
    try:
        return format_of(args.out, "graph")
    except ValueError:
        raise CLIError(f"graph: cannot tell the format of {args.out!r} from its suffix; name it "
                       f"{one_of(suffixes_for('graph'))}, or give --format "
                       f"{'|'.join(formats_for('graph'))}") from None


def run(args: argparse.Namespace) -> int:
    fmt = _format(args)
    walkthrough = find_walkthrough(args.name, "graph")
    with user_errors(OutputTargetError, prefix="graph: --out: "):
        check_output(args.out)
    drawn: Value | Module | None
    if args.view == "network":
        drawn = walkthrough.network()
        if drawn is None:
            raise CLIError(f"graph: the example {args.name!r} has no network to draw; "
                           f"use --view ops")
    else:
        drawn = walkthrough.graph()
    with user_errors(DotNotFoundError, ImportError):
        data = render(drawn, fmt)
    with user_errors(OutputTargetError, prefix="graph: --out: "):
        write_output(args.out, data, fmt)
    return 0

"""`autograd-xor explore`: write the interactive explorer of a graph as one HTML file.

    autograd-xor explore NAME --out FILE.html [--practice]
    autograd-xor explore --model FILE --input 0,1 [--target 1] --out FILE.html [--practice]

NAME is a walkthrough (e.g. gf): the page explores its graph after one backward pass.
`--model` takes a model file written by `autograd-xor train --save` and explores its output
on one input (`--input`), or with `--target` the loss (binary cross-entropy after a sigmoid
output, half the squared error otherwise). The page is self-contained and offline (see
`autograd_xor.explorer`); `--out -` writes it to standard output. Graphs of more than
`MAX_NODES` nodes are refused before any layout, and the layout needs the Graphviz `dot`
program: without it the command says how to install it and writes nothing.
"""

from __future__ import annotations

import argparse
import math
import os

from ..explorer import MAX_NODES, GraphTooLargeError, explore, explore_model
from ..files import write_output
from ..nn import MLP
from ..render import DotNotFoundError
from ._common import (
    CLIError,
    Parser,
    find_walkthrough,
    load_model_file,
    shorten,
    user_errors,
)


def add_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    """Register `explore` on the command's subparsers."""
    p = sub.add_parser(
        "explore", help="write an interactive page that steps through a graph's passes",
        description="Write one self-contained HTML page (no server, no network) in which to "
                    "step through the forward and backward passes of a walkthrough's graph, "
                    "or of a saved model on one input, see each node's chain-rule "
                    "derivation and practise the gradients. Graphs of more than "
                    f"{MAX_NODES:,} nodes are refused.")
    p.add_argument("name", nargs="?", metavar="NAME",
                   help="the walkthrough whose graph to explore, e.g. gf")
    p.add_argument("--model", metavar="FILE",
                   help="a model file written by 'autograd-xor train --save' (instead of NAME)")
    p.add_argument("--input", metavar="X1,X2,...",
                   help="with --model: the input, numbers separated by commas, e.g. 0,1")
    p.add_argument("--target", metavar="T", help="with --model: the target, to explore the "
                   "loss rather than the output")
    p.add_argument("--out", metavar="FILE.html", required=True,
                   help="where to write the page ('-' for standard output)")
    p.add_argument("--practice", action="store_true",
                   help="open the page in practice mode: type each gradient before it shows")
    p.set_defaults(run=run)


def _number(text, option, example):
    try:
        x = float(text)
    except ValueError:
        x = math.nan
    if not math.isfinite(x):
        raise CLIError(f"explore: {option} takes finite numbers, got {text.strip()!r}; "
                       f"e.g. {option} {example}")
    return x


def _explorer(args):
    if args.name is not None and args.model is not None:
        raise CLIError("explore: give a walkthrough NAME or --model FILE, not both")
    if args.model is None:
        for option, value in (("--input", args.input), ("--target", args.target)):
            if value is not None:
                raise CLIError(f"explore: {option} goes with --model FILE; a walkthrough's "
                               f"graph has its own inputs")
        if args.name is None:
            raise CLIError("explore: name a walkthrough (e.g. 'autograd-xor explore gf --out "
                           "gf.html') or give --model FILE --input X1,X2")
        walkthrough = find_walkthrough(args.name, "explore")
        return explore(walkthrough.graph(), title=walkthrough.title, practice=args.practice)
    if args.input is None:
        raise CLIError("explore: --model needs --input, the numbers to feed it separated by "
                       "commas, e.g. --input 0,1")
    inputs = [_number(x, "--input", "0,1") for x in args.input.split(",")]
    target = None if args.target is None else _number(args.target, "--target", "1")
    model = load_model_file(args.model, "explore --model")
    if not isinstance(model, MLP):          # a Neuron or a Layer saved on its own
        raise CLIError(f"explore: --model {shorten(args.model, 200)} holds a "
                       f"{type(model).__name__}, not a network (MLP); explore a model saved by "
                       f"'autograd-xor train --save'")
    with user_errors(ValueError, TypeError, prefix="explore: "):
        return explore_model(model, inputs, target, practice=args.practice)


def run(args: argparse.Namespace) -> int:
    if args.out != "-" and os.path.splitext(args.out)[1].lower() not in (".html", ".htm"):
        raise CLIError(f"explore writes an HTML page: name the file {args.out!r} "
                       f"with .html, e.g. --out {os.path.splitext(args.out)[0] or 'graph'}.html")
    with user_errors(GraphTooLargeError, DotNotFoundError):
        explorer = _explorer(args)
        if args.out == "-":
            write_output("-", explorer.html())
        else:
            explorer.save(args.out)
    return 0

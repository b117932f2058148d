"""`autograd-xor graph`: draw a worked example's graph to a file (or stdout).

    autograd-xor graph NAME --out FILE [--view ops|network] [--format svg|png|dot]

`--view ops` (the default) draws the example's computation graph after one backward pass,
every node with its label, value and gradient; `--view network` draws the example's network
with each weight edge coloured by the sign of its adjustment. Without `--format`, the format
comes from the file's suffix (.svg, .png, .dot or .gv; SVG when there is none). `--out -`
writes to stdout.
DOT text needs no Graphviz; SVG and PNG need the `dot` program, and without it the command
says how to install it and writes nothing.
"""

from .files import FORMATS, format_of, formats_for, write_output
from .render import DotNotFoundError


def add_graph_parser(sub):
    """Register the `graph` subcommand on `build_parser()`'s subparsers."""
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
                   help="svg, png or dot (default: from the --out suffix, else svg)")
    p.set_defaults(run=run_graph)


def _example(name):
    from .cli import CLIError
    try:
        from . import walkthroughs
    except ImportError:
        raise CLIError("the walkthroughs (autograd_xor.walkthroughs) are not available in "
                       "this installation") from None
    try:
        return walkthroughs.get(name)
    except (KeyError, ValueError, LookupError) as e:
        msg = e.args[0] if e.args else str(e)
        raise CLIError(f"graph: {msg}") from None


def _format(args):
    from .cli import CLIError
    if args.format:
        return args.format
    try:
        return format_of(args.out, "graph")
    except ValueError:
        formats = formats_for("graph")
        suffixes = [FORMATS[f].suffixes[0] for f in formats]
        raise CLIError(f"graph: cannot tell the format of {args.out!r} from its suffix; name it "
                       f"{', '.join(suffixes[:-1])} or {suffixes[-1]}, or give --format "
                       f"{'|'.join(formats)}") from None


def run_graph(args):
    from .cli import CLIError
    from . import render
    fmt = _format(args)
    example = _example(args.name)
    if args.view == "network":
        drawn = example.network()
        if drawn is None:
            raise CLIError(f"graph: the example {args.name!r} has no network to draw; "
                           f"use --view ops")
    else:
        drawn = example.graph()
    try:
        data = render.render(drawn, fmt)
    except (DotNotFoundError, ImportError) as e:
        raise CLIError(str(e)) from None
    write_output(args.out, data, fmt)
    return 0

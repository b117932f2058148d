"""`autograd-xor walkthrough NAME [--json] [--steps N] [--epochs N] [--seed N]` and
`autograd-xor walkthrough --list`: print a seed's worked example like the book's tables.

`add_walkthrough_parser(sub)` registers the subcommand on the main parser's subparsers.
"""

import json

from .._args import whole_number

__all__ = ["add_walkthrough_parser"]

# The options a walkthrough may take; each example says which of them it understands.
_OPTIONS = ("steps", "epochs", "seed")


def add_walkthrough_parser(sub):
    from . import EXAMPLES
    listing = "; ".join(f"{ex.name}: {ex.title}" for ex in EXAMPLES.values())
    p = sub.add_parser(
        "walkthrough", help="reproduce a seed's worked example, number by number",
        description="Reproduce one of the seed documents' worked examples with the engine and "
                    "print it like the book's tables (full precision beside the book's "
                    f"rounding). Examples: {listing}.")
    p.add_argument("name", nargs="?", metavar="NAME",
                   help=f"the example: {', '.join(EXAMPLES)}")
    p.add_argument("--list", action="store_true", help="list the examples and exit")
    p.add_argument("--json", action="store_true",
                   help="print every figure as JSON (full precision)")
    def takers(opt):
        return ", ".join(n for n, ex in EXAMPLES.items() if opt in ex.options)
    p.add_argument("--steps", type=whole_number(1), metavar="N",
                   help=f"iterations to show ({takers('steps')})")
    p.add_argument("--epochs", type=whole_number(1), metavar="N",
                   help=f"training epochs ({takers('epochs')})")
    p.add_argument("--seed", type=int, metavar="N",
                   help=f"random seed for the initial weights ({takers('seed')})")
    p.set_defaults(run=_run_walkthrough)
    return p


def _run_walkthrough(args):
    from ..cli import CLIError             # here, not at the top: cli.py imports this module
    from . import EXAMPLES, get
    if args.list:
        if args.json:
            print(json.dumps([{"name": ex.name, "title": ex.title, "seed": ex.seed,
                               "options": ex.options} for ex in EXAMPLES.values()], indent=2))
        else:
            width = max(len(n) for n in EXAMPLES)
            for ex in EXAMPLES.values():
                print(f"{ex.name.ljust(width)}  {ex.title} (seed {ex.seed})")
        return 0
    if args.name is None:
        raise CLIError(f"walkthrough: name an example ({', '.join(EXAMPLES)}) or use --list")
    try:
        ex = get(args.name)
    except KeyError as e:
        raise CLIError(f"walkthrough: {e.args[0]}") from None
    options = {}
    for opt in _OPTIONS:
        value = getattr(args, opt)
        if value is None:
            continue
        if opt not in ex.options:
            takers = [n for n, x in EXAMPLES.items() if opt in x.options]
            raise CLIError(f"walkthrough {ex.name} takes no --{opt}; --{opt} is for: "
                           f"{', '.join(takers) or 'none'}")
        options[opt] = value
    try:
        result = ex.run(**options)
    except ValueError as e:
        raise CLIError(str(e)) from None
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(ex.render(result))
    return 0

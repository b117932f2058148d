"""`autograd-xor walkthrough NAME [--json] [--steps N] [--epochs N] [--seed N]` and
`autograd-xor walkthrough --list`: print a worked example like the book's tables.
"""

from ..walkthroughs import EXAMPLES
from ._common import CLIError, find_walkthrough, print_json, user_errors, whole_number

# The options a walkthrough may take; each walkthrough says which of them it understands.
_OPTIONS = ("steps", "epochs", "seed")


def _takers(option):
    """The walkthroughs that take `option`, as text."""
    return ", ".join(n for n, ex in EXAMPLES.items() if option in ex.options) or "none"


def add_parser(sub):
    """Register `walkthrough` on the command's subparsers."""
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
    p.add_argument("--steps", type=whole_number(1), metavar="N",
                   help=f"iterations to show ({_takers('steps')})")
    p.add_argument("--epochs", type=whole_number(1), metavar="N",
                   help=f"training epochs ({_takers('epochs')})")
    p.add_argument("--seed", type=int, metavar="N",
                   help=f"random seed for the initial weights ({_takers('seed')})")
    p.set_defaults(run=run)


def run(args):
    if args.list:
        if args.json:
            print_json([{"name": ex.name, "title": ex.title, "seed": ex.seed,
                         "options": ex.options} for ex in EXAMPLES.values()])
        else:
            width = max(len(n) for n in EXAMPLES)
            for ex in EXAMPLES.values():
                print(f"{ex.name.ljust(width)}  {ex.title} (seed {ex.seed})")
        return 0
    if args.name is None:
        raise CLIError(f"walkthrough: name an example ({', '.join(EXAMPLES)}) or use --list")
    ex = find_walkthrough(args.name, "walkthrough")
    options = {}
    for opt in _OPTIONS:
        value = getattr(args, opt)
        if value is None:
            continue
        if opt not in ex.options:
            raise CLIError(f"walkthrough {ex.name} takes no --{opt}; --{opt} is for: "
                           f"{_takers(opt)}")
        options[opt] = value
    with user_errors(ValueError):
        result = ex.run(**options)
    if args.json:
        print_json(result)
    else:
        print(ex.render(result))
    return 0

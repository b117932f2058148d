"""`autograd-xor walkthrough NAME [--json] [--steps N] [--epochs N] [--seed N]` and
`autograd-xor walkthrough --list`: print a worked example like its source's tables.
"""

from __future__ import annotations

import argparse

from ..walkthroughs import OPTIONS, WALKTHROUGHS, table
from ._common import (
    CLIError,
    Parser,
    find_walkthrough,
    print_json,
    user_errors,
    whole_number,
)

# The most each option may ask for on the command line (the library has no upper limit):
# enough for any table worth printing, few enough to finish within seconds (100,000 epochs
# of the 2-3-1 XOR network take about ten).
MAXIMUM = {"steps": 10_000, "epochs": 100_000, "seed": 2 ** 63 - 1}


def _takers(option):
    """The walkthroughs that take `option`, as text."""
    return ", ".join(n for n, ex in WALKTHROUGHS.items() if option in ex.options) or "none"


def add_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    """Register `walkthrough` on the command's subparsers."""
    listing = "; ".join(f"{ex.name}: {ex.subject}" for ex in WALKTHROUGHS.values())
    p = sub.add_parser(
        "walkthrough", help="reproduce a worked example of backpropagation, number by number",
        description="Reproduce a worked example from a textbook, tutorial or article with the "
                    "engine and print it like the source's tables (full precision beside the "
                    f"printed rounding). Examples: {listing}.")
    p.add_argument("name", nargs="?", metavar="NAME",
                   help=f"the example: {', '.join(WALKTHROUGHS)}")
    p.add_argument("--list", action="store_true", help="list the examples and exit")
    p.add_argument("--json", action="store_true",
                   help="print every figure as JSON (full precision)")
    for option, (minimum, meaning) in OPTIONS.items():
        most = MAXIMUM[option]
        least = -most if minimum is None else minimum
        p.add_argument(f"--{option}", type=whole_number(least, most), metavar="N",
                       help=f"{meaning}, {least:,} to {most:,} ({_takers(option)})")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.list:
        if args.json:
            print_json([{"name": ex.name, "subject": ex.subject, "title": ex.title,
                         "source": ex.source, "source_file": ex.source_file,
                         "options": ex.options} for ex in WALKTHROUGHS.values()])
        else:
            print(table(None, [[ex.name, f"{ex.subject}: {ex.title}"]
                               for ex in WALKTHROUGHS.values()], indent=""))
        return 0
    if args.name is None:
        raise CLIError(f"walkthrough: name an example ({', '.join(WALKTHROUGHS)}) or use --list")
    ex = find_walkthrough(args.name, "walkthrough")
    options = {}
    for option in OPTIONS:
        value = getattr(args, option)
        if value is None:
            continue
        if option not in ex.options:
            raise CLIError(f"walkthrough {ex.name} takes no --{option}; --{option} is for: "
                           f"{_takers(option)}")
        options[option] = value
    with user_errors(ValueError):
        result = ex.run(**options)
    if args.json:
        print_json(result)
    else:
        print(ex.render(result))
    return 0

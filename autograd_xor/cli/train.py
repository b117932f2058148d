"""`autograd-xor train`: learn XOR and show the truth table.

    autograd-xor train [--seed N] [--epochs N] [--lr X] [--hidden N] [--json]
                       [--save FILE] [--load FILE] [--plot FILE.png] [--graph FILE.svg]

Exits with status 1 when the network did not learn XOR, with status 2 on a user error.
"""

import sys

from ..files import suffixes_for
from ..nn import load_model
from ..xor import XOR_INPUTS, XOR_TARGETS, train_xor
from ._common import CLIError, one_of, positive_number, print_json, user_errors, whole_number


def add_parser(sub):
    """Register `train` on the command's subparsers."""
    p = sub.add_parser("train", help="learn XOR and show the truth table",
                       description="Train a 2-H-1 network (tanh hidden layer, sigmoid output) "
                                   "on XOR with full-batch SGD and binary cross-entropy.")
    p.add_argument("--seed", type=int, default=0, help="random seed for the initial weights "
                   "(default 0)")
    p.add_argument("--epochs", type=whole_number(0), default=1000,
                   help="full-batch updates (default 1000)")
    p.add_argument("--lr", type=positive_number, default=0.5, help="learning rate (default 0.5)")
    p.add_argument("--hidden", type=whole_number(1), default=None,
                   help="hidden units (default 4, or the loaded model's)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--save", metavar="FILE", help="write the trained model as JSON")
    p.add_argument("--load", metavar="FILE", help="start from a model saved with --save")
    p.add_argument("--plot", metavar="FILE.png", help="draw the loss curve and the learned "
                   f"decision boundary ({one_of(suffixes_for('plot'))}; needs the plot extra)")
    p.add_argument("--graph", metavar="FILE.svg", help="draw the trained network, weights "
                   f"coloured by sign ({one_of(suffixes_for('graph'))}; needs the render extra "
                   "and Graphviz)")
    p.set_defaults(run=run)


class _ProgressBar:
    """A one-line progress bar on a terminal; silent otherwise."""

    def __init__(self, total, stream):
        self.total, self.stream = total, stream
        self.every = max(1, total // 100)

    def __call__(self, epoch, loss):
        if epoch % self.every and epoch != self.total:
            return
        width = 30
        done = width * epoch // self.total
        self.stream.write(f"\r[{'#' * done}{'.' * (width - done)}] epoch {epoch}/{self.total}"
                          f"  loss {loss:.6f}")    # as the final loss is printed
        if epoch == self.total:
            self.stream.write("\n")
        self.stream.flush()


def _check_pictures(args):
    """Fail before training when --plot or --graph could not be written."""
    from .. import plotting
    for option, path, check in (("--plot", args.plot, plotting.check_plot_path),
                                ("--graph", args.graph, plotting.check_graph_path)):
        if path == "-":
            raise CLIError(f"{option} writes an image: give a file name, not '-'")
        if path:
            with user_errors(ImportError, ValueError, RuntimeError, prefix=f"{option}: "):
                check(path)


def _load(path):
    """The model saved at `path`, or a CLIError saying why it cannot be read."""
    try:
        return load_model(path)
    except OSError as e:
        raise CLIError(f"cannot read model file {path!r}: {e.strerror}") from None
    except ValueError as e:
        raise CLIError(str(e)) from None


def run(args):
    _check_pictures(args)
    model = None
    if args.load:
        model = _load(args.load)
        shape = [len(layer.neurons) for layer in model.layers]
        if len(model.layers[0].neurons[0].w) != 2 or len(shape) != 2 or shape[1] != 1:
            raise CLIError(f"{args.load!r} is not a 2-H-1 XOR network (layer sizes {shape})")
        if args.hidden is not None and args.hidden != shape[0]:
            raise CLIError(f"--hidden {args.hidden} does not match the loaded model's "
                           f"{shape[0]} hidden units; leave --hidden out with --load")
    hidden = args.hidden or (len(model.layers[0].neurons) if model else 4)
    show = not args.json
    if show:
        print(f"Training a 2-{hidden}-1 network (tanh hidden layer, sigmoid output) on XOR: "
              f"{args.epochs} epochs, lr {args.lr}, seed {args.seed}"
              + (f", starting from {args.load}" if args.load else ""))
    bar = _ProgressBar(args.epochs, sys.stderr) if show and sys.stderr.isatty() else None
    result = train_xor(hidden=hidden, epochs=args.epochs, lr=args.lr, seed=args.seed,
                       model=model, callback=bar)
    if args.save:
        result.model.save(args.save)
    if args.plot or args.graph:
        from ..plotting import plot_training, write_network
        if args.plot:
            plot_training(result, args.plot)
        if args.graph:
            write_network(result.model, args.graph)
    if args.json:
        print_json({
            "learned": result.learned, "epochs": result.epochs, "lr": result.lr,
            "seed": result.seed, "hidden": hidden, "loss": result.loss,
            "inputs": XOR_INPUTS, "targets": XOR_TARGETS, "predictions": result.predictions,
        })
    else:
        print()
        print(" x1  x2 | target | output")
        print("--------+--------+-------")
        for (x1, x2), t, p in zip(XOR_INPUTS, XOR_TARGETS, result.predictions):
            print(f"  {x1:.0f}   {x2:.0f} |   {t:.0f}    | {p:.4f}")
        print(f"\nfinal loss (mean binary cross-entropy): {result.loss:.6f}")
        if args.save:
            print(f"model saved to {args.save}")
        for what, path in (("plot", args.plot), ("network figure", args.graph)):
            if path:
                print(f"{what} saved to {path}")
    if not result.learned:
        wrong = [f"{x} -> {p:.3f} (want {t:.0f})"
                 for x, t, p in zip(XOR_INPUTS, XOR_TARGETS, result.predictions)
                 if abs(p - t) >= 0.5]
        print(f"autograd-xor: the network did not learn XOR: {'; '.join(wrong)}. "
              f"Try more --epochs, another --seed or more --hidden units.", file=sys.stderr)
        return 1
    if show:
        print("learned XOR: every output is within 0.5 of its target")
    return 0

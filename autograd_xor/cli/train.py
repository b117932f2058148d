"""`autograd-xor train`: train a classifier and show how well it does.

    autograd-xor train [--seed N] [--epochs N] [--lr X] [--hidden N] [--json]
                       [--save FILE] [--load FILE] [--plot FILE.png] [--graph FILE.svg]
    autograd-xor train --data {xor,moons,circles,spiral} [--hidden 16,16] [--activation A]
                       [--loss bce|hinge|cross-entropy] [--optimizer adam|sgd] [--lr X]
                       [--batch-size N] [--epochs N] [--points N] [--classes N] [--seed N]
                       [--json] [--save FILE] [--load FILE] [--plot FILE] [--graph FILE]

Without --data, the classic job: a 2-H-1 network (tanh, sigmoid) learns XOR with full-batch
SGD and prints the truth table (`autograd_xor.xor`; its output is pinned by the docs). With
--data, `autograd_xor.classify` trains a binary or multi-class classifier and reports its
training and held-out accuracy.

Everything that can be checked is checked before training (options, their limits, the
model file, the output targets), so a mistake costs nothing. Exits with status 1 when the
network did not learn (or training diverged), 2 on a user error, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from typing import TextIO

from ..classify import (
    DATASETS,
    DEFAULTS,
    HELD_OUT,
    LEARNED,
    OPTIMIZERS,
    Diverged,
    fit_loss,
    make_classifier,
    train_classifier,
)
from ..files import OutputTargetError, check_output, suffixes_for
from ..nn import MAX_PARAMETERS, MLP
from ..xor import XOR_INPUTS, XOR_TARGETS, train_xor
from ._common import (
    CLIError,
    Parser,
    RunFailed,
    load_model_file,
    one_of,
    positive_up_to,
    print_json,
    shorten,
    sizes,
    user_errors,
    whole_number,
)

# The limits of the numbers, checked before anything is allocated (docs/command-line.md).
MAX_EPOCHS = 1_000_000
MAX_UNITS = 1024              # units in one hidden layer
MAX_LAYERS = 8                # hidden layers
MAX_LR = 1000.0
MAX_BATCH = 100_000
MIN_POINTS, MAX_POINTS = 10, 10_000
MIN_CLASSES, MAX_CLASSES = 2, 7
MAX_SEED = 2 ** 63 - 1

# --loss as a user types it -> the loss's name in the library and in model files
LOSSES = {"bce": "binary_cross_entropy", "hinge": "hinge", "cross-entropy": "cross_entropy"}
_LOSS_WORDS = {"binary_cross_entropy": "binary cross-entropy", "hinge": "hinge loss",
               "cross_entropy": "cross-entropy"}
_OPTIMIZER_WORDS = {"adam": "Adam", "sgd": "SGD"}
_DATA_ONLY = ("activation", "loss", "optimizer", "batch_size", "points", "classes")


def add_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    """Register `train` on the command's subparsers."""
    p = sub.add_parser(
        "train", help="train a classifier: XOR by default, or moons, circles, spiral",
        description="Without --data: train a 2-H-1 network (tanh hidden layer, sigmoid "
                    "output) on XOR with full-batch SGD and binary cross-entropy, and print "
                    "the truth table. With --data: train a classifier on a 2-D data set "
                    "(binary: sigmoid and binary cross-entropy, or hinge; multi-class: "
                    "cross-entropy) with Adam or SGD, and report training and held-out "
                    "accuracy. Exit status: 0 learned, 1 did not learn, 2 bad usage or "
                    "input, 130 interrupted.")
    p.add_argument("--data", choices=list(DATASETS), default=None,
                   help="the data set: " + "; ".join(f"{n}: {d.about}"
                                                     for n, d in DATASETS.items()))
    p.add_argument("--seed", type=whole_number(-MAX_SEED, MAX_SEED), default=0,
                   help="random seed for the initial weights and the data (default 0)")
    p.add_argument("--epochs", type=whole_number(0, MAX_EPOCHS), default=None,
                   help=f"passes over the training points, 0 to {MAX_EPOCHS:,} (default 1000 "
                        f"for XOR, {DEFAULTS['epochs']} with --data)")
    p.add_argument("--lr", type=positive_up_to(MAX_LR), default=None,
                   help="learning rate (default 0.5 for XOR; with --data 0.01 for adam, 0.1 "
                        "for sgd)")
    p.add_argument("--hidden", type=sizes(MAX_UNITS, MAX_LAYERS), default=None,
                   metavar="N[,N...]",
                   help=f"hidden units, one number per layer, at most {MAX_UNITS} each and "
                        f"{MAX_LAYERS} layers (default 4 for XOR, "
                        f"{','.join(map(str, DEFAULTS['hidden']))} with --data; with --load, "
                        f"the model's)")
    p.add_argument("--activation", choices=("tanh", "relu", "sigmoid"), default=None,
                   help=f"the hidden units' activation, with --data (default "
                        f"{DEFAULTS['activation']})")
    p.add_argument("--loss", choices=list(LOSSES), default=None,
                   help="with --data: bce (sigmoid output) or hinge (max-margin) for two "
                        "classes, cross-entropy (one logit per class; the default for more)")
    p.add_argument("--optimizer", choices=list(OPTIMIZERS), default=None,
                   help=f"with --data (default {DEFAULTS['optimizer']})")
    p.add_argument("--batch-size", type=whole_number(1, MAX_BATCH), default=None,
                   metavar="N", help=f"examples per update, 1 to {MAX_BATCH:,}, with --data "
                                     "(default: all the training points; more than there are "
                                     "means all)")
    p.add_argument("--points", type=whole_number(MIN_POINTS, MAX_POINTS), default=None,
                   metavar="N", help=f"points in the data set, {MIN_POINTS} to {MAX_POINTS:,}, "
                                     "20%% of them held out (default "
                   + ", ".join(f"{n} {d.points}" for n, d in DATASETS.items() if n != "xor")
                   + "; xor has 4)")
    p.add_argument("--classes", type=whole_number(MIN_CLASSES, MAX_CLASSES), default=None,
                   metavar="N", help=f"spiral arms, {MIN_CLASSES} to {MAX_CLASSES} (default "
                                     f"{DEFAULTS['classes']}, or the loaded model's)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--save", metavar="FILE", help="write the trained model as a model file "
                   "('-': to standard output, the report then goes to standard error)")
    p.add_argument("--load", metavar="FILE", help="start from a model saved with --save")
    p.add_argument("--plot", metavar="FILE.png", help="draw the loss curve and the decision "
                   f"boundary or regions ({one_of(suffixes_for('plot'))}; needs the plot "
                   "extra)")
    p.add_argument("--graph", metavar="FILE.svg", help="draw the trained network, weights "
                   f"coloured by sign ({one_of(suffixes_for('graph'))}; needs the render extra "
                   "and Graphviz)")
    p.set_defaults(run=run)


# --- the progress bar --------------------------------------------------------------------

class _ProgressBar:
    """A one-line progress bar on a terminal, redrawn every 1% of the epochs and at least
    every half second; silent otherwise."""

    # the bar whose line is open (end_progress_line closes it)
    drawing: _ProgressBar | None = None

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.stream = total, stream
        self.every = max(1, total // 100)
        self.last = time.monotonic()

    def __call__(self, epoch: int, loss: float) -> None:
        now = time.monotonic()
        if epoch % self.every and epoch != self.total and now - self.last < 0.5:
            return
        self.last = now
        width = 30
        done = width * epoch // self.total
        _ProgressBar.drawing = self          # first: a line-buffered write shows at once
        self.stream.write(f"\r[{'#' * done}{'.' * (width - done)}] epoch {epoch}/{self.total}"
                          f"  loss {loss:.6f}")    # as the final loss is printed
        if epoch == self.total:
            self.stream.write("\n")
            _ProgressBar.drawing = None
        self.stream.flush()


def end_progress_line() -> None:
    """End a progress bar's unfinished line, so that a message starts on a line of its own."""
    bar, _ProgressBar.drawing = _ProgressBar.drawing, None
    if bar is not None:
        try:
            bar.stream.write("\n")
            bar.stream.flush()
        except (OSError, ValueError):
            pass


# --- checks before training --------------------------------------------------------------

def _option(name):
    return "--" + name.replace("_", "-")


def _check_options(args):
    """Combinations that make no sense, refused before anything else."""
    if args.data is None:
        given = [_option(name) for name in _DATA_ONLY if getattr(args, name) is not None]
        if given:
            raise CLIError(f"{given[0]} needs --data (without --data, train runs the classic "
                           f"XOR demo: full-batch SGD on a 2-H-1 network); e.g. --data xor "
                           f"{given[0]} ...")
        if args.hidden is not None and len(args.hidden) != 1:
            raise CLIError(f"--hidden {','.join(map(str, args.hidden))}: the classic XOR demo "
                           f"has one hidden layer; give one number, or use --data xor for "
                           f"more layers")
        return
    if args.classes is not None and not DATASETS[args.data].takes_classes:
        raise CLIError(f"--classes is for --data spiral; {args.data} has 2 classes")
    if args.points is not None and args.data == "xor":
        raise CLIError("--points: the xor data set has exactly 4 points; leave --points out")
    classes = args.classes or DEFAULTS["classes"]
    two_classes = not DATASETS[args.data].takes_classes or classes == 2
    if args.loss in ("bce", "hinge") and not two_classes and args.load is None:
        raise CLIError(f"--loss {args.loss} is for two classes; the spiral has {classes}: use "
                       f"--loss cross-entropy (or --classes 2)")
    if args.hidden is not None and args.load is None:
        outputs = 1 if two_classes and args.loss != "cross-entropy" else classes
        widths = [2] + args.hidden + [outputs]
        count = sum((a + 1) * b for a, b in zip(widths, widths[1:]))
        if count > MAX_PARAMETERS:
            raise CLIError(f"--hidden {','.join(map(str, args.hidden))} makes a network of "
                           f"{count:,} parameters, more than {MAX_PARAMETERS:,} (the most a "
                           f"model file holds); use smaller or fewer layers")


def _same_file(a, b):
    return os.path.realpath(a) == os.path.realpath(b)


def _check_outputs(args):
    """Fail before training when --save, --plot or --graph could not be written, or would
    overwrite another output or the model given to --load."""
    from .. import plotting
    if args.save == "-" and args.json:
        raise CLIError("--save - and --json would both write to standard output; save the "
                       "model to a file (--save FILE), or leave out --json")
    outputs = [(option, path) for option, path in (("--save", args.save), ("--plot", args.plot),
                                                   ("--graph", args.graph)) if path is not None]
    for option, path in outputs:
        if path == "":
            raise CLIError(f"{option} needs a file name, got ''")
        if path == "-" and option != "--save":
            raise CLIError(f"{option} writes an image: give a file name, not '-'")
    files = [(option, path) for option, path in outputs if path != "-"]
    for i, (option, path) in enumerate(files):
        for other, other_path in files[i + 1:]:
            if _same_file(path, other_path):
                raise CLIError(f"{option} and {other} both name {shorten(path, 200)}; give "
                               f"each its own file")
        if args.load and option != "--save" and _same_file(path, args.load):
            raise CLIError(f"{option} {shorten(path, 200)} would overwrite the model file "
                           f"given to --load; give another file name")
    for option, path in files:
        with user_errors(OutputTargetError, prefix=f"{option}: "):
            check_output(path)
    for option, path, check in (("--plot", args.plot, plotting.check_plot_path),
                                ("--graph", args.graph, plotting.check_graph_path)):
        if path:
            with user_errors(ImportError, ValueError, RuntimeError, prefix=f"{option}: "):
                check(path)


def _layer_sizes(model):
    return [len(layer.neurons) for layer in model.layers]


# --- the classic XOR demo ----------------------------------------------------------------

def _xor_model(args):
    """The model to continue from (--load), checked to be a 2-H-1 XOR network, or None."""
    if args.load is None:
        return None
    model = load_model_file(args.load, "--load")
    shape = _layer_sizes(model) if isinstance(model, MLP) else None
    # (shape is None exactly when the model is not an MLP: the isinstance is for mypy)
    if shape is None or not isinstance(model, MLP) or \
            len(model.layers[0].neurons[0].w) != 2 or len(shape) != 2 or shape[1] != 1 or \
            model.layers[1].neurons[0].activation != "sigmoid" or \
            model.loss not in (None, "binary_cross_entropy"):
        what = f"layer sizes {shape}" if shape else f"a {type(model).__name__}"
        raise CLIError(f"{shorten(args.load, 200)} is not a 2-H-1 XOR network with a sigmoid "
                       f"output ({what}); train it with --data, e.g. --data xor --load ...")
    if args.hidden is not None and args.hidden[0] != shape[0]:
        raise CLIError(f"--hidden {args.hidden[0]} does not match the loaded model's "
                       f"{shape[0]} hidden units; leave --hidden out with --load")
    return model


def _run_xor(args, out):
    model = _xor_model(args)
    _check_outputs(args)
    hidden = args.hidden[0] if args.hidden else (len(model.layers[0].neurons) if model else 4)
    epochs = 1000 if args.epochs is None else args.epochs
    lr = 0.5 if args.lr is None else args.lr
    show = not args.json
    if show:
        print(f"Training a 2-{hidden}-1 network (tanh hidden layer, sigmoid output) on XOR: "
              f"{epochs} epochs, lr {lr}, seed {args.seed}"
              + (f", starting from {args.load}" if args.load else ""), file=out, flush=True)
    bar = _ProgressBar(epochs, sys.stderr) if show and sys.stderr.isatty() else None
    result = train_xor(hidden=hidden, epochs=epochs, lr=lr, seed=args.seed, model=model,
                       callback=bar)
    result.model.task, result.model.loss = "binary", "binary_cross_entropy"
    _write_outputs(args, result)
    if args.json:
        print_json({
            "learned": result.learned, "epochs": result.epochs, "lr": result.lr,
            "seed": result.seed, "hidden": hidden, "loss": result.loss,
            "inputs": XOR_INPUTS, "targets": XOR_TARGETS, "predictions": result.predictions,
        })
    else:
        print(file=out)
        print(" x1  x2 | target | output", file=out)
        print("--------+--------+-------", file=out)
        for (x1, x2), t, p in zip(XOR_INPUTS, XOR_TARGETS, result.predictions):
            print(f"  {x1:.0f}   {x2:.0f} |   {t:.0f}    | {p:.4f}", file=out)
        print(f"\nfinal loss (mean binary cross-entropy): {result.loss:.6f}", file=out)
        _say_saved(args, out)
    if not result.learned:
        wrong = [f"{x} -> {p:.3f} (want {t:.0f})"
                 for x, t, p in zip(XOR_INPUTS, XOR_TARGETS, result.predictions)
                 if not abs(p - t) < 0.5]
        print(f"autograd-xor: the network did not learn XOR: {'; '.join(wrong)}. "
              f"Try more --epochs, another --seed or more --hidden units.", file=sys.stderr)
        return 1
    if show:
        print("learned XOR: every output is within 0.5 of its target", file=out)
    return 0


# --- a data set --------------------------------------------------------------------------

def _classes(args, model):
    """The number of classes the run trains for: 2, or the spiral's --classes (default: the
    loaded multi-class model's, else 3)."""
    if not DATASETS[args.data].takes_classes:
        return 2
    if args.classes:
        return args.classes
    outputs = _layer_sizes(model)[-1] if model is not None else 1
    return outputs if outputs > 1 else DEFAULTS["classes"]


def _check_points(args, classes):
    """The data set's points split evenly over its classes (the default number too)."""
    points = DATASETS[args.data].points if args.points is None else args.points
    if points % classes:
        lower = points - points % classes
        what = f"--points {points}" if args.points is not None else \
            f"--classes {classes}: the default {points} points"
        raise CLIError(f"{what}: {args.data} splits its points evenly over {classes} classes; "
                       f"use --points {max(lower, classes)} or {lower + classes}")


def _data_model(args):
    """The model to train: loaded (--load) and checked against the data and the options, or
    a new one."""
    if args.load is None:
        classes = _classes(args, None)
        _check_points(args, classes)
        return make_classifier(args.hidden or DEFAULTS["hidden"], classes,
                               LOSSES.get(args.loss), args.activation or DEFAULTS["activation"],
                               args.seed)
    model = load_model_file(args.load, "--load")
    if not isinstance(model, MLP):
        raise CLIError(f"--load {shorten(args.load, 200)} holds a {type(model).__name__}, not "
                       f"a network (MLP); load a model saved by 'autograd-xor train --save'")
    classes = _classes(args, model)
    try:
        model.loss = fit_loss(model, classes, LOSSES.get(args.loss))
    except ValueError as e:
        raise CLIError(f"--load {shorten(args.load, 200)}: {e}; --data {args.data} does not "
                       f"fit it (train a new model, or load one made for "
                       f"{args.data})") from None
    hidden = _layer_sizes(model)[:-1]
    if args.hidden is not None and args.hidden != hidden:
        raise CLIError(f"--hidden {','.join(map(str, args.hidden))} does not match the loaded "
                       f"model's hidden layers {','.join(map(str, hidden)) or '(none)'}; leave "
                       f"--hidden out with --load")
    acts = _activation(model)
    if args.activation is not None and acts != args.activation:
        raise CLIError(f"--activation {args.activation} does not match the loaded model's "
                       f"{acts or 'linear'}; leave --activation out with --load")
    _check_points(args, classes)
    return model


def _activation(model):
    """The hidden layers' activation(s), e.g. 'tanh' (None without hidden layers)."""
    acts = sorted({n.activation for layer in model.layers[:-1] for n in layer.neurons})
    return "/".join(acts) or None


def _describe(model):
    """E.g. '2-16-16-1 network (tanh hidden layers, sigmoid output)'."""
    sizes_ = _layer_sizes(model)
    acts = _activation(model)
    hidden = f"{acts} hidden layer{'s' if len(sizes_) > 2 else ''}, " if acts else ""
    out = "sigmoid output" if model.loss == "binary_cross_entropy" else \
        "linear score" if model.loss == "hinge" else f"{sizes_[-1]} linear outputs"
    return f"2-{'-'.join(map(str, sizes_))} network ({hidden}{out})"


def _percent(x):
    return f"{100 * x:.1f}%"


def _run_data(args, out):
    model = _data_model(args)
    _check_outputs(args)
    optimizer = args.optimizer or DEFAULTS["optimizer"]
    lr = DEFAULTS["lr"][optimizer] if args.lr is None else args.lr
    epochs = DEFAULTS["epochs"] if args.epochs is None else args.epochs
    classes = _classes(args, model)
    show = not args.json
    if show:
        points = DATASETS[args.data].points if args.points is None else args.points
        test = 0 if args.data == "xor" else math.ceil(round(HELD_OUT * points, 9))
        held = "all for training" if not test else \
            f"{points - test} for training, {test} held out"
        batch = "full batch" if args.batch_size is None else f"batches of {args.batch_size}"
        print(f"Training a {_describe(model)} on {args.data}: {points} points ({held}), "
              f"{_LOSS_WORDS[model.loss]}, {_OPTIMIZER_WORDS[optimizer]} (lr {lr:g}), "
              f"{batch}, {epochs} epochs, seed {args.seed}"
              + (f", starting from {args.load}" if args.load else ""), file=out, flush=True)
    bar = _ProgressBar(epochs, sys.stderr) if show and sys.stderr.isatty() and epochs else None
    try:
        result = train_classifier(args.data, optimizer=optimizer, lr=lr,
                                  batch_size=args.batch_size, epochs=epochs, seed=args.seed,
                                  points=args.points, classes=classes, model=model,
                                  callback=bar)
    except Diverged as e:
        raise RunFailed(f"training diverged: {e}") from None
    except (ArithmeticError, ValueError) as e:          # an op left its domain
        raise RunFailed(f"training failed: {e} (if the numbers blew up, try a smaller "
                        f"--lr)") from None
    _write_outputs(args, result)
    n_train, n_test = len(result.X_train), len(result.X_test)
    if args.json:
        print_json({
            "learned": result.learned, "data": result.data, "points": n_train + n_test,
            "train_points": n_train, "test_points": n_test, "classes": result.classes,
            "task": result.task, "loss_function": result.loss, "hidden": result.hidden,
            "activation": _activation(result.model), "optimizer": result.optimizer,
            "lr": result.lr, "batch_size": result.batch_size, "epochs": result.epochs,
            "seed": result.seed, "loss": result.losses[-1] if result.losses else None,
            "train_accuracy": result.train_accuracy, "test_accuracy": result.test_accuracy,
        })
    else:
        print(file=out)
        if result.losses:
            print(f"final loss (mean {_LOSS_WORDS[result.loss]}, last epoch): "
                  f"{result.losses[-1]:.6f}", file=out)
        print(f"training accuracy: {_percent(result.train_accuracy)} "
              f"({round(result.train_accuracy * n_train)} of {n_train})", file=out)
        if result.test_accuracy is not None:        # (there are held-out points)
            print(f"held-out accuracy: {_percent(result.test_accuracy)} "
                  f"({round(result.test_accuracy * n_test)} of {n_test})", file=out)
        else:
            print("held-out accuracy: none (the four XOR points are all used for training)",
                  file=out)
        _say_saved(args, out)
    if not result.learned:
        print(f"autograd-xor: the network did not learn {args.data}: training accuracy "
              f"{_percent(result.train_accuracy)}, below {_percent(LEARNED)}. Try more "
              f"--epochs, another --lr or more --hidden units.", file=sys.stderr)
        return 1
    if show:
        print(f"learned {args.data}: training accuracy {_percent(result.train_accuracy)} "
              f"(at least {_percent(LEARNED)})", file=out)
    return 0


# --- writing and saying what was written -------------------------------------------------

def _write_outputs(args, result):
    """--save, --plot and --graph, each whole or not at all."""
    if args.save:
        with user_errors(OutputTargetError, prefix="--save: "):
            try:
                result.model.save(args.save)
            except (TypeError, ValueError) as e:
                if isinstance(e, OutputTargetError):
                    raise
                raise RunFailed(f"--save: cannot save the model: {e}") from None
    if args.plot or args.graph:
        from ..plotting import plot_training, write_network
        with user_errors(OutputTargetError, prefix="--plot/--graph: "):
            if args.plot:
                plot_training(result, args.plot)
            if args.graph:
                write_network(result.model, args.graph)


def _say_saved(args, out):
    if args.save and args.save != "-":
        print(f"model saved to {args.save}", file=out)
    for what, path in (("plot", args.plot), ("network figure", args.graph)):
        if path:
            print(f"{what} saved to {path}", file=out)


def run(args: argparse.Namespace) -> int:
    _check_options(args)
    out = sys.stderr if args.save == "-" else sys.stdout    # stdout carries the model then
    if args.data is None:
        return _run_xor(args, out)
    return _run_data(args, out)

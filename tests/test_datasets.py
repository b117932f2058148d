"""datasets: the shapes, balance and reproducibility of xor, moons, circles and spiral;
batches and split; clear errors for bad arguments."""

import math
import random

import pytest

from autograd_xor import datasets
from autograd_xor.datasets import batches, circles, moons, spiral, split, xor

MAKERS = [
    pytest.param(lambda seed: moons(n=60, seed=seed), 2, id="moons"),
    pytest.param(lambda seed: circles(n=60, seed=seed), 2, id="circles"),
    pytest.param(lambda seed: spiral(n=60, classes=3, seed=seed), 3, id="spiral"),
    pytest.param(lambda seed: spiral(n=60, classes=5, seed=seed), 5, id="spiral-5"),
]


@pytest.mark.parametrize("make, classes", MAKERS)
def test_shapes_and_class_balance(make, classes):
    X, y = make(0)
    assert isinstance(X, list) and isinstance(y, list) and len(X) == len(y) == 60
    assert all(isinstance(row, list) and len(row) == 2 for row in X)
    assert all(type(v) is float for row in X for v in row)
    assert all(type(c) is int for c in y)
    assert [y.count(c) for c in range(classes)] == [60 // classes] * classes


@pytest.mark.parametrize("make, classes", MAKERS)
def test_a_seed_reproduces_the_data_and_the_global_random_is_untouched(make, classes):
    random.seed(123)
    state = random.getstate()
    assert make(7) == make(7)
    assert make(7) != make(8)
    assert random.getstate() == state               # a private random.Random(seed)
    random.seed(1)
    first = make(7)
    random.seed(2)
    assert make(7) == first                         # and the global seed does not matter
    assert make(None)[0] != make(None)[0]           # no seed: fresh data each call


@pytest.mark.parametrize("make, classes", MAKERS)
def test_the_points_come_shuffled(make, classes):
    _X, y = make(0)
    assert y != sorted(y)


def test_xor():
    X, y = xor()
    assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert y == [int(a) ^ int(b) for a, b in X]
    X.append([9.0, 9.0])
    assert len(xor()[0]) == 4                       # a new list each call


def test_moons_without_noise_lie_on_the_two_arcs():
    X, y = moons(n=20, noise=0.0, seed=0)
    for (a, b), c in zip(X, y):
        if c == 0:                                  # (cos t, sin t)
            assert math.hypot(a, b) == pytest.approx(1.0) and b >= -1e-12
        else:                                       # (1 - cos t, 0.5 - sin t)
            assert math.hypot(1 - a, 0.5 - b) == pytest.approx(1.0) and b <= 0.5 + 1e-12
    ends = sorted((round(a, 9), round(b, 9)) for a, b in X)
    assert ends[0] == (-1.0, 0.0) and ends[-1] == (2.0, 0.5)    # t = 0 and π are included


def _mean_and_sd(xs):
    mean = sum(xs) / len(xs)
    return mean, math.sqrt(sum((x - mean) ** 2 for x in xs) / len(xs))


@pytest.mark.parametrize("make, circles_of_class", [
    (lambda: moons(n=2000, noise=0.02, seed=4), [((0.0, 0.0), 1.0), ((1.0, 0.5), 1.0)]),
    (lambda: circles(n=2000, noise=0.02, factor=0.5, seed=4),
     [((0.0, 0.0), 1.0), ((0.0, 0.0), 0.5)]),
])
def test_noise_is_gaussian_on_each_coordinate_with_the_given_standard_deviation(
        make, circles_of_class):
    # a small offset (e1, e2) moves a point on a circle of radius R to about R + N(0, noise)
    X, y = make()
    deviations = [math.hypot(a - circles_of_class[c][0][0], b - circles_of_class[c][0][1])
                  - circles_of_class[c][1] for (a, b), c in zip(X, y)]
    mean, sd = _mean_and_sd(deviations)
    assert abs(mean) < 0.003 and sd == pytest.approx(0.02, rel=0.1)


def test_spiral_noise_is_on_the_angle():
    X, y = spiral(n=3000, classes=3, noise=0.2, seed=4)
    deviations = []
    for (a, b), j in zip(X, y):
        r = math.hypot(a, b)
        if r > 0.05:                                # the angle of a point near 0 is vague
            d = math.atan2(a, b) - (4 * j + 4 * r)
            deviations.append((d + math.pi) % (2 * math.pi) - math.pi)
    mean, sd = _mean_and_sd(deviations)
    assert abs(mean) < 0.02 and sd == pytest.approx(0.2, rel=0.1)


def test_circles_radii_and_angles():
    X, y = circles(n=16, noise=0.0, factor=0.25, seed=0)
    for (a, b), c in zip(X, y):
        assert math.hypot(a, b) == pytest.approx(1.0 if c == 0 else 0.25)
    angles = sorted(round(math.atan2(b, a) % (2 * math.pi), 9) for (a, b), c in zip(X, y)
                    if c == 0)
    assert angles == [round(2 * math.pi * i / 8, 9) for i in range(8)]   # [0, 2π), evenly


def test_spiral_without_noise_follows_the_cs231n_formula():
    X, y = spiral(n=30, classes=3, noise=0.0, seed=0)
    for (a, b), j in zip(X, y):
        r = math.hypot(a, b)                        # (r sin θ, r cos θ), θ = 4j + 4r
        assert 0.0 <= r <= 1.0 + 1e-12
        if r > 1e-9:
            theta = 4 * j + 4 * r
            assert (a, b) == pytest.approx((r * math.sin(theta), r * math.cos(theta)))
    radii = sorted(round(math.hypot(a, b), 9) for (a, b), j in zip(X, y) if j == 1)
    assert radii == [round(i / 9, 9) for i in range(10)]


# --- batches -----------------------------------------------------------------------------

def test_batches_cover_every_example_exactly_once():
    X = [[float(i)] for i in range(23)]
    y = list(range(23))
    got = list(batches(X, y, size=5, seed=1))
    assert [len(yb) for _, yb in got] == [5, 5, 5, 5, 3]
    seen = [label for _, yb in got for label in yb]
    assert sorted(seen) == y and seen != y                         # all of them, shuffled
    assert all(xb == [[float(t)] for t in yb] for xb, yb in got)   # rows keep their labels


def test_batches_are_reproducible_and_differ_between_seeds():
    X, y = spiral(n=30, seed=0)
    assert list(batches(X, y, 8, seed=3)) == list(batches(X, y, 8, seed=3))
    assert list(batches(X, y, 8, seed=3)) != list(batches(X, y, 8, seed=4))
    assert len(list(batches(X, y, 100))) == 1                      # one batch of all 30
    assert [len(b) for b, _ in batches(X, y, 1)] == [1] * 30


def test_bad_batches_fail_when_called_not_when_iterated():
    with pytest.raises(ValueError, match="size"):
        batches([[0.0]], [0], size=0)               # no next() needed


# --- split -------------------------------------------------------------------------------

def test_split_sizes_order_and_disjointness():
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    X_train, y_train, X_test, y_test = split(X, y, test=0.3, seed=0)
    assert (len(X_train), len(y_train), len(X_test), len(y_test)) == (7, 7, 3, 3)
    assert sorted(y_train + y_test) == y
    assert X_train == [[float(t)] for t in y_train] and X_test == [[float(t)] for t in y_test]
    assert split(X, y, test=0.3, seed=0) == (X_train, y_train, X_test, y_test)
    assert split(X, y, test=0.3, seed=1) != (X_train, y_train, X_test, y_test)


@pytest.mark.parametrize("test, n, n_test", [(0.2, 100, 20), (0.07, 100, 7), (0.25, 5, 2),
                                             (0.01, 10, 1), (0.5, 2, 1)])
def test_split_takes_ceil_of_test_times_n_for_testing(test, n, n_test):
    X, y = [[0.0]] * n, [0] * n
    assert len(split(X, y, test=test, seed=0)[2]) == n_test


# --- bad arguments -----------------------------------------------------------------------

@pytest.mark.parametrize("call, error, match", [
    (lambda: moons(n=0), ValueError, r"moons: n \(the number of points\) must be 1 or more, "
                                     r"got 0"),
    (lambda: moons(n=-4), ValueError, "got -4"),
    (lambda: moons(n=101), ValueError, "n=101 points do not split evenly over 2 classes; "
                                       "use a multiple of 2, e.g. n=100 or n=102"),
    (lambda: moons(n=100.0), TypeError, "n .* must be an int, got float 100.0"),
    (lambda: moons(n="100"), TypeError, "must be an int, got str '100'"),
    (lambda: moons(n=True), TypeError, "must be an int, got bool"),
    (lambda: moons(noise=-0.1), ValueError, r"moons: noise must be 0 or more, got -0.1; e.g. "
                                            r"noise=0.1 \(a standard deviation; 0 for none\)"),
    (lambda: moons(noise=float("inf")), ValueError, "noise must be finite, got inf"),
    (lambda: moons(noise=None), TypeError, "noise must be a number, got NoneType"),
    (lambda: moons(seed=1.5), TypeError, "seed must be an int or None, got float 1.5"),
    (lambda: circles(factor=1.0), ValueError, r"circles: factor .* between 0 and 1, got 1.0"),
    (lambda: circles(factor=0), ValueError, "factor .* got 0.0"),
    (lambda: circles(factor=-0.5), ValueError, "factor"),
    (lambda: circles(noise=-1), ValueError, "circles: noise must be 0 or more"),
    (lambda: circles(n=3), ValueError, "n=3 points do not split evenly over 2 classes"),
    (lambda: spiral(n=100, classes=3), ValueError, "n=100 points do not split evenly over 3 "
                                                   "classes; use a multiple of 3, e.g. n=99"),
    (lambda: spiral(n=2, classes=3), ValueError, "use a multiple of 3, e.g. n=3$"),
    (lambda: spiral(classes=0), ValueError, "spiral: classes must be 1 or more, got 0"),
    (lambda: spiral(classes=2.0), TypeError, "classes must be an int"),
    (lambda: spiral(noise=-0.2), ValueError, "spiral: noise must be 0 or more"),
    (lambda: batches([[0.0], [1.0]], [0], 1), ValueError,
     "batches: X has 2 rows but y has 1 labels; pass one label per row"),
    (lambda: batches([], [], 1), ValueError, "batches: there are no examples"),
    (lambda: batches([[0.0]], [0], 0), ValueError, r"size \(examples per batch\) must be 1 or "
                                                   r"more, got 0"),
    (lambda: batches([[0.0]], [0], 2.0), TypeError, "size .* must be an int, got float 2.0"),
    (lambda: batches([[0.0]], [0], 1, seed="a"), TypeError, "seed must be an int or None"),
    (lambda: batches(5, [0], 1), TypeError, "X and y must be lists"),
    (lambda: split([[0.0]] * 3, [0] * 2), ValueError, "split: X has 3 rows but y has 2"),
    (lambda: split([[0.0]] * 5, [0] * 5, test=0), ValueError,
     r"split: test \(the fraction of examples for testing\) must be between 0 and 1, got 0.0"),
    (lambda: split([[0.0]] * 5, [0] * 5, test=1), ValueError, "between 0 and 1, got 1.0"),
    (lambda: split([[0.0]] * 5, [0] * 5, test=1.5), ValueError, "got 1.5"),
    (lambda: split([[0.0]] * 5, [0] * 5, test="0.2"), TypeError, "test must be a number"),
    (lambda: split([[0.0]], [0], test=0.5), ValueError,
     "test=0.5 of 1 examples leaves none for training"),
])
def test_bad_arguments_say_what_and_how_to_fix(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_the_module_is_exported_with_its_functions():
    import autograd_xor
    assert autograd_xor.datasets is datasets and "datasets" in autograd_xor.__all__
    assert set(datasets.__all__) == {"xor", "moons", "circles", "spiral", "batches", "split"}


# --- what the data sets are for ----------------------------------------------------------

def test_a_small_mlp_learns_the_3_class_spiral_with_adam_and_minibatches():
    from autograd_xor import MLP, Adam, cross_entropy
    X, y = spiral(n=90, classes=3, seed=0)
    random.seed(0)
    model = MLP(2, [16, 16, 3])
    opt = Adam(model.parameters(), lr=0.03)

    def accuracy():
        scores = [[v.data for v in model(x)] for x in X]
        return sum(s.index(max(s)) == t for s, t in zip(scores, y)) / len(y)

    assert accuracy() < 0.6                         # not learned at the start
    for epoch in range(40):
        for Xb, yb in batches(X, y, size=30, seed=epoch):
            loss = cross_entropy([model(x) for x in Xb], yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
    assert accuracy() >= 0.9

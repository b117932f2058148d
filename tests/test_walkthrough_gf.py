"""Seed 004's G -> F walkthrough: every printed figure, and the full-precision values against
the book's formulas evaluated directly in floats here."""

import math

import pytest

from autograd_xor import MLP, topological_order
from autograd_xor.walkthroughs import get

EX = get("gf")


def book_round(value, text):
    """`value` with as many decimals as the book's `text`."""
    d = len(text.split(".")[1])
    return f"{value:.{d}f}"


def book_step(w, x1=-0.9, x2=0.1, y=1.0, lr=0.1):
    """One iteration written out from the book's equations (Equation 3-1), in plain floats."""
    z_g = w["w_xg0"] + w["w_xg1"] * x1 + w["w_xg2"] * x2
    y_g = math.tanh(z_g)
    z_f = w["w_gf0"] + w["w_gf1"] * y_g
    y_f = 1 / (1 + math.exp(-z_f))
    e = (y - y_f) ** 2 / 2
    mse_prime = -(y - y_f)
    err_f = mse_prime * y_f * (1 - y_f)
    err_g = err_f * w["w_gf1"] * (1 - y_g ** 2)
    inputs = {"w_xg0": 1, "w_xg1": x1, "w_xg2": x2, "w_gf0": 1, "w_gf1": y_g}
    terms = {"w_xg0": err_g, "w_xg1": err_g, "w_xg2": err_g, "w_gf0": err_f, "w_gf1": err_f}
    delta = {k: -lr * inputs[k] * terms[k] for k in w}
    new = {k: w[k] + delta[k] for k in w}
    return {"z_g": z_g, "y_g": y_g, "z_f": z_f, "y_f": y_f, "e": e, "mse_prime": mse_prime,
            "err_f": err_f, "err_g": err_g, "delta": delta, "new": new}


W0 = {"w_xg0": 0.3, "w_xg1": 0.6, "w_xg2": -0.1, "w_gf0": -0.2, "w_gf1": 0.5}
NAMES = list(W0)


@pytest.fixture(scope="module")
def result():
    return EX.run()


def test_forward_pass_figures(result):
    v = result["values"]
    assert book_round(v["y_f"], "0.42") == "0.42"
    assert book_round(v["e"], "0.17") == "0.17"
    # The book prints y_g ≈ −0.25: that is z_g; y_g itself rounds to −0.24 (its tanh′ line).
    assert book_round(v["z_g"], "-0.25") == "-0.25"
    assert book_round(v["y_g"], "-0.24") == "-0.24"
    assert abs(v["y_g"] - (-0.25)) < 0.01
    assert result["figures"]["y_g"] == {"value": v["y_g"], "rounded": "-0.24",
                                        "printed": "-0.25", "agrees": False}
    assert "z_g" in result["notes"]["y_g"]


def test_backward_pass_figures(result):
    v = result["values"]
    assert book_round(v["MSE'"], "-0.58") == "-0.58"
    assert book_round(v["error term f"], "-0.14") == "-0.14"
    assert book_round(v["error term g"], "-0.066") == "-0.066"


@pytest.mark.parametrize("name, delta, new", [
    ("w_xg0", "0.0066", "0.3066"), ("w_xg1", "-0.0060", "0.5940"),
    ("w_xg2", "0.00066", "-0.0993"), ("w_gf0", "0.014", "-0.1859"),
    ("w_gf1", "-0.0035", "0.4965")])
def test_deltas_and_new_weights(result, name, delta, new):
    v = result["values"]
    assert book_round(v[f"Δ{name}"], delta) == delta
    assert book_round(v[f"new {name}"], new) == new
    assert result["figures"][f"Δ{name}"]["agrees"]
    assert result["figures"][f"new {name}"]["agrees"]


def test_every_other_figure_agrees_with_the_book(result):
    disagree = [k for k, f in result["figures"].items() if not f["agrees"]]
    assert disagree == ["y_g"]


def test_full_precision_matches_the_books_formulas(result):
    b = book_step(W0)
    v = result["values"]
    for key, want in [("z_g", b["z_g"]), ("y_g", b["y_g"]), ("z_f", b["z_f"]),
                      ("y_f", b["y_f"]), ("e", b["e"]), ("MSE'", b["mse_prime"]),
                      ("error term f", b["err_f"]), ("error term g", b["err_g"])]:
        assert v[key] == pytest.approx(want, rel=1e-13, abs=1e-16), key
    for k in NAMES:
        assert v[f"Δ{k}"] == pytest.approx(b["delta"][k], rel=1e-12, abs=1e-17), k
        assert v[f"new {k}"] == pytest.approx(b["new"][k], rel=1e-14), k


def test_error_terms_are_the_engines_gradients_at_z_f_and_z_g(result):
    e = EX.graph()
    nodes = {v.label: v for v in topological_order(e)}
    assert nodes["z_f"].grad == result["values"]["error term f"]
    assert nodes["z_g"].grad == result["values"]["error term g"]
    assert nodes["y_f"].grad == result["values"]["MSE'"]
    for name, pair in result["checks"].items():
        engine, book = pair.values()
        assert engine == pytest.approx(book, rel=1e-14), name


def test_graph_is_labelled_with_the_books_names():
    e = EX.graph()
    labels = {v.label for v in topological_order(e)}
    assert {"w_xg0", "w_xg1", "w_xg2", "w_gf0", "w_gf1", "x1", "x2", "y",
            "z_g", "y_g", "z_f", "y_f", "e"} <= labels
    assert e.label == "e" and e.grad == 1.0
    assert e.data == pytest.approx(book_step(W0)["e"], rel=1e-14)


def test_network_holds_the_weights_and_one_backward_worth_of_gradients():
    model = EX.network()
    assert isinstance(model, MLP)
    b = book_step(W0)
    by_label = {p.label: p for p in model.parameters()}
    assert sorted(by_label) == sorted(NAMES)
    for k in NAMES:
        assert by_label[k].data == W0[k]
        assert -0.1 * by_label[k].grad == pytest.approx(b["delta"][k], rel=1e-12, abs=1e-17)


def test_steps_continue_like_the_spreadsheet():
    r = EX.run(steps=4)
    w = dict(W0)
    for it in r["iterations"]:
        b = book_step(w)
        assert it["e"] == pytest.approx(b["e"], rel=1e-12)
        for k in NAMES:
            assert it["weights"][k] == pytest.approx(b["new"][k], rel=1e-12)
        w = it["weights"]
    errors = [it["e"] for it in r["iterations"]]
    assert errors == sorted(errors, reverse=True)        # the error falls step by step
    assert r["values"] == EX.run()["values"]             # the first step does not depend on N
    text = EX.render(r)
    assert "ITERATIONS" in text and text.count("\n  4  ") == 1


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_bad_steps_are_refused(bad):
    with pytest.raises(ValueError, match="steps"):
        EX.run(steps=bad)


def test_render_shows_book_names_and_both_precisions(result):
    text = EX.render(result)
    for needle in ["FORWARD PASS", "BACKWARD PASS", "WEIGHT ADJUSTMENT", "NEW WEIGHTS",
                   "error term g", "Δw_gf1", "new w_xg2", "-0.066", "-0.0993",
                   repr(result["values"]["error term g"]), "(*)"]:
        assert needle in text, needle

"""Chapter 03's code exercises: the sigmoid staircase and its ReLU cousin.

The reader writes ``staircase(x, f, n, s)``, the value at ``x`` of the
staircase network (3.5) through ``n + 1`` equally spaced samples of ``f`` on
[0, 1] with steepness ``s`` (reference :func:`coursekit.approximation.
staircase`), and ``relu_interpolant(x, nodes, values)``, the piecewise-linear
interpolant of the points ``(nodes[i], values[i])`` written as a sum of
``n + 1`` ReLUs, one at each node (reference ``np.interp``, which also stays
flat outside the nodes).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from .. import approximation
from .checker import Case, Checker, Misconception


def _named(fn, name):
    fn.__name__ = name
    return fn


def _random_cubic(rng):
    c = rng.normal(size=4)
    return _named(lambda t: c[0] + t * (c[1] + t * (c[2] + t * c[3])), "a random cubic")


def _sine(t):
    return np.sin(2 * np.pi * t)


# ------------------------------------------------------------ staircase
def _staircase_cases(rng):
    def case(label, f, n, s, x):
        return Case(label, dict(x=x, f=f, n=n, s=s))

    grid = np.linspace(0.0, 1.0, 41)
    return [
        case("the sine, n = 8, s = 10", _sine, 8, 10.0, grid),
        case("a random cubic, n = 5, s = 4", _random_cubic(rng), 5, 4.0, rng.uniform(0, 1, 30)),
        case("one unit (n = 1)", _random_cubic(rng), 1, 10.0, grid),
        case("very steep units (s = 1000)", _sine, 6, 1000.0, rng.uniform(0, 1, 25)),
        case("x beyond [0, 1]", _random_cubic(rng), 4, 6.0, np.linspace(-0.5, 1.5, 21)),
        case("x a (3, 4) array: the shape is kept", _sine, 3, 8.0, rng.uniform(0, 1, (3, 4))),
    ]


def _staircase(x, f, n, s):
    return approximation.staircase(f, n, steepness=s)(x)


def _stairs(x, f, n, s, *, heights="jumps", slope="cells", at="midpoints", start=True):
    """(3.5), or one of its misstatements."""
    x = np.asarray(x, dtype=float)
    h = 1.0 / n
    nodes = h * np.arange(n + 1)
    fx = np.asarray(f(nodes), dtype=float)
    v = np.diff(fx) if heights == "jumps" else fx[1:]
    t = 0.5 * (nodes[:-1] + nodes[1:]) if at == "midpoints" else nodes[1:]
    k = s / h if slope == "cells" else s
    g = np.zeros_like(x) + (fx[0] if start else 0.0)
    for vi, ti in zip(v, t):
        g = g + vi * expit(k * (x - ti))
    return g


def _stairs_heights(x, f, n, s):
    return _stairs(x, f, n, s, heights="values")


def _stairs_slope(x, f, n, s):
    return _stairs(x, f, n, s, slope="plain")


def _stairs_at_nodes(x, f, n, s):
    return _stairs(x, f, n, s, at="nodes")


def _stairs_no_start(x, f, n, s):
    return _stairs(x, f, n, s, start=False)


_STAIRCASE = "(3.5), the staircase"

check_staircase = Checker(
    "staircase",
    "staircase(x, f, n, s)",
    _staircase,
    _staircase_cases,
    [
        Misconception(
            "step heights f(x_i) in place of the increments f(x_i) - f(x_{i-1})",
            _stairs_heights,
            _STAIRCASE + ": each unit adds the jump between two nodes",
            label="ua-staircase",
        ),
        Misconception(
            "the slope s where (3.5) has s/h (steepness not measured in cells)",
            _stairs_slope,
            _STAIRCASE + ": the units are sigma((s/h)(x - t_i))",
            label="ua-staircase",
        ),
        Misconception(
            "the steps at the nodes x_i, not at the midpoints t_i",
            _stairs_at_nodes,
            _STAIRCASE + ", with t_i = (x_{i-1} + x_i)/2",
            label="ua-staircase",
        ),
        Misconception(
            "the constant f(x_0) left out",
            _stairs_no_start,
            _STAIRCASE + ", which starts from f(x_0)",
            label="ua-staircase",
        ),
    ],
    chapter="03",
)


# ------------------------------------------------------------ ReLU interpolant
def _sorted_nodes(rng, n, lo, hi):
    """n + 1 sorted nodes with unequal gaps, from lo to hi."""
    gaps = rng.uniform(0.3, 1.7, n)
    return lo + (hi - lo) * np.concatenate([[0.0], np.cumsum(gaps) / gaps.sum()])


def _relu_cases(rng):
    def case(label, x, nodes, values):
        return Case(label, dict(x=x, nodes=nodes, values=values))

    eight = np.linspace(0.0, 1.0, 9)
    rough = _sorted_nodes(rng, 6, -1.0, 2.0)
    far = _sorted_nodes(rng, 4, 1e3, 5e3)
    return [
        case("the sine at 9 equally spaced nodes", np.linspace(0, 1, 33), eight, _sine(eight)),
        case("7 random nodes, unequal gaps", rng.uniform(-1, 2, 30), rough, rng.normal(size=7)),
        case("x beyond both ends (flat outside)", np.linspace(-2, 3, 26), rough, rng.normal(size=7)),
        case("one cell (two nodes)", np.linspace(-1, 3, 17), np.array([0.0, 2.0]), np.array([1.0, -3.0])),
        case("large values (nodes near 1e3 to 5e3)", rng.uniform(0, 6e3, 20), far, 1e4 * rng.normal(size=5)),
        case("x a (2, 5) array: the shape is kept", rng.uniform(-1, 2, (2, 5)), rough, rng.normal(size=7)),
    ]


def _relu_interpolant(x, nodes, values):
    return np.interp(x, nodes, values)


def _relus(x, nodes, values, *, per_width=True, last=True, shift=0):
    """y_0 + sum_i c_i ReLU(x - x_i), c_i the change of slope at x_i, or a misstatement."""
    x, nodes, values = (np.asarray(a, dtype=float) for a in (x, nodes, values))
    rise = np.diff(values)
    slopes = rise / np.diff(nodes) if per_width else rise
    change = np.diff(np.concatenate([[0.0], slopes, [0.0]]))  # n + 1 of them
    if not last:
        change = change[:-1]
    at = nodes[shift : shift + change.size]
    g = np.full(x.shape, values[0])
    for c, t in zip(change[: at.size], at):
        g = g + c * np.maximum(0.0, x - t)
    return g


def _relus_not_per_width(x, nodes, values):
    return _relus(x, nodes, values, per_width=False)


def _relus_no_last(x, nodes, values):
    return _relus(x, nodes, values, last=False)


def _relus_shifted(x, nodes, values):
    return _relus(x, nodes, values, shift=1)


_RAMP = "(3.5) with ramps: each ramp is (ReLU(x - x_{i-1}) - ReLU(x - x_i))/h_i"

check_relu_interpolant = Checker(
    "relu_interpolant",
    "relu_interpolant(x, nodes, values)",
    _relu_interpolant,
    _relu_cases,
    [
        Misconception(
            "the slopes not divided by the knot spacing (rises used as slopes)",
            _relus_not_per_width,
            _RAMP + ", so its slope is the rise divided by h_i",
            label="ua-staircase",
        ),
        Misconception(
            "the last ReLU's coefficient missing (the fit keeps rising past the last node)",
            _relus_no_last,
            _RAMP + ": the last ramp ends with -ReLU(x - x_n)/h_n",
            label="ua-staircase",
        ),
        Misconception(
            "the knots shifted by one (the change of slope at x_i put at x_{i+1})",
            _relus_shifted,
            _RAMP + ": the kinks sit at the nodes x_0, ..., x_n",
            label="ua-staircase",
        ),
    ],
    chapter="03",
)

"""Chapter 03's code exercises (coursekit.exercises.approximation).

Each checker accepts an independently written correct version and rejects
other wrong ones (wrong sign, off-by-one, wrong shape) with a plain "fail";
the misconceptions are named (tests/test_exercises.py runs each named one
and the stub of every checker).
"""

import numpy as np
import pytest

from coursekit import approximation, exercises


def my_staircase(x, f, n, s):
    # all units at once, the sigmoid through tanh (no overflow for s = 1000)
    x = np.asarray(x, dtype=float)
    nodes = np.linspace(0.0, 1.0, n + 1)
    fx = f(nodes)
    mids = (nodes[1:] + nodes[:-1]) / 2
    steps = 0.5 * (1 + np.tanh(0.5 * s * n * (x[..., None] - mids)))
    return fx[0] + steps @ np.diff(fx)


def my_relu_interpolant(x, nodes, values):
    # n + 1 ReLUs: the kink at x_i changes the slope by c_i
    x = np.asarray(x, dtype=float)
    slopes = np.diff(values) / np.diff(nodes)
    c = np.diff(slopes, prepend=0.0, append=0.0)
    relus = np.maximum(x[..., None] - nodes, 0.0)
    return values[0] + relus @ c


def ramps_interpolant(x, nodes, values):
    # the clipped ramps of exercise ua-ex-ramp, for unequal cells
    x = np.asarray(x, dtype=float)
    ramps = np.clip((x[..., None] - nodes[:-1]) / np.diff(nodes), 0, 1)
    return values[0] + ramps @ np.diff(values)


def test_reference_is_the_books_staircase():
    f = np.cos
    x = np.linspace(0, 1, 7)
    got = exercises.check_staircase.reference(x, f, 5, 3.0)
    assert np.allclose(got, approximation.staircase(f, 5, 3.0)(x))
    # the private misstatement helper, unmodified, is the reference too
    assert np.allclose(got, exercises.approximation._stairs(x, f, 5, 3.0))


def test_relu_helper_is_np_interp():
    rng = np.random.default_rng(3)
    nodes = np.sort(rng.uniform(-2, 2, 6))
    values, x = rng.normal(size=6), np.linspace(-3, 3, 50)
    assert np.allclose(exercises.approximation._relus(x, nodes, values), np.interp(x, nodes, values))


def test_independent_versions_pass():
    assert exercises.check_staircase.verdict(my_staircase).passed
    assert exercises.check_relu_interpolant.verdict(my_relu_interpolant).passed
    assert exercises.check_relu_interpolant.verdict(ramps_interpolant).passed


STAIRCASE_WRONG = {
    # off by one: n nodes, n - 1 steps
    "one step short": lambda x, f, n, s: my_staircase(x, f, n - 1, s) if n > 1 else f(0.0) + 0 * x,
    "steps downhill": lambda x, f, n, s: 2 * f(0.0) - my_staircase(x, f, n, s),
    "flattened": lambda x, f, n, s: my_staircase(x, f, n, s).ravel(),
    "a column": lambda x, f, n, s: my_staircase(np.ravel(x), f, n, s)[:, None],
    "twice as steep": lambda x, f, n, s: my_staircase(x, f, n, 2 * s),
}

RELU_WRONG = {
    "last node dropped": lambda x, nodes, values: np.interp(x, nodes[:-1], values[:-1]),
    "values one node late": lambda x, nodes, values: np.interp(x, nodes, np.roll(values, 1)),
    "upside down": lambda x, nodes, values: 2 * values[0] - my_relu_interpolant(x, nodes, values),
    "flattened": lambda x, nodes, values: my_relu_interpolant(x, nodes, values).ravel(),
    "broadcast to a column": lambda x, nodes, values: my_relu_interpolant(np.ravel(x)[:, None], nodes, values),
}


@pytest.mark.parametrize("name", STAIRCASE_WRONG)
def test_other_wrong_staircases_fail(name):
    v = exercises.check_staircase.verdict(STAIRCASE_WRONG[name])
    assert v.status == "fail" and v.misconception is None, v.text


@pytest.mark.parametrize("name", RELU_WRONG)
def test_other_wrong_interpolants_fail(name):
    v = exercises.check_relu_interpolant.verdict(RELU_WRONG[name])
    assert v.status == "fail" and v.misconception is None, v.text


def test_heights_in_place_of_increments_named():
    def heights(x, f, n, s):
        x = np.asarray(x, dtype=float)
        nodes = np.linspace(0.0, 1.0, n + 1)
        mids = (nodes[1:] + nodes[:-1]) / 2
        steps = 0.5 * (1 + np.tanh(0.5 * s * n * (x[..., None] - mids)))
        return f(nodes[0]) + steps @ f(nodes[1:])

    v = exercises.check_staircase.verdict(heights)
    assert v.status == "misconception" and "increments" in v.misconception
    assert "Reread (3.5)" in v.text


def test_slopes_not_per_width_named():
    def rises(x, nodes, values):
        c = np.diff(np.diff(values), prepend=0.0, append=0.0)
        return values[0] + np.maximum(np.asarray(x)[..., None] - nodes, 0.0) @ c

    v = exercises.check_relu_interpolant.verdict(rises)
    assert v.status == "misconception" and "knot spacing" in v.misconception

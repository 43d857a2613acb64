"""Chapter 08's code exercises (coursekit.exercises.adaptive).

Each checker accepts an independently written correct version and rejects
other wrong ones (wrong sign, off-by-one step count, wrong shape) with a
plain "fail" (tests/test_exercises.py checks the stub of every checker).
"""

import numpy as np
import pytest

from coursekit import exercises


def my_adagrad(theta0, grads, lr, eps):
    # the running sum via cumsum, all steps at once
    g = np.asarray(grads, dtype=float).reshape((len(grads),) + np.shape(theta0))
    r = np.cumsum(g**2, axis=0)
    steps = lr * g / (np.sqrt(r) + eps)
    start = np.asarray(theta0, dtype=float)[None]
    return np.concatenate([start, start - np.cumsum(steps, axis=0)])


def my_rmsprop(theta0, grads, lr, rho, eps):
    theta = np.array(theta0, dtype=float)
    r = 0.0
    out = [theta.copy()]
    for g in grads:
        r = r + (1 - rho) * (g * g - r)
        theta -= lr * g / (eps + r**0.5)
        out.append(theta.copy())
    return np.stack(out)


def test_independent_versions_pass():
    assert exercises.check_adagrad.verdict(my_adagrad).passed
    assert exercises.check_rmsprop.verdict(my_rmsprop).passed


def uphill(fn):
    return lambda theta0, grads, **kw: fn(theta0, [-g for g in grads], **kw)


def one_step_short(fn):
    def wrong(theta0, grads, **kw):
        path = fn(theta0, grads[:-1], **kw)
        return np.concatenate([path, path[-1:]])[: len(grads) + 1]

    return wrong


def no_start(fn):
    return lambda theta0, grads, **kw: fn(theta0, grads, **kw)[1:]


def flattened(fn):
    return lambda theta0, grads, **kw: fn(theta0, grads, **kw).reshape(len(grads) + 1, -1)


def scalar_accumulator(fn):
    # one r for all coordinates (the squared norm), broadcast
    def wrong(theta0, grads, lr, eps, **kw):
        theta = np.array(theta0, dtype=float)
        out, r = [theta.copy()], 0.0
        for g in grads:
            r = r + np.sum(g * g)
            theta = theta - lr * g / (np.sqrt(r) + eps)
            out.append(theta)
        return np.array(out)

    return wrong


WRONG = [uphill, one_step_short, no_start, flattened]


@pytest.mark.parametrize("name, mine", [("check_adagrad", my_adagrad), ("check_rmsprop", my_rmsprop)])
@pytest.mark.parametrize("make", WRONG, ids=lambda f: f.__name__)
def test_other_wrong_versions_fail(name, mine, make):
    v = getattr(exercises, name).verdict(make(mine))
    assert v.status == "fail" and v.misconception is None, v.text


def test_one_accumulator_for_all_coordinates_fails():
    v = exercises.check_adagrad.verdict(scalar_accumulator(my_adagrad))
    assert v.status == "fail" and v.misconception is None, v.text


def test_eps_inside_is_named_with_its_equation():
    def inside(theta0, grads, lr, eps):
        g = np.asarray(grads, dtype=float).reshape((len(grads),) + np.shape(theta0))
        steps = lr * g / np.sqrt(np.cumsum(g**2, axis=0) + eps)
        start = np.asarray(theta0, dtype=float)[None]
        return np.concatenate([start, start - np.cumsum(steps, axis=0)])

    v = exercises.check_adagrad.verdict(inside)
    assert v.misconception == "epsilon inside the square root"
    assert "Reread (8.5)" in v.text

"""Chapter 09's code exercises (coursekit.exercises.adam).

Each checker accepts an independently written correct version and rejects
other wrong ones (wrong sign, off-by-one step count, wrong shape) with a
plain "fail" (tests/test_exercises.py checks the stub of every checker).
"""

import numpy as np
import pytest

from coursekit import exercises


def my_adam(theta, m, v, t, g, lr, beta1, beta2, eps):
    # the folded step size of Kingma and Ba, section 2, with eps rescaled
    m = m + (1 - beta1) * (g - m)
    v = v + (1 - beta2) * (g**2 - v)
    c = np.sqrt(1 - beta2**t)
    step = lr * c / (1 - beta1**t)
    return theta - step * m / (np.sqrt(v) + eps * c), m, v


def my_adamw(theta, m, v, t, g, lr, beta1, beta2, eps, weight_decay):
    shrunk = theta - lr * weight_decay * theta
    return my_adam(shrunk, m, v, t, g, lr, beta1, beta2, eps)


def test_independent_versions_pass():
    assert exercises.check_adam_step.verdict(my_adam).passed
    assert exercises.check_adamw_step.verdict(my_adamw).passed


def uphill(fn):
    def wrong(**kw):
        theta, m, v = fn(**kw)
        return 2 * kw["theta"] - theta, m, v

    return wrong


def counter_behind(fn):
    # t - 1 in the correction (0/0 on the first step)
    def wrong(**kw):
        kw["t"] = kw["t"] - 1
        with np.errstate(divide="ignore", invalid="ignore"):
            return fn(**kw)

    return wrong


def theta_only(fn):
    return lambda **kw: fn(**kw)[0]


def moments_swapped(fn):
    def wrong(**kw):
        theta, m, v = fn(**kw)
        return theta, v, m

    return wrong


def column(fn):
    def wrong(**kw):
        theta, m, v = fn(**kw)
        return theta.reshape(-1, 1), m, v

    return wrong


WRONG = [uphill, counter_behind, theta_only, moments_swapped, column]


@pytest.mark.parametrize("name, mine", [("check_adam_step", my_adam), ("check_adamw_step", my_adamw)])
@pytest.mark.parametrize("make", WRONG, ids=lambda f: f.__name__)
def test_other_wrong_versions_fail(name, mine, make):
    v = getattr(exercises, name).verdict(make(mine))
    assert v.status == "fail" and v.misconception is None, v.text


def test_plain_adam_for_adamw_fails():
    # no decay at all is neither L2 nor decoupled decay
    def no_decay(weight_decay, **kw):
        return my_adam(**kw)

    v = exercises.check_adamw_step.verdict(no_decay)
    assert v.status == "fail", v.text


def test_l2_in_the_gradient_is_named():
    def l2(theta, m, v, t, g, lr, beta1, beta2, eps, weight_decay):
        return my_adam(theta, m, v, t, g + weight_decay * theta, lr, beta1, beta2, eps)

    v = exercises.check_adamw_step.verdict(l2)
    assert v.misconception == "L2 added to the gradient instead of decoupled decay"
    assert "Reread (9.15)" in v.text

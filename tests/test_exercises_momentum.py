"""Chapter 07's code exercises (coursekit.exercises.momentum).

Each checker accepts an independently written correct version and rejects
other wrong ones (wrong sign, off-by-one step count, wrong shape) with a
plain "fail" (tests/test_exercises.py checks the stub of every checker).
"""

import numpy as np
import pytest

from coursekit import exercises


def my_heavy_ball(grad, theta0, lr, beta, steps):
    # the buffer form (7.3) with v = -lr m: same iterates for a constant rate
    theta = np.asarray(theta0, dtype=float).copy()
    m = np.zeros_like(theta)
    out = np.empty((steps + 1,) + theta.shape)
    out[0] = theta
    for k in range(steps):
        m = beta * m + grad(theta)
        theta = theta - lr * m
        out[k + 1] = theta
    return out


def my_nesterov(grad, theta0, lr, beta, steps):
    # torch's form (7.10) stores phi = theta + beta v; recover theta
    phi = np.asarray(theta0, dtype=float).copy()
    m = np.zeros_like(phi)
    out = [phi.copy()]
    for _ in range(steps):
        g = grad(phi)
        m = beta * m + g
        phi = phi - lr * (g + beta * m)
        out.append(phi + beta * lr * m)
    return np.array(out)


def test_independent_versions_pass():
    assert exercises.check_heavy_ball.verdict(my_heavy_ball).passed
    assert exercises.check_nesterov.verdict(my_nesterov).passed


def one_step_short(fn):
    def wrong(grad, theta0, lr, beta, steps):
        path = fn(grad, theta0, lr, beta, max(steps - 1, 0))
        return np.concatenate([path, path[-1:]])[: steps + 1]

    return wrong


def last_only(fn):
    return lambda grad, theta0, lr, beta, steps: fn(grad, theta0, lr, beta, steps)[-1]


def no_start(fn):
    return lambda grad, theta0, lr, beta, steps: fn(grad, theta0, lr, beta, steps)[1:]


def doubled_rate(fn):
    return lambda grad, theta0, lr, beta, steps: fn(grad, theta0, 2 * lr, beta, steps)


def grad_ascent(fn):
    # the whole update with the sign flipped: theta moves by -v
    def wrong(grad, theta0, lr, beta, steps):
        return fn(lambda th: -grad(th), theta0, lr, beta, steps)

    return wrong


def transposed(fn):
    return lambda grad, theta0, lr, beta, steps: fn(grad, theta0, lr, beta, steps).T


WRONG = [one_step_short, last_only, no_start, doubled_rate, transposed]


@pytest.mark.parametrize("name, mine", [("check_heavy_ball", my_heavy_ball), ("check_nesterov", my_nesterov)])
@pytest.mark.parametrize("make", WRONG, ids=lambda f: f.__name__)
def test_other_wrong_versions_fail(name, mine, make):
    v = getattr(exercises, name).verdict(make(mine))
    assert v.status == "fail" and v.misconception is None, v.text


def test_wrong_sign_of_heavy_ball_named():
    v = exercises.check_heavy_ball.verdict(grad_ascent(my_heavy_ball))
    assert v.status == "misconception" and "wrong sign" in v.misconception
    assert "Reread (7.4)" in v.text


def test_nesterov_at_theta_is_the_wrong_point():
    v = exercises.check_nesterov.verdict(my_heavy_ball)
    assert v.status == "misconception" and "wrong point" in v.misconception

"""Chapter 01's code exercises (coursekit.exercises.gradient_descent).

Each checker accepts an independently written correct version and rejects
other wrong ones (wrong sign, off-by-one step count, wrong shape) with a
plain "fail" (tests/test_exercises.py checks the stub of every checker).
"""

import numpy as np
import pytest

from coursekit import exercises


def my_mse_grad(X, y, theta):
    # per example: residual times input, then the mean, times 2
    g = np.zeros(X.shape[1])
    for x_i, y_i in zip(X, y):
        g += 2 * (x_i @ theta - y_i) * x_i
    return g / len(y)


def my_gd(X, y, theta0, lr, steps):
    out = np.empty((steps + 1, len(theta0)))
    out[0] = theta0
    for k in range(steps):
        out[k + 1] = out[k] - lr * my_mse_grad(X, y, out[k])
    return out


def test_independent_versions_pass():
    assert exercises.check_mse_grad.verdict(my_mse_grad).passed
    assert exercises.check_gd.verdict(my_gd).passed


def grad_wrong_sign_only_first(X, y, theta):
    g = my_mse_grad(X, y, theta)
    g[0] = -g[0]
    return g


def grad_column(X, y, theta):
    return my_mse_grad(X, y, theta)[:, None]


def grad_mean_over_all(X, y, theta):
    # the mean over N and d instead of over N alone
    return my_mse_grad(X, y, theta) / X.shape[1]


def grad_rows_broadcast(X, y, theta):
    # y as a column: (N,) - (N, 1) broadcasts to an (N, N) residual
    return 2 / len(y) * X.T @ (X @ theta - y[:, None])


GRAD_WRONG = [grad_wrong_sign_only_first, grad_column, grad_mean_over_all, grad_rows_broadcast]


@pytest.mark.parametrize("wrong", GRAD_WRONG, ids=lambda f: f.__name__)
def test_other_wrong_gradients_fail(wrong):
    v = exercises.check_mse_grad.verdict(wrong)
    assert v.status == "fail" and v.misconception is None, v.text


def gd_one_step_short(X, y, theta0, lr, steps):
    path = my_gd(X, y, theta0, lr, max(steps - 1, 0))
    return np.concatenate([path, path[-1:]])[: steps + 1]


def gd_last_only(X, y, theta0, lr, steps):
    return my_gd(X, y, theta0, lr, steps)[-1]


def gd_no_start(X, y, theta0, lr, steps):
    return my_gd(X, y, theta0, lr, steps)[1:]


def gd_transposed(X, y, theta0, lr, steps):
    return my_gd(X, y, theta0, lr, steps).T


def gd_doubled_rate(X, y, theta0, lr, steps):
    return my_gd(X, y, theta0, 2 * lr, steps)


GD_WRONG = [gd_one_step_short, gd_last_only, gd_no_start, gd_transposed, gd_doubled_rate]


@pytest.mark.parametrize("wrong", GD_WRONG, ids=lambda f: f.__name__)
def test_other_wrong_loops_fail(wrong):
    v = exercises.check_gd.verdict(wrong)
    assert v.status == "fail" and v.misconception is None, v.text


def test_wrong_sign_named_with_its_equation():
    def uphill(X, y, theta):
        return -my_mse_grad(X, y, theta)

    v = exercises.check_mse_grad.verdict(uphill)
    assert v.status == "misconception" and "wrong sign" in v.misconception
    assert "Reread (1.2)" in v.text

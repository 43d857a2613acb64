"""Chapter 01's code exercises: the MSE gradient and a gradient-descent loop.

The reader writes ``mse_grad(X, y, theta)``, the gradient (1.2) of the mean
squared error (1.1) of the linear model ``X @ theta``, and
``gd(X, y, theta0, lr, steps)``, which runs the update (1.3) and returns the
iterates theta_0, ..., theta_steps as a ``(steps + 1, d)`` array. The
references are :class:`coursekit.landscapes.LeastSquares` and
:func:`coursekit.landscapes.gradient_descent`.
"""

from __future__ import annotations

import numpy as np

from .. import landscapes
from .checker import Case, Checker, Misconception


def _problem(rng, n, d, intercept=False):
    X = rng.normal(size=(n, d))
    if intercept:
        X[:, 0] = 1.0
    y = X @ rng.normal(size=d) + 0.3 * rng.normal(size=n)
    return X, y


def _grad_cases(rng):
    def case(label, n, d, intercept=False, exact=False):
        X, y = _problem(rng, n, d, intercept)
        theta = rng.normal(size=d)
        if exact:
            # a perfect fit: the gradient is zero
            y = X @ theta
        return Case(label, dict(X=X, y=y, theta=theta))

    return [
        case("random 20 x 3", 20, 3),
        case("intercept column 50 x 2", 50, 2, intercept=True),
        case("one example in 4-d", 1, 4),
        case("more features than examples", 3, 6),
        case("a perfect fit (zero gradient)", 10, 2, exact=True),
    ]


def _mse_grad(X, y, theta):
    return landscapes.LeastSquares(X, y).grad(np.asarray(theta, dtype=float))


def _mse_grad_no_two(X, y, theta):
    return X.T @ (X @ theta - y) / len(y)


def _mse_grad_uphill(X, y, theta):
    return 2 / len(y) * X.T @ (y - X @ theta)


def _mse_grad_sum(X, y, theta):
    return 2 * X.T @ (X @ theta - y)


_GRAD = "(1.2), the gradient of the mean squared error"

check_mse_grad = Checker(
    "mse_grad",
    "mse_grad(X, y, theta)",
    _mse_grad,
    _grad_cases,
    [
        Misconception(
            "the gradient without the factor 2 (the 2 of the square dropped)",
            _mse_grad_no_two,
            _GRAD,
            label="gd-grad",
        ),
        Misconception(
            "the wrong sign (residual y - X theta: the direction uphill is -grad)",
            _mse_grad_uphill,
            _GRAD,
            label="gd-grad",
        ),
        Misconception(
            "a sum instead of a mean (the 1/N of (1.1) dropped)",
            _mse_grad_sum,
            _GRAD,
            label="gd-grad",
        ),
    ],
    chapter="01",
)


def _gd_cases(rng):
    def case(label, n, d, steps, frac=0.5, intercept=False):
        X, y = _problem(rng, n, d, intercept)
        J = landscapes.LeastSquares(X, y)
        # a stable rate: a fraction of 2 / lambda_max
        lr = frac * J.max_stable_lr()
        theta0 = rng.normal(size=d)
        return Case(label, dict(X=X, y=y, theta0=theta0, lr=lr, steps=steps))

    return [
        case("random 30 x 3 over 10 steps", 30, 3, 10),
        case("intercept column over 6 steps", 40, 2, 6, 0.3, True),
        case("near the stability limit", 20, 2, 8, 0.95),
        case("one step", 10, 2, 1),
        case("zero steps", 10, 2, 0),
    ]


def _run(grad, theta0, lr, steps):
    theta = np.array(theta0, dtype=float)
    path = [theta]
    for _ in range(steps):
        theta = theta - lr * grad(theta)
        path.append(theta)
    return np.array(path)


def _gd(X, y, theta0, lr, steps):
    J = landscapes.LeastSquares(X, y)
    return landscapes.gradient_descent(J, theta0, lr, steps, blowup=np.inf).path


def _gd_uphill(X, y, theta0, lr, steps):
    # theta <- theta + lr grad: gradient ascent
    return _run(lambda t: -_mse_grad(X, y, t), theta0, lr, steps)


def _gd_no_two(X, y, theta0, lr, steps):
    return _run(lambda t: _mse_grad_no_two(X, y, t), theta0, lr, steps)


def _gd_frozen(X, y, theta0, lr, steps):
    # the gradient computed once, at theta0, and reused
    g = _mse_grad(X, y, theta0)
    return _run(lambda t: g, theta0, lr, steps)


check_gd = Checker(
    "gd",
    "gd(X, y, theta0, lr, steps)",
    _gd,
    _gd_cases,
    [
        Misconception(
            "the wrong sign (theta + lr grad climbs the loss)",
            _gd_uphill,
            "(1.3), the gradient-descent update",
            label="gd-update",
        ),
        Misconception(
            "the gradient without the factor 2 (the rate is halved)",
            _gd_no_two,
            _GRAD,
            label="gd-grad",
        ),
        Misconception(
            "the gradient computed once at theta0 and never updated",
            _gd_frozen,
            "(1.3): the gradient at the current theta, at every step",
            label="gd-update",
        ),
    ],
    chapter="01",
)

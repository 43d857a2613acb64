"""Chapter 07's code exercises: heavy ball and Nesterov in the velocity form.

The reader writes ``heavy_ball(grad, theta0, lr, beta, steps)`` and
``nesterov(grad, theta0, lr, beta, steps)``, each returning the iterates
theta_0, ..., theta_steps as a ``(steps + 1, d)`` array, with v_0 = 0. The
references are :func:`coursekit.optim.heavy_ball` and
:func:`coursekit.optim.nesterov_lookahead` (its path).
"""

from __future__ import annotations

import numpy as np

from .. import optim
from .checker import Case, Checker, Misconception


def _quadratic(rng, d):
    """The gradient theta -> H theta of a random SPD quadratic."""
    M = rng.normal(size=(d, d))
    H = M @ M.T / d + np.eye(d)
    H = H / np.linalg.eigvalsh(H).max()

    def grad(theta):
        return H @ theta

    grad.__name__ = f"grad of a {d}-d quadratic"
    return grad


def _cases(rng):
    def case(label, d, lr, beta, steps):
        grad = _quadratic(rng, d)
        theta0 = rng.normal(size=d)
        return Case(label, dict(grad=grad, theta0=theta0, lr=lr, beta=beta, steps=steps))

    return [
        case("random 3-d quadratic over 8 steps", 3, 0.5, 0.9, 8),
        case("random 5-d quadratic over 5 steps", 5, 0.3, 0.6, 5),
        case("one step", 2, 0.5, 0.9, 1),
        case("zero steps", 2, 0.5, 0.9, 0),
        case("beta = 0 (gradient descent)", 2, 0.4, 0.0, 4),
    ]


# heavy ball, (7.4): v <- beta v - lr g, theta <- theta + v
def _heavy_ball(grad, theta0, lr, beta, steps):
    return optim.heavy_ball(grad, theta0, lr, beta, steps)


def _heavy_ball_uphill(grad, theta0, lr, beta, steps):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    path = [theta]
    for _ in range(steps):
        v = beta * v + lr * grad(theta)
        theta = theta + v
        path.append(theta)
    return np.array(path)


def _nesterov(grad, theta0, lr, beta, steps):
    return optim.nesterov_lookahead(grad, theta0, lr, beta, steps)[0]


def _nesterov_at_theta(grad, theta0, lr, beta, steps):
    # the gradient at theta, not at the look-ahead: that is heavy ball
    return optim.heavy_ball(grad, theta0, lr, beta, steps)


def _nesterov_behind(grad, theta0, lr, beta, steps):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    path = [theta]
    for _ in range(steps):
        v = beta * v - lr * grad(theta - beta * v)
        theta = theta + v
        path.append(theta)
    return np.array(path)


def _nesterov_uphill(grad, theta0, lr, beta, steps):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    path = [theta]
    for _ in range(steps):
        v = beta * v + lr * grad(theta + beta * v)
        theta = theta + v
        path.append(theta)
    return np.array(path)


def _nesterov_velocity_dropped(grad, theta0, lr, beta, steps):
    # the misstated box: the last line theta <- theta - lr g
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    path = [theta]
    for _ in range(steps):
        g = grad(theta + beta * v)
        v = beta * v - lr * g
        theta = theta - lr * g
        path.append(theta)
    return np.array(path)


_UPHILL = "the wrong sign (v <- beta v + lr g goes uphill)"
_VELOCITY = "(7.4), the velocity form of heavy ball"

check_heavy_ball = Checker(
    "heavy_ball",
    "heavy_ball(grad, theta0, lr, beta, steps)",
    _heavy_ball,
    _cases,
    [Misconception(_UPHILL, _heavy_ball_uphill, _VELOCITY, label="mom-velocity")],
    chapter="07",
)

_WRONG_POINT = "the Nesterov look-ahead taken at the wrong point"
_LOOKAHEAD = "(7.4) and Algorithm 7.1: the gradient at theta + beta v"

check_nesterov = Checker(
    "nesterov",
    "nesterov(grad, theta0, lr, beta, steps)",
    _nesterov,
    _cases,
    [
        Misconception(
            _WRONG_POINT + " (at theta: that is heavy ball)",
            _nesterov_at_theta,
            _LOOKAHEAD,
            label="mom-velocity",
        ),
        Misconception(
            _WRONG_POINT + " (at theta - beta v, behind theta)",
            _nesterov_behind,
            _LOOKAHEAD,
            label="mom-velocity",
        ),
        Misconception(_UPHILL, _nesterov_uphill, _VELOCITY, label="mom-velocity"),
        Misconception(
            "the velocity thrown away (last line theta <- theta - lr g)",
            _nesterov_velocity_dropped,
            "Algorithm 7.1, whose last line is theta <- theta + v",
        ),
    ],
    chapter="07",
)

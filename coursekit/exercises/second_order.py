"""Chapter 11's code exercises: Armijo backtracking and the two-loop recursion.

The reader writes ``backtrack(value, theta, direction, g, step=1.0,
shrink=0.5, c1=1e-4)``, the step length that backtracking accepts (the
first of ``step``, ``step * shrink``, ``step * shrink**2``, ... that passes
the Armijo test (11.5), with ``g`` the gradient at ``theta``; the reference
is :func:`coursekit.second_order.backtracking`, whose argument names it
keeps), and ``two_loop(g, s_list, y_list, gamma)``, the product C g of the
L-BFGS inverse-Hessian approximation with the gradient (Algorithm 11.1:
the pairs oldest first, C^0 = gamma I; the search direction is minus it;
the reference is :func:`coursekit.optim.lbfgs.two_loop`).
"""

from __future__ import annotations

import numpy as np

from .. import second_order
from ..optim import lbfgs
from .checker import Case, Checker, Misconception

_EVALS = 60  # second_order.backtracking's max_evals


def _quadratic(rng, d, scale):
    """J(theta) = theta^T H theta / 2 for a random SPD H, and its gradient."""
    M = rng.normal(size=(d, d))
    H = M @ M.T / d + 0.1 * np.eye(d)
    H = scale * H / np.linalg.eigvalsh(H).max()

    def value(theta):
        return 0.5 * theta @ H @ theta

    value.__name__ = f"a random {d}-d quadratic"
    return value, H


def _rosenbrock(theta):
    return (1 - theta[0]) ** 2 + 100 * (theta[1] - theta[0] ** 2) ** 2


def _rosenbrock_grad(theta):
    x, y = theta
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


def _square(theta):
    return float(theta @ theta)


_square.__name__ = "theta -> theta^T theta"


def _backtrack_cases(rng):
    def quad(label, d, scale, step, shrink, c1, size=1.0):
        value, H = _quadratic(rng, d, scale)
        theta = size * rng.normal(size=d)
        g = H @ theta
        kw = dict(value=value, theta=theta, direction=-g, g=g)
        return Case(label, kw | dict(step=step, shrink=shrink, c1=c1))

    def rosen(label, theta, newton, step, shrink, c1):
        theta = np.array(theta)
        g = _rosenbrock_grad(theta)
        x, y = theta
        H = np.array([[1200 * x**2 - 400 * y + 2, -400 * x], [-400 * x, 200.0]])
        d = -np.linalg.solve(H, g) if newton else -g
        kw = dict(value=_rosenbrock, theta=theta, direction=d, g=g)
        return Case(label, kw | dict(step=step, shrink=shrink, c1=c1))

    one = np.array([1.0])
    edge = dict(value=_square, theta=one, direction=-one, g=2 * one)
    return [
        quad("random 4-d quadratic, -g, 3 halvings", 4, 12.0, 1.0, 0.5, 1e-4),
        quad("random 3-d quadratic, c1 = 0.4, step = 4", 3, 1.0, 4.0, 0.5, 0.4),
        quad("random 5-d quadratic, c1 = 0.3, shrink 0.7", 5, 1.5, 1.0, 0.7, 0.3),
        quad("the full step accepted at once", 3, 0.5, 1.0, 0.5, 1e-4),
        quad("large values (theta ~ 1e4)", 3, 8.0, 1.0, 0.5, 0.2, 1e4),
        rosen("Rosenbrock at (-1.2, 1) along -g", [-1.2, 1.0], False, 1.0, 0.5, 1e-4),
        rosen("Rosenbrock, Newton direction", [0.8, 0.2], True, 1.0, 0.5, 0.3),
        rosen("Rosenbrock, -g, step = 0.01", [0.5, 0.5], False, 0.01, 0.5, 0.1),
        Case(
            "1-d edge: (11.5) holds with equality at step 1.5",
            edge | dict(step=1.5, shrink=0.5, c1=0.25),
        ),
        Case(
            "1-d edge: the step 2.1 overshoots to a higher J",
            edge | dict(step=2.1, shrink=0.5, c1=0.1),
        ),
    ]


def _backtrack(value, theta, direction, g, step=1.0, shrink=0.5, c1=1e-4):
    f0, slope0 = value(theta), g @ direction
    return second_order.backtracking(value, theta, direction, f0, slope0, step=step, c1=c1, shrink=shrink)[0]


def _backtracking_by(test, first):
    """A backtracking search with its own acceptance test and first step."""

    def search(value, theta, direction, g, step=1.0, shrink=0.5, c1=1e-4):
        f0, slope0 = value(theta), g @ direction
        t = first(step, shrink)
        for _ in range(_EVALS):
            if test(value(theta + t * direction), f0, c1 * t * slope0):
                return t
            t *= shrink
        return 0.0

    return search


def _given(step, shrink):
    return step


_plain_decrease = _backtracking_by(lambda f, f0, c: f < f0, _given)
_slope_flipped = _backtracking_by(lambda f, f0, c: f <= f0 - c, _given)
_strict = _backtracking_by(lambda f, f0, c: f < f0 + c, _given)
_from_one = _backtracking_by(lambda f, f0, c: f <= f0 + c, lambda step, shrink: 1.0)
_shrunk_first = _backtracking_by(lambda f, f0, c: f <= f0 + c, lambda step, shrink: step * shrink)

_ARMIJO = "(11.5), the Armijo condition"

check_backtrack = Checker(
    "backtrack",
    "backtrack(value, theta, direction, g, step, shrink, c1)",
    _backtrack,
    _backtrack_cases,
    [
        Misconception(
            "plain decrease, J(theta + eta Delta) < J(theta), instead of sufficient decrease (no slope term)",
            _plain_decrease,
            _ARMIJO,
            label="so-armijo",
        ),
        Misconception(
            "the slope term with the wrong sign (J(theta) - c1 eta g^T Delta: a rise is accepted)",
            _slope_flipped,
            _ARMIJO + ": g^T Delta < 0, so the bound lies below J(theta)",
            label="so-armijo",
        ),
        Misconception(
            "a strict comparison (<) where (11.5) has <=",
            _strict,
            _ARMIJO,
            label="so-armijo",
        ),
        Misconception(
            "the search not started at the given step (eta = 1 hard-coded)",
            _from_one,
            _ARMIJO + ", and try step, step * shrink, ... in turn",
            label="so-armijo",
        ),
        Misconception(
            "the step shrunk before its first test (the full step is never tried)",
            _shrunk_first,
            _ARMIJO + ", and the paragraph after it: try the full step first",
            label="so-armijo",
        ),
    ],
    chapter="11",
)


def _pairs(rng, d, m, scale=1.0):
    """m pairs (s, y = A s) of a random SPD A, oldest first, and gamma."""
    M = rng.normal(size=(d, d))
    A = M @ M.T / d + 0.2 * np.eye(d)
    s_list = [scale * rng.normal(size=d) for _ in range(m)]
    y_list = [A @ s for s in s_list]
    return s_list, y_list


def bfgs_pairs(A, theta0):
    """The d pairs of BFGS with exact line searches on J = theta^T A theta / 2.

    Started from C = I; the steps are A-conjugate, so the two-loop recursion
    over all d pairs returns A^{-1} g exactly (for any gamma > 0).
    """
    d = len(theta0)
    theta, C = np.array(theta0, dtype=float), np.eye(d)
    s_list, y_list = [], []
    for _ in range(d):
        g = A @ theta
        p = -C @ g
        s = -(g @ p) / (p @ A @ p) * p
        y = A @ s
        rho = 1.0 / (y @ s)
        V = np.eye(d) - rho * np.outer(s, y)
        C = V @ C @ V.T + rho * np.outer(s, s)
        theta = theta + s
        s_list.append(s)
        y_list.append(y)
    return s_list, y_list


def _two_loop_cases(rng):
    def case(label, d, m, gamma=None, scale=1.0, gscale=1.0):
        s_list, y_list = _pairs(rng, d, m, scale)
        if gamma is None:
            gamma = float(s_list[-1] @ y_list[-1] / (y_list[-1] @ y_list[-1]))
        g = gscale * rng.normal(size=d)
        return Case(label, dict(g=g, s_list=s_list, y_list=y_list, gamma=gamma))

    M = rng.normal(size=(4, 4))
    A = M @ M.T + np.eye(4)
    s_list, y_list = bfgs_pairs(A, rng.normal(size=4))
    exact = dict(g=rng.normal(size=4), s_list=s_list, y_list=y_list, gamma=0.5)
    return [
        case("5-d, 3 random pairs, gamma = s^T y / y^T y", 5, 3),
        case("8-d, 5 pairs, gamma = 0.7", 8, 5, 0.7),
        case("one pair, gamma = 1", 3, 1, 1.0),
        case("no pairs: C g = gamma g", 3, 0, 2.0),
        Case("4-d quadratic, the 4 BFGS pairs: C g = H^-1 g", exact),
        case("large values (s ~ 1e3, g ~ 1e6)", 6, 4, None, 1e3, 1e6),
    ]


def _two_loop(g, s_list, y_list, gamma):
    return lbfgs.two_loop(g, s_list, y_list, gamma)


def _recursion(first, second, rho_of, gamma_first=False, reuse=True):
    """The recursion with its loop orders, rho, scaling and alphas as given."""

    def wrong(g, s_list, y_list, gamma):
        q = np.array(g, dtype=float) * (gamma if gamma_first else 1.0)
        m = len(s_list)
        rho = [1.0 / rho_of(s, y) for s, y in zip(s_list, y_list)]
        a = [0.0] * m
        for i in first(m):
            a[i] = rho[i] * (s_list[i] @ q)
            q = q - a[i] * y_list[i]
        r = q if gamma_first else gamma * q
        for i in second(m):
            b = rho[i] * (y_list[i] @ r)
            ai = a[i] if reuse else rho[i] * (s_list[i] @ r)
            r = r + (ai - b) * s_list[i]
        return r

    return wrong


def _newest_first(m):
    return reversed(range(m))


def _oldest_first(m):
    return range(m)


def _s_dot_y(s, y):
    return s @ y


def _y_dot_y(s, y):
    return y @ y


_BOX = "Algorithm 11.1, the two-loop recursion"

check_two_loop = Checker(
    "two_loop",
    "two_loop(g, s_list, y_list, gamma)",
    _two_loop,
    _two_loop_cases,
    [
        Misconception(
            "both loops in the same order (newest first twice)",
            _recursion(_newest_first, _newest_first, _s_dot_y),
            _BOX + ": the second loop runs oldest first",
        ),
        Misconception(
            "rho_i = 1 / y_i^T y_i instead of 1 / y_i^T s_i",
            _recursion(_newest_first, _oldest_first, _y_dot_y),
            "(11.9), the BFGS update, where rho = 1 / y^T s",
            label="so-bfgs",
        ),
        Misconception(
            "the initial scaling gamma applied before the first loop",
            _recursion(_newest_first, _oldest_first, _s_dot_y, gamma_first=True),
            _BOX + ": r <- gamma q comes between the loops",
        ),
        Misconception(
            "the first loop's a_i not reused (recomputed as rho_i s_i^T r)",
            _recursion(_newest_first, _oldest_first, _s_dot_y, reuse=False),
            _BOX + ": the second loop uses the a_i of the first",
        ),
    ],
    chapter="11",
)

"""Chapter 11's code exercises (coursekit.exercises.second_order).

Each checker accepts an independently written correct version and rejects
other wrong ones (wrong sign, off-by-one, wrong shape) with a plain "fail"
(tests/test_exercises.py checks the stub and every named misconception).
"""

import numpy as np
import pytest

from coursekit import exercises
from coursekit.exercises import second_order as ex


def my_backtrack(value, theta, direction, g, step=1.0, shrink=0.5, c1=1e-4):
    # count the halvings k instead of updating eta
    f0 = value(theta)
    slope = float(np.dot(g, direction))
    for k in range(60):
        eta = step * shrink**k
        if value(theta + eta * direction) <= f0 + c1 * eta * slope:
            return eta
    return 0.0


def my_two_loop(g, s_list, y_list, gamma):
    # the pairs as columns of matrices, the loops over their indices
    m = len(s_list)
    S = np.array(s_list).reshape(m, len(g))
    Y = np.array(y_list).reshape(m, len(g))
    rho = 1 / np.einsum("ij,ij->i", S, Y)
    q = np.asarray(g, dtype=float)
    alpha = np.zeros(m)
    for i in range(m - 1, -1, -1):
        alpha[i] = rho[i] * S[i].dot(q)
        q = q - alpha[i] * Y[i]
    r = gamma * q
    for i in range(m):
        r = r + S[i] * (alpha[i] - rho[i] * Y[i].dot(r))
    return r


def test_independent_versions_pass():
    assert exercises.check_backtrack.verdict(my_backtrack).passed
    assert exercises.check_two_loop.verdict(my_two_loop).passed


def test_bfgs_pairs_case_is_the_exact_inverse_hessian():
    # with the d pairs of exact-line-search BFGS on a quadratic, C g = H^-1 g
    rng = np.random.default_rng(3)
    M = rng.normal(size=(5, 5))
    A = M @ M.T + np.eye(5)
    s_list, y_list = ex.bfgs_pairs(A, rng.normal(size=5))
    g = rng.normal(size=5)
    for gamma in (0.3, 1.0, 4.0):
        assert np.allclose(my_two_loop(g, s_list, y_list, gamma), np.linalg.solve(A, g), rtol=1e-9)
    case = next(c for c in exercises.check_two_loop.cases() if "H^-1" in c.label)
    S, Y = np.array(case.kwargs["s_list"]), np.array(case.kwargs["y_list"])
    H = np.linalg.solve(S, Y).T  # y_i = H s_i for every pair
    assert np.allclose(ex._two_loop(**case.kwargs), np.linalg.solve(H, case.kwargs["g"]), rtol=1e-9)


def test_backtrack_misconceptions_each_change_a_case():
    cases = exercises.check_backtrack.cases()
    want = [ex._backtrack(**c.kwargs) for c in cases]
    for m in exercises.check_backtrack.misconceptions:
        assert any(m.wrong(**c.kwargs) != w for c, w in zip(cases, want)), m.name


# other wrong versions of backtrack
def bt_one_halving_short(value, theta, direction, g, step=1.0, shrink=0.5, c1=1e-4):
    eta = my_backtrack(value, theta, direction, g, step, shrink, c1)
    return eta if eta == step else eta / shrink


def bt_uphill(value, theta, direction, g, step=1.0, shrink=0.5, c1=1e-4):
    # the step taken along -direction
    return my_backtrack(value, theta, -direction, -g, step, shrink, c1)


def bt_shrink_squared(value, theta, direction, g, step=1.0, shrink=0.5, c1=1e-4):
    return my_backtrack(value, theta, direction, g, step, shrink**2, c1)


def bt_tuple(value, theta, direction, g, step=1.0, shrink=0.5, c1=1e-4):
    eta = my_backtrack(value, theta, direction, g, step, shrink, c1)
    return eta, value(theta + eta * direction)


def bt_array(value, theta, direction, g, step=1.0, shrink=0.5, c1=1e-4):
    return np.array([my_backtrack(value, theta, direction, g, step, shrink, c1)])


def bt_point(value, theta, direction, g, step=1.0, shrink=0.5, c1=1e-4):
    # the accepted point instead of the step length
    return theta + my_backtrack(value, theta, direction, g, step, shrink, c1) * direction


# other wrong versions of two_loop
def tl_direction(g, s_list, y_list, gamma):
    # the search direction -C g, not C g
    return -my_two_loop(g, s_list, y_list, gamma)


def tl_oldest_dropped(g, s_list, y_list, gamma):
    return my_two_loop(g, s_list[1:], y_list[1:], gamma)


def tl_gamma_ignored(g, s_list, y_list, gamma):
    return my_two_loop(g, s_list, y_list, 1.0)


def tl_column(g, s_list, y_list, gamma):
    return my_two_loop(g, s_list, y_list, gamma)[:, None]


def tl_pairs_swapped(g, s_list, y_list, gamma):
    # s and y exchanged: the Hessian's approximation, not its inverse
    return my_two_loop(g, y_list, s_list, gamma)


BACKTRACK_WRONG = [bt_one_halving_short, bt_uphill, bt_shrink_squared, bt_tuple, bt_array, bt_point]
TWO_LOOP_WRONG = [tl_direction, tl_oldest_dropped, tl_gamma_ignored, tl_column, tl_pairs_swapped]


@pytest.mark.parametrize("wrong", BACKTRACK_WRONG, ids=lambda f: f.__name__)
def test_other_wrong_backtracks_fail(wrong):
    v = exercises.check_backtrack.verdict(wrong)
    assert v.status == "fail" and v.misconception is None, v.text


@pytest.mark.parametrize("wrong", TWO_LOOP_WRONG, ids=lambda f: f.__name__)
def test_other_wrong_two_loops_fail(wrong):
    v = exercises.check_two_loop.verdict(wrong)
    assert v.status == "fail" and v.misconception is None, v.text


def test_plain_decrease_is_named_with_the_armijo_equation():
    def plain(value, theta, direction, g, step=1.0, shrink=0.5, c1=1e-4):
        eta, f0 = step, value(theta)
        while value(theta + eta * direction) >= f0:
            eta = eta * shrink
        return eta

    v = exercises.check_backtrack.verdict(plain)
    assert v.status == "misconception" and "plain decrease" in v.misconception
    assert "Reread (11.5)" in v.text


def test_same_order_twice_is_named():
    def same_order(g, s_list, y_list, gamma):
        q, alpha = np.array(g, dtype=float), {}
        for i in reversed(range(len(s_list))):
            alpha[i] = s_list[i] @ q / (y_list[i] @ s_list[i])
            q -= alpha[i] * y_list[i]
        q *= gamma
        for i in reversed(range(len(s_list))):
            b = y_list[i] @ q / (y_list[i] @ s_list[i])
            q += (alpha[i] - b) * s_list[i]
        return q

    v = exercises.check_two_loop.verdict(same_order)
    assert v.status == "misconception" and "same order" in v.misconception
    assert "Reread Algorithm 11.1" in v.text

"""Chapter 13's code exercises (coursekit.exercises.double_descent).

Each checker accepts independently written correct versions and rejects
other wrong ones (wrong sign, off-by-one, wrong shape) with a plain "fail"
(tests/test_exercises.py checks the stub and every named misconception).
"""

import numpy as np
import pytest

from coursekit import exercises


def fit_pinv(Phi, y):
    return np.linalg.pinv(Phi) @ y


def fit_lstsq(Phi, y):
    return np.linalg.lstsq(Phi, y, rcond=None)[0]


def fit_svd(Phi, y):
    # theta = V S^+ U^T y, the singular values below a tolerance dropped
    U, s, Vt = np.linalg.svd(Phi, full_matrices=False)
    keep = s > s.max() * max(Phi.shape) * np.finfo(float).eps
    return Vt[keep].T @ ((U[:, keep].T @ y) / s[keep])


def fit_kernel_pinv(Phi, y):
    return Phi.T @ np.linalg.pinv(Phi @ Phi.T) @ y


@pytest.mark.parametrize("fit", [fit_pinv, fit_lstsq, fit_svd, fit_kernel_pinv], ids=lambda f: f.__name__)
def test_independent_fits_pass(fit):
    v = exercises.check_min_norm_fit.verdict(fit)
    assert v.passed, v.text


def my_emc(ns, train_errors, eps):
    best = 0
    for n, err in zip(ns, train_errors):
        if err <= eps and n > best:
            best = int(n)
    return best


def test_independent_emc_passes():
    assert exercises.check_emc.verdict(my_emc).passed


def test_normal_equations_named_whichever_way_solved():
    # solve (raises on a singular matrix) and inv in another order (other
    # round-off noise than the misconception's own version): both named
    def by_solve(Phi, y):
        return np.linalg.solve(Phi.T @ Phi, Phi.T @ y)

    def by_inv(Phi, y):
        return np.linalg.inv(Phi.T @ Phi).dot(Phi.T).dot(y)

    for wrong in (by_solve, by_inv):
        v = exercises.check_min_norm_fit.verdict(wrong)
        assert v.status == "misconception" and "normal equations" in v.misconception, v.text
        assert "Reread (13.2)" in v.text


def test_other_interpolating_fit_named():
    # an exact fit plus a null-space component: interpolates, larger norm
    def plus_null(Phi, y):
        theta = np.linalg.pinv(Phi) @ y
        n, p = Phi.shape
        if n < p:
            z = np.ones(p)
            theta = theta + z - np.linalg.pinv(Phi) @ (Phi @ z)
        return theta

    v = exercises.check_min_norm_fit.verdict(plus_null)
    assert v.status == "misconception" and "not the minimum-norm" in v.misconception, v.text


def test_inverse_for_pseudo_inverse_named():
    def kernel_solve(Phi, y):
        n, p = Phi.shape
        if n < p:
            return Phi.T @ np.linalg.solve(Phi @ Phi.T, y)
        return np.linalg.lstsq(Phi, y, rcond=None)[0]

    v = exercises.check_min_norm_fit.verdict(kernel_solve)
    assert v.status == "misconception" and "pseudo-inverse" in v.misconception, v.text


# other wrong versions of min_norm_fit
def fit_sign(Phi, y):
    return -fit_pinv(Phi, y)


def fit_transposed(Phi, y):
    # Phi^T where Phi was meant: theta has n entries
    return np.linalg.pinv(Phi.T) @ np.ones(Phi.shape[1]) if Phi.shape[0] != Phi.shape[1] else 2 * fit_pinv(Phi, y)


def fit_column(Phi, y):
    return fit_pinv(Phi, y)[:, None]


def fit_predictions(Phi, y):
    # the fitted values Phi theta, not the weights
    return Phi @ fit_pinv(Phi, y)


def fit_ridge(Phi, y):
    # a ridge of 1e-2 left in: not the ridgeless fit
    n, p = Phi.shape
    return np.linalg.solve(Phi.T @ Phi + n * 1e-2 * np.eye(p), Phi.T @ y)


def fit_first_point_dropped(Phi, y):
    # off by one: the first training point left out
    return fit_pinv(Phi[1:], y[1:]) if len(y) > 1 else np.zeros(Phi.shape[1])


FIT_WRONG = [fit_sign, fit_transposed, fit_column, fit_predictions, fit_ridge, fit_first_point_dropped]


@pytest.mark.parametrize("wrong", FIT_WRONG, ids=lambda f: f.__name__)
def test_other_wrong_fits_fail(wrong):
    v = exercises.check_min_norm_fit.verdict(wrong)
    assert v.status == "fail" and v.misconception is None, v.text


# other wrong versions of emc
def emc_next_size(ns, train_errors, eps):
    # one step of the sweep too far, where the error is at most eps
    e = my_emc(ns, train_errors, eps)
    return e + 10 if e else 0


def emc_smallest(ns, train_errors, eps):
    fits = [int(n) for n, err in zip(ns, train_errors) if err <= eps]
    return min(fits) if fits else 0


def emc_above(ns, train_errors, eps):
    # the comparison the wrong way round
    return my_emc(ns, -np.asarray(train_errors), -eps)


def emc_array(ns, train_errors, eps):
    return np.array([my_emc(ns, train_errors, eps)])


def emc_count(ns, train_errors, eps):
    return int(np.sum(np.asarray(train_errors) <= eps))


EMC_WRONG = [emc_next_size, emc_smallest, emc_above, emc_array, emc_count]


@pytest.mark.parametrize("wrong", EMC_WRONG, ids=lambda f: f.__name__)
def test_other_wrong_emcs_fail(wrong):
    v = exercises.check_emc.verdict(wrong)
    assert v.status == "fail" and v.misconception is None, v.text


def test_emc_off_by_one_named():
    def first_failure(ns, train_errors, eps):
        for n, err in zip(ns, train_errors):
            if err > eps:
                return int(n)
        return int(ns[-1])

    v = exercises.check_emc.verdict(first_failure)
    assert v.status == "misconception" and "off-by-one" in v.misconception
    assert "Reread (13.6)" in v.text

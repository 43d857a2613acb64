"""Chapter 06's code exercises (coursekit.exercises.sgd).

Each checker accepts an independently written correct version, names each
misconception it claims, and rejects other wrong versions (wrong sign,
off-by-one, wrong shape) with a plain "fail".
"""

import numpy as np
import pytest

from coursekit import exercises
from coursekit.exercises import sgd


def my_sgd_epoch(X, y, theta, lr, batch_size, rng):
    # one shuffle, then consecutive slices; the mean gradient of each
    n = len(y)
    order = rng.permutation(n)
    w = np.asarray(theta, dtype=float).copy()
    for start in range(0, n, batch_size):
        idx = order[start : start + batch_size]
        r = X[idx] @ w - y[idx]
        w -= lr * np.mean(X[idx] * r[:, None], axis=0)
    return w


def my_variance(grads, B, replace):
    G = np.atleast_2d(np.asarray(grads, dtype=float))
    n = G.shape[0]
    sigma2 = np.sum(np.var(G, axis=0))
    if replace:
        return sigma2 / B
    return 0.0 if n == 1 else sigma2 / B * (n - B) / (n - 1)


def test_independent_versions_pass():
    assert exercises.check_sgd_epoch.verdict(my_sgd_epoch).passed
    assert exercises.check_minibatch_variance.verdict(my_variance).passed


def test_the_reference_keeps_the_last_batch_smaller():
    # n = 10, B = 3: four steps, the last on one example (data.minibatches)
    X, y = np.eye(10), np.arange(10.0)
    rng = np.random.default_rng(0)
    order = np.random.default_rng(0).permutation(10)
    w = sgd._sgd_epoch(X, y, np.zeros(10), 1.0, 3, rng)
    # each example is visited once: its weight moves by lr y_i / |batch|
    sizes = np.repeat([3, 3, 3, 1], [3, 3, 3, 1])
    assert np.allclose(w[order], y[order] / sizes)


def test_sgd_epoch_misconceptions_named():
    named = {
        sgd._with_replacement: "with replacement",
        sgd._summed: "summed",
        sgd._drop_last: "dropped",
        sgd._not_sliced: "not sliced",
        sgd._over_B: "divided by B",
        sgd._fresh_permutation: "new permutation",
    }
    for wrong, words in named.items():
        v = exercises.check_sgd_epoch.verdict(wrong)
        assert v.status == "misconception" and words in v.misconception, v.text
        assert "Reread (6." in v.text or "Reread the exercise" in v.text


def test_variance_misconceptions_named():
    v = exercises.check_minibatch_variance.verdict(sgd._no_factor)
    assert v.status == "misconception" and "finite-population" in v.misconception
    assert "Reread (6.5)" in v.text
    for wrong in (sgd._factor_over_n, sgd._ddof, sgd._not_over_B, sgd._per_coordinate):
        v = exercises.check_minibatch_variance.verdict(wrong)
        assert v.status == "misconception", v.text


def epoch_uphill(X, y, theta, lr, batch_size, rng):
    return my_sgd_epoch(X, y, theta, -lr, batch_size, rng)


def epoch_one_batch_short(X, y, theta, lr, batch_size, rng):
    # off by one: the loop stops one batch early (also drops a full one)
    n = len(y)
    order = rng.permutation(n)
    w = np.asarray(theta, dtype=float).copy()
    starts = list(range(0, n, batch_size))
    for start in starts[:-1] if len(starts) > 1 else starts:
        idx = order[start : start + batch_size]
        w -= lr * X[idx].T @ (X[idx] @ w - y[idx]) / len(idx)
    return w


def epoch_column(X, y, theta, lr, batch_size, rng):
    return my_sgd_epoch(X, y, theta, lr, batch_size, rng)[:, None]


def epoch_unshuffled(X, y, theta, lr, batch_size, rng):
    return my_sgd_epoch(X, y, theta, lr, batch_size, np.random.default_rng(123))


@pytest.mark.parametrize("wrong", [epoch_uphill, epoch_one_batch_short, epoch_column, epoch_unshuffled])
def test_other_wrong_epochs_fail(wrong):
    v = exercises.check_sgd_epoch.verdict(wrong)
    assert v.status == "fail" and v.misconception is None, v.text


def variance_negative(grads, B, replace):
    return -my_variance(grads, B, replace)


def variance_off_by_one(grads, B, replace):
    return my_variance(grads, B + 1, replace)


def variance_per_example(grads, B, replace):
    # a vector of squared deviations instead of their mean
    G = np.asarray(grads, dtype=float)
    return np.sum((G - G.mean(axis=0)) ** 2, axis=1) / B


def variance_replace_flipped(grads, B, replace):
    if not replace and B > len(grads):
        return my_variance(grads, B, True)
    return my_variance(grads, B, not replace) if B <= len(grads) else my_variance(grads, B, replace)


@pytest.mark.parametrize(
    "wrong", [variance_negative, variance_off_by_one, variance_per_example, variance_replace_flipped]
)
def test_other_wrong_variances_fail(wrong):
    v = exercises.check_minibatch_variance.verdict(wrong)
    assert v.status == "fail" and v.misconception is None, v.text

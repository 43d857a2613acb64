"""Chapter 06's code exercises: one epoch of minibatch SGD, and its variance.

The reader writes ``sgd_epoch(X, y, theta, lr, batch_size, rng)``: one epoch
of minibatch SGD without replacement on least squares
F(theta) = (1/n) sum_i 1/2 (theta^T x_i - y_i)^2, the order drawn by one call
``rng.permutation(n)`` and cut into consecutive batches of ``batch_size``, the
last one smaller when ``batch_size`` does not divide n (as
:func:`coursekit.data.minibatches` does by default). Each step is (sgd-step)
with the mean over the batch. The reference steps along
:func:`coursekit.data.minibatches`' batches.

The reader also writes ``minibatch_variance(grads, B, replace)``, the exact
E||g - grad F||^2 of a minibatch mean, (sgd-var-with) and (sgd-var-without);
the reference is :func:`coursekit.sgd_theory.gradient_variance`.
"""

from __future__ import annotations

import numpy as np

from .. import data, sgd_theory
from .checker import Case, Checker, Misconception


def _problem(rng, n, d, scale=1.0):
    X = rng.normal(size=(n, d)) * scale
    y = X @ rng.normal(size=d) + 0.3 * rng.normal(size=n) * scale
    return X, y, rng.normal(size=d)


def _epoch_cases(rng):
    def case(label, n, d, lr, batch_size, scale=1.0):
        X, y, theta = _problem(rng, n, d, scale)
        gen = np.random.default_rng(int(rng.integers(2**31)))
        kw = dict(X=X, y=y, theta=theta, lr=lr, batch_size=batch_size, rng=gen)
        return Case(label, kw)

    return [
        case("n = 10, B = 3: the last batch has 1 example", 10, 3, 0.1, 3),
        case("n = 12, B = 4: B divides n", 12, 2, 0.1, 4),
        case("n = 7, B = 5: the last batch has 2 examples", 7, 4, 0.05, 5),
        case("B = 1: one example per step", 6, 2, 0.1, 1),
        case("B = n: one full-batch step", 8, 3, 0.2, 8),
        case("one example, n = B = 1", 1, 3, 0.1, 1),
        case("large values (x of size 1e3, lr = 1e-7)", 9, 2, 1e-7, 4, 1e3),
    ]


def _step(theta, lr, Xb, yb, denominator):
    # (sgd-step): g = (1/B) sum_i x_i (theta^T x_i - y_i)
    return theta - lr * Xb.T @ (Xb @ theta - yb) / denominator


def _sgd_epoch(X, y, theta, lr, batch_size, rng):
    theta = np.array(theta, dtype=float)
    for Xb, yb in data.minibatches(X, y, batch_size, rng):
        theta = _step(theta, lr, Xb, yb, len(yb))
    return theta


def _batches(n, batch_size, rng, drop_last=False):
    order = rng.permutation(n)
    stop = n - n % batch_size if drop_last else n
    return [order[i : i + batch_size] for i in range(0, stop, batch_size)]


def _with_replacement(X, y, theta, lr, batch_size, rng):
    # each batch drawn by rng.integers: indices may repeat within an epoch
    theta = np.array(theta, dtype=float)
    n = len(y)
    for start in range(0, n, batch_size):
        size = min(batch_size, n - start)
        idx = rng.integers(0, n, size=size)
        theta = _step(theta, lr, X[idx], y[idx], size)
    return theta


def _fresh_permutation(X, y, theta, lr, batch_size, rng):
    # a new permutation for every batch: no example repeats within a batch,
    # but the epoch does not visit each example once
    theta = np.array(theta, dtype=float)
    n = len(y)
    for start in range(0, n, batch_size):
        size = min(batch_size, n - start)
        idx = rng.permutation(n)[:size]
        theta = _step(theta, lr, X[idx], y[idx], size)
    return theta


def _summed(X, y, theta, lr, batch_size, rng):
    theta = np.array(theta, dtype=float)
    for idx in _batches(len(y), batch_size, rng):
        theta = _step(theta, lr, X[idx], y[idx], 1)
    return theta


def _over_B(X, y, theta, lr, batch_size, rng):
    # the last, smaller batch divided by B instead of its size
    theta = np.array(theta, dtype=float)
    for idx in _batches(len(y), batch_size, rng):
        theta = _step(theta, lr, X[idx], y[idx], batch_size)
    return theta


def _drop_last(X, y, theta, lr, batch_size, rng):
    theta = np.array(theta, dtype=float)
    for idx in _batches(len(y), batch_size, rng, drop_last=True):
        theta = _step(theta, lr, X[idx], y[idx], len(idx))
    return theta


def _not_sliced(X, y, theta, lr, batch_size, rng):
    # the permutation drawn once, but every step uses its first B entries
    theta = np.array(theta, dtype=float)
    n = len(y)
    order = rng.permutation(n)
    for _ in range(0, n, batch_size):
        idx = order[:batch_size]
        theta = _step(theta, lr, X[idx], y[idx], len(idx))
    return theta


_STEP = "(6.2), the mean over the batch"
_LAST = "the exercise: the last batch is kept, smaller (data.minibatches)"

check_sgd_epoch = Checker(
    "sgd_epoch",
    "sgd_epoch(X, y, theta, lr, batch_size, rng)",
    _sgd_epoch,
    _epoch_cases,
    [
        Misconception(
            "sampling with replacement (rng.integers: indices repeat)",
            _with_replacement,
            "(6.5): an epoch shuffles once, then cuts",
            label="sgd-var-without",
        ),
        Misconception(
            "a new permutation for every batch (one permutation per epoch)",
            _fresh_permutation,
            "(6.5): an epoch shuffles once, then cuts",
            label="sgd-var-without",
        ),
        Misconception(
            "the gradient summed over the batch, not averaged (a step B times too large)",
            _summed,
            _STEP,
            label="sgd-step",
        ),
        Misconception(
            "the last, smaller batch divided by B instead of its size",
            _over_B,
            _STEP,
            label="sgd-step",
        ),
        Misconception("the last partial batch dropped", _drop_last, _LAST),
        Misconception(
            "the permutation not sliced (every step uses its first B indices)",
            _not_sliced,
            "(6.2): batch j is perm[j B : (j + 1) B]",
            label="sgd-step",
        ),
    ],
    chapter="06",
)


# --------------------------------------------------------------------------- variance
def _variance_cases(rng):
    def case(label, n, d, B, replace, scale=1.0):
        grads = rng.normal(size=(n, d)) * scale + rng.normal(size=d)
        return Case(label, dict(grads=grads, B=B, replace=replace))

    return [
        case("n = 10, d = 3, B = 4, with replacement", 10, 3, 4, True),
        case("n = 10, d = 3, B = 4, without replacement", 10, 3, 4, False),
        case("n = 50, d = 2, B = 1, without replacement", 50, 2, 1, False),
        case("B = n without replacement: the full batch", 6, 2, 6, False),
        case("B > n with replacement", 3, 2, 5, True),
        case("one coordinate, d = 1", 8, 1, 3, False),
        case("one example, n = B = 1, with replacement", 1, 3, 1, True),
        case("large values (gradients of size 1e4)", 12, 4, 5, False, 1e4),
    ]


def _sigma2(G, ddof=0):
    G = np.asarray(G, dtype=float)
    dev = np.sum((G - G.mean(axis=0)) ** 2, axis=1)
    return dev.sum() / (len(G) - ddof)


def _variance(grads, B, replace):
    return sgd_theory.gradient_variance(grads, B, replace)


def _no_factor(grads, B, replace):
    return _sigma2(grads) / B


def _factor_over_n(grads, B, replace):
    n = len(grads)
    return _sigma2(grads) / B * (1 if replace else (n - B) / n)


def _ddof(grads, B, replace):
    n = len(grads)
    if n == 1:
        return 0.0
    return _sigma2(grads, ddof=1) / B * (1 if replace else (n - B) / (n - 1))


def _not_over_B(grads, B, replace):
    n = len(grads)
    if n == 1:
        return 0.0
    return _sigma2(grads) * (1 if replace else (n - B) / (n - 1))


def _per_coordinate(grads, B, replace):
    # np.var over all entries: the mean over coordinates, not the sum
    n, d = np.shape(grads)
    return _sigma2(grads) / d / B * (1 if replace or n == 1 else (n - B) / (n - 1))


_WITHOUT = "(6.5), the finite-population factor (n - B)/(n - 1)"

check_minibatch_variance = Checker(
    "minibatch_variance",
    "minibatch_variance(grads, B, replace)",
    _variance,
    _variance_cases,
    [
        Misconception(
            "the finite-population factor (n - B)/(n - 1) forgotten",
            _no_factor,
            _WITHOUT,
            label="sgd-var-without",
        ),
        Misconception(
            "the factor written (n - B)/n instead of (n - B)/(n - 1)",
            _factor_over_n,
            _WITHOUT,
            label="sgd-var-without",
        ),
        Misconception(
            "sigma^2 averaged over n - 1 instead of n",
            _ddof,
            "the definition of sigma^2 before (6.4): a mean over the n examples",
            label="sgd-var-with",
        ),
        Misconception(
            "sigma^2 not divided by B",
            _not_over_B,
            "(6.4): a mean of B terms has variance sigma^2/B",
            label="sgd-var-with",
        ),
        Misconception(
            "the variance per coordinate (np.var) instead of the squared norm",
            _per_coordinate,
            "the definition of sigma^2 before (6.4): a squared norm, summed over coordinates",
            label="sgd-var-with",
        ),
    ],
    chapter="06",
)

r"""Maximum likelihood: negative log-likelihoods, their minimizers, and the
information quantities (entropy, cross-entropy, KL divergence) they equal.

For data :math:`x^{(1)},\dots,x^{(N)}` drawn independently and a model
:math:`p(x;\theta)`, the mean negative log-likelihood

.. math:: \mathrm{NLL}(\theta) = -\frac1N \sum_{i=1}^N \log p(x^{(i)};\theta)

is minimized by the maximum-likelihood estimate :math:`\hat\theta_{\mathrm{MLE}}`.
Every NLL here is the *mean* over examples (as torch's losses with
``reduction="mean"``); multiply by ``N`` for the sum. The model parameters
broadcast against each other, so one call evaluates a whole grid of
:math:`(\mu, \sigma)` or :math:`p` values: the data axis is the last one.

The estimator-simulation helpers at the end draw many data sets at once and
return the estimates, so a lesson can measure bias, variance and consistency.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

LOG_2PI = np.log(2.0 * np.pi)


# --------------------------------------------------------------------- checks
def _data(x, name: str = "x") -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {x.shape}")
    return x


def _binary(y, name: str = "y") -> np.ndarray:
    y = _data(y, name)
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"{name} must hold only 0s and 1s, got values {np.unique(y)[:5]}")
    return y


def _labels(labels, k: int | None = None) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0 or not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be a non-empty 1-D integer array, got {labels.dtype} of shape {labels.shape}")
    if labels.min() < 0 or (k is not None and labels.max() >= k):
        raise ValueError(
            f"labels must lie in 0..{'k-1' if k is None else k - 1}, got min {labels.min()} and max {labels.max()}"
        )
    return labels


def _positive(a, name: str) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    if np.any(~(a > 0)):
        raise ValueError(f"{name} must be > 0, got min {np.min(a)!r}")
    return a


def _probability(p, name: str) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    if np.any(~((p >= 0) & (p <= 1))):
        raise ValueError(f"{name} must lie in [0, 1], got range [{np.min(p)}, {np.max(p)}]")
    return p


def _distribution(p, name: str) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    if p.ndim == 0 or p.shape[-1] == 0:
        raise ValueError(f"{name} must have a non-empty last axis, got shape {p.shape}")
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0, atol=1e-9):
        raise ValueError(
            f"{name} must be non-negative and sum to 1 along its last axis, got sums {np.round(p.sum(axis=-1), 6)}"
        )
    return p


# ------------------------------------------------------------ Gaussian model
def gaussian_nll(x, mu, sigma) -> np.ndarray:
    r"""Mean NLL of ``x`` under :math:`\mathcal N(\mu, \sigma^2)`:

    .. math:: \mathrm{NLL}(\mu,\sigma) = \tfrac12\log(2\pi\sigma^2)
              + \frac{1}{2\sigma^2}\,\frac1N\sum_i (x^{(i)}-\mu)^2 .

    ``x`` is ``(N,)``; ``mu`` and ``sigma`` are numbers or arrays that broadcast
    against each other (a grid of them gives a grid of NLLs).
    """
    x = _data(x)
    sigma = _positive(sigma, "sigma")
    mu = np.asarray(mu, dtype=float)
    # (1/N) sum (x - mu)^2 = var(x) + (mean(x) - mu)^2: no (grid, N) array needed.
    mean_sq = np.var(x) + (np.mean(x) - mu) ** 2
    return 0.5 * (LOG_2PI + 2.0 * np.log(sigma)) + mean_sq / (2.0 * sigma**2)


def gaussian_regression_nll(y, pred, sigma) -> np.ndarray:
    r"""Mean NLL of targets ``y`` when the model says
    :math:`y^{(i)} \sim \mathcal N(f(x^{(i)};\theta), \sigma^2)`:

    .. math:: \mathrm{NLL}(\theta,\sigma) = \tfrac12\log(2\pi\sigma^2)
              + \frac{1}{2\sigma^2}\,\underbrace{\frac1N\sum_i \bigl(y^{(i)} - f(x^{(i)};\theta)\bigr)^2}_{\mathrm{MSE}(\theta)} .

    ``pred`` is ``(..., N)``, one predicted mean per example; ``sigma`` is a
    number or broadcasts against ``pred``'s leading axes.
    """
    y = _data(y, "y")
    pred = np.asarray(pred, dtype=float)
    if pred.shape[-1:] != y.shape:
        raise ValueError(f"pred must have last dimension {y.size} to match y, got shape {pred.shape}")
    sigma = _positive(sigma, "sigma")
    mse = np.mean((y - pred) ** 2, axis=-1)
    return 0.5 * (LOG_2PI + 2.0 * np.log(sigma)) + mse / (2.0 * sigma**2)


def gaussian_mle(x) -> tuple[float, float]:
    r"""The maximizers of the Gaussian likelihood, in closed form:

    .. math:: \hat\mu = \frac1N\sum_i x^{(i)},\qquad
              \hat\sigma = \sqrt{\frac1N\sum_i (x^{(i)}-\hat\mu)^2}

    (divisor :math:`N`, not :math:`N-1`). Returns ``(mu_hat, sigma_hat)``.
    """
    x = _data(x)
    mu = x.mean()  # mu_hat = (1/N) sum x_i
    sigma = np.sqrt(np.mean((x - mu) ** 2))  # sigma_hat^2 = (1/N) sum (x_i - mu_hat)^2
    return float(mu), float(sigma)


def gaussian_density(x, mu, sigma) -> np.ndarray:
    r""":math:`\mathcal N(x;\mu,\sigma^2) = \exp(-(x-\mu)^2/2\sigma^2)/\sqrt{2\pi\sigma^2}`
    (a density, so it exceeds 1 when :math:`\sigma < 1/\sqrt{2\pi}`)."""
    sigma = _positive(sigma, "sigma")
    x = np.asarray(x, dtype=float)
    return np.exp(-((x - mu) ** 2) / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2)


# ----------------------------------------------------------- Bernoulli model
def bernoulli_nll(y, p) -> np.ndarray:
    r"""Mean NLL of 0/1 outcomes ``y`` under :math:`\mathrm{Bernoulli}(p)`:

    .. math:: \mathrm{NLL}(p) = -\frac1N\sum_i \bigl[y^{(i)}\log p + (1-y^{(i)})\log(1-p)\bigr]
              = -\bigl[\bar y\log p + (1-\bar y)\log(1-p)\bigr].

    ``p`` is a probability in [0, 1], or an array of them (a grid gives a grid).
    ``0 log 0`` counts as 0, so ``p`` = 0 or 1 is allowed; the NLL is ``inf``
    when an observed outcome gets probability 0.
    """
    y = _binary(y)
    p = _probability(p, "p")
    k = y.mean()  # the fraction of ones
    return -(_xlogy(k, p) + _xlogy(1.0 - k, 1.0 - p))  # 0 * log 0 = 0


def binary_cross_entropy(y, p) -> np.ndarray:
    r"""The binary cross-entropy of a classifier that gives example :math:`i`
    the probability :math:`p^{(i)}` of class 1, which is its mean Bernoulli NLL:

    .. math:: -\frac1N\sum_i \bigl[y^{(i)}\log p^{(i)} + (1-y^{(i)})\log(1-p^{(i)})\bigr].

    ``p`` is ``(..., N)``. (torch's ``binary_cross_entropy`` clamps the logs at
    -100; this one returns ``inf`` for a confident wrong answer.)
    """
    y = _binary(y)
    p = _probability(p, "p")
    if p.shape[-1:] != y.shape:
        raise ValueError(f"p must have last dimension {y.size} to match y, got shape {p.shape}")
    return -np.mean(_xlogy(y, p) + _xlogy(1.0 - y, 1.0 - p), axis=-1)


def bernoulli_mle(y) -> float:
    r""":math:`\hat p = \frac1N\sum_i y^{(i)}`, the fraction of ones."""
    return float(_binary(y).mean())


# --------------------------------------------------------- categorical model
def categorical_nll(labels, probs) -> float:
    r"""Mean NLL of integer ``labels`` under class probabilities ``probs``, the
    categorical cross-entropy:

    .. math:: \mathrm{NLL} = -\frac1N\sum_i \log q_{y^{(i)}}.

    ``probs`` is ``(K,)`` (one distribution for all examples) or ``(N, K)``
    (one per example, e.g. a classifier's softmax output).
    """
    probs = _distribution(probs, "probs")
    k = probs.shape[-1]
    labels = _labels(labels, k)
    if probs.ndim == 1:
        picked = probs[labels]
    elif probs.shape == (labels.size, k):
        picked = probs[np.arange(labels.size), labels]
    else:
        raise ValueError(f"probs must have shape ({k},) or ({labels.size}, {k}), got {probs.shape}")
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(picked)))


def categorical_mle(labels, k: int) -> np.ndarray:
    r""":math:`\hat q_c = |\{i: y^{(i)}=c\}| / N`, the empirical class frequencies."""
    if int(k) != k or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    labels = _labels(labels, int(k))
    return np.bincount(labels, minlength=int(k)) / labels.size


def softmax(logits, axis: int = -1) -> np.ndarray:
    r""":math:`\mathrm{softmax}(z)_c = e^{z_c}/\sum_j e^{z_j}`, computed after
    subtracting :math:`\max_j z_j` (which changes nothing but avoids overflow)."""
    z = np.asarray(logits, dtype=float)
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


# ------------------------------------------------------ entropy, CE and KL
def _xlogy(x, y):
    """x * log(y), with 0 * log(anything) = 0 (the convention of information theory)."""
    x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    out = np.zeros(x.shape)
    nz = x != 0
    with np.errstate(divide="ignore"):
        out[nz] = x[nz] * np.log(y[nz])
    return out if out.ndim else float(out)


def entropy(p) -> np.ndarray:
    r""":math:`H(p) = -\sum_c p_c \log p_c` in nats (last axis), with :math:`0\log 0 = 0`."""
    p = _distribution(p, "p")
    return -np.sum(_xlogy(p, p), axis=-1)


def cross_entropy(p, q) -> np.ndarray:
    r""":math:`H(p, q) = -\sum_c p_c \log q_c` in nats: the expected NLL under
    :math:`q` of data distributed as :math:`p`. Infinite where :math:`q_c=0<p_c`."""
    p, q = _distribution(p, "p"), _distribution(q, "q")
    return -np.sum(_xlogy(p, q), axis=-1)


def kl_divergence(p, q) -> np.ndarray:
    r""":math:`D_{\mathrm{KL}}(p\,\|\,q) = \sum_c p_c \log(p_c/q_c) \ge 0`, zero
    exactly when :math:`p=q`; so :math:`H(p,q) = H(p) + D_{\mathrm{KL}}(p\|q)`."""
    p, q = _distribution(p, "p"), _distribution(q, "q")
    with np.errstate(divide="ignore"):
        return np.sum(_xlogy(p, p) - _xlogy(p, q), axis=-1)


# ----------------------------------------------- estimators, by simulation
def simulate(estimator: Callable, sampler: Callable, n: int, trials: int = 10_000, seed=0) -> np.ndarray:
    r"""Run ``estimator`` on ``trials`` independent data sets of size ``n``.

    ``sampler(rng, size)`` draws an array of shape ``size = (trials, n)``;
    ``estimator(data)`` maps ``(trials, n)`` to ``(trials,)`` (reduce the last
    axis, e.g. ``lambda x: x.var(axis=-1)``). Returns the ``trials`` estimates,
    whose mean minus the truth is the bias and whose variance is the variance.
    """
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if int(trials) != trials or trials < 2:
        raise ValueError(f"trials must be an integer >= 2, got {trials!r}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    data = sampler(rng, (int(trials), int(n)))
    est = np.asarray(estimator(data), dtype=float)
    if est.shape != (int(trials),):
        raise ValueError(f"estimator must return shape ({int(trials)},), got {est.shape}")
    return est


def bias_variance(estimates, truth: float) -> dict:
    r"""Bias :math:`\mathbb E[\hat\theta]-\theta`, variance
    :math:`\mathbb E[(\hat\theta-\mathbb E\hat\theta)^2]` and mean squared error
    :math:`\mathbb E[(\hat\theta-\theta)^2] = \text{bias}^2 + \text{variance}`,
    estimated from simulated ``estimates``."""
    est = _data(estimates, "estimates")
    bias = est.mean() - truth  # E[theta_hat] - theta
    variance = est.var()  # E[(theta_hat - E theta_hat)^2]
    return {"bias": float(bias), "variance": float(variance), "mse": float(bias**2 + variance)}


def variance_mle_expectation(sigma2: float, n: int) -> float:
    r""":math:`\mathbb E[\hat\sigma^2_{\mathrm{MLE}}] = (1 - 1/N)\,\sigma^2` for
    :math:`N` i.i.d. draws of variance :math:`\sigma^2`: the MLE of the variance
    measures spread around :math:`\hat\mu`, which sits closer to the data than
    :math:`\mu`, and so it is biased low."""
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    return (1.0 - 1.0 / n) * sigma2


def miss_probability(estimates, truth: float, eps: float) -> float:
    r""":math:`P(|\hat\theta_N - \theta| > \varepsilon)`, estimated from simulated
    ``estimates``; an estimator is consistent when this tends to 0 as N grows."""
    if eps <= 0:
        raise ValueError(f"eps must be > 0, got {eps!r}")
    est = _data(estimates, "estimates")
    return float(np.mean(np.abs(est - truth) > eps))

r"""Stochastic gradient descent on finite sums, and the theory that bounds it.

The objective is a finite sum of least-squares terms,

.. math::  F(x) = \frac1n\sum_{i=1}^n f_i(x), \qquad f_i(x) = \tfrac12\,(a_i^\top x - b_i)^2,

and SGD steps along a minibatch gradient :math:`g_k = \frac1B\sum_{i\in I_k}\nabla f_i(x_k)`,
an unbiased estimate of :math:`\nabla F(x_k)`:

.. math::  x_{k+1} = x_k - \alpha_k g_k.

For convex :math:`F`, :math:`\|x_0-x^\star\|\le R` and :math:`\mathbb E\|g_k\|^2\le G^2`,
the :math:`\alpha`-weighted average :math:`\bar x_k = \sum_{i=0}^k\alpha_i x_i / \sum_{i=0}^k\alpha_i`
satisfies

.. math::  \mathbb E F(\bar x_k) - F^\star \le \frac{R^2 + G^2\sum_{i=0}^k\alpha_i^2}{2\sum_{i=0}^k\alpha_i}.

Everything here is vectorized over many independent runs (a leading axis), so a
lesson can estimate expectations from thousands of seeded runs in a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


# --------------------------------------------------------------------------- problems
class FiniteSum:
    r"""Least squares as a finite sum: :math:`F(x)=\frac1n\sum_i \frac12(a_i^\top x-b_i)^2`.

    ``A`` has shape ``(n, d)`` (one row :math:`a_i` per example), ``b`` shape ``(n,)``.
    Points ``x`` may be a single point ``(d,)`` or a stack ``(..., d)`` (one per run).
    """

    def __init__(self, A, b):
        A = np.asarray(A, dtype=float)
        b = np.asarray(b, dtype=float)
        if A.ndim != 2:
            raise ValueError(f"A must have shape (n, d), got shape {A.shape}")
        if b.shape != (A.shape[0],):
            raise ValueError(f"b must have shape ({A.shape[0]},), got shape {b.shape}")
        self.A, self.b = A, b
        self.n, self.dim = A.shape
        self.hessian = A.T @ A / self.n  # ∇²F = (1/n) Σ a_i a_iᵀ
        self.minimizer = np.linalg.lstsq(A, b, rcond=None)[0]  # x* (min-norm if not unique)
        self.minimum = float(self.value(self.minimizer))  # F* = F(x*)

    def _check(self, x):
        x = np.asarray(x, dtype=float)
        if x.shape[-1:] != (self.dim,):
            raise ValueError(f"x must have last dimension {self.dim}, got shape {x.shape}")
        return x

    def residuals(self, x):
        """:math:`r_i = a_i^\\top x - b_i`, shape ``(..., n)``."""
        # einsum, not @: these products are tiny, and BLAS threads only slow them down
        return np.einsum("...d,nd->...n", self._check(x), self.A) - self.b

    def value(self, x):
        r""":math:`F(x) = \frac1n\sum_i\frac12 r_i^2`, shape ``(...)``."""
        return 0.5 * np.mean(self.residuals(x) ** 2, axis=-1)

    def example_grads(self, x):
        r"""Every :math:`\nabla f_i(x) = r_i\,a_i`, shape ``(..., n, d)``."""
        return self.residuals(x)[..., None] * self.A

    def grad(self, x):
        r""":math:`\nabla F(x) = \frac1n\sum_i r_i a_i`, shape ``(..., d)``."""
        return np.einsum("...n,nd->...d", self.residuals(x), self.A) / self.n

    def gap(self, x):
        r""":math:`F(x)-F^\star = \frac12(x-x^\star)^\top\nabla^2F\,(x-x^\star)` (exact for least
        squares, and free of the cancellation in :math:`F(x)-F^\star`), shape ``(...)``."""
        e = self._check(x) - self.minimizer
        return 0.5 * np.einsum("...i,ij,...j->...", e, self.hessian, e)

    def minibatch_grad(self, x, idx):
        r""":math:`g = \frac1B\sum_{i\in I}\nabla f_i(x)` for index sets ``idx`` of shape ``(..., B)``
        (one set per run, matching the leading shape of ``x``)."""
        x = self._check(x)
        A_I = self.A[idx]  # (..., B, d)
        r_I = np.einsum("...bd,...d->...b", A_I, x) - self.b[idx]
        return np.einsum("...b,...bd->...d", r_I, A_I) / idx.shape[-1]

    def expected_grad_sq(self, x):
        r""":math:`\mathbb E_i\|\nabla f_i(x)\|^2 = \frac1n\sum_i r_i^2\|a_i\|^2` (one example drawn
        uniformly), shape ``(...)``."""
        return np.mean(self.residuals(x) ** 2 * np.sum(self.A**2, axis=1), axis=-1)

    def confusion_region(self):
        r"""For a 1-D parameter: the interval :math:`[\min_i w_i, \max_i w_i]` spanned by the
        examples' own minimizers :math:`w_i = b_i/a_i`. Inside it the individual gradients
        disagree in sign; outside it they all point the same way."""
        if self.dim != 1:
            raise ValueError(f"the region of confusion is defined here for dim 1, got dim {self.dim}")
        a = self.A[:, 0]
        if np.any(a == 0):
            raise ValueError("every a_i must be nonzero for the region of confusion")
        w = self.b / a
        return float(w.min()), float(w.max())


def three_lines(slopes=(1.0, 0.9, 1.1), x=1.0) -> FiniteSum:
    r"""The three-line example: one data point :math:`(x, s_j x)` on each line
    :math:`y = s_j x`, fitted by :math:`y = w x` with the 1-D parameter :math:`w`,
    :math:`F(w) = \frac13\sum_j \frac12 (y_j - w x)^2`."""
    slopes = np.asarray(slopes, dtype=float)
    if slopes.ndim != 1 or slopes.size == 0:
        raise ValueError(f"slopes must be a non-empty 1-D sequence, got {slopes!r}")
    if x == 0:
        raise ValueError(f"x must be nonzero, got {x!r}")
    return FiniteSum(np.full((slopes.size, 1), float(x)), slopes * x)


# --------------------------------------------------------------------------- minibatches
def sample_indices(rng, n: int, batch_size: int, runs: int, replace: bool = True):
    """Index sets of shape ``(runs, batch_size)``, each drawn uniformly from ``range(n)``,
    with or without replacement (an independent draw per run)."""
    _check_batch(n, batch_size, replace)
    if replace:
        return rng.integers(0, n, size=(runs, batch_size))
    if batch_size == n:
        return np.tile(np.arange(n), (runs, 1))
    # Without replacement: the B smallest of n uniform keys form a uniform random B-subset
    # (argpartition finds them in O(n), a full sort is not needed).
    return np.argpartition(rng.random((runs, n)), batch_size - 1, axis=1)[:, :batch_size]


def batch_counts(idx, n: int):
    """How often each example appears in each index set: shape ``(runs, n)`` from ``idx``
    of shape ``(runs, B)``, so that a minibatch mean is ``counts @ values / B``."""
    runs = idx.shape[0]
    flat = (np.arange(runs)[:, None] * n + idx).ravel()
    return np.bincount(flat, minlength=runs * n).reshape(runs, n)


def _check_batch(n, batch_size, replace):
    if int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if not replace and batch_size > n:
        raise ValueError(f"batch_size must be <= n = {n} without replacement, got {batch_size!r}")


def gradient_variance(example_grads, batch_size: int, replace: bool = True) -> float:
    r"""Exact :math:`\mathbb E\|g_B - \nabla F\|^2` of the mean of ``batch_size`` of the rows of
    ``example_grads`` (shape ``(n, d)`` or ``(n,)``), drawn uniformly.

    With :math:`\sigma^2 = \frac1n\sum_i\|\nabla f_i - \nabla F\|^2`:

    - with replacement, :math:`\sigma^2/B`;
    - without replacement, :math:`\frac{\sigma^2}{B}\cdot\frac{n-B}{n-1}` (the finite-population
      factor; it is 0 at :math:`B=n`, where the minibatch is the full batch).
    """
    G = np.asarray(example_grads, dtype=float)
    G = G[:, None] if G.ndim == 1 else G
    n = G.shape[0]
    _check_batch(n, batch_size, replace)
    sigma2 = np.mean(np.sum((G - G.mean(axis=0)) ** 2, axis=1))  # σ² = mean ‖∇f_i − ∇F‖²
    if replace:
        return float(sigma2 / batch_size)  # σ²/B
    if n == 1:
        return 0.0
    return float(sigma2 / batch_size * (n - batch_size) / (n - 1))  # σ²/B · (n−B)/(n−1)


def sampled_gradient_variance(
    example_grads, batch_size: int, replace: bool = True, draws: int = 20_000, seed=0
) -> float:
    """Monte-Carlo estimate of :func:`gradient_variance` from ``draws`` seeded minibatches."""
    G = np.asarray(example_grads, dtype=float)
    G = G[:, None] if G.ndim == 1 else G
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    idx = sample_indices(rng, G.shape[0], batch_size, draws, replace)
    g = G[idx].mean(axis=1)  # (draws, d)
    return float(np.mean(np.sum((g - G.mean(axis=0)) ** 2, axis=1)))


# --------------------------------------------------------------------------- SGD runs
@dataclass
class SGDRuns:
    r"""The result of :func:`sgd_runs`: averages over ``runs`` independent runs of ``K`` steps.

    ``gap``: :math:`\mathbb E[F(x_k)-F^\star]`, k = 0..K, shape ``(K+1,)``;
    ``gap_avg``: :math:`\mathbb E[F(\bar x_k)-F^\star]`, k = 0..K-1, shape ``(K,)``;
    ``gap_avg_se``: the standard error of that Monte-Carlo mean, shape ``(K,)``;
    ``grad_sq``: :math:`\mathbb E\|g_k\|^2`, shape ``(K,)``;
    ``paths``: :math:`x_k` of the first ``keep_paths`` runs, shape ``(keep_paths, K+1, d)``.
    Only run averages are stored: fresh memory is slow to touch, and the theory needs expectations.
    """

    rates: np.ndarray
    runs: int
    gap: np.ndarray
    gap_avg: np.ndarray
    gap_avg_se: np.ndarray
    grad_sq: np.ndarray
    paths: np.ndarray


def sgd_runs(
    problem: FiniteSum,
    x0,
    rates,
    batch_size: int = 1,
    runs: int = 100,
    replace: bool = True,
    seed=0,
    keep_paths: int = 0,
) -> SGDRuns:
    r"""``runs`` independent seeded runs of minibatch SGD, all from ``x0``, with step
    :math:`\alpha_k` = ``rates[k]``, :math:`k=0..K-1`:

    .. math::  g_k = \frac1B\sum_{i\in I_k}\nabla f_i(x_k), \qquad x_{k+1} = x_k - \alpha_k g_k,

    tracking the :math:`\alpha`-weighted average :math:`\bar x_k=\sum_{i\le k}\alpha_i x_i/\sum_{i\le k}\alpha_i`.
    """
    rates = np.asarray(rates, dtype=float)
    if rates.ndim != 1 or rates.size == 0 or np.any(rates <= 0) or not np.all(np.isfinite(rates)):
        raise ValueError(f"rates must be a non-empty 1-D array of positive numbers, got {rates!r}")
    if int(runs) != runs or runs < 1:
        raise ValueError(f"runs must be a positive integer, got {runs!r}")
    if int(keep_paths) != keep_paths or not 0 <= keep_paths <= runs:
        raise ValueError(f"keep_paths must be an integer in [0, runs], got {keep_paths!r}")
    _check_batch(problem.n, batch_size, replace)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    K, d = rates.size, problem.dim
    x = np.array(np.broadcast_to(problem._check(x0), (runs, d)))
    gap, gap_avg, gap_avg_sq, grad_sq = (np.empty(K + 1), np.empty(K), np.empty(K), np.empty(K))
    paths = np.empty((K + 1, keep_paths, d))
    weighted_sum, weight = np.zeros((runs, d)), 0.0
    gap[0] = problem.gap(x).mean()
    for k, alpha in enumerate(rates):
        paths[k] = x[:keep_paths]
        weighted_sum += alpha * x  # Σ α_i x_i
        weight += alpha  # Σ α_i
        e = problem.gap(weighted_sum / weight)  # F(x̄_k) − F*, one per run
        gap_avg[k], gap_avg_sq[k] = e.mean(), (e * e).mean()
        counts = batch_counts(sample_indices(rng, problem.n, batch_size, runs, replace), problem.n)
        # g_k = (1/B) Σ_{i∈I_k} ∇f_i(x_k) = (1/B) Σ_i count_i r_i a_i  (cost independent of B)
        g = np.einsum("rn,nd->rd", counts * problem.residuals(x), problem.A) / batch_size
        grad_sq[k] = np.einsum("rd,rd->", g, g) / runs
        x = x - alpha * g  # x_{k+1} = x_k − α_k g_k
        gap[k + 1] = problem.gap(x).mean()
    paths[K] = x[:keep_paths]
    se = np.sqrt(np.maximum(gap_avg_sq - gap_avg**2, 0.0) / runs)
    return SGDRuns(rates, int(runs), gap, gap_avg, se, grad_sq, paths.transpose(1, 0, 2))


# --------------------------------------------------------------------------- the bound
def _positive(name, value):
    value = np.asarray(value, dtype=float)
    if np.any(~np.isfinite(value)) or np.any(value <= 0):
        raise ValueError(f"{name} must be positive and finite, got {value!r}")
    return value


def sgd_bound(rates, R: float, G: float):
    r"""The convex SGD bound for every horizon k = 0..K-1 (array of shape ``(K,)``):

    .. math::  \mathbb E F(\bar x_k) - F^\star \le \frac{R^2 + G^2\sum_{i=0}^k\alpha_i^2}{2\sum_{i=0}^k\alpha_i}.
    """
    rates = _positive("rates", rates)
    R, G = float(_positive("R", R)), float(_positive("G", G))
    sum_rates, sum_squares = partial_sums(rates)
    return (R**2 + G**2 * sum_squares) / (2 * sum_rates)


def constant_step_bound(h, R: float, G: float, k):
    r"""The bound with :math:`\alpha_i = h` for i = 0..k:
    :math:`\frac{R^2}{2(k+1)h} + \frac{G^2 h}{2}` (broadcasts over ``h`` and ``k``)."""
    h, R, G = _positive("h", h), _positive("R", R), _positive("G", G)
    k = np.asarray(k)
    if np.any(k < 0):
        raise ValueError(f"k must be >= 0, got {k!r}")
    return R**2 / (2 * (k + 1) * h) + G**2 * h / 2


def optimal_constant_step(R: float, G: float, k):
    r"""The constant step minimizing :func:`constant_step_bound` for horizon ``k``:
    :math:`h^\star = R / (G\sqrt{k+1})`."""
    R, G = _positive("R", R), _positive("G", G)
    k = np.asarray(k)
    if np.any(k < 0):
        raise ValueError(f"k must be >= 0, got {k!r}")
    return R / (G * np.sqrt(k + 1))


def optimal_constant_bound(R: float, G: float, k):
    r"""The bound at :math:`h^\star`: :math:`RG/\sqrt{k+1}`."""
    R, G = _positive("R", R), _positive("G", G)
    return R * G / np.sqrt(np.asarray(k) + 1)


# --------------------------------------------------------------------------- Robbins–Monro
def partial_sums(rates):
    r""":math:`\left(\sum_{i\le k}\alpha_i,\ \sum_{i\le k}\alpha_i^2\right)` for every k."""
    rates = _positive("rates", rates)
    return np.cumsum(rates), np.cumsum(rates**2)


def robbins_monro_power(p: float) -> tuple[bool, bool]:
    r"""For :math:`\alpha_t = c\,(t+1)^{-p}` (c > 0), by the p-series test:
    ``(sum of rates diverges, sum of squared rates converges)``, i.e.
    :math:`(p\le 1,\ 2p>1)`."""
    p = float(p)
    if not np.isfinite(p) or p < 0:
        raise ValueError(f"p must be a finite number >= 0, got {p!r}")
    return p <= 1.0, 2 * p > 1.0


def satisfies_robbins_monro(p: float) -> bool:
    r""":math:`\sum\alpha_t=\infty` and :math:`\sum\alpha_t^2<\infty` for
    :math:`\alpha_t=c\,(t+1)^{-p}`: exactly when :math:`\tfrac12 < p \le 1`."""
    diverges, converges = robbins_monro_power(p)
    return diverges and converges


def stationary_variance(h: float, targets) -> float:
    r"""Constant-step SGD with one example per step on :math:`f_i(w)=\frac12(w-c_i)^2`:
    :math:`w_{k+1}=(1-h)w_k+h\,c_{i_k}`. For :math:`0<h<2` its variance settles at

    .. math::  \operatorname{Var} w_\infty = \frac{h\,\sigma_c^2}{2-h},\qquad \sigma_c^2=\frac1n\sum_i(c_i-\bar c)^2,

    (from :math:`v = (1-h)^2 v + h^2\sigma_c^2`): it shrinks with :math:`h` but never vanishes."""
    h = float(h)
    if not 0 < h < 2:
        raise ValueError(f"h must be in (0, 2), got {h!r}")
    c = np.asarray(targets, dtype=float)
    return float(h * np.var(c) / (2 - h))


def sgd_iterates(
    problem: FiniteSum, x0, rates, batch_size: int = 1, runs: int = 1, replace: bool = True, seed=0
) -> np.ndarray:
    r"""Only the iterates of :func:`sgd_runs`: the same minibatches and steps
    :math:`x_{k+1} = x_k - \alpha_k g_k` for the same ``seed`` (equal to rounding),
    without the averaged iterate and its statistics, and several times faster (for
    explorers that redraw on every slider move). Returns shape ``(runs, K + 1, d)``;
    a diverging run holds inf or nan from where it overflowed."""
    rates = np.asarray(rates, dtype=float)
    if rates.ndim != 1 or rates.size == 0 or np.any(rates < 0) or not np.all(np.isfinite(rates)):
        raise ValueError(f"rates must be a non-empty 1-D array of numbers >= 0, got {rates!r}")
    if int(runs) != runs or runs < 1:
        raise ValueError(f"runs must be a positive integer, got {runs!r}")
    _check_batch(problem.n, batch_size, replace)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    A, b = problem.A, problem.b
    x = np.array(np.broadcast_to(problem._check(x0), (runs, problem.dim)))
    paths = np.empty((rates.size + 1, runs, problem.dim))
    with np.errstate(over="ignore", invalid="ignore"):
        for k, alpha in enumerate(rates):
            paths[k] = x
            idx = sample_indices(rng, problem.n, batch_size, runs, replace)  # I_k, one per run
            a_batch = A[idx]  # (runs, B, d)
            r = np.einsum("rbd,rd->rb", a_batch, x) - b[idx]  # a_i^T x_k - b_i
            g = np.einsum("rb,rbd->rd", r, a_batch) / batch_size  # g_k
            x = x - alpha * g  # x_{k+1} = x_k − α_k g_k
    paths[-1] = x
    return paths.transpose(1, 0, 2)


def values(problem: FiniteSum, x) -> np.ndarray:
    r""":math:`F` at many points ``x`` (shape ``(..., d)``) at once, from the quadratic form
    :math:`F(x) = \tfrac12 x^\top H x - c^\top x + \tfrac{1}{2n}\lVert b\rVert^2` with
    :math:`H = A^\top A/n`, :math:`c = A^\top b/n`: equal to :meth:`FiniteSum.value` up to
    rounding, without forming the :math:`n` residuals of every point. Non-finite points
    give inf or nan."""
    x = problem._check(x)
    c = problem.A.T @ problem.b / problem.n
    with np.errstate(over="ignore", invalid="ignore"):
        return 0.5 * np.sum((x @ problem.hessian) * x, axis=-1) - x @ c + problem.b @ problem.b / (2 * problem.n)

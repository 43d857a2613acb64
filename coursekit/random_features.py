r"""Random-feature regression: the smallest model that shows double descent.

A random-feature model fixes a random first layer and trains only the output weights:

.. math::  \phi_j(x) = \frac{1}{\sqrt p}\,\mathrm{relu}(w_j^\top x),\quad j = 1..p, \qquad
           \hat y(x) = \theta^\top\phi(x),

with :math:`w_j \sim \mathcal N(0, I)` drawn once (seeded). (No bias: with one, features that are
active on every training point are affine functions of :math:`x`, only :math:`d+1` of them are
independent, and the interpolation threshold would move above :math:`p = n`.) With
:math:`\Phi` the :math:`n\times p` training features, the fit minimizes
:math:`\frac1n\|\Phi\theta - y\|^2 + \lambda\|\theta\|^2`:

.. math::  \theta_\lambda = \Phi^\top(\Phi\Phi^\top + n\lambda I)^{-1} y, \qquad
           \theta_0 = \Phi^{+} y \ \ (\lambda\to 0:\ \text{the minimum-norm least-squares solution}).

The model with :math:`p` features uses the first :math:`p` columns of one wide draw, so a sweep
over widths is a sweep over nested models. :class:`WidthSweep` precomputes, for every width,
the kernel matrices :math:`K = \Phi\Phi^\top` and :math:`K_* = \Phi_*\Phi^\top` (test rows)
and the eigendecomposition of :math:`K`; then the train and test errors for any labels and any
:math:`\lambda` cost a few small matrix-vector products per width.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm


def _rng(seed):
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _nonneg(name, value):
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return value


class RandomReLUFeatures:
    r""":math:`\phi_j(x) = \mathrm{relu}(w_j^\top x)/\sqrt p` for the first ``p`` of
    ``p_max`` seeded random directions :math:`w_j\sim\mathcal N(0, I_d)`."""

    def __init__(self, d: int, p_max: int, seed=0):
        for name, v in (("d", d), ("p_max", p_max)):
            if int(v) != v or v < 1:
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        rng = _rng(seed)
        self.d, self.p_max = int(d), int(p_max)
        self.W = rng.standard_normal((self.d, self.p_max))

    def raw(self, X, p: int | None = None):
        """Unscaled features :math:`\\mathrm{relu}(XW)` of the first ``p`` directions, shape ``(n, p)``."""
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.d:
            raise ValueError(f"X must have shape (n, {self.d}), got shape {X.shape}")
        p = self.p_max if p is None else p
        if int(p) != p or not 1 <= p <= self.p_max:
            raise ValueError(f"p must be an integer in [1, {self.p_max}], got {p!r}")
        return np.maximum(X @ self.W[:, :p], 0.0)

    def __call__(self, X, p: int | None = None):
        """Features :math:`\\Phi`, shape ``(n, p)``: :func:`raw` divided by :math:`\\sqrt p`."""
        p = self.p_max if p is None else p
        return self.raw(X, p) / np.sqrt(p)


def fit(Phi, y, ridge: float = 0.0):
    r"""Output weights minimizing :math:`\frac1n\|\Phi\theta-y\|^2 + \lambda\|\theta\|^2`
    (``ridge`` = :math:`\lambda`); at :math:`\lambda = 0` the minimum-norm least-squares solution
    :math:`\Phi^+ y` (``numpy.linalg.lstsq``). The reference for :class:`WidthSweep`."""
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    ridge = _nonneg("ridge", ridge)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],):
        raise ValueError(f"Phi must be (n, p) and y (n,), got shapes {Phi.shape} and {y.shape}")
    n, p = Phi.shape
    if ridge == 0:
        return np.linalg.lstsq(Phi, y, rcond=None)[0]  # θ = Φ⁺ y
    return np.linalg.solve(Phi.T @ Phi + n * ridge * np.eye(p), Phi.T @ y)  # (ΦᵀΦ + nλI)⁻¹ Φᵀ y


@dataclass
class SweepErrors:
    """Mean squared errors of the fits at every width: ``train`` against the labels the
    model was fitted to, ``test`` against the test targets."""

    widths: np.ndarray
    train: np.ndarray
    test: np.ndarray

    @property
    def peak_width(self) -> int:
        """The width with the largest test error."""
        return int(self.widths[np.argmax(self.test)])


class WidthSweep:
    r"""Random-feature fits at many widths at once, for nested training sets.

    ``X_train`` is the pool of training inputs: a fit on ``n`` samples uses its first ``n``
    rows. For every width :math:`p` it stores :math:`K_p=\Phi_p\Phi_p^\top` and
    :math:`K_{*,p}=\Phi_{*,p}\Phi_p^\top`, built incrementally over the widths (each block
    of new features is multiplied once), and caches the eigendecomposition
    :math:`K_p[:n,:n] = Q\Lambda Q^\top` per ``(n, p)``. Then, for labels :math:`y`,

    .. math::  \hat y_{\text{train}} = Q\,\tfrac{\Lambda}{\Lambda + n\lambda}\,Q^\top y,\qquad
               \hat y_{\text{test}} = K_*\,Q\,\tfrac{1}{\Lambda + n\lambda}\,Q^\top y,

    with :math:`1/\Lambda` replaced by 0 where :math:`\Lambda` is zero (below ``rcond`` times
    the largest eigenvalue) when :math:`\lambda = 0`: the minimum-norm solution.
    """

    def __init__(
        self, features: RandomReLUFeatures, X_train, X_test, widths, progress: bool = False, rcond: float = 1e-13
    ):
        widths = np.asarray(widths)
        if (
            widths.ndim != 1
            or widths.size == 0
            or np.any(np.diff(widths) <= 0)
            or widths[0] < 1
            or widths[-1] > features.p_max
            or np.any(widths != np.round(widths))
        ):
            raise ValueError(f"widths must be increasing integers in [1, {features.p_max}], got {widths!r}")
        self.features, self.widths, self.rcond = features, widths.astype(int), float(rcond)
        self.n_max = np.asarray(X_train).shape[0]
        K_raw = np.zeros((self.n_max, self.n_max))  # Σ_{j≤p} relu_j relu_jᵀ
        Kt_raw = np.zeros((np.asarray(X_test).shape[0], self.n_max))
        self.K, self.K_test = [], []
        with threadpool_limits(1):  # small products: BLAS threads only add overhead here
            self._build(features, X_train, X_test, K_raw, Kt_raw, progress)
        self._eig = {}

    def _build(self, features, X_train, X_test, K_raw, Kt_raw, progress):
        start = 0
        for p in tqdm(self.widths, desc="random-feature widths", disable=not progress, leave=False):
            block = slice(start, p)  # the features new at this width
            R_train = np.maximum(X_train @ features.W[:, block], 0.0)
            R_test = np.maximum(X_test @ features.W[:, block], 0.0)
            K_raw += R_train @ R_train.T
            Kt_raw += R_test @ R_train.T
            self.K.append(K_raw / p)  # K_p = Φ_p Φ_pᵀ (features / √p)
            self.K_test.append(Kt_raw / p)
            start = p

    def _eigh(self, i: int, n: int):
        key = (i, n)
        if key not in self._eig:
            lam, Q = np.linalg.eigh(self.K[i][:n, :n])  # K = Q Λ Qᵀ
            # ‖K* q_j‖² per eigenvector: what label noise along q_j adds to the test error
            spread = np.sum((self.K_test[i][:, :n] @ Q) ** 2, axis=0)
            self._eig[key] = (np.maximum(lam, 0.0), Q, spread)
        return self._eig[key]

    def _inverse(self, lam, n, ridge):
        if ridge > 0:
            return 1.0 / (lam + n * ridge)  # (Λ + nλ)⁻¹
        keep = lam > self.rcond * lam.max()
        return np.where(keep, 1.0 / np.where(keep, lam, 1.0), 0.0)  # Λ⁺ (minimum norm)

    def prepare(self, n: int, progress: bool = False):
        """Compute (and cache) every width's eigendecomposition for ``n`` training samples."""
        with threadpool_limits(1):
            for i in tqdm(
                range(len(self.widths)), desc=f"eigendecompositions, n = {n}", disable=not progress, leave=False
            ):
                self._eigh(i, n)
        return self

    def errors(self, y_train, f_test, ridge: float = 0.0, n: int | None = None) -> SweepErrors:
        """Train and test mean squared errors at every width, fitting the first ``n`` training
        samples (all of ``y_train`` by default) with ridge :math:`\\lambda` = ``ridge``."""
        y = np.asarray(y_train, dtype=float)
        n = y.shape[0] if n is None else int(n)
        if not 1 <= n <= min(self.n_max, y.shape[0]):
            raise ValueError(f"n must be in [1, {min(self.n_max, y.shape[0])}], got {n!r}")
        y = y[:n]
        ridge = _nonneg("ridge", ridge)
        with threadpool_limits(1):
            return self._errors(y, f_test, ridge, n)

    def _errors(self, y, f_test, ridge, n, noise=0.0):
        train, test = np.empty(len(self.widths)), np.empty(len(self.widths))
        for i in range(len(self.widths)):
            lam, Q, spread = self._eigh(i, n)
            inv = self._inverse(lam, n, ridge)
            c = inv * (Q.T @ y)
            alpha = Q @ c  # θ = Φᵀ α
            train[i] = np.mean((Q @ (lam * c) - y) ** 2)  # ŷ = K α
            test[i] = np.mean((self.K_test[i][:, :n] @ alpha - f_test) ** 2)  # ŷ* = K* α
            if noise > 0:  # + E over ε of the part linear in σε: σ² ‖(I − K(K+nλ)⁻¹)‖²_F / n, σ² ‖K*(K+nλ)⁻¹‖²_F / n*
                train[i] += noise**2 * np.sum((1 - lam * inv) ** 2) / n
                test[i] += noise**2 * np.sum(inv**2 * spread) / len(f_test)
        return SweepErrors(self.widths.copy(), train, test)

    def expected_errors(self, f_train, f_test, noise: float, ridge: float = 0.0, n: int | None = None) -> SweepErrors:
        r"""Train and test errors averaged exactly over label noise: the fit sees
        :math:`y = f + \sigma\varepsilon`, :math:`\varepsilon\sim\mathcal N(0, I)`. The prediction is
        linear in :math:`y`, :math:`\hat y_* = A y`, so
        :math:`\mathbb E\|Ay - f_*\|^2 = \|Af - f_*\|^2 + \sigma^2\|A\|_F^2`: the noise-free error plus
        the noise that the fit passes on (``noise`` = :math:`\sigma`; the training error is
        against the noisy labels)."""
        f = np.asarray(f_train, dtype=float)
        n = f.shape[0] if n is None else int(n)
        if not 1 <= n <= min(self.n_max, f.shape[0]):
            raise ValueError(f"n must be in [1, {min(self.n_max, f.shape[0])}], got {n!r}")
        noise, ridge = _nonneg("noise", noise), _nonneg("ridge", ridge)
        with threadpool_limits(1):
            return self._errors(f[:n], np.asarray(f_test, dtype=float), ridge, n, noise)


def effective_model_complexity(ns, train_errors, eps: float) -> int:
    r"""Nakkiran et al.'s EMC for a sweep over sample sizes: the largest ``n`` in ``ns`` whose
    (mean) training error is at most ``eps``,
    :math:`\mathrm{EMC}_\varepsilon = \max\{n : \mathbb E\,\mathrm{Error}_S \le \varepsilon\}`
    (0 if none is)."""
    ns, errs = np.asarray(ns), np.asarray(train_errors, dtype=float)
    if ns.shape != errs.shape or ns.ndim != 1:
        raise ValueError(f"ns and train_errors must be 1-D of one length, got {ns.shape} and {errs.shape}")
    eps = _nonneg("eps", eps)
    ok = ns[errs <= eps]
    return int(ok.max()) if ok.size else 0

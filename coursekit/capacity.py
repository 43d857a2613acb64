r"""Capacity and regularization: polynomial features, ridge fits, error sweeps
over the capacity, and early stopping.

The models are linear in fixed features :math:`\phi(x)\in\mathbb R^k` with an
intercept, :math:`\hat y = \phi(x)^\top w + b`. The ridge fit minimizes the
mean halved squared error plus an L2 penalty on the weights (not on the
intercept),

.. math::  J_\lambda(w, b) = \frac{1}{2N}\sum_{i=1}^N
           \bigl(\phi(x^{(i)})^\top w + b - y^{(i)}\bigr)^2
           + \frac{\lambda}{2}\|w\|^2 ,

whose minimizer is, with :math:`\Phi_c` the centred feature matrix and
:math:`y_c` the centred targets,

.. math::  w_\lambda = (\Phi_c^\top\Phi_c + N\lambda I)^{-1}\Phi_c^\top y_c,
           \qquad b_\lambda = \bar y - \bar\phi^\top w_\lambda

(at :math:`\lambda = 0` the minimum-norm least-squares solution). This is
scikit-learn's ``Ridge(alpha=N * lam)``, which the tests check.

Feature matrices here are *nested*: the model of degree :math:`k` uses the
first :math:`k` columns of the matrix of the largest degree, so a sweep over
the capacity slices one precomputed matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.polynomial import legendre

__all__ = [
    "CapacitySweep",
    "EarlyStopping",
    "capacity_sweep",
    "cross_validation",
    "early_stopping_epoch",
    "kfold_indices",
    "legendre_features",
    "mse",
    "predict",
    "ridge_dof",
    "ridge_fit",
]


def _nonneg(name, value) -> float:
    if isinstance(value, bool) or not np.isscalar(value):
        raise TypeError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return value


def _count(name, value, minimum=0) -> int:
    if isinstance(value, bool) or not float(value).is_integer() or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def legendre_features(x, degree: int) -> np.ndarray:
    r"""Polynomial features of ``x`` in [-1, 1], shape ``(n, degree)``:
    :math:`\phi_j(x) = \sqrt{2j+1}\,P_j(x)`, :math:`j = 1..\text{degree}`,
    with :math:`P_j` the Legendre polynomials (the constant is left to the
    intercept).

    They span the same functions as the monomials :math:`x, \dots, x^k`, but
    are orthonormal for :math:`x` uniform on [-1, 1]
    (:math:`\mathbb E\,\phi_i(x)\phi_j(x) = [i = j]`), so the fits are well
    conditioned, and :math:`\|w\|^2` is the mean square over [-1, 1] of the
    non-constant part of the polynomial.
    """
    degree = _count("degree", degree)
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    scale = np.sqrt(2 * np.arange(1, degree + 1) + 1)
    return legendre.legvander(x, degree)[:, 1:] * scale


def _check_fit_inputs(Phi, y):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2:
        raise ValueError(f"Phi must be a 2-D (n, k) array, got shape {Phi.shape}")
    if y.shape != (Phi.shape[0],):
        raise ValueError(f"y must have shape ({Phi.shape[0]},) to match Phi, got {y.shape}")
    if Phi.shape[0] == 0:
        raise ValueError("Phi has no rows (no training examples)")
    return Phi, y


def ridge_fit(Phi, y, lam: float = 0.0):
    r"""Weights and intercept ``(w, b)`` minimizing
    :math:`\frac{1}{2N}\|\Phi w + b - y\|^2 + \frac{\lambda}{2}\|w\|^2`
    (``lam`` = :math:`\lambda`; the intercept is not penalized). At
    :math:`\lambda = 0` the minimum-norm least-squares ``w``
    (``numpy.linalg.lstsq``). ``Phi`` may have 0 columns (then ``b`` is the
    mean of ``y``)."""
    Phi, y = _check_fit_inputs(Phi, y)
    lam = _nonneg("lam", lam)
    n, k = Phi.shape
    phi_bar, y_bar = Phi.mean(axis=0), y.mean()
    Pc, yc = Phi - phi_bar, y - y_bar  # centring removes the intercept
    if k == 0:
        w = np.zeros(0)
    elif lam == 0:
        w = np.linalg.lstsq(Pc, yc, rcond=None)[0]  # w = Φc⁺ yc
    else:
        A = Pc.T @ Pc + n * lam * np.eye(k)  # (ΦcᵀΦc + NλI) w = Φcᵀyc
        w = np.linalg.solve(A, Pc.T @ yc)
    b = y_bar - phi_bar @ w  # b = ȳ − φ̄ᵀw
    return w, float(b)


def ridge_dof(Phi, lam: float) -> float:
    r"""The effective number of parameters (degrees of freedom) of the ridge
    fit, :math:`1 + \operatorname{tr}\,\Phi_c(\Phi_c^\top\Phi_c +
    N\lambda I)^{-1}\Phi_c^\top = 1 + \sum_j s_j^2/(s_j^2 + N\lambda)`
    with :math:`s_j` the singular values of the centred :math:`\Phi_c` (the 1
    counts the intercept). It is the trace of the matrix that maps the
    targets to the fitted values; at :math:`\lambda = 0` it is 1 plus the
    rank of :math:`\Phi_c`, and it falls towards 1 as :math:`\lambda` grows."""
    Phi = np.asarray(Phi, dtype=float)
    if Phi.ndim != 2 or Phi.shape[0] == 0:
        raise ValueError(f"Phi must be a non-empty 2-D array, got {Phi.shape}")
    lam = _nonneg("lam", lam)
    n = Phi.shape[0]
    s = np.linalg.svd(Phi - Phi.mean(axis=0), compute_uv=False)
    if lam == 0:
        return 1.0 + float(np.sum(s > s.max(initial=0) * 1e-12))
    return 1.0 + float(np.sum(s**2 / (s**2 + n * lam)))


def predict(Phi, w, b) -> np.ndarray:
    """:math:`\\hat y = \\Phi w + b`, using the first ``len(w)`` columns of
    ``Phi``."""
    Phi = np.asarray(Phi, dtype=float)
    w = np.asarray(w, dtype=float)
    if Phi.ndim != 2 or Phi.shape[1] < w.size:
        raise ValueError(f"Phi must be 2-D with at least {w.size} columns, got {Phi.shape}")
    return Phi[:, : w.size] @ w + b


def mse(pred, y) -> float:
    r"""Mean squared error :math:`\frac1N\sum_i(\hat y_i - y_i)^2`."""
    pred, y = np.asarray(pred, dtype=float), np.asarray(y, dtype=float)
    if pred.shape != y.shape or pred.size == 0:
        raise ValueError(f"pred and y must have one non-empty shape, got {pred.shape} and {y.shape}")
    return float(np.mean((pred - y) ** 2))


@dataclass
class CapacitySweep:
    """Mean squared errors of ridge fits over capacities: ``train`` on the
    data fitted, ``errors[name]`` on each evaluation set, one value per entry
    of ``capacities``; ``fits`` holds each ``(w, b)``."""

    capacities: np.ndarray
    train: np.ndarray
    errors: dict
    fits: list

    def best(self, name: str = "validation") -> int:
        """The capacity with the smallest error on the set ``name``."""
        return int(self.capacities[np.argmin(self.errors[name])])


def capacity_sweep(Phi, y, evals: dict, capacities, lam: float = 0.0):
    r"""Fit :func:`ridge_fit` with the first ``k`` columns of ``Phi`` for each
    ``k`` in ``capacities`` and measure the mean squared error on the training
    data and on every evaluation set ``evals = {name: (Phi_eval, y_eval)}``
    (feature matrices with the same columns). Returns a
    :class:`CapacitySweep`."""
    Phi, y = _check_fit_inputs(Phi, y)
    caps = np.asarray([_count("capacity", k) for k in capacities], dtype=int)
    if caps.size == 0 or caps.max() > Phi.shape[1]:
        raise ValueError(
            f"capacities must be non-empty and at most {Phi.shape[1]} (the columns of Phi), got {list(capacities)!r}"
        )
    evals = {name: (np.asarray(P, dtype=float), np.asarray(t, dtype=float)) for name, (P, t) in evals.items()}
    for name, (P, t) in evals.items():
        if P.ndim != 2 or P.shape[1] < caps.max() or t.shape != (P.shape[0],):
            raise ValueError(
                f"evals[{name!r}] must be (Phi (m, >= {caps.max()}), y (m,)), got shapes {P.shape} and {t.shape}"
            )
    train = np.empty(caps.size)
    errors = {name: np.empty(caps.size) for name in evals}
    fits = []
    for i, k in enumerate(caps):
        w, b = ridge_fit(Phi[:, :k], y, lam)
        fits.append((w, b))
        train[i] = mse(predict(Phi, w, b), y)
        for name, (P, t) in evals.items():
            errors[name][i] = mse(predict(P, w, b), t)
    return CapacitySweep(caps, train, errors, fits)


def kfold_indices(n: int, folds: int, rng=None) -> list:
    """The held-out indices of ``folds``-fold cross-validation on ``n`` points.

    The indices ``0..n-1`` (shuffled by ``np.random.default_rng(rng)`` unless
    ``rng`` is None) are cut into ``folds`` consecutive parts whose sizes
    differ by at most one, the larger ones first (``np.array_split``): every
    index is held out exactly once. ``folds = n`` is leave-one-out.
    """
    n = _count("n", n, minimum=1)
    folds = _count("folds", folds, minimum=2)
    if folds > n:
        raise ValueError(f"folds must be at most n = {n}, got {folds}")
    order = np.arange(n) if rng is None else np.random.default_rng(rng).permutation(n)
    return [np.sort(part) for part in np.array_split(order, folds)]


def cross_validation(Phi, y, capacities, folds: int, lam: float = 0.0, rng=0) -> np.ndarray:
    r"""The cross-validation error of :func:`ridge_fit` with the first ``k``
    columns of ``Phi``, for each ``k`` in ``capacities``: each fold of
    :func:`kfold_indices` is held out in turn, the model is fitted to the
    other points, and the squared errors on all held-out points are averaged,
    :math:`\mathrm{CV} = \frac1N\sum_i (y^{(i)} - \hat f^{-\kappa(i)}
    (x^{(i)}))^2` with :math:`\kappa(i)` the fold of point :math:`i`."""
    Phi, y = _check_fit_inputs(Phi, y)
    caps = [_count("capacity", k) for k in capacities]
    if not caps or max(caps) > Phi.shape[1]:
        raise ValueError(f"capacities must be non-empty and at most {Phi.shape[1]}, got {list(capacities)!r}")
    n = Phi.shape[0]
    parts = kfold_indices(n, folds, rng)
    sq = np.zeros(len(caps))
    for held in parts:
        keep = np.setdiff1d(np.arange(n), held)
        for i, k in enumerate(caps):
            w, b = ridge_fit(Phi[keep, :k], y[keep], lam)
            sq[i] += np.sum((predict(Phi[held], w, b) - y[held]) ** 2)
    return sq / n


def early_stopping_epoch(val_losses, patience: int):
    """Where early stopping with ``patience`` stops on a validation curve.

    Training stops after the first epoch at which the validation loss has not
    improved on its best value for ``patience`` epochs in a row; the model
    kept is the one of the best epoch. Returns ``(stop_epoch, best_epoch)``,
    counted from 1; ``stop_epoch`` is ``len(val_losses)`` if the rule never
    fires (then ``best_epoch`` is the best epoch seen).
    """
    patience = _count("patience", patience, minimum=1)
    v = np.asarray(val_losses, dtype=float)
    if v.ndim != 1 or v.size == 0 or not np.all(np.isfinite(v)):
        raise ValueError("val_losses must be a non-empty 1-D array of numbers")
    best, best_epoch = np.inf, 0
    for epoch, loss in enumerate(v, start=1):
        if loss < best:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return epoch, best_epoch
    return int(v.size), best_epoch


class EarlyStopping:
    """A ``callback`` for :func:`coursekit.train.fit`: stops training by the
    rule of :func:`early_stopping_epoch` and keeps a copy of the parameters of
    the best epoch; ``restore(model)`` puts them back.

    Example::

        stop = EarlyStopping(patience=20)
        hist = train.fit(model, ..., val=(X_val, y_val), callback=stop)
        stop.restore(model)          # the model of epoch stop.best_epoch
    """

    def __init__(self, patience: int):
        self.patience = _count("patience", patience, minimum=1)
        self.best_loss = np.inf
        self.best_epoch = 0
        self.stop_epoch = None
        self._best_params = None

    def __call__(self, epoch, model, history) -> bool:
        loss = history.val_loss[-1]
        if loss is None:
            raise ValueError("EarlyStopping needs a validation set (fit(val=...))")
        if loss < self.best_loss:
            self.best_loss, self.best_epoch = float(loss), int(epoch)
            self._best_params = [p.data.copy() for p in model.parameters()]
        elif epoch - self.best_epoch >= self.patience:
            self.stop_epoch = int(epoch)
            return True
        return False

    def restore(self, model) -> None:
        """Copy the best epoch's parameters back into ``model``."""
        if self._best_params is None:
            raise ValueError("nothing to restore: no epoch has been seen yet")
        for p, best in zip(model.parameters(), self._best_params):
            p.data[...] = best

"""Chapter 05's code exercises: ridge regression in closed form, and early stopping.

The reader writes ``ridge(Phi, y, lam)``, returning ``(w, b)``, the minimiser
of the halved mean squared error plus ``(lam / 2) |w|^2`` with the intercept
``b`` not penalised (equation cap-ridge), and ``early_stopping(val_losses,
patience)``, returning ``(stop_epoch, best_epoch)`` counted from 1 (equation
cap-stop). The references are :func:`coursekit.capacity.ridge_fit` and
:func:`coursekit.capacity.early_stopping_epoch`.
"""

from __future__ import annotations

import numpy as np

from .. import capacity
from .checker import Case, Checker, Misconception


def _ridge_cases(rng):
    def case(label, n, k, lam, shift=1.5):
        Phi = rng.normal(size=(n, k)) + rng.normal(size=k)
        y = Phi @ rng.normal(size=k) + shift + 0.3 * rng.normal(size=n)
        return Case(label, dict(Phi=Phi, y=y, lam=lam))

    return [
        case("N = 30 points, k = 4 features, lam = 0.1", 30, 4, 0.1),
        case("N = 12, k = 6, lam = 1", 12, 6, 1.0),
        case("more features than points: N = 8, k = 15, lam = 0.05", 8, 15, 0.05),
        case("lam = 0 with full column rank: least squares", 25, 3, 0.0),
        case("one feature, lam = 0.5, mean of y far from 0", 10, 1, 0.5, shift=-4.0),
    ]


def _ridge(Phi, y, lam):
    return capacity.ridge_fit(Phi, y, lam)


def _centred_solve(Phi, y, n_lam):
    # (Phi_c^T Phi_c + n_lam I) w = Phi_c^T y_c, b = y_bar - phi_bar^T w
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    phi_bar, y_bar = Phi.mean(axis=0), y.mean()
    Pc, yc = Phi - phi_bar, y - y_bar
    A = Pc.T @ Pc + n_lam * np.eye(Phi.shape[1])
    w = np.linalg.lstsq(A, Pc.T @ yc, rcond=None)[0]
    return w, float(y_bar - phi_bar @ w)


def _ridge_unscaled(Phi, y, lam):
    # lam not multiplied by N: the penalty of a plain sum of squares
    return _centred_solve(Phi, y, lam)


def _ridge_double(Phi, y, lam):
    # the penalty lam |w|^2 (no 1/2) against the halved loss
    return _centred_solve(Phi, y, 2 * len(y) * lam)


def _ridge_half(Phi, y, lam):
    # the halved penalty against the loss without its 1/2
    return _centred_solve(Phi, y, len(y) * lam / 2)


def _ridge_penalised_intercept(Phi, y, lam):
    # b as a column of ones, penalised like the weights
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    A = np.c_[np.ones(len(y)), Phi]
    M = A.T @ A + len(y) * lam * np.eye(A.shape[1])
    theta = np.linalg.lstsq(M, A.T @ y, rcond=None)[0]
    return theta[1:], float(theta[0])


_RIDGE = "(5.5), the ridge objective and its minimiser"

check_ridge = Checker(
    "ridge",
    "ridge(Phi, y, lam)",
    _ridge,
    _ridge_cases,
    [
        Misconception(
            "lambda not scaled by N (Phi_c^T Phi_c + lambda I)",
            _ridge_unscaled,
            _RIDGE,
            label="cap-ridge",
        ),
        Misconception(
            "the 1/2 mixed up (2 N lambda: a penalty lambda |w|^2)",
            _ridge_double,
            _RIDGE,
            label="cap-ridge",
        ),
        Misconception(
            "the 1/2 mixed up (N lambda / 2: a loss without 1/2)",
            _ridge_half,
            _RIDGE,
            label="cap-ridge",
        ),
        Misconception(
            "the intercept penalised along with the weights",
            _ridge_penalised_intercept,
            "(5.5) and (5.8): only the weights are penalised",
            label="cap-l2",
        ),
    ],
    rtol=1e-6,
    atol=1e-8,
    chapter="05",
)


def _stop_cases(rng):
    def case(label, losses, patience):
        return Case(label, dict(val_losses=np.asarray(losses, dtype=float), patience=patience))

    # a noisy U: falls, wobbles, rises
    t = np.arange(1, 61)
    u = 0.2 + (t / 20 - 1) ** 2 + 0.04 * rng.normal(size=t.size)
    return [
        case("a noisy U-shaped curve of 60 epochs, patience 5", u, 5),
        case("the same curve, patience 12", u, 12),
        case("a bump at epoch 4 before the minimum, patience 3", [5, 4, 3, 3.5, 2, 1.5, 1.6, 1.7, 1.8, 1.9], 3),
        case("a tie with the best loss is no improvement, patience 2", [3, 2, 2, 2, 1], 2),
        case("never stops (always improving): the last epoch", [4, 3, 2.5, 2, 1.8], 3),
        case("the first epoch is the best, patience 1", [1, 2, 3, 4], 1),
    ]


def _early_stopping(val_losses, patience):
    return capacity.early_stopping_epoch(val_losses, patience)


def _from_zero(val_losses, patience):
    stop, best = capacity.early_stopping_epoch(val_losses, patience)
    return stop - 1, best - 1


def _first_increase(val_losses, patience):
    # stops at the first epoch that does not improve, whatever the patience
    return capacity.early_stopping_epoch(val_losses, 1)


def _one_late(val_losses, patience):
    # waits for patience + 1 epochs without improvement (> instead of >=)
    v = list(val_losses)
    best, best_epoch = np.inf, 0
    for epoch, loss in enumerate(v, start=1):
        if loss < best:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch > patience:
            return epoch, best_epoch
    return len(v), best_epoch


def _keeps_last(val_losses, patience):
    stop, _ = capacity.early_stopping_epoch(val_losses, patience)
    return stop, stop


def _ties_improve(val_losses, patience):
    v = list(val_losses)
    best, best_epoch = np.inf, 0
    for epoch, loss in enumerate(v, start=1):
        if loss <= best:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return epoch, best_epoch
    return len(v), best_epoch


_STOP = "(5.15), the stopping rule, with epochs counted from 1"

check_early_stopping = Checker(
    "early_stopping",
    "early_stopping(val_losses, patience)",
    _early_stopping,
    _stop_cases,
    [
        Misconception("epochs counted from 0 (an off-by-one)", _from_zero, _STOP, label="cap-stop"),
        Misconception(
            "stopping at the first non-improving epoch",
            _first_increase,
            _STOP,
            label="cap-stop",
        ),
        Misconception(
            "waiting one epoch too many (t - t_best > n_wait, not >= n_wait)",
            _one_late,
            _STOP,
            label="cap-stop",
        ),
        Misconception(
            "keeping the stopping epoch's model, not the best",
            _keeps_last,
            _STOP,
            label="cap-stop",
        ),
        Misconception(
            "a tie with the best loss counted as an improvement",
            _ties_improve,
            "(5.15): an epoch improves only if strictly below the best",
            label="cap-stop",
        ),
    ],
    chapter="05",
)

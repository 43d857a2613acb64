"""Chapter 13's code exercises: the minimum-norm fit and the EMC.

The reader writes ``min_norm_fit(Phi, y)``, the minimum-norm least-squares
weights theta^+ = Phi^+ y of (13.2) for an ``(n, p)`` feature matrix (the
reference is :func:`coursekit.random_features.fit` with no ridge), and
``emc(ns, train_errors, eps)``, the effective model complexity (13.6) of a
sweep over sample sizes (the reference is
:func:`coursekit.random_features.effective_model_complexity`).

A normal-equations fit (Phi^T Phi)^{-1} Phi^T y gives no single wrong
output to compare with when Phi^T Phi is singular (it raises, or returns
round-off noise that depends on how it was solved), so that mistake is
recognised by its pattern: right on every case with independent columns,
wrong (or raising) on the others. A fit that interpolates the data but is
not of minimum norm is recognised the same way.
"""

from __future__ import annotations

import numpy as np

from .. import random_features as rf
from .checker import Case, Checker, Misconception, mismatch


def _fit_cases(rng):
    def case(label, n, p, scale=1.0, yscale=1.0):
        Phi = scale * rng.normal(size=(n, p))
        return Case(label, dict(Phi=Phi, y=yscale * rng.normal(size=n)))

    dead = rng.normal(size=(30, 10))
    dead[:, 3] = 0.0  # a ReLU feature that is zero on every input
    twice = rng.normal(size=(8, 20))
    twice[5] = twice[2]  # a training point that appears twice
    y_twice = rng.normal(size=8)
    y_twice[5] = y_twice[2]
    return [
        case("n = 10 < p = 30 (over-parameterized)", 10, 30),
        case("n = p = 12 (the threshold)", 12, 12),
        case("n = 40 > p = 8 (under-parameterized)", 40, 8),
        case("one training point, p = 5", 1, 5),
        case("n = 6 < p = 15, large values", 6, 15, 1e4, 1e3),
        case("n = 25 > p = 5, large values", 25, 5, 1e3, 1e4),
        Case("n = 30 > p = 10 with a dead feature (rank 9)", dict(Phi=dead, y=rng.normal(size=30))),
        Case("n = 8 < p = 20 with a repeated point (rank 7)", dict(Phi=twice, y=y_twice)),
    ]


def _min_norm_fit(Phi, y):
    return rf.fit(Phi, y)


def _normal_equations(Phi, y):
    # one version of the mistake; others (inv, solve) return other noise
    with np.errstate(all="ignore"):
        return np.linalg.inv(Phi.T @ Phi) @ (Phi.T @ y)


def _square_subsystem(Phi, y):
    n, p = Phi.shape
    if n >= p:
        return np.linalg.lstsq(Phi, y, rcond=None)[0]
    theta = np.zeros(p)
    theta[:n] = np.linalg.lstsq(Phi[:, :n], y, rcond=None)[0]
    return theta


def _pinv_as_inverse(Phi, y):
    n, p = Phi.shape
    if n >= p:
        return np.linalg.lstsq(Phi, y, rcond=None)[0]
    with np.errstate(all="ignore"):
        return Phi.T @ np.linalg.inv(Phi @ Phi.T) @ y


def _rank(case):
    return np.linalg.matrix_rank(case.kwargs["Phi"])


def _kind(case):
    """'tall': independent columns; 'wide': independent rows, n < p; else ''."""
    n, p = case.kwargs["Phi"].shape
    r = _rank(case)
    return "tall" if r == p else "wide" if r == n else ""


_NORMAL = "the normal equations (Phi^T Phi)^-1 Phi^T y where Phi^T Phi is singular (for n < p, or a dead feature)"
_NOT_MIN = "an interpolating fit that is not the minimum-norm one (e.g. a square subsystem solved, the rest zero)"
_INVERSE = "the inverse of Phi Phi^T where (13.2) has its pseudo-inverse (a repeated point makes it singular)"
_MIN_NORM = "(13.2), the minimum-norm solution Phi^T (Phi Phi^T)^+ y"


class _FitChecker(Checker):
    """A Checker that also recognises the two mistakes by their pattern."""

    def _outputs(self, fn, cases):
        out = []
        for case in cases:
            try:
                out.append(self._run(fn, case))
            except Exception:
                out.append(None)
        return out

    def recognise(self, fn):
        cases = self.cases()
        got = self._outputs(fn, cases)
        want = [self._run(self.reference, c) for c in cases]
        right = [g is not None and mismatch(w, g, self.rtol, self.atol) is None for w, g in zip(want, got)]
        kinds = [_kind(c) for c in cases]
        if not all(r for k, r in zip(kinds, right) if k == "tall"):
            return None
        wrong = [i for i, r in enumerate(right) if not r]
        wide = [i for i in wrong if kinds[i] == "wide"]

        def interpolates(case, theta):
            Phi, y = case.kwargs["Phi"], case.kwargs["y"]
            if theta is None or np.shape(theta) != (Phi.shape[1],):
                return False
            theta = np.asarray(theta, dtype=float)
            scale = np.linalg.norm(y) + np.linalg.norm(Phi) * np.linalg.norm(theta)
            return bool(np.linalg.norm(Phi @ theta - y) <= 1e-8 * scale)

        if not wrong:
            return None
        # dependent rows of a wide Phi: Phi Phi^T singular, Phi^T Phi too
        rows = [_rank(c) < c.kwargs["Phi"].shape[0] < c.kwargs["Phi"].shape[1] for c in cases]
        if all(rows[i] for i in wrong):
            return self.misconceptions[2]
        if wide and all(interpolates(cases[i], got[i]) for i in wide):
            return self.misconceptions[1]
        return self.misconceptions[0]


check_min_norm_fit = _FitChecker(
    "min_norm_fit",
    "min_norm_fit(Phi, y)",
    _min_norm_fit,
    _fit_cases,
    [
        Misconception(_NORMAL, _normal_equations, _MIN_NORM, label="dd-min-norm"),
        Misconception(_NOT_MIN, _square_subsystem, _MIN_NORM, label="dd-min-norm"),
        Misconception(_INVERSE, _pinv_as_inverse, _MIN_NORM, label="dd-min-norm"),
    ],
    chapter="13",
)


def _emc_cases(rng):
    ns = np.arange(10, 110, 10)

    def sweep(label, errs, eps):
        return Case(label, dict(ns=ns, train_errors=np.array(errs, dtype=float), eps=eps))

    rising = np.sort(rng.uniform(0, 0.4, size=10))
    noisy = np.array([0.0, 0.0, 0.01, 0.03, 0.12, 0.08, 0.2, 0.3, 0.35, 0.5])
    return [
        sweep("errors rising with n", rising, 0.15),
        sweep("noisy errors: a dip below eps after a rise", noisy, 0.1),
        sweep("an error exactly equal to eps", [0, 0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], 0.1),
        sweep("every n fits", np.full(10, 1e-3), 0.01),
        sweep("no n fits", np.full(10, 0.5), 0.1),
        Case("one sample size", dict(ns=np.array([50]), train_errors=np.array([0.02]), eps=0.05)),
        Case(
            "n from 200, eps = 0",
            dict(ns=np.arange(200, 260, 10), train_errors=np.array([0, 0, 0, 1e-3, 0.2, 0.4]), eps=0.0),
        ),
    ]


def _emc(ns, train_errors, eps):
    return rf.effective_model_complexity(ns, train_errors, eps)


def _emc_by(ok, read):
    """The EMC with its own test per n and its own reading of the sweep."""

    def wrong(ns, train_errors, eps):
        ns, errs = np.asarray(ns), np.asarray(train_errors, dtype=float)
        return read(ns, ok(errs, eps))

    return wrong


def _at_most(errs, eps):
    return errs <= eps


def _below(errs, eps):
    return errs < eps


def _first_failure(ns, fits):
    # the first n whose error exceeds eps: one past the last n that fits
    bad = np.flatnonzero(~fits)
    return int(ns[bad[0]]) if bad.size else int(ns[-1])


def _before_first_failure(ns, fits):
    bad = np.flatnonzero(~fits)
    stop = bad[0] if bad.size else len(ns)
    return int(ns[stop - 1]) if stop > 0 else 0


def _largest_index(ns, fits):
    where = np.flatnonzero(fits)
    return int(where.max()) if where.size else 0


def _largest(ns, fits):
    return int(ns[fits].max()) if fits.any() else 0


_EMC = "(13.6), the EMC: the largest n whose training error is at most eps"

check_emc = Checker(
    "emc",
    "emc(ns, train_errors, eps)",
    _emc,
    _emc_cases,
    [
        Misconception(
            "the off-by-one: the first n whose error exceeds eps, not the last that fits",
            _emc_by(_at_most, _first_failure),
            _EMC,
            label="dd-emc",
        ),
        Misconception(
            "a strict comparison (error < eps) where (13.6) has <=",
            _emc_by(_below, _largest),
            _EMC,
            label="dd-emc",
        ),
        Misconception(
            "the sweep stopped at the first n above eps (a later n may fit again)",
            _emc_by(_at_most, _before_first_failure),
            _EMC + ", over every n of the sweep",
            label="dd-emc",
        ),
        Misconception(
            "the position of n in ns returned instead of n",
            _emc_by(_at_most, _largest_index),
            _EMC,
            label="dd-emc",
        ),
    ],
    chapter="13",
)

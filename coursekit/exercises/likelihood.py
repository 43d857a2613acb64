"""Chapter 04's code exercises: two NLLs and their gradients.

The reader writes ``gaussian_nll_grad(y, pred, sigma)``, the mean Gaussian
NLL (4.9) of targets ``y`` around predictions ``pred`` and its gradient with
respect to ``pred`` (reference :func:`coursekit.likelihood.
gaussian_regression_nll` and the closed-form gradient ``(pred - y) /
(N sigma^2)``), and ``bce_with_logits(z, y)``, the binary cross-entropy
(4.11) with ``p = sigmoid(z)``, computed from the logits ``z`` so that it
stays finite and accurate at ``|z| = 50``, and its gradient ``(sigmoid(z) -
y) / N``. Both return ``(loss, gradient)``, the gradient of ``pred``'s (or
``z``'s) shape. tests/test_exercises_likelihood.py checks both gradients by
finite differences.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from .. import likelihood
from .checker import Case, Checker, Misconception, mismatch

LOG_2PI = np.log(2 * np.pi)


# ------------------------------------------------------------ Gaussian NLL
def _gaussian_cases(rng):
    def case(label, y, pred, sigma):
        return Case(label, dict(y=y, pred=pred, sigma=sigma))

    y10, y50, big = rng.normal(size=10), rng.normal(size=50), 1e4 + rng.normal(size=8)
    return [
        case("10 random examples, sigma = 0.7", y10, y10 + 0.5 * rng.normal(size=10), 0.7),
        case("50 random examples, sigma = 2.5", y50, rng.normal(size=50), 2.5),
        case("one example", np.array([1.5]), np.array([0.25]), 0.4),
        case("a perfect fit (pred = y)", y10, y10.copy(), 1.3),
        case("large values (targets near 1e4)", big, big + rng.normal(size=8), 3.0),
        case("sigma = 1", y10, rng.normal(size=10), 1.0),
    ]


def _gaussian(y, pred, sigma, *, sign=1.0, const=True, log_sigma=True, power=2, mean=True, two=True):
    """(4.9) and its gradient, or one of their misstatements."""
    y, pred = np.asarray(y, dtype=float), np.asarray(pred, dtype=float)
    n = y.size if mean else 1
    scale = sigma**power
    nll = np.sum((y - pred) ** 2) / n / (2 * scale)
    nll += 0.5 * LOG_2PI * const + np.log(sigma) * log_sigma
    grad = sign * (pred - y) / (n * scale) / (1 if two else 2)
    return float(nll), grad


def _gaussian_nll_grad(y, pred, sigma):
    nll = float(likelihood.gaussian_regression_nll(y, pred, sigma))
    # d/d pred of (1/N) sum (y - pred)^2 / (2 sigma^2)
    grad = (np.asarray(pred, dtype=float) - y) / (np.size(y) * sigma**2)
    return nll, grad


def _gaussian_uphill(y, pred, sigma):
    return _gaussian(y, pred, sigma, sign=-1.0)


def _gaussian_no_2pi(y, pred, sigma):
    return _gaussian(y, pred, sigma, const=False)


def _gaussian_no_log_term(y, pred, sigma):
    return _gaussian(y, pred, sigma, const=False, log_sigma=False)


def _gaussian_sigma(y, pred, sigma):
    return _gaussian(y, pred, sigma, power=1)


def _gaussian_sum(y, pred, sigma):
    return _gaussian(y, pred, sigma, mean=False)


def _gaussian_half(y, pred, sigma):
    return _gaussian(y, pred, sigma, two=False)


_TERM = "(4.8), one example's term, and its derivative in f: -(y - f)/sigma^2"
_MEAN = "(4.9), the mean over the N examples"

check_gaussian_nll = Checker(
    "gaussian_nll_grad",
    "gaussian_nll_grad(y, pred, sigma)",
    _gaussian_nll_grad,
    _gaussian_cases,
    [
        Misconception(
            "the gradient of the NLL with the wrong sign (y - pred where it is pred - y)",
            _gaussian_uphill,
            _TERM,
            label="ml-gauss-term",
        ),
        Misconception(
            "the constant (1/2) log 2 pi dropped (the NLL is the likelihood's, constant included)",
            _gaussian_no_2pi,
            "(4.9): (1/2) log(2 pi sigma^2) = (1/2) log 2 pi + log sigma",
            label="ml-mse-nll",
        ),
        Misconception(
            "the term (1/2) log(2 pi sigma^2) dropped (log sigma and the constant)",
            _gaussian_no_log_term,
            "(4.9), whose first term depends on sigma",
            label="ml-mse-nll",
        ),
        Misconception(
            "sigma where (4.8) has sigma^2 (in the NLL and its gradient)",
            _gaussian_sigma,
            "(4.8): the squared error is divided by 2 sigma^2",
            label="ml-gauss-term",
        ),
        Misconception(
            "the sum over the examples where the NLL is a mean",
            _gaussian_sum,
            _MEAN,
            label="ml-mse-nll",
        ),
        Misconception(
            "the gradient missing the factor 2 of the square's derivative",
            _gaussian_half,
            _TERM,
            label="ml-gauss-term",
        ),
    ],
    chapter="04",
)


# ------------------------------------------------------------ BCE from logits
_SATURATED = 30.0  # |z| from which 1 - sigmoid(z) loses most of its digits


def _bce_cases(rng):
    def case(label, z, y):
        return Case(label, dict(z=z, y=y))

    def coin(n):
        return (rng.uniform(size=n) < 0.5).astype(float)

    return [
        case("12 random logits", 3 * rng.normal(size=12), coin(12)),
        case("40 random logits", 2 * rng.normal(size=40), coin(40)),
        case("one example", np.array([-1.25]), np.array([1.0])),
        case("zero logits (p = 1/2)", np.zeros(5), np.array([1.0, 0.0, 1.0, 1.0, 0.0])),
        case(
            "saturated logits |z| = 50, right and wrong",
            np.array([50.0, -50.0, 50.0, -50.0]),
            np.array([1.0, 0.0, 0.0, 1.0]),
        ),
        case("saturated logits, all wrong", np.array([50.0, -50.0, 40.0]), np.array([0.0, 1.0, 0.0])),
    ]


def _saturated(case):
    return float(np.max(np.abs(case.kwargs["z"]))) >= _SATURATED


def _bce(z, y, *, sign=1.0, mean_loss=True, mean_grad=True, naive=False):
    """(4.11) with p = sigmoid(z) and its gradient, or a misstatement."""
    z, y = np.asarray(z, dtype=float), np.asarray(y, dtype=float)
    if naive:
        p = 1.0 / (1.0 + np.exp(-z))
        losses = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    else:
        losses = np.logaddexp(0.0, z) - y * z
    loss = losses.mean() if mean_loss else losses.sum()
    grad = sign * (expit(z) - y) / (z.size if mean_grad else 1)
    return float(loss), grad


def _bce_with_logits(z, y):
    z, y = np.asarray(z, dtype=float), np.asarray(y, dtype=float)
    # -[y log p + (1 - y) log(1 - p)] = log(1 + e^z) - y z for p = sigmoid(z)
    loss = np.mean(np.logaddexp(0.0, z) - y * z)
    return float(loss), (expit(z) - y) / z.size


def _bce_uphill(z, y):
    return _bce(z, y, sign=-1.0)


def _bce_sum(z, y):
    return _bce(z, y, mean_loss=False, mean_grad=False)


def _bce_grad_sum(z, y):
    return _bce(z, y, mean_grad=False)


def _bce_naive(z, y):
    return _bce(z, y, naive=True)


_BCE = "(4.11) with p = sigmoid(z); sigmoid'(z) = sigmoid(z)(1 - sigmoid(z)) gives the gradient (sigmoid(z) - y)/N"
_UNSTABLE = "unstable log of a saturated sigmoid"


class _LogitChecker(Checker):
    """A Checker that recognises the unstable log by its pattern.

    A naive ``log(sigmoid(z))`` has many spellings (``np.log(1 / (1 +
    np.exp(-z)))``, a clipped ``p``, ...), with ``inf``, ``nan`` or merely
    inaccurate values where the sigmoid saturates. So that mistake is named
    when the reader's function matches the reference on every case whose
    logits stay below |z| = 30 and its loss differs on a saturated case.
    Numpy's overflow warnings are silenced: the verdict reports the values.
    """

    def _run(self, fn, case):
        with np.errstate(all="ignore"):
            return super()._run(fn, case)

    def _unstable(self, fn):
        cases = self.cases()
        loss_wrong = False
        for case in cases:
            try:
                got = self._run(fn, case)
            except Exception:
                return False
            want = self._run(self.reference, case)
            if mismatch(want, got, self.rtol, self.atol) is None:
                continue
            if not _saturated(case) or not isinstance(got, (tuple, list)) or len(got) != 2:
                return False
            if mismatch(want[0], got[0], self.rtol, self.atol) is not None:
                loss_wrong = True
        return loss_wrong

    def _same_as(self, wrong, cases, results):
        if wrong is _bce_naive:
            return False  # named by its pattern, below
        return super()._same_as(wrong, cases, results)

    def recognise(self, fn):
        if not self._unstable(fn):
            return None
        return next(m for m in self.misconceptions if m.wrong is _bce_naive)


check_bce_logits = _LogitChecker(
    "bce_with_logits",
    "bce_with_logits(z, y)",
    _bce_with_logits,
    _bce_cases,
    [
        Misconception(
            "the gradient of the NLL with the wrong sign (y - sigmoid(z) where it is sigmoid(z) - y)",
            _bce_uphill,
            _BCE,
            label="ml-bce",
        ),
        Misconception(
            "the sum over the examples where (4.11) is a mean (loss and gradient)",
            _bce_sum,
            "(4.11), the mean over the N examples",
            label="ml-bce",
        ),
        Misconception(
            "the mean loss with the gradient of the sum (not divided by N)",
            _bce_grad_sum,
            "(4.11): the gradient of a mean carries its 1/N",
            label="ml-bce",
        ),
        Misconception(
            _UNSTABLE + " (log p or log(1 - p) of p = 1.0 exactly)",
            _bce_naive,
            "(4.11) with log p = -log(1 + e^-z) and log(1 - p) = -log(1 + e^z) (np.logaddexp(0, z))",
            label="ml-bce",
        ),
    ],
    chapter="04",
)

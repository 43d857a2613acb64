"""Chapter 04's code exercises (coursekit.exercises.likelihood).

The references against coursekit.likelihood and finite differences; each
checker accepts an independently written correct version and rejects other
wrong ones (wrong sign, off-by-one, wrong shape) with a plain "fail"; the
unstable log of a saturated sigmoid is named however it is spelled.
"""

import numpy as np
import pytest
from scipy.special import expit

from coursekit import exercises, likelihood


def central_differences(loss, a, h=1e-6):
    out = np.zeros_like(a)
    for i in range(a.size):
        e = np.zeros_like(a)
        e[i] = h
        out[i] = (loss(a + e) - loss(a - e)) / (2 * h)
    return out


def test_gaussian_reference_against_coursekit_and_finite_differences():
    ref = exercises.check_gaussian_nll.reference
    rng = np.random.default_rng(4)
    y, pred = rng.normal(size=7), rng.normal(size=7)
    nll, grad = ref(y, pred, 0.8)
    assert np.isclose(nll, likelihood.gaussian_regression_nll(y, pred, 0.8))
    assert np.isclose(nll, -np.mean(np.log(likelihood.gaussian_density(y, pred, 0.8))))
    fd = central_differences(lambda p: ref(y, p, 0.8)[0], pred)
    assert np.allclose(grad, fd, rtol=1e-6, atol=1e-8)


def test_bce_reference_against_coursekit_and_finite_differences():
    ref = exercises.check_bce_logits.reference
    rng = np.random.default_rng(5)
    z, y = 2 * rng.normal(size=9), (rng.uniform(size=9) < 0.5).astype(float)
    loss, grad = ref(z, y)
    assert np.isclose(loss, likelihood.binary_cross_entropy(y, expit(z)))
    fd = central_differences(lambda a: ref(a, y)[0], z)
    assert np.allclose(grad, fd, rtol=1e-6, atol=1e-8)
    # finite and accurate where the sigmoid saturates: log(1 + e^50) - 0 = 50
    loss, grad = ref(np.array([50.0, -50.0]), np.array([0.0, 1.0]))
    assert np.isclose(loss, 50.0, rtol=1e-14) and np.allclose(grad, [0.5, -0.5])


def my_gaussian(y, pred, sigma):
    r = pred - y
    nll = np.log(sigma) + 0.5 * np.log(2 * np.pi) + np.mean(r * r) / (2 * sigma * sigma)
    return nll, r / (sigma * sigma) / len(y)


def my_bce(z, y):
    # log(1 + e^-|z|) + max(z, 0) - y z, the sigmoid by its sign
    z = np.asarray(z, dtype=float)
    loss = np.mean(np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0) - y * z)
    ez = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1 / (1 + ez), ez / (1 + ez))
    return loss, (p - y) / len(z)


def test_independent_versions_pass():
    assert exercises.check_gaussian_nll.verdict(my_gaussian).passed
    assert exercises.check_bce_logits.verdict(my_bce).passed


GAUSSIAN_WRONG = {
    "N - 1 in the mean (off by one)": lambda y, pred, sigma: (
        my_gaussian(y, pred, sigma)[0],
        my_gaussian(y, pred, sigma)[1] * len(y) / max(len(y) - 1, 0.5),
    ),
    "the whole thing negated": lambda y, pred, sigma: tuple(-a for a in my_gaussian(y, pred, sigma)),
    "gradient as a column": lambda y, pred, sigma: (
        my_gaussian(y, pred, sigma)[0],
        my_gaussian(y, pred, sigma)[1][:, None],
    ),
    "one NLL per example": lambda y, pred, sigma: (
        0.5 * np.log(2 * np.pi * sigma**2) + (y - pred) ** 2 / (2 * sigma**2),
        my_gaussian(y, pred, sigma)[1],
    ),
    "the gradient only": lambda y, pred, sigma: my_gaussian(y, pred, sigma)[1],
}

BCE_WRONG = {
    "labels flipped": lambda z, y: my_bce(z, 1 - y),
    "N + 1 in the mean (off by one)": lambda z, y: tuple(a * len(z) / (len(z) + 1) for a in my_bce(z, y)),
    "gradient as a column": lambda z, y: (my_bce(z, y)[0], my_bce(z, y)[1][:, None]),
    "one loss per example": lambda z, y: (np.logaddexp(0, z) - y * z, my_bce(z, y)[1]),
    "the gradient of p, not of z": lambda z, y: (
        my_bce(z, y)[0],
        (expit(z) - y) / (expit(z) * (1 - expit(z)) + 1e-300) / len(z),
    ),
}


@pytest.mark.parametrize("name", GAUSSIAN_WRONG)
def test_other_wrong_gaussians_fail(name):
    v = exercises.check_gaussian_nll.verdict(GAUSSIAN_WRONG[name])
    assert v.status == "fail" and v.misconception is None, v.text


@pytest.mark.parametrize("name", BCE_WRONG)
def test_other_wrong_bces_fail(name):
    v = exercises.check_bce_logits.verdict(BCE_WRONG[name])
    assert v.status in ("fail", "error") and v.misconception is None, v.text


def test_wrong_sign_of_the_gradient_named():
    def uphill(y, pred, sigma):
        nll, grad = my_gaussian(y, pred, sigma)
        return nll, -grad

    v = exercises.check_gaussian_nll.verdict(uphill)
    assert v.status == "misconception" and "wrong sign" in v.misconception
    assert "Reread (4.8)" in v.text
    v = exercises.check_bce_logits.verdict(lambda z, y: (my_bce(z, y)[0], -my_bce(z, y)[1]))
    assert v.status == "misconception" and "wrong sign" in v.misconception


def test_constant_dropped_named():
    v = exercises.check_gaussian_nll.verdict(
        lambda y, pred, sigma: (
            my_gaussian(y, pred, sigma)[0] - 0.5 * np.log(2 * np.pi),
            my_gaussian(y, pred, sigma)[1],
        )
    )
    assert v.status == "misconception" and "2 pi dropped" in v.misconception
    assert "Reread (4.9)" in v.text


def naive_expit(z, y):
    p = 1 / (1 + np.exp(-z))
    return np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p)), (p - y) / len(z)


def naive_xlogy(z, y):
    # scipy's xlogy makes 0 log 0 = 0, yet log(1 - p) of p = 1.0 is -inf
    from scipy.special import xlogy

    p = expit(z)
    return -np.mean(xlogy(y, p) + xlogy(1 - y, 1 - p)), (p - y) / len(z)


def naive_clipped(z, y):
    # a clipped p: finite, but log(1e-12) = -27.6 where the loss is 50
    p = np.clip(expit(z), 1e-12, 1 - 1e-12)
    return np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p)), (expit(z) - y) / len(z)


@pytest.mark.parametrize("fn", [naive_expit, naive_xlogy, naive_clipped], ids=lambda f: f.__name__)
def test_unstable_log_named_however_spelled(fn):
    v = exercises.check_bce_logits.verdict(fn)
    assert v.status == "misconception" and "unstable log of a saturated sigmoid" in v.misconception, v.text
    assert "Reread (4.11)" in v.text


def test_unstable_pattern_needs_the_unsaturated_cases_right():
    # wrong everywhere (sum) and unstable: the sum is what is named
    def naive_sum(z, y):
        loss, grad = naive_expit(z, y)
        return loss * len(z), grad * len(z)

    v = exercises.check_bce_logits.verdict(naive_sum)
    assert v.status == "fail" and v.misconception is None

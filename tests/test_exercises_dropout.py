"""Chapter 12's code exercises (coursekit.exercises.dropout).

Each checker accepts an independently written correct version, names each
misconception it claims, and rejects other wrong versions (wrong sign,
off-by-one, wrong shape) with a plain "fail".
"""

import numpy as np
import pytest

from coursekit import exercises
from coursekit.exercises import dropout


def my_forward(a, p, u, train=True):
    if not train:
        return a.copy(), np.ones(a.shape)
    mask = np.where(u < p, 0.0, 1.0)
    return np.where(mask > 0, a / (1 - p), 0.0), mask


def my_backward(g, mask, p):
    return np.where(mask > 0, g, 0.0) / (1 - p)


def test_independent_versions_pass():
    assert exercises.check_dropout_forward.verdict(my_forward).passed
    assert exercises.check_dropout_backward.verdict(my_backward).passed


@pytest.mark.parametrize(
    "wrong, words",
    [
        (dropout._plain, "without the 1/(1 - p)"),
        (dropout._over_p, "1/p instead"),
        (dropout._keep_below, "u < p"),
        (dropout._at_eval, "evaluation time"),
    ],
)
def test_forward_misconceptions_named(wrong, words):
    v = exercises.check_dropout_forward.verdict(wrong)
    assert v.status == "misconception" and words in v.misconception, v.text
    assert "Reread (12." in v.text


@pytest.mark.parametrize(
    "wrong, words",
    [
        (dropout._backward_no_mask, "without the mask"),
        (dropout._backward_no_scale, "without the 1/(1 - p)"),
        (dropout._backward_over_p, "1/p"),
    ],
)
def test_backward_misconceptions_named(wrong, words):
    v = exercises.check_dropout_backward.verdict(wrong)
    assert v.status == "misconception" and words in v.misconception, v.text


def forward_negated(a, p, u, train=True):
    out, mask = my_forward(a, p, u, train)
    return -out, mask


def forward_mask_only(a, p, u, train=True):
    return my_forward(a, p, u, train)[0]


def forward_flat(a, p, u, train=True):
    out, mask = my_forward(a, p, u, train)
    return out.ravel(), mask.ravel()


def forward_strict(a, p, u, train=True):
    # off by one in the comparison: u > p keeps, and at p = 0 a draw of 0
    # would be dropped; here a shifted threshold
    return my_forward(a, min(p + 0.05, 0.95), u, train)


@pytest.mark.parametrize("wrong", [forward_negated, forward_mask_only, forward_flat, forward_strict])
def test_other_wrong_forwards_fail(wrong):
    v = exercises.check_dropout_forward.verdict(wrong)
    assert v.status == "fail" and v.misconception is None, v.text


@pytest.mark.parametrize(
    "wrong",
    [
        lambda g, mask, p: -my_backward(g, mask, p),
        lambda g, mask, p: my_backward(g, mask, p).T,
        lambda g, mask, p: my_backward(g, 1 - mask, p),
        lambda g, mask, p: my_backward(g, mask, p).sum(axis=0),
    ],
    ids=["negated", "transposed", "mask inverted", "summed over the batch"],
)
def test_other_wrong_backwards_fail(wrong):
    v = exercises.check_dropout_backward.verdict(wrong)
    assert v.status == "fail" and v.misconception is None, v.text

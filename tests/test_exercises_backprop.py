"""Chapter 02's code exercises (coursekit.exercises.backprop).

Each checker accepts an independently written correct version, names each
misconception it claims to recognise, and rejects other wrong versions
(wrong sign, wrong shape, an off-by-one mean) with a plain "fail"
(tests/test_exercises.py checks the stub of every checker).
"""

import numpy as np
import pytest

from coursekit import exercises


def my_mlp_grads(X, Y, W1, b1, W2, b2):
    # one example at a time, by (bp-delta) and (bp-weight-grad), then averaged
    grads = [np.zeros_like(W1), np.zeros_like(b1), np.zeros_like(W2), np.zeros_like(b2)]
    for x, y in zip(X, Y):
        h = np.tanh(W1 @ x + b1)
        d2 = 2 * (W2 @ h + b2 - y) / Y.size
        d1 = (1 - h * h) * (W2.T @ d2)
        for g, part in zip(grads, (np.outer(d1, x), d1, np.outer(d2, h), d2)):
            g += part
    return tuple(grads)


def my_softmax_ce_grad(Z, labels):
    # log-softmax form: p = exp(z - logsumexp(z))
    m = Z.max(axis=1, keepdims=True)
    logp = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    G = np.exp(logp)
    G[np.arange(len(Z)), labels] -= 1
    return G / len(Z)


def test_independent_versions_pass():
    assert exercises.check_mlp_grads.verdict(my_mlp_grads).passed
    assert exercises.check_softmax_ce_grad.verdict(my_softmax_ce_grad).passed


def test_the_lessons_inline_backward_pass_passes():
    # the cell of lesson 02 that writes the backward pass, as a function
    def mlp_grads(X, Y, W1, b1, W2, b2):
        H1 = np.tanh(X @ W1.T + b1)
        D2 = 2 * (H1 @ W2.T + b2 - Y) / Y.size
        D1 = (1 - H1**2) * (D2 @ W2)
        return D1.T @ X, D1.sum(axis=0), D2.T @ H1, D2.sum(axis=0)

    assert exercises.check_mlp_grads.verdict(mlp_grads).passed


MLP_NAMED = [
    ("1 - tanh", "Reread (2.11)", dict(fprime=lambda H: 1 - H)),
    ("gate", "Reread (2.8)", dict(fprime=np.ones_like)),
    ("transpose on the wrong side", "Reread (2.10)", dict(transpose=True)),
    ("not summed over the batch", "Reread (2.10)", dict(keep_rows=True)),
    ("instead of their mean", "Reread (2.10)", dict(total=True)),
]


def mlp_wrong(**how):
    def wrong(X, Y, W1, b1, W2, b2):
        H1 = np.tanh(X @ W1.T + b1)
        R = H1 @ W2.T + b2 - Y
        D2 = 2 * R if how.get("total") else 2 * R / R.size
        gate = how.get("fprime", lambda H: 1 - H**2)(H1)
        D1 = gate * (D2 @ W2)
        if how.get("transpose"):
            dW1, dW2 = X.T @ D1, H1.T @ D2
        else:
            dW1, dW2 = D1.T @ X, D2.T @ H1
        if how.get("keep_rows"):
            return dW1, D1, dW2, D2
        return dW1, D1.sum(axis=0), dW2, D2.sum(axis=0)

    return wrong


@pytest.mark.parametrize("words, reread, how", MLP_NAMED, ids=[m[0] for m in MLP_NAMED])
def test_mlp_misconceptions_named(words, reread, how):
    v = exercises.check_mlp_grads.verdict(mlp_wrong(**how))
    assert v.status == "misconception" and words in v.misconception, v.text
    assert reread in v.text


def mlp_uphill(X, Y, W1, b1, W2, b2):
    return tuple(-g for g in my_mlp_grads(X, Y, W1, b1, W2, b2))


def mlp_mean_over_examples_only(X, Y, W1, b1, W2, b2):
    # divides by N, not by the N d_out entries the mean runs over
    return tuple(g * Y.shape[1] for g in my_mlp_grads(X, Y, W1, b1, W2, b2))


def mlp_order_swapped(X, Y, W1, b1, W2, b2):
    dW1, db1, dW2, db2 = my_mlp_grads(X, Y, W1, b1, W2, b2)
    return dW2, db2, dW1, db1


def mlp_three_values(X, Y, W1, b1, W2, b2):
    return my_mlp_grads(X, Y, W1, b1, W2, b2)[:3]


def mlp_relu(X, Y, W1, b1, W2, b2):
    # the wrong activation in the backward pass: ReLU's gate
    H1 = np.tanh(X @ W1.T + b1)
    D2 = 2 * (H1 @ W2.T + b2 - Y) / Y.size
    D1 = (H1 > 0) * (D2 @ W2)
    return D1.T @ X, D1.sum(axis=0), D2.T @ H1, D2.sum(axis=0)


@pytest.mark.parametrize(
    "wrong", [mlp_uphill, mlp_mean_over_examples_only, mlp_order_swapped, mlp_three_values, mlp_relu]
)
def test_other_wrong_mlp_versions_fail(wrong):
    v = exercises.check_mlp_grads.verdict(wrong)
    assert v.status == "fail" and v.misconception is None, v.text


def onehot(labels, classes):
    return np.eye(classes)[labels]


def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


CE_NAMED = [
    ("the 1/N dropped", "Reread (2.10)", lambda Z, labels: softmax(Z) - onehot(labels, Z.shape[1])),
    ("integer label", "Reread (2.15)", lambda Z, labels: (softmax(Z) - labels[:, None]) / len(Z)),
    ("wrong sign", "Reread (2.15)", lambda Z, labels: (onehot(labels, Z.shape[1]) - softmax(Z)) / len(Z)),
    ("logits z in place", "Reread (2.15)", lambda Z, labels: (Z - onehot(labels, Z.shape[1])) / len(Z)),
]


@pytest.mark.parametrize("words, reread, wrong", CE_NAMED, ids=[m[0] for m in CE_NAMED])
def test_softmax_ce_misconceptions_named(words, reread, wrong):
    v = exercises.check_softmax_ce_grad.verdict(wrong)
    assert v.status == "misconception" and words in v.misconception, v.text
    assert reread in v.text


def ce_naive_exp(Z, labels):
    # no max subtracted: overflows on the large logits
    with np.errstate(over="ignore", invalid="ignore"):
        E = np.exp(Z)
        return (E / E.sum(axis=1, keepdims=True) - onehot(labels, Z.shape[1])) / len(Z)


def ce_mean_over_entries(Z, labels):
    return my_softmax_ce_grad(Z, labels) / Z.shape[1]


def ce_transposed(Z, labels):
    return my_softmax_ce_grad(Z, labels).T


def ce_label_off_by_one(Z, labels):
    return my_softmax_ce_grad(Z, (labels + 1) % Z.shape[1])


def ce_softmax_over_batch(Z, labels):
    # softmax taken down the columns (over examples), not along each row
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return (E / E.sum(axis=0, keepdims=True) - onehot(labels, Z.shape[1])) / len(Z)


@pytest.mark.parametrize(
    "wrong", [ce_naive_exp, ce_mean_over_entries, ce_transposed, ce_label_off_by_one, ce_softmax_over_batch]
)
def test_other_wrong_softmax_ce_versions_fail(wrong):
    v = exercises.check_softmax_ce_grad.verdict(wrong)
    assert v.status == "fail" and v.misconception is None, v.text


def test_naive_exp_reports_a_non_finite_result():
    v = exercises.check_softmax_ce_grad.verdict(ce_naive_exp)
    assert "large logits" in v.text and "not finite" in v.text, v.text

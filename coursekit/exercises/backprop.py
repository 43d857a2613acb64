"""Chapter 02's code exercises: an MLP's backward pass and a new op's.

The reader writes ``mlp_grads(X, Y, W1, b1, W2, b2)``, the gradients
``(dW1, db1, dW2, db2)`` of the mean squared error (the mean over all
entries of ``(Yhat - Y)**2``, as ``nn.mse_loss``) of a two-layer network
``Yhat = tanh(X W1^T + b1) W2^T + b2``, by the batch equations (2.10); and
``softmax_ce_grad(Z, labels)``, the gradient (2.15) of the mean softmax
cross-entropy of logits ``Z`` (one row per example) with integer labels.
The references are :func:`coursekit.manual_backprop.loss_and_grad` and
``Tensor.backward`` through :func:`coursekit.nn.cross_entropy`.
"""

from __future__ import annotations

import numpy as np

from .. import manual_backprop, nn
from ..backprop import Tensor
from .checker import Case, Checker, Misconception


def _mlp_cases(rng):
    def case(label, n, d_in, width, d_out, scale=1.0):
        W1 = rng.normal(0, scale / np.sqrt(d_in), size=(width, d_in))
        W2 = rng.normal(0, 1 / np.sqrt(width), size=(d_out, width))
        b1, b2 = 0.5 * rng.normal(size=width), 0.5 * rng.normal(size=d_out)
        X, Y = rng.normal(size=(n, d_in)), rng.normal(size=(n, d_out))
        return Case(label, dict(X=X, Y=Y, W1=W1, b1=b1, W2=W2, b2=b2))

    return [
        case("16 examples, 2 -> 4 -> 1", 16, 2, 4, 1),
        case("one example (batch 1), 3 -> 5 -> 1", 1, 3, 5, 1),
        case("three outputs, 10 examples, 4 -> 6 -> 3", 10, 4, 6, 3),
        case("one example, two outputs, 2 -> 3 -> 2", 1, 2, 3, 2),
        case("saturated hidden units (weights x 5)", 8, 3, 4, 2, 5.0),
    ]


def _mlp_grads(X, Y, W1, b1, W2, b2):
    params = [(W1, b1), (W2, b2)]
    grads = manual_backprop.loss_and_grad(params, X, Y, "tanh", "mse")[1]
    (dW1, db1), (dW2, db2) = grads
    return dW1, db1, dW2, db2


def _mlp_variant(X, Y, W1, b1, W2, b2, *, fprime=None, transpose=False, keep_rows=False, total=False):
    """The backward pass by (2.10), with one chosen mistake."""
    H1 = np.tanh(X @ W1.T + b1)
    R = H1 @ W2.T + b2 - Y
    D2 = 2 * R if total else 2 * R / R.size
    gate = 1 - H1**2 if fprime is None else fprime(H1)
    D1 = gate * (D2 @ W2)
    dW2, dW1 = (H1.T @ D2, X.T @ D1) if transpose else (D2.T @ H1, D1.T @ X)
    db2, db1 = (D2, D1) if keep_rows else (D2.sum(axis=0), D1.sum(axis=0))
    return dW1, db1, dW2, db2


def _mlp_one_minus_tanh(X, Y, W1, b1, W2, b2):
    return _mlp_variant(X, Y, W1, b1, W2, b2, fprime=lambda H: 1 - H)


def _mlp_no_gate(X, Y, W1, b1, W2, b2):
    return _mlp_variant(X, Y, W1, b1, W2, b2, fprime=np.ones_like)


def _mlp_transposed(X, Y, W1, b1, W2, b2):
    return _mlp_variant(X, Y, W1, b1, W2, b2, transpose=True)


def _mlp_bias_rows(X, Y, W1, b1, W2, b2):
    return _mlp_variant(X, Y, W1, b1, W2, b2, keep_rows=True)


def _mlp_sum(X, Y, W1, b1, W2, b2):
    return _mlp_variant(X, Y, W1, b1, W2, b2, total=True)


_BATCH = "bp-batch"

check_mlp_grads = Checker(
    "mlp_grads",
    "mlp_grads(X, Y, W1, b1, W2, b2)",
    _mlp_grads,
    _mlp_cases,
    [
        Misconception(
            "tanh' written as 1 - tanh (it is 1 - tanh^2)",
            _mlp_one_minus_tanh,
            "(2.11), the derivatives of the activations",
            label="bp-activation-derivatives",
        ),
        Misconception(
            "the gate tanh'(a1) left out of the hidden layer's delta",
            _mlp_no_gate,
            "(2.8), the backward step of the error signal",
            label="bp-delta",
        ),
        Misconception(
            "the transpose on the wrong side (H^T Delta is the transpose of dJ/dW)",
            _mlp_transposed,
            "(2.10), the batch form dJ/dW = Delta^T H",
            label=_BATCH,
        ),
        Misconception(
            "the bias gradient not summed over the batch (one row per example)",
            _mlp_bias_rows,
            "(2.10) and the column sum of Delta below it",
            label=_BATCH,
        ),
        Misconception(
            "a sum of squared errors instead of their mean (the 1/N dropped)",
            _mlp_sum,
            "(2.10): the rows of Delta include the factor 1/N",
            label=_BATCH,
        ),
    ],
    chapter="02",
)


def _ce_cases(rng):
    def case(label, n, classes, scale=1.0, labels=None):
        Z = scale * rng.normal(size=(n, classes))
        y = rng.integers(0, classes, size=n) if labels is None else np.array(labels)
        return Case(label, dict(Z=Z, labels=y))

    return [
        case("5 examples, 3 classes", 5, 3),
        case("one example (batch 1), 4 classes", 1, 4, labels=[2]),
        case("two classes, 8 examples", 8, 2),
        case("class 0 only, 6 examples, 5 classes", 6, 5, labels=[0] * 6),
        case("large logits (about 1000: subtract the row maximum)", 4, 3, 1000.0),
    ]


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _onehot(labels, classes):
    return np.eye(classes)[labels]


def _softmax_ce_grad(Z, labels):
    z = Tensor(np.asarray(Z, dtype=float), requires_grad=True)
    nn.cross_entropy(z, np.asarray(labels)).backward()
    return z.grad


def _ce_sum(Z, labels):
    return _softmax(Z) - _onehot(labels, Z.shape[1])


def _ce_integer_y(Z, labels):
    # p - y with y the integer label broadcast over the classes
    return (_softmax(Z) - np.asarray(labels, dtype=float)[:, None]) / len(Z)


def _ce_uphill(Z, labels):
    return (_onehot(labels, Z.shape[1]) - _softmax(Z)) / len(Z)


def _ce_logits(Z, labels):
    # the logits in place of the probabilities
    return (Z - _onehot(labels, Z.shape[1])) / len(Z)


_CE = "(2.15), the gradient p - e_y of softmax and cross-entropy"

check_softmax_ce_grad = Checker(
    "softmax_ce_grad",
    "softmax_ce_grad(Z, labels)",
    _softmax_ce_grad,
    _ce_cases,
    [
        Misconception(
            "a sum over the batch instead of the mean (the 1/N dropped)",
            _ce_sum,
            "(2.10): the rows of Delta include the factor 1/N",
            label=_BATCH,
        ),
        Misconception(
            "p - y with y the integer label instead of the one-hot vector e_y",
            _ce_integer_y,
            _CE,
            label="bp-softmax-ce",
        ),
        Misconception(
            "the wrong sign (e_y - p points uphill)",
            _ce_uphill,
            _CE,
            label="bp-softmax-ce",
        ),
        Misconception(
            "the logits z in place of the probabilities p = softmax(z)",
            _ce_logits,
            _CE,
            label="bp-softmax-ce",
        ),
    ],
    chapter="02",
)

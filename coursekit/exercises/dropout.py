"""Chapter 12's code exercises: inverted dropout, forward and backward.

The reader writes ``dropout_forward(a, p, u, train)`` returning
``(out, mask)``: with uniform draws ``u`` (same shape as ``a``, in [0, 1)),
unit i is kept when ``u_i >= p`` (so with probability 1 - p), ``mask`` is the
float array of 0s and 1s and ``out = a * mask / (1 - p)``, (do-inverted); in
evaluation mode (``train=False``) nothing is dropped: ``(a, ones)``. This is
what :class:`coursekit.nn.Dropout` computes from ``rng.random(a.shape)``.

The reader also writes ``dropout_backward(g, mask, p)``: the gradient with
respect to ``a`` given the gradient ``g`` with respect to ``out``,
``g * mask / (1 - p)``.
"""

from __future__ import annotations

import numpy as np

from .. import nn
from ..backprop import Tensor
from .checker import Case, Checker, Misconception

# p = 0.5 is avoided: there 1/p = 1/(1 - p)


# The batches both checkers try, forward and backward: (label, shape, p).
_BATCHES = [
    ("a (4, 6) batch, p = 0.2", (4, 6), 0.2),
    ("a (3, 5) batch, p = 0.7", (3, 5), 0.7),
    ("p = 0: nothing dropped", (2, 4), 0.0),
    ("p = 0.9: most units dropped", (5, 8), 0.9),
    ("one example, a vector of 7 units, p = 0.3", (7,), 0.3),
]


def _forward_cases(rng):
    def case(label, shape, p, train=True, scale=1.0):
        a = rng.normal(size=shape) * scale
        u = rng.random(shape)
        return Case(label, dict(a=a, p=p, u=u, train=train))

    return [
        *(case(label, shape, p) for label, shape, p in _BATCHES),
        case("large activations (1e6), p = 0.25", (3, 3), 0.25, True, 1e6),
        case("evaluation mode, p = 0.3", (3, 4), 0.3, False),
    ]


def _dropout_forward(a, p, u, train=True):
    # nn.Dropout keeps unit i when its draw u_i >= p; feed it the draws u
    class Draws:
        def random(self, shape):
            return np.asarray(u, dtype=float).reshape(shape)

    layer = nn.Dropout(p)
    layer.rng = Draws()
    if not train:
        layer.eval()
    ones = Tensor(np.ones_like(np.asarray(a, dtype=float)))
    mask = layer(ones).data * (1.0 - p) if train else ones.data
    return layer(Tensor(np.asarray(a, dtype=float))).data, mask


def _plain(a, p, u, train=True):
    mask = (u >= p).astype(float) if train else np.ones_like(a)
    return a * mask, mask


def _over_p(a, p, u, train=True):
    if not train:
        return a, np.ones_like(a)
    mask = (u >= p).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return a * mask / p, mask


def _keep_below(a, p, u, train=True):
    # u < p keeps: p read as the keep probability in the draw
    if not train:
        return a, np.ones_like(a)
    mask = (u < p).astype(float)
    return a * mask / (1 - p), mask


def _at_eval(a, p, u, train=True):
    # the train-mode forward whatever the mode
    mask = (u >= p).astype(float)
    return a * mask / (1 - p), mask


_INVERTED = "(12.3), inverted dropout"

check_dropout_forward = Checker(
    "dropout_forward",
    "dropout_forward(a, p, u, train)",
    _dropout_forward,
    _forward_cases,
    [
        Misconception(
            "dropout without the 1/(1 - p) scale (plain dropout)",
            _plain,
            _INVERTED + ": the mask over 1 - p",
            label="do-inverted",
        ),
        Misconception(
            "the scale 1/p instead of 1/(1 - p)",
            _over_p,
            _INVERTED + ": p is the drop probability",
            label="do-inverted",
        ),
        Misconception(
            "the mask u < p (that keeps with probability p, it should drop)",
            _keep_below,
            "(12.1): a unit is dropped with probability p",
            label="do-mask",
        ),
        Misconception(
            "dropout applied at evaluation time",
            _at_eval,
            "(12.4): in eval mode the layer is the identity",
            label="do-weight-scaling",
        ),
    ],
    chapter="12",
)


# --------------------------------------------------------------------------- backward
def _backward_cases(rng):
    def case(label, shape, p, scale=1.0):
        g = rng.normal(size=shape) * scale
        mask = (rng.random(shape) >= p).astype(float)
        return Case(label, dict(g=g, mask=mask, p=p))

    return [
        *(case(label, shape, p) for label, shape, p in _BATCHES),
        case("large gradients (1e6), p = 0.25", (3, 3), 0.25, 1e6),
    ]


def _dropout_backward(g, mask, p):
    # out = a * mask / (1 - p): backprop through Tensor's product
    a = Tensor(np.zeros_like(np.asarray(g, dtype=float)), requires_grad=True)
    out = a * (np.asarray(mask, dtype=float) / (1.0 - p))
    (out * Tensor(np.asarray(g, dtype=float))).sum().backward()
    return a.grad


def _backward_no_mask(g, mask, p):
    return g / (1 - p)


def _backward_no_scale(g, mask, p):
    return g * mask


def _backward_over_p(g, mask, p):
    with np.errstate(divide="ignore", invalid="ignore"):
        return g * mask / p


_CHAIN = "(12.3): d out_i / d a_i = r_i/(1 - p)"

check_dropout_backward = Checker(
    "dropout_backward",
    "dropout_backward(g, mask, p)",
    _dropout_backward,
    _backward_cases,
    [
        Misconception(
            "the backward pass without the mask (dropped units get a gradient)",
            _backward_no_mask,
            _CHAIN,
            label="do-inverted",
        ),
        Misconception(
            "the backward pass without the 1/(1 - p) scale",
            _backward_no_scale,
            _CHAIN,
            label="do-inverted",
        ),
        Misconception(
            "the backward pass scaled by 1/p instead of 1/(1 - p)",
            _backward_over_p,
            _CHAIN,
            label="do-inverted",
        ),
    ],
    chapter="12",
)

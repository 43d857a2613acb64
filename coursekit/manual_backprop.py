r"""Backpropagation by hand, in numpy: an MLP's backward pass in matrix form.

:mod:`coursekit.backprop` differentiates any graph of :class:`~coursekit.backprop.Tensor`
operations. This module writes out the one graph that matters most, a
multilayer perceptron, with the equations of chapter 2, so that each line of
code is one equation. One example, layer :math:`l = 1, \dots, L`:

.. math::
    a^{(l)} = W^{(l)} h^{(l-1)} + b^{(l)}, \qquad h^{(l)} = \phi(a^{(l)}),
    \qquad h^{(0)} = x,

with a linear output :math:`\hat y = a^{(L)}`. Backward, with the error signal
:math:`\delta^{(l)} = \partial \ell / \partial a^{(l)}`:

.. math::
    \delta^{(l-1)} = \phi'(a^{(l-1)}) \odot \big(W^{(l)\top} \delta^{(l)}\big), \qquad
    \frac{\partial \ell}{\partial W^{(l)}} = \delta^{(l)} h^{(l-1)\top}, \qquad
    \frac{\partial \ell}{\partial b^{(l)}} = \delta^{(l)}.

A batch stores one example per row (``H`` of shape ``(N, n_l)``), so the code
reads ``A = H @ W.T + b`` and ``dW = D.T @ H``: the sum over the batch of the
per-example outer products :math:`\delta h^\top`. ``W`` has shape
``(n_out, n_in)`` as in the equations (``nn.Linear`` stores the transpose).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit

__all__ = [
    "ACTIVATIONS",
    "TrainRun",
    "activation",
    "activation_derivative",
    "derivative_from_output",
    "flatten",
    "init_mlp",
    "layer_gradient_norms",
    "loss_and_grad",
    "mlp_backward",
    "mlp_forward",
    "multiply_adds",
    "train_mlp",
    "unflatten",
]

#: the activations :func:`activation` knows
ACTIVATIONS = ("sigmoid", "tanh", "relu")
_LOSSES = ("mse", "bce")


def _check_activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {name!r}")


def activation(name: str, a) -> np.ndarray:
    r"""The activation :math:`\phi(a)`, element-wise: ``"sigmoid"``
    :math:`1/(1+e^{-a})`, ``"tanh"`` or ``"relu"`` :math:`\max(a, 0)`."""
    _check_activation(name)
    a = np.asarray(a, dtype=float)
    if name == "sigmoid":
        return expit(a)
    if name == "tanh":
        return np.tanh(a)
    return np.maximum(a, 0.0)


def activation_derivative(name: str, a) -> np.ndarray:
    r"""The derivative :math:`\phi'(a)`, element-wise, from the activation's value:

    * sigmoid: :math:`\sigma'(a) = \sigma(a)\,(1 - \sigma(a))`, at most 1/4 (at 0);
    * tanh: :math:`1 - \tanh^2(a)`, at most 1 (at 0);
    * relu: :math:`[a > 0]`. ReLU has no derivative at 0; like PyTorch we use
      0 there (any value in [0, 1] is a subgradient).
    """
    _check_activation(name)
    a = np.asarray(a, dtype=float)
    if name == "sigmoid":
        s = expit(a)
        return s * (1.0 - s)
    if name == "tanh":
        return 1.0 - np.tanh(a) ** 2
    return (a > 0).astype(float)


def derivative_from_output(name: str, h) -> np.ndarray:
    r"""The same derivative :math:`\phi'(a)`, computed from the output
    :math:`h = \phi(a)` alone: :math:`h(1-h)` for sigmoid, :math:`1-h^2` for
    tanh, :math:`[h > 0]` for relu (equal to :math:`[a > 0]`). The backward pass
    needs only the stored activations, not the pre-activations."""
    _check_activation(name)
    h = np.asarray(h, dtype=float)
    if name == "sigmoid":
        return h * (1.0 - h)
    if name == "tanh":
        return 1.0 - h * h
    return (h > 0).astype(float)


def init_mlp(sizes, scale: float = 1.0, rng=None) -> list:
    r"""Parameters ``[(W1, b1), ..., (WL, bL)]`` of an MLP ``sizes[0] -> ... -> sizes[-1]``.

    :math:`W^{(l)}` has shape ``(sizes[l], sizes[l-1])`` and entries drawn
    from :math:`\mathcal N(0, \text{scale}^2 / n_{l-1})`; the biases start at 0.
    ``scale = 1`` is LeCun's initialisation, ``scale = √2`` He's (for ReLU).
    ``rng`` is a seed or a numpy Generator.
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must list at least two positive sizes, got {sizes!r}")
    if not scale > 0:
        raise ValueError(f"scale must be > 0, got {scale!r}")
    rng = np.random.default_rng(rng)
    return [
        (
            rng.normal(0.0, scale / np.sqrt(n_in), size=(n_out, n_in)),
            np.zeros(n_out),
        )
        for n_in, n_out in itertools.pairwise(sizes)
    ]


def _check_params(params):
    if not params:
        raise ValueError("params is empty: pass [(W1, b1), ...] from init_mlp")
    for l, (W, b) in enumerate(params, start=1):
        if W.ndim != 2 or b.shape != (W.shape[0],):
            raise ValueError(f"layer {l}: W must be (n_out, n_in) and b (n_out,), got {W.shape} and {b.shape}")
        if l > 1 and W.shape[1] != params[l - 2][0].shape[0]:
            raise ValueError(
                f"layer {l}: W has {W.shape[1]} inputs but layer {l - 1} has {params[l - 2][0].shape[0]} outputs"
            )


def mlp_forward(params, X, activation_name: str = "tanh"):
    r"""The forward pass for a batch ``X`` of shape ``(N, n_0)``.

    Returns ``(A, H)``: the pre-activations ``A[l-1]`` :math:`= a^{(l)}` of every
    layer and the activations ``H[l]`` :math:`= h^{(l)}`, with ``H[0] = X``.
    The last layer is linear, so ``H[L] = A[L-1]`` is the output :math:`\hat y`.
    The backward pass needs both lists: this is the memory backprop pays.
    """
    _check_params(params)
    _check_activation(activation_name)
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != params[0][0].shape[1]:
        raise ValueError(f"X must have shape (N, {params[0][0].shape[1]}), got {X.shape}")
    A, H = [], [X]
    for l, (W, b) in enumerate(params, start=1):
        a = H[-1] @ W.T + b  # a = W h + b, one row per example
        A.append(a)
        last = l == len(params)
        H.append(a if last else activation(activation_name, a))  # h = φ(a)
    return A, H


def mlp_backward(params, A, H, grad_output, activation_name: str = "tanh"):
    r"""The backward pass: from ``grad_output`` :math:`=\partial\ell/\partial\hat y`
    (shape of the output) to every layer's gradients.

    Returns ``(grads, deltas)``: ``grads[l-1] = (dW, db)`` for layer ``l`` and
    ``deltas[l-1]`` :math:`=\delta^{(l)}` of shape ``(N, n_l)``. The
    derivatives :math:`\phi'(a)` are read off the stored activations ``H``
    (:func:`derivative_from_output`); ``A`` is accepted for symmetry with
    :func:`mlp_forward` and its shapes are checked.
    """
    _check_params(params)
    delta = np.asarray(grad_output, dtype=float)  # δ^(L): the output is linear
    if delta.shape != H[-1].shape:
        raise ValueError(f"grad_output must have the output's shape {H[-1].shape}, got {delta.shape}")
    L = len(params)
    if len(A) != L or len(H) != L + 1:
        raise ValueError(f"A and H must come from mlp_forward on these {L} layers")
    grads, deltas = [None] * L, [None] * L
    for l in range(L, 0, -1):
        W = params[l - 1][0]
        deltas[l - 1] = delta
        dW = delta.T @ H[l - 1]  # ∂ℓ/∂W = δ hᵀ, summed over rows
        db = delta.sum(axis=0)  # ∂ℓ/∂b = δ
        grads[l - 1] = (dW, db)
        if l > 1:  # δ^(l-1) = φ'(a) ⊙ (Wᵀ δ)
            fprime = derivative_from_output(activation_name, H[l - 1])
            delta = fprime * (delta @ W)
    return grads, deltas


def _loss(output, y, loss):
    """Mean loss and ∂(mean loss)/∂output, with nn.mse_loss's and
    nn.binary_cross_entropy_with_logits's conventions."""
    n = output.size
    if loss == "mse":  # mean of (ŷ - y)²
        r = output - y
        return float(np.mean(r**2)), 2.0 * r / n
    z = output  # logits; ℓ = BCE(σ(z), y)
    value = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
    return float(value), (expit(z) - y) / n  # ∂ℓ/∂z = σ(z) - y


def loss_and_grad(params, X, y, activation_name: str = "tanh", loss: str = "mse"):
    r"""One forward and one backward pass on the batch ``(X, y)``.

    ``loss="mse"``: the mean of :math:`(\hat y - y)^2` over all outputs;
    ``loss="bce"``: binary cross-entropy of :math:`\sigma(\hat y)` (the output is
    a logit), averaged. Returns ``(loss, grads, deltas)`` as in :func:`mlp_backward`.
    """
    if loss not in _LOSSES:
        raise ValueError(f"loss must be one of {_LOSSES}, got {loss!r}")
    A, H = mlp_forward(params, X, activation_name)
    y = np.asarray(y, dtype=float).reshape(H[-1].shape)
    value, grad_output = _loss(H[-1], y, loss)
    grads, deltas = mlp_backward(params, A, H, grad_output, activation_name)
    return value, grads, deltas


def flatten(params) -> np.ndarray:
    """All weights and biases in one vector (W1, b1, W2, b2, ...)."""
    return np.concatenate([p.ravel() for layer in params for p in layer])


def unflatten(theta, like) -> list:
    """The inverse of :func:`flatten`: a vector back to ``like``'s shapes."""
    theta = np.asarray(theta, dtype=float)
    sizes = [p.size for layer in like for p in layer]
    if theta.shape != (sum(sizes),):
        raise ValueError(f"theta must have shape ({sum(sizes)},), got {theta.shape}")
    parts = np.split(theta, np.cumsum(sizes)[:-1])
    return [(parts[2 * i].reshape(W.shape), parts[2 * i + 1].reshape(b.shape)) for i, (W, b) in enumerate(like)]


def layer_gradient_norms(grads) -> np.ndarray:
    r"""The Frobenius norms :math:`\lVert\partial\ell/\partial W^{(l)}\rVert`, l = 1..L."""
    return np.array([np.linalg.norm(dW) for dW, _ in grads])


def multiply_adds(sizes, batch: int) -> dict:
    r"""Scalar multiply-adds in the matrix products of one pass over ``batch`` examples.

    Forward: :math:`a = Wh` costs :math:`N n_l n_{l-1}` per layer. Backward:
    :math:`\partial\ell/\partial W = \delta h^\top` costs the same, and
    :math:`W^\top\delta` again, except below the first layer (no gradient
    with respect to the input is needed). So backward / forward lies in [1, 2).
    Element-wise work (activations, biases) is of lower order and not counted.
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1 or int(batch) < 1:
        raise ValueError(f"need >= 2 positive sizes and batch >= 1, got {sizes}, {batch}")
    per_layer = [batch * n_in * n_out for n_in, n_out in itertools.pairwise(sizes)]
    forward = sum(per_layer)
    backward = 2 * forward - per_layer[0]
    return {"forward": forward, "backward": backward}


@dataclass
class TrainRun:
    """A short full-batch gradient-descent run of :func:`train_mlp`."""

    loss: list = field(default_factory=list)  # the loss before each step (and after the last)
    norms: np.ndarray | None = None  # per-layer ‖∂ℓ/∂W‖ at initialisation
    diverged: bool = False
    diverged_at: int | None = None  # the step whose loss was not finite or > 1e6


def train_mlp(
    sizes,
    X,
    y,
    activation_name: str = "tanh",
    scale: float = 1.0,
    lr: float = 0.1,
    steps: int = 100,
    loss: str = "bce",
    seed=0,
) -> TrainRun:
    r"""Full-batch gradient descent :math:`\theta \leftarrow \theta - \eta\nabla J`
    on an MLP from :func:`init_mlp` (``scale``, ``seed``), with the hand-written
    backward pass. Stops and reports ``diverged`` when the loss is not finite
    or exceeds 1e6."""
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr!r}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    params = init_mlp(sizes, scale, seed)
    run = TrainRun()
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(int(steps) + 1):
            value, grads, _ = loss_and_grad(params, X, y, activation_name, loss)
            if t == 0:
                run.norms = layer_gradient_norms(grads)
            if not np.isfinite(value) or value > 1e6:
                run.diverged, run.diverged_at = True, t
                break
            run.loss.append(value)
            if t == steps:
                break
            params = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]
    return run

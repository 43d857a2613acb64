r"""Layers, networks and losses on top of :mod:`coursekit.backprop`.

A network is a :class:`Module`: calling it on a batch ``X`` of shape
``(n, features)`` (a numpy array or a :class:`~coursekit.backprop.Tensor`)
returns a Tensor of outputs, and ``parameters()`` lists the Tensors an
optimizer updates::

    >>> import numpy as np
    >>> from coursekit import nn
    >>> model = nn.MLP([4, 16, 3], activation="tanh", rng=0)
    >>> logits = model(np.ones((5, 4)))
    >>> loss = nn.cross_entropy(logits, np.array([0, 1, 2, 0, 1]))
    >>> loss.backward()
    >>> [p.grad.shape for p in model.parameters()]
    [(4, 16), (16,), (16, 3), (3,)]

Conventions: a :class:`Linear` layer computes :math:`XW + b` with ``W`` of
shape ``(in_features, out_features)`` (rows are examples, as in the book's
design matrix; torch stores the transpose). Losses take the mean over the
batch (torch's ``reduction="mean"``), give torch's values, and never overflow:
they are computed from log-sum-exp and ``log1p(exp(-|z|))`` forms, so logits of
:math:`\pm1000` give finite losses and gradients.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy.special import expit

from .backprop.tensor import Tensor, _as_tensor, _node

__all__ = [
    "Module",
    "Linear",
    "ReLU",
    "Tanh",
    "Sigmoid",
    "Identity",
    "Dropout",
    "Sequential",
    "MLP",
    "mse_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "accuracy",
]


def _rng(rng) -> np.random.Generator:
    """A numpy Generator from ``None`` (fresh entropy), an int seed, or a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be None, an int seed or a numpy Generator, got {rng!r}")


def _positive_int(name, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


# --------------------------------------------------------------------------
# modules
# --------------------------------------------------------------------------


class Module:
    """Base class of layers and networks.

    Subclasses set Tensor parameters and sub-modules as attributes (or in a
    list attribute) and define ``forward``. ``training`` is True after
    ``train()`` (the default) and False after ``eval()``; only :class:`Dropout`
    behaves differently.
    """

    training = True

    def forward(self, x):
        raise NotImplementedError

    def __call__(self, x):
        return self.forward(x)

    def children(self):
        """The sub-modules, in the order they were assigned."""
        for value in vars(self).values():
            if isinstance(value, Module):
                yield value
            elif isinstance(value, (list, tuple)):
                yield from (v for v in value if isinstance(v, Module))

    def parameters(self) -> list[Tensor]:
        """All Tensors with ``requires_grad`` here and in sub-modules (each once)."""
        params, seen = [], set()
        for value in vars(self).values():
            if isinstance(value, Tensor) and value.requires_grad and id(value) not in seen:
                seen.add(id(value))
                params.append(value)
        for child in self.children():
            for p in child.parameters():
                if id(p) not in seen:
                    seen.add(id(p))
                    params.append(p)
        return params

    def zero_grad(self) -> None:
        """Clear every parameter's gradient (``grad = None``)."""
        for p in self.parameters():
            p.grad = None

    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active); ``train(False)`` is ``eval()``."""
        self.training = bool(mode)
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode (dropout is the identity)."""
        return self.train(False)

    def state_dict(self) -> list[np.ndarray]:
        """Copies of the parameter arrays (e.g. to keep the best model so far)."""
        return [p.data.copy() for p in self.parameters()]

    def load_state_dict(self, state) -> None:
        """Copy arrays from :meth:`state_dict` back into the parameters (in place)."""
        params = self.parameters()
        if len(state) != len(params):
            raise ValueError(f"state has {len(state)} arrays, the model {len(params)} parameters")
        for i, (p, s) in enumerate(zip(params, state)):
            s = np.asarray(s, dtype=float)
            if s.shape != p.data.shape:
                raise ValueError(f"state[{i}] has shape {s.shape}, parameter {i} has {p.data.shape}")
            p.data[...] = s

    def num_parameters(self) -> int:
        return sum(p.data.size for p in self.parameters())


class Linear(Module):
    r"""Affine layer :math:`y = xW + b`, ``W`` of shape ``(in_features, out_features)``.

    ``init`` draws ``W`` uniformly from :math:`[-r, r]` with
    "he" (for ReLU, He et al. 2015): :math:`r = \sqrt{6/n_\text{in}}`, or
    "glorot" (for tanh/sigmoid, Glorot & Bengio 2010): :math:`r=\sqrt{6/(n_\text{in}+n_\text{out})}`.
    Both keep the variance of activations about constant from layer to layer.
    The bias starts at zero. ``rng`` is a seed or numpy Generator.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, init: str = "he", rng=None):
        self.in_features = _positive_int("in_features", in_features)
        self.out_features = _positive_int("out_features", out_features)
        if init == "he":
            r = np.sqrt(6.0 / in_features)
        elif init == "glorot":
            r = np.sqrt(6.0 / (in_features + out_features))
        else:
            raise ValueError(f"init must be 'he' or 'glorot', got {init!r}")
        rng = _rng(rng)
        self.weight = Tensor(rng.uniform(-r, r, size=(in_features, out_features)), requires_grad=True, name="W")
        self.bias = Tensor(np.zeros(out_features), requires_grad=True, name="b") if bias else None

    def forward(self, x):
        x = _as_tensor(x)
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"Linear({self.in_features}, {self.out_features}) expects inputs whose "
                f"last axis has {self.in_features} features, got shape {x.shape}"
            )
        if self.bias is not None and x.ndim == 2:
            return _affine(x, self.weight, self.bias)
        out = x @ self.weight  # (n, in) @ (in, out)
        return out + self.bias if self.bias is not None else out

    def __repr__(self):
        return f"Linear({self.in_features}, {self.out_features}, bias={self.bias is not None})"


def _affine(x: Tensor, W: Tensor, b: Tensor) -> Tensor:
    """``x @ W + b`` for a batch ``x`` of shape (n, in), as one node: the bias is
    added into the product's own array, not into a second (n, out) array."""

    def backward(g):  # dL/dx = G W^T, dL/dW = x^T G, dL/db = the sum of G over the batch
        gx = g @ W.data.T if x.requires_grad else None
        gW = x.data.T @ g if W.requires_grad else None
        gb = g.sum(axis=0) if b.requires_grad else None
        return gx, gW, gb

    out = x.data @ W.data  # (n, in) @ (in, out)
    out += b.data
    return _node(out, (x, W, b), backward, "linear")


class _Elementwise(Module):
    """An activation applied element-wise: the Tensor method named by ``op``."""

    op = ""

    def forward(self, x):
        return getattr(_as_tensor(x), self.op)()

    def __repr__(self):
        return f"{type(self).__name__}()"


class ReLU(_Elementwise):
    """:math:`\\max(x, 0)` element-wise."""

    op = "relu"


class Tanh(_Elementwise):
    """:math:`\\tanh x` element-wise."""

    op = "tanh"


class Sigmoid(_Elementwise):
    """:math:`1/(1+e^{-x})` element-wise."""

    op = "sigmoid"


class Identity(Module):
    def forward(self, x):
        return _as_tensor(x)

    def __repr__(self):
        return "Identity()"


def _check_p(p) -> float:
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= p < 1.0:
        raise ValueError(f"dropout probability p must be a number in [0, 1), got {p!r}")
    return float(p)


class Dropout(Module):
    r"""Inverted dropout with drop probability ``p``.

    In training mode each activation is kept with probability :math:`1-p` and
    scaled by :math:`1/(1-p)`:

    .. math:: a_i^{\text{DO}} = a_i\,\frac{m_i}{1-p},\qquad m_i \sim \text{Bernoulli}(1-p),

    so :math:`\mathbb E\,a_i^{\text{DO}} = a_i` and evaluation needs no rescaling:
    in ``eval()`` mode the layer is the identity. (The original form of
    Srivastava et al., :math:`a_i m_i`, has mean :math:`(1-p)a_i` and scales the
    weights by :math:`1-p` at inference instead; its trained weights are the
    inverted form's divided by :math:`1-p`, up to how SGD's rate acts on each.) A fresh mask is
    drawn from ``rng`` on every call.
    """

    def __init__(self, p: float = 0.5, rng=None):
        self.p = _check_p(p)
        self.rng = _rng(rng)

    def forward(self, x):
        x = _as_tensor(x)
        if not self.training or self.p == 0.0:
            return x
        keep = self.rng.random(x.shape) >= self.p  # m_i ~ Bernoulli(1 - p)
        return x * (keep / (1.0 - self.p))  # a_i m_i / (1 - p)

    def __repr__(self):
        return f"Dropout(p={self.p})"


class Sequential(Module):
    """Modules applied one after the other; ``layers`` is the list."""

    def __init__(self, *layers: Module):
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"layer {i} must be a Module, got {layer!r}")
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def __repr__(self):
        inner = "\n".join(f"  ({i}) {layer!r}" for i, layer in enumerate(self.layers))
        return f"{type(self).__name__}(\n{inner}\n)"


_ACTIVATIONS = {"relu": (ReLU, "he"), "tanh": (Tanh, "glorot"), "sigmoid": (Sigmoid, "glorot")}


class MLP(Sequential):
    """A multilayer perceptron ``sizes[0] -> sizes[1] -> ... -> sizes[-1]``.

    Each hidden layer is ``Linear -> activation -> Dropout(dropout)`` (dropout
    only if ``dropout > 0``); the last layer is ``Linear`` alone, so the
    outputs are logits (or regression values). Weights use He init for ReLU and
    Glorot init for tanh/sigmoid, drawn from ``rng`` (a seed or Generator),
    which also draws the dropout masks.
    """

    def __init__(self, sizes, activation: str = "relu", dropout: float = 0.0, rng=None):
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"sizes must list at least input and output sizes, got {sizes!r}")
        for i, s in enumerate(sizes):
            _positive_int(f"sizes[{i}]", s)
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}")
        dropout = _check_p(dropout)
        rng = _rng(rng)
        act, init = _ACTIVATIONS[activation]
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(Linear(n_in, n_out, init=init, rng=rng))
            if i < len(sizes) - 2:
                layers.append(act())
                if dropout:
                    layers.append(Dropout(dropout, rng=rng))
        super().__init__(*layers)
        self.sizes, self.activation, self.dropout = sizes, activation, float(dropout)


# --------------------------------------------------------------------------
# losses (mean over the batch)
# --------------------------------------------------------------------------


def _target(target, like: Tensor, loss: str) -> np.ndarray:
    t = target.data if isinstance(target, Tensor) else np.asarray(target, dtype=float)
    if t.shape != like.shape:
        raise ValueError(
            f"{loss}: input has shape {like.shape} but target has shape {t.shape}; "
            f"they must match (reshape one, e.g. y.reshape(-1, 1))"
        )
    return t


def _nonempty(x: Tensor, loss: str):
    if x.data.size == 0:
        raise ValueError(f"{loss}: the input is empty (shape {x.shape})")


def mse_loss(input, target) -> Tensor:
    r"""Mean squared error :math:`\frac1N\sum_i (\hat y_i - y_i)^2` (torch's ``mse_loss``;
    note: no factor 1/2). Shapes must match exactly."""
    x = _as_tensor(input)
    _nonempty(x, "mse_loss")
    t = _as_tensor(target)
    _target(t, x, "mse_loss")
    diff = x.data - t.data
    n = diff.size

    def backward(g):  # dL/dy_hat = 2 (y_hat - y) / N
        d = g * 2.0 * diff / n
        return d, -d

    return _node(np.mean(diff**2), (x, t), backward, "mse")


_BCE_EPS = float(np.float32(1e-12))  # torch's clamp, a float32 constant: 9.99999996e-13


def binary_cross_entropy(input, target) -> Tensor:
    r"""Mean of :math:`-[y\log p + (1-y)\log(1-p)]` for probabilities ``p`` in [0, 1].

    As in torch, each log is clamped at :math:`-100`, so :math:`p=0` or 1 gives
    a loss of at most 100 instead of infinity, and the gradient
    :math:`(p-y)/(p(1-p))` uses :math:`\max(p(1-p), 10^{-12})`. Prefer
    :func:`binary_cross_entropy_with_logits` on logits: it is exact where this
    one saturates.
    """
    p = _as_tensor(input)
    _nonempty(p, "binary_cross_entropy")
    y = _target(target, p, "binary_cross_entropy")
    if np.any((p.data < 0) | (p.data > 1)) or np.isnan(p.data).any():
        raise ValueError(
            "binary_cross_entropy: input must hold probabilities in [0, 1] (got "
            f"min {np.nanmin(p.data):g}, max {np.nanmax(p.data):g}); for logits use "
            "binary_cross_entropy_with_logits"
        )
    if np.any((y < 0) | (y > 1)):
        raise ValueError(f"binary_cross_entropy: target must lie in [0, 1], got min {y.min():g}, max {y.max():g}")
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p.data), -100.0)
        log_1mp = np.maximum(np.log1p(-p.data), -100.0)
    n = p.data.size

    def backward(g):  # dL/dp = (p - y) / (p (1 - p)) / N
        return (g * (p.data - y) / np.maximum(p.data * (1.0 - p.data), _BCE_EPS) / n,)

    return _node(-np.mean(y * log_p + (1.0 - y) * log_1mp), (p,), backward, "bce")


def binary_cross_entropy_with_logits(input, target) -> Tensor:
    r"""Binary cross-entropy of :math:`p=\sigma(z)` computed from the logits ``z``:

    .. math:: \ell(z, y) = -[y\log\sigma(z) + (1-y)\log(1-\sigma(z))]
              = \max(z, 0) - zy + \log(1 + e^{-|z|}),

    whose right side never overflows. Gradient :math:`\partial\ell/\partial z = \sigma(z) - y`.
    Mean over all elements.
    """
    z = _as_tensor(input)
    _nonempty(z, "binary_cross_entropy_with_logits")
    y = _target(target, z, "binary_cross_entropy_with_logits")
    zd = z.data
    loss = np.maximum(zd, 0.0) - zd * y + np.log1p(np.exp(-np.abs(zd)))
    n = zd.size

    def backward(g):  # dL/dz = (sigma(z) - y) / N
        return (g * (expit(zd) - y) / n,)

    return _node(np.mean(loss), (z,), backward, "bce_logits")


def _labels(labels, n: int, classes: int, loss: str) -> np.ndarray:
    y = labels.data if isinstance(labels, Tensor) else np.asarray(labels)
    if y.shape != (n,):
        raise ValueError(f"{loss}: labels must have shape ({n},) to match {n} rows of logits, got shape {y.shape}")
    if y.dtype.kind not in "iu":
        if y.dtype.kind == "f" and np.all(y == np.round(y)):
            y = y.astype(np.int64)
        else:
            raise ValueError(f"{loss}: labels must be integer class indices, got dtype {y.dtype}")
    if n and (y.min() < 0 or y.max() >= classes):
        raise ValueError(
            f"{loss}: labels must lie in 0..{classes - 1} for {classes} classes, got values from {y.min()} to {y.max()}"
        )
    return y


def cross_entropy(logits, labels) -> Tensor:
    r"""Softmax cross-entropy of logits ``(n, C)`` with integer labels ``(n,)``, mean over n:

    .. math:: \ell_i = -\log\frac{e^{z_{i,y_i}}}{\sum_c e^{z_{ic}}}
              = \operatorname{logsumexp}(z_i) - z_{i,y_i},\qquad
              \frac{\partial\ell_i}{\partial z_{ic}} = \operatorname{softmax}(z_i)_c - [c = y_i].

    The log-sum-exp subtracts :math:`\max_c z_{ic}` first, so it never overflows.
    """
    z = _as_tensor(logits)
    if z.ndim != 2:
        raise ValueError(f"cross_entropy: logits must have shape (n, classes), got {z.shape}")
    n, classes = z.shape
    if n == 0:
        raise ValueError("cross_entropy: the batch is empty (0 rows of logits)")
    y = _labels(labels, n, classes, "cross_entropy")
    rows = np.arange(n)
    shifted = z.data - z.data.max(axis=1, keepdims=True)  # z - max z: exp <= 1
    exp = np.exp(shifted)
    total = exp.sum(axis=1)
    loss = np.sum(np.log(total) - shifted[rows, y]) / n  # logsumexp(z_i) - z_{i,y_i}

    def backward(g):  # dL/dz = (softmax(z) - onehot(y)) / n
        d = exp / total[:, None]
        d[rows, y] -= 1.0
        d *= g / n
        return (d,)

    return _node(loss, (z,), backward, "cross_entropy")


def accuracy(outputs, labels) -> float:
    """Fraction of correct predictions: argmax of ``(n, C)`` logits, or for one
    output per example (shape ``(n,)`` or ``(n, 1)``) the sign of the logit."""
    z = outputs.data if isinstance(outputs, Tensor) else np.asarray(outputs, dtype=float)
    y = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    if z.ndim == 2 and z.shape[1] > 1:
        pred = z.argmax(axis=1)
    else:
        pred = (z.reshape(len(z)) > 0).astype(int)
    y = y.reshape(len(y))
    if len(y) != len(pred):
        raise ValueError(f"accuracy: {len(pred)} predictions but {len(y)} labels")
    if len(y) == 0:
        raise ValueError("accuracy: no examples")
    return float(np.mean(pred == y))

r"""The :class:`Tensor`: a float64 array that records the operations applied to it.

Each operation returns a node (:func:`_node`) holding its inputs and a
``backward`` function that maps :math:`\partial L/\partial\,\text{out}` to
:math:`\partial L/\partial\,\text{input}` for each input (one factor of the
chain rule); :meth:`Tensor.backward` visits the graph in reverse topological
order and sums each node's gradient over its uses. Broadcast operands get their
gradient summed back to their shape (:func:`_unbroadcast`). ``with no_grad():``
records nothing.
"""

from __future__ import annotations

import contextlib
import numbers

import numpy as np
from scipy.special import expit

__all__ = ["Tensor", "no_grad", "is_grad_enabled"]

_FLOAT = np.float64


class _GradMode:
    enabled = True


@contextlib.contextmanager
def no_grad():
    """Evaluate without recording a graph: results have ``requires_grad=False``."""
    previous = _GradMode.enabled
    _GradMode.enabled = False
    try:
        yield
    finally:
        _GradMode.enabled = previous


def is_grad_enabled() -> bool:
    """Whether operations currently record a graph."""
    return _GradMode.enabled


def _as_tensor(x) -> Tensor:
    """A Tensor as is; a number or array as a constant (no gradient)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (numbers.Number, np.ndarray, list, tuple, np.generic)):
        return _node(np.asarray(x, dtype=_FLOAT), (), None, "const")
    raise TypeError(f"cannot combine a Tensor with a {type(x).__name__}: {x!r}")


def _any_requires_grad(parents) -> bool:
    for p in parents:
        if p.requires_grad:
            return True
    return False


def _node(data, parents, backward, op) -> Tensor:
    """The result of an operation: a graph node if any input needs a gradient."""
    out = Tensor.__new__(Tensor)
    if type(data) is not np.ndarray or data.dtype != _FLOAT:
        data = np.asarray(data, dtype=_FLOAT)
    out.data = data
    out.grad = None
    out.name = None
    out.op = op
    if _GradMode.enabled and _any_requires_grad(parents):
        out.requires_grad = True
        out._parents = parents
        out._backward = backward
    else:
        out.requires_grad = False
        out._parents = ()
        out._backward = None
    return out


def _unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``g`` back to ``shape``: the adjoint of numpy broadcasting.

    An operand that was broadcast was *used several times*, so its gradient is
    the sum of the gradients of all its copies.
    """
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra > 0:  # leading axes numpy added
        g = g.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if axes:  # axes of length 1 that were stretched
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def _broadcast_op(fn, a: Tensor, b: Tensor, symbol: str) -> np.ndarray:
    try:
        return fn(a.data, b.data)
    except ValueError:
        raise ValueError(
            f"shape mismatch in '{symbol}': operands of shapes {a.shape} and {b.shape} do not broadcast"
        ) from None


def _expand(g: np.ndarray, axis, keepdims: bool, shape: tuple) -> np.ndarray:
    """Undo a reduction: reinsert the summed axes of ``g`` and broadcast to ``shape``."""
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)
    return np.broadcast_to(g, shape)


class Tensor:
    """A float64 array that records the operations applied to it.

    Parameters
    ----------
    data : array_like
        Copied into a float64 ndarray ``.data``.
    requires_grad : bool
        Whether ``backward`` should compute ``.grad`` for this tensor.
    name : str, optional
        A label used by :func:`trace`.
    """

    __slots__ = ("data", "grad", "requires_grad", "name", "op", "_parents", "_backward")
    __array_ufunc__ = None  # ``ndarray @ Tensor`` defers to Tensor.__rmatmul__, etc.

    def __init__(self, data, requires_grad: bool = False, name: str | None = None):
        if isinstance(data, Tensor):
            data = data.data
        try:
            self.data = np.array(data, dtype=_FLOAT)  # a copy: optimizers write into it
        except (TypeError, ValueError) as exc:
            raise TypeError(f"data must be numbers or a numeric array, got {data!r}") from exc
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.name = name
        self.op = "leaf"
        self._parents = ()
        self._backward = None

    # ------------------------------------------------------------------ basics
    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        extra = ", requires_grad=True" if self.requires_grad else ""
        label = f", name={self.name!r}" if self.name else ""
        return f"Tensor({np.array2string(self.data, precision=4, separator=', ')}{extra}{label})"

    def item(self) -> float:
        """The value of a one-element tensor as a Python float."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, got shape {self.shape}")
        return float(self.data.reshape(()))

    __float__ = item

    def numpy(self) -> np.ndarray:
        """The underlying array (not a copy)."""
        return self.data

    def detach(self) -> Tensor:
        """The same values as a new leaf without gradient history."""
        return Tensor(self.data)

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (``.grad = None``)."""
        self.grad = None

    @property
    def is_leaf(self) -> bool:
        return not self._parents

    # -------------------------------------------------------------- arithmetic
    def __add__(self, other):
        a, b = self, _as_tensor(other)

        def backward(g):  # d(a+b)/da = 1, d(a+b)/db = 1
            return g, g

        return _node(_broadcast_op(np.add, a, b, "+"), (a, b), backward, "+")

    def __sub__(self, other):
        a, b = self, _as_tensor(other)

        def backward(g):  # d(a-b)/da = 1, d(a-b)/db = -1
            return g, -g

        return _node(_broadcast_op(np.subtract, a, b, "-"), (a, b), backward, "-")

    def __mul__(self, other):
        a, b = self, _as_tensor(other)

        def backward(g):  # d(ab)/da = b, d(ab)/db = a
            return g * b.data, g * a.data

        return _node(_broadcast_op(np.multiply, a, b, "*"), (a, b), backward, "*")

    def __truediv__(self, other):
        a, b = self, _as_tensor(other)

        def backward(g):  # d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
            return g / b.data, -g * a.data / b.data**2

        return _node(_broadcast_op(np.divide, a, b, "/"), (a, b), backward, "/")

    def __radd__(self, other):
        return _as_tensor(other) + self

    def __rsub__(self, other):
        return _as_tensor(other) - self

    def __rmul__(self, other):
        return _as_tensor(other) * self

    def __rtruediv__(self, other):
        return _as_tensor(other) / self

    def __neg__(self):
        a = self

        def backward(g):  # d(-a)/da = -1
            return (-g,)

        return _node(-a.data, (a,), backward, "neg")

    def __pos__(self):
        return self

    def __pow__(self, p):
        if isinstance(p, Tensor) or not isinstance(p, numbers.Real):
            raise TypeError(f"only a number exponent is supported (t ** 2.0), got {p!r}")
        a, p = self, float(p)

        def backward(g):  # d(a^p)/da = p a^(p-1)
            return (g * p * a.data ** (p - 1),)

        return _node(a.data**p, (a,), backward, f"**{p:g}")

    def __matmul__(self, other):
        a, b = self, _as_tensor(other)
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(f"'@' needs arrays of at least one dimension, got shapes {a.shape} and {b.shape}")
        inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
        if a.shape[-1] != inner_b:
            raise ValueError(
                f"shape mismatch in '@': {a.shape} @ {b.shape} (inner dimensions {a.shape[-1]} and {inner_b} differ)"
            )

        def backward(g):  # C = AB: dL/dA = G B^T, dL/dB = A^T G
            A, B = a.data, b.data
            if A.ndim == 1 and B.ndim == 1:  # inner product: c = a.b
                return g * B, g * A
            if A.ndim == 1:  # (n) @ (..., n, m): treat a as a row
                ga = (g[..., None, :] @ np.swapaxes(B, -1, -2))[..., 0, :] if a.requires_grad else None
                gb = A[:, None] * g[..., None, :] if b.requires_grad else None
                return ga, gb
            if B.ndim == 1:  # (..., n, m) @ (m): treat b as a column
                ga = g[..., :, None] * B if a.requires_grad else None
                gb = (np.swapaxes(A, -1, -2) @ g[..., :, None])[..., 0] if b.requires_grad else None
                return ga, gb
            ga = g @ np.swapaxes(B, -1, -2) if a.requires_grad else None
            gb = np.swapaxes(A, -1, -2) @ g if b.requires_grad else None
            return ga, gb

        try:
            out = a.data @ b.data
        except ValueError:
            raise ValueError(
                f"shape mismatch in '@': {a.shape} @ {b.shape} (batch dimensions do not broadcast)"
            ) from None
        return _node(out, (a, b), backward, "@")

    def __rmatmul__(self, other):
        return _as_tensor(other) @ self

    # ------------------------------------------------------- element-wise maps
    def exp(self):
        a, out = self, np.exp(self.data)

        def backward(g):  # d exp(a)/da = exp(a)
            return (g * out,)

        return _node(out, (a,), backward, "exp")

    def log(self):
        a = self

        def backward(g):  # d log(a)/da = 1/a
            return (g / a.data,)

        return _node(np.log(a.data), (a,), backward, "log")

    def tanh(self):
        a, out = self, np.tanh(self.data)

        def backward(g):  # d tanh(a)/da = 1 - tanh(a)^2
            return (g * (1.0 - out**2),)

        return _node(out, (a,), backward, "tanh")

    def sigmoid(self):
        a, out = self, expit(self.data)  # 1/(1+e^-a) without overflow

        def backward(g):  # d s(a)/da = s(a)(1 - s(a))
            return (g * out * (1.0 - out),)

        return _node(out, (a,), backward, "sigmoid")

    def relu(self):
        a = self

        def backward(g):  # d max(a,0)/da = 1 if a > 0 else 0
            return (g * (a.data > 0),)

        return _node(np.maximum(a.data, 0.0), (a,), backward, "relu")

    # -------------------------------------------------------------- reductions
    def sum(self, axis=None, keepdims: bool = False):
        a = self

        def backward(g):  # every summand gets the gradient of the sum
            return (_expand(g, axis, keepdims, a.shape),)

        return _node(np.sum(a.data, axis=axis, keepdims=keepdims), (a,), backward, "sum")

    def mean(self, axis=None, keepdims: bool = False):
        a = self
        out = np.mean(a.data, axis=axis, keepdims=keepdims)
        count = a.data.size / max(np.size(out), 1) if a.data.size else 1.0

        def backward(g):  # d mean/da_i = 1/count
            return (_expand(g / count, axis, keepdims, a.shape),)

        return _node(out, (a,), backward, "mean")

    # ------------------------------------------------------------------ shapes
    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        a = self
        try:
            out = a.data.reshape(shape)
        except ValueError:
            raise ValueError(f"cannot reshape a tensor of shape {a.shape} into {shape}") from None

        def backward(g):  # reshaping moves values, so move gradients back
            return (g.reshape(a.shape),)

        return _node(out, (a,), backward, "reshape")

    @property
    def T(self):
        a = self

        def backward(g):  # transpose back
            return (g.T,)

        return _node(a.data.T, (a,), backward, "T")

    def __getitem__(self, index):
        if isinstance(index, Tensor):
            index = index.data.astype(int)
        a = self

        def backward(g):  # scatter back; repeated indices add up
            full = np.zeros_like(a.data)
            np.add.at(full, index, g)
            return (full,)

        return _node(a.data[index], (a,), backward, "index")

    # ---------------------------------------------------------------- backward
    def _topological_order(self) -> list:
        """The nodes this tensor depends on (that need gradients), inputs first."""
        order, seen = [], set()
        stack = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)  # all its inputs are already in ``order``
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            for parent in node._parents:
                if parent.requires_grad and id(parent) not in seen:
                    stack.append((parent, False))
        return order

    def backward(self, grad=None) -> None:
        """Backpropagate from this tensor: fill ``.grad`` of every node it depends on.

        ``grad`` is :math:`\\partial L/\\partial\\,\\text{self}`; it may be omitted
        when ``self`` has one element (then it is 1).
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that does not require grad: create the "
                "inputs with requires_grad=True (and not inside no_grad())"
            )
        if grad is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() without grad needs a one-element tensor, got shape "
                    f"{self.shape}; pass grad= of that shape"
                )
            grad = np.ones_like(self.data)
        else:
            grad = np.asarray(grad.data if isinstance(grad, Tensor) else grad, dtype=_FLOAT)
            if grad.shape != self.shape:
                raise ValueError(f"grad has shape {grad.shape}, expected {self.shape}")
        # grads[id(node)] = (gradient, owned): owned when the array is a fresh result
        # that nothing else refers to, so a leaf may keep it without a copy.
        grads = {id(self): (grad, False)}
        for node in reversed(self._topological_order()):
            g, owned = grads.pop(id(node), (None, False))
            if g is None:
                continue
            if node._parents:  # intermediate: keep the last gradient
                node.grad = g
            elif node.grad is None:  # leaf: accumulate (own array, writeable)
                node.grad = g if owned and g.dtype == _FLOAT else np.array(g, dtype=_FLOAT)
            else:
                node.grad += g
            if node._backward is None:
                continue
            parent_grads = node._backward(g)
            for parent, pg in zip(node._parents, parent_grads):
                if pg is None or not parent.requires_grad:
                    continue
                if pg.shape != parent.data.shape:
                    pg = _unbroadcast(pg, parent.data.shape)
                key = id(parent)
                if key in grads:  # a node used twice: gradients add
                    grads[key] = (grads[key][0] + pg, True)
                else:  # not g passed on, not a view, not shared
                    fresh = pg is not g and pg.base is None and sum(q is pg for q in parent_grads) == 1
                    grads[key] = (pg, fresh)

r"""Reverse-mode automatic differentiation (backpropagation) over numpy arrays.

A :class:`Tensor` holds a float64 array ``.data``. Every operation on tensors
that need gradients records the inputs it used and a small ``backward``
function: given :math:`g = \partial L/\partial\,\text{out}` it returns
:math:`\partial L/\partial\,\text{input} = g\cdot\partial\,\text{out}/\partial\,\text{input}`
for each input (the chain rule, one factor). ``loss.backward()`` visits the
graph in reverse topological order, so each node's gradient is complete (the
sum over all its uses) before it is passed on::

    >>> import numpy as np
    >>> from coursekit.backprop import Tensor
    >>> w = Tensor([1.0, -2.0], requires_grad=True)
    >>> loss = ((w * 3.0).tanh() ** 2).sum()
    >>> loss.backward()
    >>> w.grad.shape
    (2,)

Conventions (those of PyTorch):

* ``.grad`` of a *leaf* (a tensor you created with ``requires_grad=True``)
  **accumulates** over calls to ``backward``: clear it between steps with
  ``t.zero_grad()`` (sets it to ``None``) or an optimizer's ``zero_grad()``.
  Intermediate nodes keep the gradient of the last ``backward`` (torch would
  need ``retain_grad()``; we keep them so lessons can print them).
* Broadcasting works as in numpy; the gradient of an operand that was
  broadcast is summed back to the operand's shape.
* Inside ``with no_grad():`` no graph is recorded (evaluation, optimizer steps).
* Optimizers update ``.data`` in place, so ``.data`` is always a float64
  ``ndarray`` and ``.grad`` is ``None`` or an ndarray of the same shape.

:func:`gradcheck` compares backprop with central finite differences, and
:func:`scalar_chain` / :func:`trace` print the forward values and backward
gradients of chapter 2's four-layer chain node by node.
"""

from __future__ import annotations

import contextlib
import numbers

import numpy as np
from scipy.special import expit

__all__ = [
    "Tensor",
    "no_grad",
    "is_grad_enabled",
    "numerical_grad",
    "gradcheck",
    "scalar_chain",
    "trace",
    "format_trace",
]

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


# --------------------------------------------------------------------------
# gradient checking
# --------------------------------------------------------------------------


def numerical_grad(f, x, eps: float = 1e-6) -> np.ndarray:
    r"""Central finite differences of a scalar function ``f`` (array -> float) at ``x``:

    .. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + \varepsilon e_i) - f(x - \varepsilon e_i)}{2\varepsilon}.

    The error is :math:`O(\varepsilon^2)` from truncation plus
    :math:`O(\delta/\varepsilon)` from round-off (:math:`\delta\approx10^{-16}`
    relative in float64), smallest near :math:`\varepsilon\approx10^{-5}`–:math:`10^{-6}`.
    """
    x = np.array(x, dtype=_FLOAT)
    if eps <= 0:
        raise ValueError(f"eps must be > 0, got {eps!r}")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = float(f(x))
        flat[i] = old - eps
        f_minus = float(f(x))
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    r""":math:`\|a-b\| / \max(\|a\|+\|b\|, 10^{-300})`, a scale-free distance of two gradients."""
    a, b = np.asarray(a, dtype=_FLOAT), np.asarray(b, dtype=_FLOAT)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def gradcheck(f, *arrays, eps: float = 1e-6, tol: float = 1e-5, atol: float = 1e-8, raise_on_failure: bool = True):
    r"""Check backprop's gradients of ``f`` against central finite differences.

    ``f`` takes one :class:`Tensor` per array in ``arrays`` and returns a
    one-element Tensor. For each argument the backprop gradient :math:`a` is
    compared with :func:`numerical_grad` :math:`n` by the relative error
    :math:`\|a-n\|/(\|a\|+\|n\|)`. How to read it (float64, ``eps=1e-6``):

    * below about ``1e-7``: correct — central differences are that accurate
      (truncation :math:`\sim\varepsilon^2`, round-off :math:`\sim10^{-16}/\varepsilon`);
    * ``1e-7`` to ``1e-4``: look closer — fine if ``f`` has kinks (ReLU, max) near
      the point, or if values are tiny or huge;
    * above ``1e-4``: almost surely a bug in a backward formula.

    When both gradients are about zero the relative error means nothing (it is
    round-off over round-off), so an argument also passes when its largest
    absolute difference is at most ``atol``.

    Returns the list of relative errors (one per argument). With
    ``raise_on_failure`` an ``AssertionError`` names the first argument that
    fails (relative error above ``tol`` and absolute error above ``atol``).
    """
    arrays = [np.array(a, dtype=_FLOAT) for a in arrays]
    if not arrays:
        raise ValueError("gradcheck needs at least one array to differentiate at")
    tensors = [Tensor(a, requires_grad=True) for a in arrays]
    out = f(*tensors)
    if not isinstance(out, Tensor) or out.data.size != 1:
        raise ValueError(f"f must return a one-element Tensor, got {out!r}")
    out.backward()
    errors = []
    for i, (t, a) in enumerate(zip(tensors, arrays)):

        def f_i(x, i=i):
            args = [Tensor(x) if j == i else Tensor(arrays[j]) for j in range(len(arrays))]
            with no_grad():
                return f(*args).item()

        analytic = t.grad if t.grad is not None else np.zeros_like(a)
        numeric = numerical_grad(f_i, a, eps)
        err = relative_error(analytic, numeric)
        errors.append(err)
        if raise_on_failure and err > tol and np.max(np.abs(analytic - numeric)) > atol:
            raise AssertionError(
                f"gradient of argument {i} (shape {a.shape}) is off: relative "
                f"error {err:.2e} > tol {tol:.0e}\nbackprop:\n{analytic}\n"
                f"finite differences:\n{numeric}"
            )
    return errors


# --------------------------------------------------------------------------
# chapter 2's scalar chain, node by node
# --------------------------------------------------------------------------

_ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity")


def _activate(t: Tensor, name: str) -> Tensor:
    if name == "identity":
        return t * 1.0
    return getattr(t, name)()


def scalar_chain(
    x: float = 1.0,
    y: float = 0.5,
    w1: float = 0.5,
    b1: float = 0.1,
    w2: float = -0.8,
    w3: float = 1.2,
    activations=("sigmoid", "sigmoid", "sigmoid"),
):
    r"""Chapter 2's four-parameter, four-layer chain as a graph of scalars:

    .. math::
        a_1 = w_1 x + b_1,\quad f_1 = \sigma(a_1),\quad
        a_2 = w_2 f_1,\quad f_2 = \sigma(a_2),\quad
        a_3 = w_3 f_2,\quad \hat y = f_3 = \sigma(a_3),\quad
        L = \tfrac12(\hat y - y)^2.

    Returns ``(L, nodes)``: the loss Tensor (call ``L.backward()``) and a dict
    name -> Tensor of every node. ``activations`` picks f1, f2, f3 among
    "sigmoid", "tanh", "relu", "identity". After ``L.backward()``,
    ``nodes["w1"].grad`` is the product of local derivatives

    .. math:: \frac{\partial L}{\partial w_1} = (\hat y - y)\,f_3'(a_3)\,w_3\,f_2'(a_2)\,w_2\,f_1'(a_1)\,x.
    """
    if len(activations) != 3 or any(a not in _ACTIVATIONS for a in activations):
        raise ValueError(f"activations must be three of {_ACTIVATIONS}, got {activations!r}")
    n = {
        k: Tensor(v, requires_grad=k not in ("x", "y"), name=k)
        for k, v in dict(x=x, w1=w1, b1=b1, w2=w2, w3=w3, y=y).items()
    }
    n["w1*x"] = n["w1"] * n["x"]
    n["a1"] = n["w1*x"] + n["b1"]
    n["f1"] = _activate(n["a1"], activations[0])
    n["a2"] = n["w2"] * n["f1"]
    n["f2"] = _activate(n["a2"], activations[1])
    n["a3"] = n["w3"] * n["f2"]
    n["f3"] = _activate(n["a3"], activations[2])
    n["f3-y"] = n["f3"] - n["y"]
    n["(f3-y)^2"] = n["f3-y"] ** 2
    n["L"] = n["(f3-y)^2"] * Tensor(0.5, name="1/2")
    for k, t in n.items():
        t.name = k
    return n["L"], n


def trace(root: Tensor) -> list[dict]:
    """The graph below ``root`` in topological order (inputs first), one dict per node:
    ``name, op, inputs, value, grad``. Constants and inputs without gradient
    are included; unnamed nodes are called ``t0, t1, ...``."""
    order, seen, counter = [], set(), [0]

    def visit(node):  # recursive DFS: graphs in lessons are small
        if id(node) in seen:
            return
        seen.add(id(node))
        # computed inputs first, then leaves: each leaf is listed just before its first use
        for p in sorted(node._parents, key=lambda p: not p._parents):
            visit(p)
        order.append(node)

    visit(root)

    def label(t):
        if t.name is None:
            t.name = f"t{counter[0]}"
            counter[0] += 1
        return t.name

    rows = []
    for node in order:
        rows.append(
            dict(
                name=label(node),
                op=node.op,
                inputs=[label(p) for p in node._parents],
                value=node.data.copy(),
                grad=None if node.grad is None else np.array(node.grad),
            )
        )
    return rows


def format_trace(root: Tensor, precision: int = 4) -> str:
    """:func:`trace` as a text table: step, node, operation, inputs, value, gradient."""

    def num(v):
        if v is None:
            return "-"
        v = np.asarray(v)
        return f"{float(v):.{precision}f}" if v.size == 1 else f"array{v.shape}"

    rows = trace(root)
    lines = [f"{'step':>4}  {'node':<8} {'op':<8} {'inputs':<14} {'value':>12} {'dL/dnode':>12}"]
    for i, r in enumerate(rows):
        op = "input" if r["op"] == "leaf" else r["op"]
        lines.append(
            f"{i:>4}  {r['name']:<8} {op:<8} {', '.join(r['inputs']):<14} {num(r['value']):>12} {num(r['grad']):>12}"
        )
    return "\n".join(lines)

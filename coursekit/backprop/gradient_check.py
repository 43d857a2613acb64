r"""Gradient checks: backprop against central finite differences.

:func:`numerical_grad` differentiates any scalar function of an array
numerically, :func:`relative_error` compares two gradients without regard to
their scale, and :func:`gradcheck` runs both on a function of Tensors.
"""

from __future__ import annotations

import numpy as np

from .tensor import _FLOAT, Tensor, no_grad


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

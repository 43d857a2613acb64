r"""Reverse-mode automatic differentiation (backpropagation) over numpy arrays.

Three modules, one idea each::

    tensor.py          Tensor and its operations, backward(), no_grad
    gradient_check.py  numerical_grad, relative_error, gradcheck: backprop
                       against central finite differences
    tracing.py         scalar_chain, trace, format_trace: chapter 2's chain
                       and any small graph, node by node

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

from .gradient_check import gradcheck, numerical_grad, relative_error
from .tensor import Tensor, is_grad_enabled, no_grad
from .tracing import format_trace, scalar_chain, trace

__all__ = [
    "Tensor",
    "no_grad",
    "is_grad_enabled",
    "numerical_grad",
    "relative_error",
    "gradcheck",
    "scalar_chain",
    "trace",
    "format_trace",
]

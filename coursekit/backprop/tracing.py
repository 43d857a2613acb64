r"""Graph tracing: chapter 2's three-unit scalar chain, and any small graph node by node.

:func:`scalar_chain` builds the chain as a graph of scalar Tensors;
:func:`trace` lists the nodes below a result in topological order with their
values and gradients, and :func:`format_trace` prints them as a table.
"""

from __future__ import annotations

import numpy as np

from .tensor import Tensor

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
    r"""Chapter 2's chain of three units (four parameters) as a graph of scalars:

    .. math::
        a_1 = w_1 x + b_1,\quad h_1 = \phi_1(a_1),\quad
        a_2 = w_2 h_1,\quad h_2 = \phi_2(a_2),\quad
        a_3 = w_3 h_2,\quad \hat y = h_3 = \phi_3(a_3),\quad
        \ell = \tfrac12(\hat y - y)^2,

    with the chapter's names for the nodes: ``"a1"``, ``"h1"``, ..., ``"h3"``,
    and ``"ℓ"`` for the loss (the chain's loss has the factor 1/2, so that
    :math:`\partial\ell/\partial\hat y = \hat y - y`).

    Returns ``(loss, nodes)``: the loss Tensor (call ``loss.backward()``) and a
    dict name -> Tensor of every node. ``activations`` picks
    :math:`\phi_1, \phi_2, \phi_3` among "sigmoid" (the default, the
    chapter's :math:`\sigma`), "tanh", "relu", "identity". After
    ``loss.backward()``, ``nodes["w1"].grad`` is the product of local derivatives

    .. math:: \frac{\partial \ell}{\partial w_1} = (\hat y - y)\,\phi_3'(a_3)\,w_3\,\phi_2'(a_2)\,w_2\,\phi_1'(a_1)\,x.
    """
    if len(activations) != 3 or any(a not in _ACTIVATIONS for a in activations):
        raise ValueError(f"activations must be three of {_ACTIVATIONS}, got {activations!r}")
    n = {
        k: Tensor(v, requires_grad=k not in ("x", "y"), name=k)
        for k, v in dict(x=x, w1=w1, b1=b1, w2=w2, w3=w3, y=y).items()
    }
    n["w1*x"] = n["w1"] * n["x"]
    n["a1"] = n["w1*x"] + n["b1"]
    n["h1"] = _activate(n["a1"], activations[0])
    n["a2"] = n["w2"] * n["h1"]
    n["h2"] = _activate(n["a2"], activations[1])
    n["a3"] = n["w3"] * n["h2"]
    n["h3"] = _activate(n["a3"], activations[2])
    n["h3-y"] = n["h3"] - n["y"]
    n["(h3-y)^2"] = n["h3-y"] ** 2
    n["ℓ"] = n["(h3-y)^2"] * Tensor(0.5, name="1/2")
    for k, t in n.items():
        t.name = k
    return n["ℓ"], n


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
    lines = [f"{'step':>4}  {'node':<8} {'op':<8} {'inputs':<14} {'value':>12} {'dℓ/dnode':>12}"]
    for i, r in enumerate(rows):
        op = "input" if r["op"] == "leaf" else r["op"]
        lines.append(
            f"{i:>4}  {r['name']:<8} {op:<8} {', '.join(r['inputs']):<14} {num(r['value']):>12} {num(r['grad']):>12}"
        )
    return "\n".join(lines)

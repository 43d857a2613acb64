r"""AdaGrad: a rate per coordinate that shrinks with the squared gradients seen.

The algorithm, as in torch.optim's documentation (one ``step`` per gradient;
every operation element-wise)::

    input:  alpha (lr), theta_0 (params), lambda (weight_decay),
            eta_decay (lr_decay), r_0 (initial_accumulator_value),
            epsilon (eps)
    for t = 1, 2, ...:
        g_t <- the gradient at theta_{t-1}
        if lambda != 0:   g_t <- g_t + lambda theta_{t-1}
        alpha_t <- alpha / (1 + (t - 1) eta_decay)
        r_t <- r_{t-1} + g_t^2
        theta_t <- theta_{t-1} - alpha_t g_t / (sqrt(r_t) + epsilon)

Epsilon sits outside the root, as in torch.
"""

from __future__ import annotations

import numpy as np

from ._blocks import blocks
from .optimizer import Optimizer, _number


class Adagrad(Optimizer):
    r"""AdaGrad (Duchi, Hazan & Singer, 2011): a rate per coordinate, shrinking with the squared gradients seen.

    .. math::
        t &\leftarrow t + 1 \\
        g &\leftarrow g + \lambda\theta \\
        \alpha_t &= \alpha / (1 + (t-1)\,\eta_{\text{decay}}) \\
        r &\leftarrow r + g^2 \\
        \theta &\leftarrow \theta - \alpha_t\, g / (\sqrt{r} + \varepsilon)

    with :math:`r_0` = ``initial_accumulator_value``. **Epsilon sits outside
    the root** (torch); some sources write :math:`\sqrt{r + \varepsilon}`,
    which differs only while :math:`r` is tiny.

    Example::

        >>> x = np.array([1.0, -100.0])
        >>> Adagrad([x], lr=0.5).step([x.copy()])   # both coordinates move by lr on step 1
        >>> x
        array([  0.5, -99.5])
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10):
        super().__init__(
            params,
            dict(
                lr=lr,
                lr_decay=lr_decay,
                weight_decay=weight_decay,
                initial_accumulator_value=initial_accumulator_value,
                eps=eps,
            ),
        )

    def _check_group(self, group, where=""):
        for name in ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            group[name] = _number(where + name, group[name])
        return group

    def _update(self, theta, g, state, group, w):
        alpha, lam, eps = group["lr"], group["weight_decay"], group["eps"]
        if not state:
            state["step"] = 0
            state["sum"] = np.full_like(theta, group["initial_accumulator_value"])
        r = state["sum"]
        state["step"] += 1  # t <- t + 1
        t = state["step"]
        alpha_t = alpha / (1 + (t - 1) * group["lr_decay"])  # alpha_t = alpha / (1 + (t-1) decay)
        # the blocks' views take the names of the whole arrays, so the lines read as the equations
        for theta, g, r, w in blocks(theta, g, r, scratch=w):  # noqa: B020
            if lam != 0:
                g = g + lam * theta  # g <- g + lambda theta
            r += g * g  # r <- r + g^2
            d = np.sqrt(r, out=w)
            d += eps  # d = sqrt(r) + eps   (eps outside the root)
            theta -= alpha_t * np.divide(g, d, out=w)  # theta <- theta - alpha_t g / d

r"""RMSProp: divide by a running root-mean-square of the gradients.

The algorithm, as in torch.optim's documentation (one ``step`` per gradient;
every operation element-wise). torch calls the smoothing constant ``alpha``;
here it is rho, and alpha is the rate ``lr``::

    input:  alpha (lr), theta_0 (params), rho (alpha), epsilon (eps),
            lambda (weight_decay), beta (momentum), centered
    initialize: r_0 <- 0, gbar_0 <- 0, b_0 <- 0
    for t = 1, 2, ...:
        g_t <- the gradient at theta_{t-1}
        if lambda != 0:   g_t <- g_t + lambda theta_{t-1}
        r_t <- rho r_{t-1} + (1 - rho) g_t^2
        if centered:
            gbar_t <- rho gbar_{t-1} + (1 - rho) g_t
            d_t <- sqrt(r_t - gbar_t^2) + epsilon
        else:
            d_t <- sqrt(r_t) + epsilon
        if beta > 0:
            b_t <- beta b_{t-1} + g_t / d_t
            theta_t <- theta_{t-1} - alpha b_t
        else:
            theta_t <- theta_{t-1} - alpha g_t / d_t

Epsilon sits outside the root, as in torch.
"""

from __future__ import annotations

import numpy as np

from ._blocks import blocks
from .optimizer import Optimizer, _number


class RMSprop(Optimizer):
    r"""RMSProp (Tieleman & Hinton, 2012): divide by a running root-mean-square of the gradients.

    torch calls the smoothing constant ``alpha`` (:math:`\rho` below and in
    the book; some courses write :math:`\beta`), and the rate ``lr`` (:math:`\alpha`).

    .. math::
        g &\leftarrow g + \lambda\theta \\
        r &\leftarrow \rho r + (1-\rho) g^2 \\
        \bar g &\leftarrow \rho \bar g + (1-\rho) g \quad\text{(centered only)} \\
        d &= \sqrt{r - \bar g^2} + \varepsilon \ \text{(centered)} \quad\text{or}\quad d = \sqrt{r} + \varepsilon \\
        b &\leftarrow \beta b + g / d, \quad \theta \leftarrow \theta - \alpha b \quad\text{(momentum } \beta > 0) \\
        \theta &\leftarrow \theta - \alpha g / d \quad\text{(otherwise)}

    **Epsilon sits outside the root** (torch); Graves (2013), who introduced
    the centered form, writes :math:`\sqrt{r - \bar g^2 + \varepsilon}`.
    ``centered`` divides by an estimate of the standard deviation instead of
    the root mean square. :math:`r_0 = \bar g_0 = b_0 = 0`.

    Example::

        >>> x = np.array([1.0, -1.0])
        >>> RMSprop([x], lr=0.01).step([x.copy()])   # first step is lr / sqrt(1 - rho) = 0.1
        >>> x.round(6)
        array([ 0.9, -0.9])
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False):
        super().__init__(
            params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered)
        )

    def _check_group(self, group, where=""):
        for name in ("lr", "eps", "weight_decay", "momentum"):
            group[name] = _number(where + name, group[name])
        group["alpha"] = _number(where + "alpha", group["alpha"], high=1.0)
        if group["centered"] not in (True, False):
            raise TypeError(f"{where}centered must be True or False, got {group['centered']!r}")
        return group

    def _update(self, theta, g, state, group, w):
        alpha, rho, eps, lam, beta = (
            group["lr"],
            group["alpha"],
            group["eps"],
            group["weight_decay"],
            group["momentum"],
        )
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(theta)
            if beta > 0:
                state["momentum_buffer"] = np.zeros_like(theta)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(theta)
        state["step"] += 1
        if beta > 0 and "momentum_buffer" not in state:  # momentum switched on mid-run
            state["momentum_buffer"] = np.zeros_like(theta)
        if group["centered"] and "grad_avg" not in state:  # centered switched on mid-run
            state["grad_avg"] = np.zeros_like(theta)
        R = state["square_avg"]
        B = state.get("momentum_buffer", R)  # (R: a stand-in, unused without momentum)
        Gbar = state.get("grad_avg", R)  # (R: a stand-in, unused unless centered)
        # block by block, so that the temporaries stay in cache;
        # the blocks' views take the names of the whole arrays, so the lines read as the equations
        for theta, g, r, b, gbar, w in blocks(theta, g, R, B, Gbar, scratch=w):  # noqa: B020
            if lam != 0:
                g = g + lam * theta  # g <- g + lambda theta
            r *= rho
            r += (1 - rho) * np.multiply(g, g, out=w)  # r <- rho r + (1 - rho) g^2
            if group["centered"]:
                gbar += (1 - rho) * np.subtract(g, gbar, out=w)  # gbar <- rho gbar + (1 - rho) g
                d = np.sqrt(r - gbar * gbar, out=w)  # d = sqrt(r - gbar^2) + eps
            else:
                d = np.sqrt(r, out=w)  # d = sqrt(r) + eps   (eps outside the root)
            d += eps
            if beta > 0:
                b *= beta
                b += np.divide(g, d, out=w)  # b <- beta b + g / d
                theta -= alpha * b  # theta <- theta - alpha b
            else:
                theta -= alpha * np.divide(g, d, out=w)  # theta <- theta - alpha g / d

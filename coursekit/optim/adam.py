r"""Adam and AdamW: momentum on the gradient and on its square, bias-corrected.

The algorithm, as in torch.optim's documentation (one ``step`` per gradient;
every operation element-wise)::

    input:  alpha (lr), theta_0 (params), beta_1, beta_2 (betas),
            epsilon (eps), lambda (weight_decay), amsgrad
    initialize: s_0 <- 0, r_0 <- 0, rmax_0 <- 0
    for t = 1, 2, ...:
        g_t <- the gradient at theta_{t-1}
        if AdamW:           theta_{t-1} <- (1 - alpha lambda) theta_{t-1}
        elif lambda != 0:   g_t <- g_t + lambda theta_{t-1}
        s_t <- beta_1 s_{t-1} + (1 - beta_1) g_t
        r_t <- beta_2 r_{t-1} + (1 - beta_2) g_t^2
        shat_t <- s_t / (1 - beta_1^t)
        if amsgrad:
            rmax_t <- max(rmax_{t-1}, r_t)
            rhat_t <- rmax_t / (1 - beta_2^t)
        else:
            rhat_t <- r_t / (1 - beta_2^t)
        theta_t <- theta_{t-1} - alpha shat_t / (sqrt(rhat_t) + epsilon)

Adam's ``weight_decay`` is an L2 term in the loss, divided by
:math:`\sqrt{\hat r}` with the rest of the gradient; AdamW's decays the
weights directly (decoupled), which is not the same for Adam.
"""

from __future__ import annotations

import numpy as np

from ._blocks import blocks
from .optimizer import Optimizer, _betas, _number


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015): momentum on the gradient and on its square, bias-corrected.

    In the notation of many lecture courses (:math:`s` first moment, :math:`r` second moment):

    .. math::
        t &\leftarrow t + 1 \\
        g &\leftarrow g + \lambda\theta \quad\text{(L2; AdamW instead: } \theta \leftarrow (1-\alpha\lambda)\theta) \\
        s &\leftarrow \beta_1 s + (1-\beta_1) g \\
        r &\leftarrow \beta_2 r + (1-\beta_2) g^2 \\
        \hat s &= s / (1-\beta_1^t), \quad \hat r = r / (1-\beta_2^t) \\
        \hat r &\leftarrow \max(\hat r_{\max}, \hat r) \quad\text{(amsgrad: the running maximum of } r \text{)} \\
        \theta &\leftarrow \theta - \alpha\, \hat s / (\sqrt{\hat r} + \varepsilon)

    :math:`s_0 = r_0 = 0` (a common misstatement starts :math:`r` at 1, which
    would make the first steps tiny).
    **Epsilon sits outside the root** of :math:`\hat r`, as in the paper and
    torch (a common misstatement writes :math:`\sqrt{\hat r + \varepsilon}`,
    which changes the step wherever :math:`\hat r` is small beside :math:`\varepsilon`). torch
    computes :math:`\sqrt{\hat r}` as :math:`\sqrt{r}/\sqrt{1-\beta_2^t}`; so do we.
    ``weight_decay`` adds :math:`\lambda\theta` to the gradient, i.e. an L2
    term in the loss, which Adam then divides by :math:`\sqrt{\hat r}` like the
    rest of the gradient; use :class:`AdamW` for decay that is not rescaled.

    Example::

        >>> x = np.array([-1.2, 1.0])
        >>> opt = Adam([x], lr=1e-2)
        >>> opt.step([np.array([-2.0, 400.0])])   # step 1 moves each coordinate by lr
        >>> x
        array([-1.19,  0.99])
    """

    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad))

    def _check_group(self, group, where=""):
        for name in ("lr", "eps", "weight_decay"):
            group[name] = _number(where + name, group[name])
        try:
            group["betas"] = _betas(group["betas"])
        except (TypeError, ValueError) as err:
            raise type(err)(where + str(err)) from None
        if group["amsgrad"] not in (True, False):
            raise TypeError(f"{where}amsgrad must be True or False, got {group['amsgrad']!r}")
        return group

    def _update(self, theta, g, state, group, w):
        alpha, (beta1, beta2), eps, lam = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(theta)
            state["exp_avg_sq"] = np.zeros_like(theta)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(theta)
        if group["amsgrad"] and "max_exp_avg_sq" not in state:  # amsgrad switched on mid-run
            state["max_exp_avg_sq"] = np.zeros_like(theta)
        S, R = state["exp_avg"], state["exp_avg_sq"]
        Rmax = state.get("max_exp_avg_sq", R)  # (R: a stand-in, unused without amsgrad)
        state["step"] += 1  # t <- t + 1
        t = state["step"]
        step_size = alpha / (1 - beta1**t)  # alpha s_hat = alpha s / (1 - beta1^t)
        # block by block, so that the temporaries stay in cache;
        # the blocks' views take the names of the whole arrays, so the lines read as the equations
        for theta, g, s, r, r_max, w in blocks(theta, g, S, R, Rmax, scratch=w):  # noqa: B020
            if self._decoupled and lam != 0:
                theta *= 1 - alpha * lam  # theta <- (1 - alpha lambda) theta   (AdamW)
            elif lam != 0:
                g = g + lam * theta  # g <- g + lambda theta             (Adam: L2)
            s += (1 - beta1) * np.subtract(g, s, out=w)  # s <- beta1 s + (1 - beta1) g   (= s + (1 - beta1)(g - s))
            r *= beta2
            r += (1 - beta2) * np.multiply(g, g, out=w)  # r <- beta2 r + (1 - beta2) g^2
            if group["amsgrad"]:
                r = np.maximum(r_max, r, out=r_max)  # r <- max(r_max, r)
            d = np.sqrt(r, out=w)
            d /= (1 - beta2**t) ** 0.5  # sqrt(r_hat) = sqrt(r) / sqrt(1 - beta2^t)
            d += eps  # d = sqrt(r_hat) + eps   (eps outside the root)
            theta -= step_size * np.divide(s, d, out=w)  # theta <- theta - alpha s_hat / d


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay.

    The same as :class:`Adam` except that the decay acts on the weights, not
    through the gradient, so it is not divided by :math:`\sqrt{\hat r}`:

    .. math::
        \theta \leftarrow (1 - \alpha\lambda)\,\theta, \quad\text{then the Adam step with } g \text{ unchanged.}

    As in torch the decay is multiplied by the current rate :math:`\alpha`
    (the paper scales it by the schedule multiplier only). Default
    ``weight_decay=1e-2``.

    Example::

        >>> x = np.array([1.0, -1.0])
        >>> AdamW([x], lr=0.1, weight_decay=0.5).step([np.zeros(2)])   # zero gradient: pure decay
        >>> x
        array([ 0.95, -0.95])
    """

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)

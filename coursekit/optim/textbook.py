r"""The lectures' forms of momentum and weight decay as plain functions.

torch's SGD keeps a buffer that sums gradients and, with Nesterov, stores the
look-ahead point; the lectures write momentum with a velocity. These
functions run the textbook forms, so the tests (and chapters 7 and 9) can
check that the optimizers' iterates are the same:

* :func:`heavy_ball`: :math:`v \leftarrow \beta v - \alpha\nabla J(\theta),\ \theta \leftarrow \theta + v`
  (``SGD(momentum=beta)`` with a constant rate);
* :func:`nesterov_lookahead`: the gradient taken at :math:`\theta + \beta v`
  (``SGD(nesterov=True)`` stores :math:`\theta + \beta v`);
* :func:`with_l2`: the gradient of :math:`J + \frac{\lambda}{2}\|\theta\|^2`
  (SGD's ``weight_decay``, Adam's, but not AdamW's).
"""

from __future__ import annotations

import numpy as np

from .optimizer import _number


def heavy_ball(grad, theta0, alpha, beta, steps):
    r"""Momentum in the velocity form; returns the iterates :math:`\theta_0, \dots, \theta_{steps}`.

    .. math:: v \leftarrow \beta v - \alpha \nabla J(\theta), \qquad \theta \leftarrow \theta + v, \qquad v_0 = 0.

    With a constant rate this is ``SGD(lr=alpha, momentum=beta)``: put
    :math:`v = -\alpha b` in torch's :math:`b \leftarrow \beta b + g,\ \theta
    \leftarrow \theta - \alpha b`. (With a changing rate the two differ: torch's
    buffer rescales past steps by the *new* rate.)
    """
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    path = [theta.copy()]
    for _ in range(steps):
        v = beta * v - alpha * grad(theta)  # v <- beta v - alpha grad J(theta)
        theta = theta + v  # theta <- theta + v
        path.append(theta)
    return np.array(path)


def nesterov_lookahead(grad, theta0, alpha, beta, steps):
    r"""Nesterov momentum in the look-ahead (velocity) form; returns :math:`\theta_k` and :math:`v_k`.

    .. math::
        g \leftarrow \nabla J(\theta + \beta v), \qquad
        v \leftarrow \beta v - \alpha g, \qquad
        \theta \leftarrow \theta + v.

    (In the Straka slides the first line *moves* :math:`\theta` to
    :math:`\theta+\beta v`; the last line must then add only :math:`-\alpha g`;
    written as above, with the look-ahead used only for the gradient, it is
    :math:`\theta \leftarrow \theta + v`.) torch's ``SGD(nesterov=True)``
    stores the look-ahead point :math:`\phi = \theta + \beta v` instead and
    updates it by :math:`\phi \leftarrow \phi - \alpha(g + \beta b)` with
    :math:`b \leftarrow \beta b + g`, :math:`v = -\alpha b`: its iterates are
    ``path + beta * velocities`` of this function.
    """
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    path, vel = [theta.copy()], [v.copy()]
    for _ in range(steps):
        g = grad(theta + beta * v)  # g <- grad J(theta + beta v)   (look-ahead)
        v = beta * v - alpha * g  # v <- beta v - alpha g
        theta = theta + v  # theta <- theta + v
        path.append(theta)
        vel.append(v)
    return np.array(path), np.array(vel)


def with_l2(grad, weight_decay):
    r"""The gradient of :math:`J(\theta) + \frac{\lambda}{2}\|\theta\|^2`, given that of :math:`J`.

    For SGD, stepping on this gradient is the same as ``weight_decay=lambda``
    (and as decaying the weights by :math:`(1-\alpha\lambda)` first). For Adam it
    is the same as Adam's own ``weight_decay`` but *not* as AdamW's decoupled
    decay: Adam divides the L2 gradient by :math:`\sqrt{\hat r}` too, so
    parameters with large gradients are barely decayed.
    """
    lam = _number("weight_decay", weight_decay)
    return lambda theta: grad(theta) + lam * np.asarray(theta)

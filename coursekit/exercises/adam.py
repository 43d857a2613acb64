"""Chapter 09's code exercises: one Adam step and one AdamW step.

The reader writes ``adam_step(theta, m, v, t, g, lr, beta1, beta2, eps)``:
step ``t`` (1 on the first step, as in (9.1)-(9.4)) from the moments ``m``,
``v`` of step t - 1 and the gradient ``g``, returning the new ``(theta, m,
v)``; and ``adamw_step`` with a last argument ``weight_decay``. The
references put that state into :class:`coursekit.optim.Adam` and
:class:`coursekit.optim.AdamW` and take one step. The cases use eps = 1e-3,
large enough that epsilon inside the square root shows.
"""

from __future__ import annotations

import numpy as np

from .. import optim
from .checker import Case, Checker, Misconception


def _cases(rng, weight_decay=None):
    def case(label, shape, t, beta1=0.9, beta2=0.999, fresh=False):
        theta = rng.normal(size=shape)
        m = np.zeros(shape) if fresh else 0.1 * rng.normal(size=shape)
        v = np.zeros(shape) if fresh else rng.uniform(0.01, 0.1, size=shape)
        kw = dict(theta=theta, m=m, v=v, t=t, g=rng.normal(size=shape), lr=0.1)
        kw.update(beta1=beta1, beta2=beta2, eps=1e-3)
        if weight_decay is not None:
            kw["weight_decay"] = weight_decay
        return Case(label, kw)

    return [
        case("first step from m = v = 0", (3,), 1, fresh=True),
        case("step t = 2", (3,), 2),
        case("step t = 5 on a 2x3 matrix", (2, 3), 5),
        case("step t = 50 with beta2 = 0.9", (4,), 50, beta2=0.9),
        case("first step of a scalar", (), 1, beta1=0.5, fresh=True),
    ]


def _adamw_cases(rng):
    return _cases(rng, weight_decay=0.5)


def _one_step(opt_class, theta, m, v, t, g, **hyper):
    theta = np.array(theta, dtype=float)
    opt = opt_class([theta], **hyper)
    m, v = np.array(m, dtype=float), np.array(v, dtype=float)
    opt.state[0] = {"step": t - 1, "exp_avg": m, "exp_avg_sq": v}
    opt.step([np.array(g, dtype=float)])
    return theta, m, v


def _adam(theta, m, v, t, g, lr, beta1, beta2, eps):
    return _one_step(optim.Adam, theta, m, v, t, g, lr=lr, betas=(beta1, beta2), eps=eps)


def _adamw(theta, m, v, t, g, lr, beta1, beta2, eps, weight_decay):
    hyper = dict(lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay)
    return _one_step(optim.AdamW, theta, m, v, t, g, **hyper)


def _by_hand(theta, m, v, t, g, lr, beta1, beta2, eps, bias=True, shift=0, inside=False):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat, v_hat = m, v
    if bias:
        m_hat = m / (1 - beta1 ** (t + shift))
        v_hat = v / (1 - beta2 ** (t + shift))
    d = np.sqrt(v_hat + eps) if inside else np.sqrt(v_hat) + eps
    return theta - lr * m_hat / d, m, v


def _no_bias(theta, m, v, t, g, lr, beta1, beta2, eps):
    return _by_hand(theta, m, v, t, g, lr, beta1, beta2, eps, bias=False)


def _counter_from_0(theta, m, v, t, g, lr, beta1, beta2, eps):
    # t read as the number of steps before this one: 1 - beta^(t + 1)
    return _by_hand(theta, m, v, t, g, lr, beta1, beta2, eps, shift=1)


def _eps_inside(theta, m, v, t, g, lr, beta1, beta2, eps):
    return _by_hand(theta, m, v, t, g, lr, beta1, beta2, eps, inside=True)


def _adamw_as_l2(theta, m, v, t, g, lr, beta1, beta2, eps, weight_decay):
    return _adam(theta, m, v, t, g + weight_decay * theta, lr, beta1, beta2, eps)


def _adamw_decay_after(theta, m, v, t, g, lr, beta1, beta2, eps, weight_decay):
    theta, m, v = _adam(theta, m, v, t, g, lr, beta1, beta2, eps)
    return theta - lr * weight_decay * theta, m, v


_HAT = "(9.3), the bias-corrected moments with 1 - beta^t"

check_adam_step = Checker(
    "adam_step",
    "adam_step(theta, m, v, t, g, lr, beta1, beta2, eps)",
    _adam,
    _cases,
    [
        Misconception("no bias correction", _no_bias, _HAT, label="adam-hat"),
        Misconception(
            "a step counter from 0 (1 - beta^(t + 1) at step t)",
            _counter_from_0,
            _HAT + ", t = 1 on the first step",
            label="adam-hat",
        ),
        Misconception(
            "epsilon inside the square root",
            _eps_inside,
            "(9.4): sqrt(v_hat) + eps",
            label="adam-update",
        ),
    ],
    chapter="09",
)

check_adamw_step = Checker(
    "adamw_step",
    "adamw_step(theta, m, v, t, g, lr, beta1, beta2, eps, weight_decay)",
    _adamw,
    _adamw_cases,
    [
        Misconception(
            "L2 added to the gradient instead of decoupled decay",
            _adamw_as_l2,
            "(9.15): theta shrinks by (1 - lr lambda), g has no lambda theta",
            label="adam-adamw",
        ),
        Misconception(
            "the decay applied to the updated theta, not to theta_{t-1}",
            _adamw_decay_after,
            "(9.15): (1 - lr lambda) multiplies theta_{t-1}",
            label="adam-adamw",
        ),
    ],
    chapter="09",
)

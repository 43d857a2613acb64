"""Chapter 08's code exercises: AdaGrad and RMSProp, fed given gradients.

The reader writes ``adagrad(theta0, grads, lr, eps)`` and ``rmsprop(theta0,
grads, lr, rho, eps)``: from r_0 = 0, one step per gradient in ``grads`` (a
list of arrays shaped like ``theta0``), returning the iterates theta_0, ...,
theta_T as one array of shape ``(T + 1,) + theta0.shape``. The references
feed the same gradients to :class:`coursekit.optim.Adagrad` and
:class:`coursekit.optim.RMSprop`. The cases use eps = 0.1, large enough that
epsilon inside the square root shows.
"""

from __future__ import annotations

import numpy as np

from .. import optim
from .checker import Case, Checker, Misconception


def _cases(rng):
    def case(label, shape, steps, lr, **extra):
        theta0 = rng.normal(size=shape)
        grads = [rng.normal(size=shape) * rng.uniform(0.1, 3.0) for _ in range(steps)]
        return dict(theta0=theta0, grads=grads, lr=lr, **extra), label

    out = [
        case("random 4-vector over 6 steps", (4,), 6, 0.1),
        case("random 2x3 matrix over 4 steps", (2, 3), 4, 0.3),
        case("one step", (3,), 1, 0.1),
        case("no steps", (2,), 0, 0.1),
    ]
    kwargs, _ = case("", (3,), 4, 0.2)
    kwargs["grads"][1][0] = 0.0
    kwargs["grads"][0][2] = 0.0
    out.append((kwargs, "some zero gradient entries"))
    return out


def _adagrad_cases(rng):
    return [Case(label, dict(kw, eps=0.1)) for kw, label in _cases(rng)]


def _rmsprop_cases(rng):
    return [Case(label, dict(kw, rho=rho, eps=0.1)) for (kw, label), rho in zip(_cases(rng), (0.9, 0.5, 0.9, 0.9, 0.7))]


def _fed(opt_class, theta0, grads, **hyper):
    theta = np.array(theta0, dtype=float)
    opt = opt_class([theta], **hyper)
    path = [theta.copy()]
    for g in grads:
        opt.step([np.asarray(g, dtype=float)])
        path.append(theta.copy())
    return np.array(path)


def _adagrad(theta0, grads, lr, eps):
    return _fed(optim.Adagrad, theta0, grads, lr=lr, eps=eps)


def _rmsprop(theta0, grads, lr, rho, eps):
    return _fed(optim.RMSprop, theta0, grads, lr=lr, alpha=rho, eps=eps)


def _loop(theta0, grads, r_next, step):
    """Iterates of theta <- theta - step(r, g), r <- r_next(r, g) first."""
    theta = np.array(theta0, dtype=float)
    r = np.zeros_like(theta)
    path = [theta]
    for g in grads:
        r = r_next(r, g)
        theta = theta - step(r, g)
        path.append(theta)
    return np.array(path)


def _adagrad_eps_inside(theta0, grads, lr, eps):
    return _loop(theta0, grads, lambda r, g: r + g * g, lambda r, g: lr * g / np.sqrt(r + eps))


def _adagrad_reset(theta0, grads, lr, eps):
    return _loop(theta0, grads, lambda r, g: g * g, lambda r, g: lr * g / (np.sqrt(r) + eps))


def _rmsprop_eps_inside(theta0, grads, lr, rho, eps):
    return _loop(theta0, grads, lambda r, g: rho * r + (1 - rho) * g * g, lambda r, g: lr * g / np.sqrt(r + eps))


def _rmsprop_swapped(theta0, grads, lr, rho, eps):
    return _loop(theta0, grads, lambda r, g: (1 - rho) * r + rho * g * g, lambda r, g: lr * g / (np.sqrt(r) + eps))


def _rmsprop_no_sqrt(theta0, grads, lr, rho, eps):
    return _loop(theta0, grads, lambda r, g: rho * r + (1 - rho) * g * g, lambda r, g: lr * g / (r + eps))


_EPS_INSIDE = "epsilon inside the square root"

check_adagrad = Checker(
    "adagrad",
    "adagrad(theta0, grads, lr, eps)",
    _adagrad,
    _adagrad_cases,
    [
        Misconception(
            _EPS_INSIDE,
            _adagrad_eps_inside,
            "(8.5): eta / (sqrt(r_t) + eps)",
            label="adapt-adagrad-update",
        ),
        Misconception(
            "the accumulator reset each step (r_t = g_t * g_t, no sum)",
            _adagrad_reset,
            "(8.4): r_t = r_{t-1} + g_t * g_t",
            label="adapt-adagrad-r",
        ),
    ],
    chapter="08",
)

check_rmsprop = Checker(
    "rmsprop",
    "rmsprop(theta0, grads, lr, rho, eps)",
    _rmsprop,
    _rmsprop_cases,
    [
        Misconception(
            _EPS_INSIDE,
            _rmsprop_eps_inside,
            "(8.8): eta / (sqrt(r_t) + eps)",
            label="adapt-rmsprop-update",
        ),
        Misconception(
            "rho and 1 - rho swapped in the average",
            _rmsprop_swapped,
            "(8.7): r_t = rho r_{t-1} + (1 - rho) g_t * g_t",
            label="adapt-rmsprop-r",
        ),
        Misconception(
            "a division by r_t, not by its square root",
            _rmsprop_no_sqrt,
            "(8.8): eta / (sqrt(r_t) + eps)",
            label="adapt-rmsprop-update",
        ),
    ],
    chapter="08",
)

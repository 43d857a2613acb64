r"""Per-coordinate step sizes: AdaGrad's and RMSProp's accumulators, effective rates, rate sweeps.

AdaGrad and RMSProp keep, for every coordinate :math:`j`, an accumulator
:math:`r_{t,j}` of squared gradients and step by

.. math::

    \theta_{t,j} = \theta_{t-1,j} - \tilde\eta_{t,j}\, g_{t,j}, \qquad
    \tilde\eta_{t,j} = \frac{\eta}{\sqrt{r_{t,j}} + \varepsilon},

with :math:`r_t = r_{t-1} + g_t^2` (AdaGrad, a sum) or
:math:`r_t = \rho\, r_{t-1} + (1-\rho)\, g_t^2` (RMSProp, an exponential moving
average), element-wise, from :math:`r_0 = 0`. The optimizers themselves are
:class:`coursekit.optim.Adagrad` and :class:`coursekit.optim.RMSprop` (torch's
iterates); the functions here compute the accumulators and the effective rates
:math:`\tilde\eta_t` of a whole gradient stream at once, for figures and
explorers. Like PyTorch, they put :math:`\varepsilon` outside the root unless
``eps_inside=True``.

:func:`run_rates` runs one optimizer at many learning rates at once (one
parameter group per rate), which is how the lesson tunes each optimizer's rate;
:class:`Logistic` and :func:`sparse_logistic` are its test problem: logistic
regression on features of very different frequency and scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import moments

__all__ = [
    "METHODS",
    "Logistic",
    "RateSweep",
    "adagrad_accumulator",
    "effective_rate",
    "effective_rates",
    "rmsprop_accumulator",
    "run_rates",
    "sparse_logistic",
]

#: the optimizers :func:`effective_rates` knows (the explorer's dropdown)
METHODS = ("SGD", "momentum", "AdaGrad", "RMSProp", "Adam")


def _stream(g) -> np.ndarray:
    g = np.asarray(g, dtype=float)
    if g.ndim == 0 or g.shape[0] == 0:
        raise ValueError(f"g must be a stream of shape (T, ...) with T >= 1, got shape {g.shape}")
    if not np.all(np.isfinite(g)):
        raise ValueError("g contains inf or nan")
    return g


def _positive(name, value, *, allow_zero=False):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be a finite number {'>=' if allow_zero else '>'} 0, got {value!r}")
    return value


def adagrad_accumulator(g, initial=0.0) -> np.ndarray:
    r"""AdaGrad's sum of squared gradients, :math:`r_t = r_0 + \sum_{i=1}^t g_i^2`, for every ``t``.

    ``g`` has shape ``(T, ...)`` (time first); ``out[t-1]`` is :math:`r_t`.
    ``initial`` is :math:`r_0` (PyTorch's ``initial_accumulator_value``).
    """
    g = _stream(g)
    initial = _positive("initial", initial, allow_zero=True)
    return initial + np.cumsum(g * g, axis=0)


def rmsprop_accumulator(g, rho=0.99) -> np.ndarray:
    r"""RMSProp's moving average :math:`r_t = \rho\, r_{t-1} + (1-\rho)\, g_t^2`, :math:`r_0 = 0`.

    ``rho`` is PyTorch's ``alpha``. ``out[t-1]`` is :math:`r_t`; for a
    constant gradient :math:`r_t = (1-\rho^t)\, g^2`.
    """
    g = _stream(g)
    try:
        return moments.ema(g * g, rho)
    except (TypeError, ValueError) as err:
        raise type(err)(str(err).replace("beta", "rho")) from None


def effective_rate(r, lr, eps, *, eps_inside=False) -> np.ndarray:
    r"""The per-coordinate rate :math:`\eta / (\sqrt{r} + \varepsilon)`, or
    :math:`\eta / \sqrt{r + \varepsilon}` with ``eps_inside=True`` (the other convention)."""
    lr = _positive("lr", lr)
    eps = _positive("eps", eps, allow_zero=True)
    r = np.asarray(r, dtype=float)
    if np.any(r < 0):
        raise ValueError("r (an accumulator of squares) must be >= 0")
    with np.errstate(divide="ignore"):
        return lr / np.sqrt(r + eps) if eps_inside else lr / (np.sqrt(r) + eps)


def effective_rates(g, method, lr, *, rho=0.99, betas=(0.9, 0.999), eps=None) -> np.ndarray:
    r"""The rate each coordinate used at each step of a gradient stream ``g`` (shape ``(T, d)``).

    For ``"AdaGrad"`` and ``"RMSProp"`` this is :math:`\eta / (\sqrt{r_t} + \varepsilon)`,
    the factor that multiplies :math:`g_t`; for ``"Adam"`` it is
    :math:`\eta / (\sqrt{\hat v_t} + \varepsilon)`, the factor that multiplies
    :math:`\hat m_t`; for ``"SGD"`` and ``"momentum"`` it is :math:`\eta` in every
    coordinate (momentum's rate multiplies its buffer). ``eps`` defaults to
    PyTorch's: 1e-10 for AdaGrad, 1e-8 otherwise.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    g = _stream(g)
    lr = _positive("lr", lr)
    if eps is None:
        eps = 1e-10 if method == "AdaGrad" else 1e-8
    if method in ("SGD", "momentum"):
        return np.full(g.shape, lr)
    if method == "AdaGrad":
        return effective_rate(adagrad_accumulator(g), lr, eps)
    if method == "RMSProp":
        return effective_rate(rmsprop_accumulator(g, rho), lr, eps)
    v_hat = moments.adam_moments(g, betas).v_hat
    return effective_rate(v_hat, lr, eps)


# ----------------------------------------------------------------------------
# one optimizer at many rates at once
# ----------------------------------------------------------------------------


@dataclass
class RateSweep:
    """The result of :func:`run_rates`: ``losses[k, i]`` is the loss of rate ``lrs[i]``
    after ``steps[k]`` steps (``inf`` once the run diverged, at step
    ``diverged_at[i]``; ``-1`` if it did not); ``theta[i]`` the final iterate."""

    lrs: np.ndarray
    steps: np.ndarray
    losses: np.ndarray
    theta: np.ndarray
    diverged_at: np.ndarray

    @property
    def best(self) -> int:
        """The index of the rate with the lowest final loss (the tuned rate)."""
        final = self.losses[-1]
        if not np.any(np.isfinite(final)):
            raise ValueError("every rate diverged: there is no best rate")
        return int(np.argmin(np.where(np.isfinite(final), final, np.inf)))


def run_rates(
    optimizer,
    grad,
    value,
    theta0,
    lrs,
    steps: int,
    *,
    every: int = 1,
    blowup: float = 1e6,
    **hyper,
) -> RateSweep:
    r"""Run ``optimizer`` from ``theta0`` at every rate in ``lrs`` at once.

    Row ``i`` of an ``(R, d)`` array is the run with rate ``lrs[i]``, in its own
    parameter group of one optimizer (``optimizer(groups, **hyper)``, e.g.
    ``optim.Adagrad``). ``grad(W, k)`` returns the ``(R, d)`` gradients of the
    rows of ``W`` at step ``k = 1, 2, ...`` (the same minibatch for every row,
    if it draws one) and ``value(W)`` their ``(R,)`` losses, recorded every
    ``every`` steps (and after the last). A row whose iterate or gradient stops
    being finite, or whose recorded loss is not finite or exceeds ``blowup``
    times its start (and 1), is reported as diverged at that step and frozen.
    """
    lrs = np.atleast_1d(np.asarray(lrs, dtype=float))
    if lrs.ndim != 1 or not np.all(np.isfinite(lrs)) or np.any(lrs <= 0):
        raise ValueError(f"lrs must be a list of positive rates, got {lrs!r}")
    if isinstance(steps, bool) or int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    if isinstance(every, bool) or int(every) != every or every < 1:
        raise ValueError(f"every must be a positive integer, got {every!r}")
    theta0 = np.asarray(theta0, dtype=float)
    if theta0.ndim != 1:
        raise ValueError(f"theta0 must be one point of shape (d,), got shape {theta0.shape}")
    W = np.tile(theta0, (len(lrs), 1))
    opt = optimizer([{"params": [W[i]], "lr": lr} for i, lr in enumerate(lrs)], **hyper)
    start = np.asarray(value(W), dtype=float)
    limit = blowup * np.maximum(1.0, start)
    alive = np.ones(len(lrs), dtype=bool)
    diverged_at = np.full(len(lrs), -1)
    record, losses = [0], [start.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, int(steps) + 1):
            G = grad(W, k)
            alive &= np.all(np.isfinite(G), axis=1)  # a row whose gradient blew up is out
            diverged_at[(diverged_at < 0) & ~alive] = k
            opt.step([G[i] if alive[i] else None for i in range(len(lrs))])
            bad = alive & ~np.all(np.isfinite(W), axis=1)
            if k % every == 0 or k == steps:  # the loss only where it is recorded
                J = np.asarray(value(W), dtype=float)
                bad |= alive & ~(np.isfinite(J) & (J <= limit))
            diverged_at[bad] = k
            alive &= ~bad
            if k % every == 0 or k == steps:
                record.append(k)
                losses.append(np.where(alive, J, np.inf))
    return RateSweep(lrs, np.array(record), np.array(losses), W, diverged_at)


# ----------------------------------------------------------------------------
# the test problem: logistic regression on sparse, differently scaled features
# ----------------------------------------------------------------------------


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow


class Logistic:
    r"""The mean logistic loss of a linear model with labels :math:`y \in \{0, 1\}`,

    .. math:: J(\theta) = \frac1N \sum_i \bigl(\log(1 + e^{z_i}) - y_i z_i\bigr)
              + \frac{\lambda}{2}\lVert\theta\rVert^2, \qquad z_i = \theta^\top x^{(i)},

    .. math:: \nabla J = \frac1N X^\top (\sigma(X\theta) - y) + \lambda\theta, \qquad
              \nabla^2 J = \frac1N X^\top \operatorname{diag}(\sigma(1-\sigma)) X + \lambda I.

    ``value`` and ``grad`` take one point ``(d,)`` or a stack ``(R, d)``;
    ``grad(theta, rows)`` is the minibatch gradient over the examples ``rows``.
    :meth:`minimizer` finds :math:`\theta^\star` by Newton's method.
    """

    def __init__(self, X, y, l2=0.0):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        if X.ndim != 2 or X.shape[0] == 0:
            raise ValueError(f"X must be an (N, d) matrix with N >= 1, got shape {X.shape}")
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}")
        if not np.all((y == 0) | (y == 1)):
            raise ValueError("y must hold labels 0 and 1")
        self.X, self.y, self.l2 = X, y, _positive("l2", l2, allow_zero=True)
        self.n, self.dim = X.shape

    def _points(self, theta):
        theta = np.asarray(theta, dtype=float)
        if theta.shape[-1:] != (self.dim,) or theta.ndim > 2:
            raise ValueError(f"theta must have shape ({self.dim},) or (R, {self.dim}), got {theta.shape}")
        return theta

    def value(self, theta):
        theta = self._points(theta)
        z = theta @ self.X.T
        data = np.mean(np.logaddexp(0.0, z) - self.y * z, axis=-1)
        return data + 0.5 * self.l2 * np.sum(theta * theta, axis=-1)

    def grad(self, theta, rows=None):
        theta = self._points(theta)
        X, y = (self.X, self.y) if rows is None else (self.X[rows], self.y[rows])
        return (_sigmoid(theta @ X.T) - y) @ X / len(y) + self.l2 * theta

    def hessian(self, theta):
        theta = self._points(theta)
        if theta.ndim != 1:
            raise ValueError("hessian takes one point of shape (d,)")
        s = _sigmoid(self.X @ theta)
        return (self.X.T * (s * (1 - s))) @ self.X / self.n + self.l2 * np.eye(self.dim)

    def minimizer(self, tol=1e-12, max_steps=100) -> np.ndarray:
        """:math:`\\theta^\\star` by Newton's method from 0 (the loss is convex)."""
        theta = np.zeros(self.dim)
        for _ in range(max_steps):
            g = self.grad(theta)
            if np.linalg.norm(g) <= tol:
                return theta
            theta = theta - np.linalg.solve(self.hessian(theta), g)
        raise RuntimeError(
            f"Newton's method did not reach a gradient norm of {tol:g} in "
            f"{max_steps} steps (is the data separable and l2 = 0?)"
        )


def sparse_logistic(n: int, frequencies, scales=None, weight: float = 2.0, seed=0):
    r"""Labelled data whose features differ in how often they are non-zero and in size.

    Feature :math:`j` is non-zero in a fraction ``frequencies[j]`` of the
    examples (independently), where it is ``scales[j]`` times a standard normal.
    The true weights are :math:`\pm`\ ``weight / scales[j]`` (random signs), so
    every feature moves the logit by the same amount when it is present, and
    :math:`y \sim \text{Bernoulli}(\sigma(\theta_{\text{true}}^\top x))`.
    Returns ``(X, y, theta_true)``.
    """
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    freq = np.atleast_1d(np.asarray(frequencies, dtype=float))
    if freq.ndim != 1 or np.any(~(freq > 0) | (freq > 1)):
        raise ValueError(f"frequencies must be a list of numbers in (0, 1], got {frequencies!r}")
    scale = np.ones_like(freq) if scales is None else np.atleast_1d(np.asarray(scales, dtype=float))
    if scale.shape != freq.shape or np.any(~(scale > 0)) or not np.all(np.isfinite(scale)):
        raise ValueError(f"scales must be {len(freq)} positive numbers, got {scales!r}")
    weight = _positive("weight", weight, allow_zero=True)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    n = int(n)
    present = rng.uniform(size=(n, len(freq))) < freq
    X = present * rng.standard_normal((n, len(freq))) * scale
    theta_true = rng.choice([-1.0, 1.0], size=len(freq)) * weight / scale
    y = (rng.uniform(size=n) < _sigmoid(X @ theta_true)).astype(float)
    return X, y, theta_true

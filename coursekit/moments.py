r"""Exponential moving averages and Adam's bias correction, over a whole gradient stream.

Adam keeps two exponential moving averages (EMAs) of the gradients
:math:`g_1, g_2, \dots`, started at zero:

.. math::

    m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad
    v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t \odot g_t, \qquad m_0 = v_0 = 0 .

Unrolled, :math:`m_t = \sum_{i=1}^t (1-\beta)\beta^{t-i} g_i`: a weighted sum
whose weights add up to :math:`1-\beta^t`, not to 1. Dividing by that sum,
:math:`\hat m_t = m_t / (1-\beta_1^t)` and :math:`\hat v_t = v_t / (1-\beta_2^t)`,
turns the sums into weighted *averages* (the bias correction).

The functions here take a whole stream at once, ``g`` of shape ``(T, ...)``
with time along axis 0, and return every ``m_t`` for ``t = 1..T`` (``out[t-1]``
is :math:`m_t`). They are vectorized (the recursion runs in
:func:`scipy.signal.lfilter`), so an explorer can recompute thousands of steps
per slider move. The optimizer itself is :class:`coursekit.optim.Adam`; for a
stream of gradients that do not depend on the parameters,
:func:`adam_step` is exactly the update it makes per unit learning rate.

Two more estimates of means and spreads serve the dropout lesson's Monte-Carlo
check: :func:`running_mean` and :func:`dropout_std`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


def _check_beta(beta, name: str = "beta") -> float:
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.floating, np.integer)):
        raise TypeError(f"{name} must be a number, got {beta!r}")
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {beta!r}")
    return float(beta)


def _check_stream(g) -> np.ndarray:
    g = np.asarray(g, dtype=float)
    if g.ndim == 0 or g.shape[0] == 0:
        raise ValueError(f"g must be a stream of shape (T, ...) with T >= 1, got shape {g.shape}")
    return g


def _steps(T: int, ndim: int) -> np.ndarray:
    """t = 1..T shaped (T, 1, 1, ...) to broadcast against a stream of ``ndim`` dimensions."""
    return np.arange(1, T + 1, dtype=float).reshape((T,) + (1,) * (ndim - 1))


def ema(g, beta: float, m0=0.0) -> np.ndarray:
    r"""The exponential moving average of a stream, every step of it.

    .. math:: m_t = \beta\, m_{t-1} + (1-\beta)\, g_t, \qquad t = 1, \dots, T,

    started from ``m0`` (Adam's :math:`m_0 = v_0 = 0`). ``g`` has shape
    ``(T, ...)``; the result has the same shape and ``out[t-1]`` is :math:`m_t`.
    """
    beta = _check_beta(beta)
    g = _check_stream(g)
    m0 = np.broadcast_to(np.asarray(m0, dtype=float), g.shape[1:])
    from scipy.signal import lfilter  # here, not at the top: scipy.signal is slow to import

    # lfilter computes y[n] = (1-beta) x[n] + beta y[n-1]; its state zi = beta * m0 seeds y[-1] = m0.
    y, _ = lfilter([1.0 - beta], [1.0, -beta], g, axis=0, zi=(beta * m0)[None, ...])
    return y


def ema_weights(beta: float, t: int) -> np.ndarray:
    r"""The weight of each gradient in :math:`m_t` (started at zero):
    ``w[i-1]`` :math:`= (1-\beta)\beta^{t-i}` for :math:`i = 1, \dots, t`.

    They sum to :math:`1-\beta^t` (see :func:`bias_correction`), so
    ``w / bias_correction(beta, t)`` are the weights of the corrected :math:`\hat m_t`,
    which sum to 1.
    """
    beta = _check_beta(beta)
    if isinstance(t, bool) or int(t) != t or t < 1:
        raise ValueError(f"t must be a positive integer, got {t!r}")
    i = np.arange(1, int(t) + 1)
    return (1.0 - beta) * beta ** (int(t) - i)  # (1 - beta) beta^(t - i)


def bias_correction(beta: float, t) -> np.ndarray | float:
    r"""The total weight :math:`1-\beta^t` of an EMA started at zero after ``t`` steps
    (``t`` may be an array). Adam divides :math:`m_t` by it."""
    beta = _check_beta(beta)
    t = np.asarray(t, dtype=float)
    if np.any(t < 1) or np.any(t != np.round(t)):
        raise ValueError(f"t must hold positive integers, got {t!r}")
    out = 1.0 - beta**t  # 1 - beta^t
    return float(out) if out.ndim == 0 else out


def debiased_ema(g, beta: float) -> np.ndarray:
    r""":math:`\hat m_t = m_t / (1-\beta^t)` for every step of the stream ``g`` (shape ``(T, ...)``)."""
    g = _check_stream(g)
    return ema(g, beta) / bias_correction(beta, _steps(g.shape[0], g.ndim))


class Moments(NamedTuple):
    """Adam's four moment estimates over a stream, each of the stream's shape."""

    m: np.ndarray  #: first moment, biased towards 0
    v: np.ndarray  #: second moment, biased towards 0
    m_hat: np.ndarray  #: m / (1 - beta1^t)
    v_hat: np.ndarray  #: v / (1 - beta2^t)


def adam_moments(g, betas=(0.9, 0.999)) -> Moments:
    r"""The moments Adam keeps, for every step of the stream ``g``:

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
        \hat m_t = \frac{m_t}{1-\beta_1^t},\quad \hat v_t = \frac{v_t}{1-\beta_2^t}.
    """
    g = _check_stream(g)
    beta1, beta2 = _check_betas(betas)
    t = _steps(g.shape[0], g.ndim)
    m = ema(g, beta1)  # m_t = b1 m_{t-1} + (1 - b1) g_t
    v = ema(g * g, beta2)  # v_t = b2 v_{t-1} + (1 - b2) g_t^2
    m_hat = m / bias_correction(beta1, t)  # m^_t = m_t / (1 - b1^t)
    v_hat = v / bias_correction(beta2, t)  # v^_t = v_t / (1 - b2^t)
    return Moments(m, v, m_hat, v_hat)


def _check_betas(betas) -> tuple[float, float]:
    try:
        beta1, beta2 = betas
    except (TypeError, ValueError):
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}") from None
    return _check_beta(beta1, "betas[0]"), _check_beta(beta2, "betas[1]")


def adam_step(
    g, betas=(0.9, 0.999), eps: float = 1e-8, *, correct_m: bool = True, correct_v: bool = True
) -> np.ndarray:
    r"""Adam's update per unit learning rate for every step of the stream ``g``:

    .. math:: u_t = \frac{\hat m_t}{\sqrt{\hat v_t} + \varepsilon},
              \qquad \theta_t = \theta_{t-1} - \eta\, u_t ,

    with ``eps`` outside the square root (Kingma & Ba; PyTorch). Setting
    ``correct_m`` or ``correct_v`` to False uses the biased :math:`m_t` or
    :math:`v_t` in its place, to show what the correction does. The gradients
    must not depend on the parameters (a given stream); for that case this is
    exactly what :class:`coursekit.optim.Adam` does, step by step.
    """
    if not np.isfinite(eps) or eps < 0:
        raise ValueError(f"eps must be a finite number >= 0, got {eps!r}")
    mo = adam_moments(g, betas)
    m = mo.m_hat if correct_m else mo.m
    v = mo.v_hat if correct_v else mo.v
    return m / (np.sqrt(v) + eps)  # u_t = m^_t / (sqrt(v^_t) + eps)


def stationary_step(mean, std) -> np.ndarray | float:
    r"""The update per unit rate that Adam's moments point to for a stationary stream
    with :math:`\mathbb{E} g = ` ``mean`` and :math:`\operatorname{sd} g =` ``std``, once
    :math:`\hat m \approx \mathbb{E} g` and :math:`\hat v \approx \mathbb{E} g^2`:

    .. math:: \frac{\mathbb{E} g}{\sqrt{\mathbb{E} g^2}}
              = \frac{\mathbb{E} g}{\sqrt{\operatorname{Var} g + (\mathbb{E} g)^2}}
              = \frac{\operatorname{sign}(\mathbb{E} g)}{\sqrt{1 + 1/\mathrm{SNR}^2}},
              \qquad \mathrm{SNR} = \frac{|\mathbb{E} g|}{\operatorname{sd} g}.

    It is close to 1 in size when the signal dominates and close to the SNR when noise does.
    """
    mean = np.asarray(mean, dtype=float)
    std = np.asarray(std, dtype=float)
    if np.any(std < 0):
        raise ValueError(f"std must be >= 0, got {std!r}")
    if np.any((mean == 0) & (std == 0)):
        raise ValueError("mean and std are both 0: a zero stream has no step")
    out = mean / np.sqrt(std**2 + mean**2)  # E g / sqrt(Var g + (E g)^2)
    return float(out) if out.ndim == 0 else out


def running_mean(x) -> np.ndarray:
    r"""The mean of the first :math:`k` samples, :math:`\bar x_k = \frac1k\sum_{j\le k} x_j`, for
    every :math:`k` (``x`` of shape ``(K, ...)``, samples along axis 0)."""
    x = _check_stream(x)
    return np.cumsum(x, axis=0) / _steps(x.shape[0], x.ndim)  # (x_1 + ... + x_k) / k


def dropout_std(a, p: float) -> np.ndarray | float:
    r"""The standard deviation of an inverted-dropout activation :math:`a\,r/(1-p)`,
    :math:`r\sim\text{Bernoulli}(1-p)`:

    .. math:: \operatorname{Var}\frac{a r}{1-p} = \frac{a^2\,(1-p)\,p}{(1-p)^2} = a^2\frac{p}{1-p},
              \qquad \operatorname{sd} = |a|\sqrt{p/(1-p)} .

    The standard error of the mean of :math:`K` independent masks is this over :math:`\sqrt K`.
    """
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)) or not 0 <= p < 1:
        raise ValueError(f"p must be a number in [0, 1), got {p!r}")
    out = np.abs(np.asarray(a, dtype=float)) * np.sqrt(p / (1.0 - p))  # |a| sqrt(p / (1 - p))
    return float(out) if out.ndim == 0 else out

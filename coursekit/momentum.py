r"""Momentum on quadratics: the 2x2 recurrence, its rates, and the best parameters.

On a quadratic with Hessian eigenvalue :math:`\lambda` the error
:math:`e_k = \theta_k - \theta^\star` along that eigenvector obeys, for
gradient descent with momentum (heavy ball; rate :math:`\eta`, momentum
:math:`\mu`),

.. math:: e_{k+1} = (1 + \mu - \eta\lambda)\, e_k - \mu\, e_{k-1},

and for Nesterov's method (gradient at the look-ahead point)

.. math:: e_{k+1} = (1 - \eta\lambda)\bigl((1 + \mu)\, e_k - \mu\, e_{k-1}\bigr).

Each is a linear map of :math:`(e_k, e_{k-1})` by a 2x2 matrix; its spectral
radius :math:`\rho` is the asymptotic rate, :math:`\|e_k\|^{1/k} \to \rho` (for a
generic start). With ``momentum=0`` both are gradient descent,
:math:`\rho = |1 - \eta\lambda|`.

Every function takes numbers or arrays (broadcast against each other); the
optimizers themselves are :class:`coursekit.optim.SGD` and the reference
forms :func:`coursekit.optim.heavy_ball` and :func:`coursekit.optim.nesterov_lookahead`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .landscapes import Landscape, _as_points

__all__ = [
    "METHODS",
    "CyclingExample",
    "Errors",
    "buffer_form",
    "measured_rate",
    "nesterov_convex_momentum",
    "nesterov_path",
    "nesterov_strongly_convex",
    "optimal_gd",
    "optimal_heavy_ball",
    "quadratic_errors",
    "rate",
    "recurrence_matrix",
    "recurrence_roots",
    "regime",
    "stationary_variance",
    "velocity_form",
    "worst_rate",
]

#: the methods the recurrences cover
METHODS = ("gd", "heavy_ball", "nesterov")


def _method(method):
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return method


def _positive(name, value, allow_zero=False):
    value = np.asarray(value, dtype=float)
    bad = ~np.isfinite(value) | (value < 0 if allow_zero else value <= 0)
    if np.any(bad):
        raise ValueError(f"{name} must be {'non-negative' if allow_zero else 'positive'} and finite, got {value!r}")
    return value


def _momentum(value):
    value = np.asarray(value, dtype=float)
    if np.any(~np.isfinite(value) | (value < 0) | (value >= 1)):
        raise ValueError(f"momentum must be in [0, 1), got {value!r}")
    return value


def _coefficients(lam, lr, momentum, method):
    r"""``(a, c)`` of the recurrence :math:`e_{k+1} = a e_k - c e_{k-1}`."""
    lam = _positive("lam", lam, allow_zero=True)
    lr = _positive("lr", lr)
    mu = _momentum(momentum)
    if _method(method) == "gd":
        mu = np.zeros_like(mu)
    if method == "nesterov":
        shrink = 1 - lr * lam
        return shrink * (1 + mu), shrink * mu
    return 1 + mu - lr * lam, mu + 0 * lam * lr


def recurrence_matrix(lam, lr, momentum, method="heavy_ball"):
    r"""The matrix :math:`M` with :math:`(e_{k+1}, e_k) = M\,(e_k, e_{k-1})`, shape ``(..., 2, 2)``.

    Heavy ball: :math:`M = \begin{pmatrix}1+\mu-\eta\lambda & -\mu\\ 1 & 0\end{pmatrix}`;
    Nesterov: :math:`M = \begin{pmatrix}(1-\eta\lambda)(1+\mu) & -(1-\eta\lambda)\mu\\ 1 & 0\end{pmatrix}`.
    """
    a, c = np.broadcast_arrays(*_coefficients(lam, lr, momentum, method))
    T = np.zeros(a.shape + (2, 2))
    T[..., 0, 0], T[..., 0, 1], T[..., 1, 0] = a, -c, 1.0
    return T


def recurrence_roots(lam, lr, momentum, method="heavy_ball"):
    r"""The eigenvalues of :func:`recurrence_matrix`: the roots of :math:`z^2 - a z + c = 0`,
    complex, shape ``(..., 2)``, the larger modulus first."""
    a, c = np.broadcast_arrays(*_coefficients(lam, lr, momentum, method))
    root = np.sqrt((a * a - 4 * c).astype(complex))
    z = np.stack([(a + root) / 2, (a - root) / 2], axis=-1)
    order = np.argsort(-np.abs(z), axis=-1, kind="stable")
    return np.take_along_axis(z, order, axis=-1)


def rate(lam, lr, momentum, method="heavy_ball"):
    r"""The spectral radius :math:`\rho` of the recurrence (the asymptotic factor per step).

    For heavy ball with complex roots (:math:`(1+\mu-\eta\lambda)^2 < 4\mu`) it is
    exactly :math:`\sqrt{\mu}`; with ``momentum=0`` it is :math:`|1-\eta\lambda|`.
    """
    return np.abs(recurrence_roots(lam, lr, momentum, method)[..., 0])


def worst_rate(eigenvalues, lr, momentum, method="heavy_ball"):
    r"""The rate on a quadratic: the largest :func:`rate` over the Hessian's ``eigenvalues``.

    ``lr`` and ``momentum`` may be arrays (a grid); the eigenvalues are reduced over."""
    lam = np.asarray(eigenvalues, dtype=float)
    if lam.ndim != 1 or lam.size == 0:
        raise ValueError(f"eigenvalues must be a non-empty 1-D array, got shape {lam.shape}")
    lr, momentum = np.broadcast_arrays(np.asarray(lr, float), np.asarray(momentum, float))
    return rate(lam, lr[..., None], momentum[..., None], method).max(axis=-1)


def regime(lam, lr, momentum, method="heavy_ball"):
    """``"under-damped"`` (complex roots: the error oscillates inside a decaying envelope),
    ``"critically damped"`` (a double real root) or ``"over-damped"`` (two real roots);
    a string for scalar input, an array of strings otherwise."""
    a, c = np.broadcast_arrays(*_coefficients(lam, lr, momentum, method))
    disc = a * a - 4 * c
    scale = np.maximum(np.abs(a * a), np.abs(4 * c)) + 1e-300
    out = np.where(
        np.abs(disc) <= 1e-12 * scale,
        "critically damped",
        np.where(disc < 0, "under-damped", "over-damped"),
    )
    return str(out) if out.ndim == 0 else out


def _bounds(lam_min, lam_max):
    lam_min = float(_positive("lam_min", lam_min))
    lam_max = float(_positive("lam_max", lam_max))
    if lam_max < lam_min:
        raise ValueError(f"lam_max must be >= lam_min, got lam_min={lam_min!r}, lam_max={lam_max!r}")
    return lam_min, lam_max


def optimal_gd(lam_min, lam_max):
    r"""The best constant rate of gradient descent on a quadratic with Hessian
    eigenvalues in ``[lam_min, lam_max]``, and its rate:
    :math:`\eta = 2/(\lambda_{\min}+\lambda_{\max})`, :math:`\rho = (\kappa-1)/(\kappa+1)`."""
    m, L = _bounds(lam_min, lam_max)
    kappa = L / m
    return 2.0 / (m + L), (kappa - 1) / (kappa + 1)


def optimal_heavy_ball(lam_min, lam_max):
    r"""Polyak's best heavy-ball parameters for eigenvalues in ``[lam_min, lam_max]``:
    ``(lr, momentum, rate)`` with

    .. math:: \eta = \frac{4}{(\sqrt{\lambda_{\max}}+\sqrt{\lambda_{\min}})^2},\quad
              \mu = \Bigl(\frac{\sqrt\kappa-1}{\sqrt\kappa+1}\Bigr)^2,\quad
              \rho = \frac{\sqrt\kappa-1}{\sqrt\kappa+1}.

    At these values both extreme eigenvalues sit at a double root (critical
    damping) and every eigenvalue in between is under-damped with modulus
    :math:`\sqrt\mu = \rho`; started from a zero buffer, the error obeys
    :math:`\|e_k\| \le (2k+1)\rho^k\|e_0\|`. No pair gives a smaller spectral
    radius at both ``lam_min`` and ``lam_max`` (Polyak, 1964)."""
    m, L = _bounds(lam_min, lam_max)
    sk = np.sqrt(L / m)
    rho = (sk - 1) / (sk + 1)
    return 4.0 / (np.sqrt(L) + np.sqrt(m)) ** 2, rho**2, rho


def nesterov_strongly_convex(lam_min, lam_max):
    r"""Nesterov's constant parameters for an :math:`L`-smooth, :math:`m`-strongly convex
    function (``lam_min`` = m, ``lam_max`` = L): ``(lr, momentum, factor)`` with
    :math:`\eta = 1/L`, :math:`\mu = (\sqrt\kappa-1)/(\sqrt\kappa+1)` and the factor
    :math:`1 - 1/\sqrt\kappa` of his bound
    :math:`J(\theta_k)-J^\star \le (1-1/\sqrt\kappa)^k\,(J(\theta_0)-J^\star+\frac m2\|\theta_0-\theta^\star\|^2)`."""
    m, L = _bounds(lam_min, lam_max)
    sk = np.sqrt(L / m)
    return 1.0 / L, (sk - 1) / (sk + 1), 1 - 1 / sk


def nesterov_convex_momentum(steps):
    r"""The momentum coefficients :math:`\mu_0, \dots, \mu_{steps-1}` of Nesterov's method for
    smooth convex functions, in the form of Beck and Teboulle (FISTA without a proximal
    term): :math:`\mu_0 = 0` (unused, no previous step) and
    :math:`\mu_k = (t_k - 1)/t_{k+1}` with :math:`t_1 = 1`,
    :math:`t_{k+1} = (1 + \sqrt{1 + 4t_k^2})/2`. So :math:`\mu_1 = 0` and
    :math:`\mu_k \approx (k-1)/(k+2)`. Use with :func:`nesterov_path` and ``lr = 1/L``."""
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    t = np.ones(int(steps) + 2)  # t[k] is t_k; t[0] is a placeholder
    for k in range(1, int(steps) + 1):
        t[k + 1] = (1 + np.sqrt(1 + 4 * t[k] ** 2)) / 2
    mu = (t[:-1] - 1) / t[1:]
    mu[0] = 0.0
    return mu[: int(steps)]


def nesterov_path(grad, theta0, lr, momenta):
    r"""Nesterov's method with a momentum coefficient per step; returns :math:`\theta_0..\theta_K`:

    .. math:: y_k = \theta_k + \mu_k(\theta_k - \theta_{k-1}), \qquad
              \theta_{k+1} = y_k - \eta\,\nabla J(y_k), \qquad \theta_{-1} = \theta_0.

    With a constant :math:`\mu` it is :func:`coursekit.optim.nesterov_lookahead`."""
    lr = float(_positive("lr", lr))
    momenta = _momentum(np.atleast_1d(momenta))
    theta = prev = np.array(theta0, dtype=float)
    path = [theta]
    for mu in momenta:
        y = theta + mu * (theta - prev)  # y_k = theta_k + mu_k (theta_k - theta_{k-1})
        theta, prev = (
            y - lr * grad(y),
            theta,
        )  # theta_{k+1} = y_k - eta grad J(y_k)
        path.append(theta)
    return np.array(path)


def stationary_variance(lam, lr, momentum, noise):
    r"""The variance heavy ball settles at on :math:`J = \frac\lambda2\theta^2` when each
    gradient carries independent noise of standard deviation ``noise`` (:math:`\sigma`):

    .. math:: \operatorname{Var}\theta_\infty = \frac{\eta\,\sigma^2\,(1+\mu)}
              {\lambda\,(1-\mu)\,\bigl(2(1+\mu) - \eta\lambda\bigr)}

    (``momentum=0``: :math:`\eta\sigma^2/(\lambda(2-\eta\lambda))`). Needs a stable
    recurrence, :math:`0 < \eta\lambda < 2(1+\mu)`."""
    lam, lr = _positive("lam", lam), _positive("lr", lr)
    mu = _momentum(momentum)
    noise = _positive("noise", noise, allow_zero=True)
    if np.any(lr * lam >= 2 * (1 + mu)):
        raise ValueError("the recurrence is unstable (lr * lam >= 2 (1 + momentum)): there is no stationary variance")
    return lr * noise**2 * (1 + mu) / (lam * (1 - mu) * (2 * (1 + mu) - lr * lam))


@dataclass
class Errors:
    """Error paths of :func:`quadratic_errors`: ``errors[k]`` is :math:`\\theta_k - \\theta^\\star`
    in the Hessian's eigenbasis (shape ``(steps+1, d)``), ``diverged_at`` the step where
    it left ``blowup`` (None if it did not); a diverged path keeps only its finite part."""

    errors: np.ndarray
    diverged_at: int | None = None

    @property
    def norms(self) -> np.ndarray:
        return np.linalg.norm(self.errors, axis=-1)

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


def quadratic_errors(eigenvalues, e0, lr, momentum, steps, method="heavy_ball", blowup=1e6):
    r"""Run gradient descent, heavy ball or Nesterov on :math:`J = \frac12 e^\top \operatorname{diag}(\lambda) e`
    from error ``e0`` (in the eigenbasis), with :math:`e_{-1} = e_0`; returns :class:`Errors`.

    For ``"gd"`` and ``"heavy_ball"`` these are the iterates of ``optim.SGD(lr, momentum)``
    on the rotated quadratic (rotate back with the eigenvectors); for ``"nesterov"``
    those of :func:`coursekit.optim.nesterov_lookahead` (``SGD(nesterov=True)`` stores
    the look-ahead points :math:`\theta_k + \mu(\theta_k - \theta_{k-1})` instead).
    No optimizer overhead, for explorers. A run whose error norm passes ``blowup``
    times its start is diverged."""
    lam = _positive("eigenvalues", eigenvalues, allow_zero=True)
    e = np.array(e0, dtype=float)
    if lam.ndim != 1 or e.shape != lam.shape:
        raise ValueError(f"e0 must have the shape of eigenvalues {lam.shape}, got {e.shape}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    a, c = _coefficients(lam, lr, momentum, method)
    out = np.empty((int(steps) + 1, lam.size))
    out[0] = e
    prev, limit = e, blowup * max(np.linalg.norm(e), 1e-300)
    for k in range(1, int(steps) + 1):
        e, prev = a * e - c * prev, e
        if not np.linalg.norm(e) <= limit:  # also catches nan
            return Errors(out[:k].copy(), diverged_at=k)
        out[k] = e
    return Errors(out)


def measured_rate(norms, floor=1e-12):
    r"""The measured rate per step at the end of an error-norm curve.

    The curve is first cut where it falls below ``floor`` times its start (round-off
    territory; a curve that reaches exactly zero gives 0). Of what is left, the third
    and fourth quarters each give their largest value :math:`\|e_i\|`, :math:`\|e_j\|`,
    and the rate is :math:`(\|e_j\|/\|e_i\|)^{1/(j-i)}`: for a monotone decay the
    ratio over a quarter of the run, for an oscillating error (complex roots) the
    slope of its envelope through two of its peaks."""
    norms = np.asarray(norms, dtype=float)
    if norms.ndim != 1 or len(norms) < 5:
        raise ValueError(f"norms must be a 1-D curve of at least 5 entries, got shape {norms.shape}")
    if not norms[0] > 0:
        raise ValueError(f"norms must start positive, got {norms[0]!r}")
    below = np.flatnonzero(norms < floor * norms[0])
    K = len(norms) - 1 if below.size == 0 else int(below[0])
    if K < 4:
        return float((norms[K] / norms[0]) ** (1.0 / K)) if K > 0 else 0.0
    q = K // 4
    third, fourth = norms[K - 2 * q : K - q], norms[K - q : K + 1]
    i, j = K - 2 * q + int(np.argmax(third)), K - q + int(np.argmax(fourth))
    if norms[j] <= 0:
        return 0.0
    return float((norms[j] / norms[i]) ** (1.0 / (j - i)))


def _run_form(grad, theta0, lrs, momentum, velocity):
    theta = np.array(theta0, dtype=float)
    lrs = np.asarray(lrs, dtype=float)
    if lrs.ndim != 1 or np.any(~np.isfinite(lrs) | (lrs <= 0)):
        raise ValueError(f"lrs must be a 1-D array of positive rates, got {lrs!r}")
    mu = float(_momentum(momentum))
    path, state = [theta.copy()], np.zeros_like(theta)
    for eta in lrs:
        g = grad(theta)
        if velocity:
            state = mu * state - eta * g  # v <- beta v - alpha g   (alpha = eta_k, beta = mu)
            theta = theta + state  # theta <- theta + v
        else:
            state = mu * state + g  # m <- mu m + g
            theta = theta - eta * state  # theta <- theta - eta m
        path.append(theta.copy())
    return np.array(path)


def velocity_form(grad, theta0, lrs, momentum):
    r"""Momentum as a velocity, :math:`v \leftarrow \mu v - \eta_k g,\ \theta \leftarrow \theta + v`
    (:math:`v_0 = 0`), with the rate ``lrs[k]`` at step ``k``; returns the iterates.
    Each gradient enters scaled by the rate *of its own step*."""
    return _run_form(grad, theta0, lrs, momentum, velocity=True)


def buffer_form(grad, theta0, lrs, momentum):
    r"""Momentum as a buffer (torch), :math:`m \leftarrow \mu m + g,\ \theta \leftarrow \theta - \eta_k m`
    (:math:`m_0 = 0`, so :math:`m_1 = g_1` as in torch); returns the iterates. The whole
    buffer, old gradients included, is scaled by the *current* rate."""
    return _run_form(grad, theta0, lrs, momentum, velocity=False)


class CyclingExample(Landscape):
    r"""A one-dimensional strongly convex function on which heavy ball with Polyak's
    parameters for its curvature bounds (1 and 25) does not converge (Lessard, Recht
    and Packard, 2016, section 4.6):

    .. math:: J(\theta) = \begin{cases} \frac{25}{2}\theta^2 & \theta < 1\\
              \frac12\theta^2 + 24\theta - 12 & 1 \le \theta < 2\\
              \frac{25}{2}\theta^2 - 24\theta + 36 & \theta \ge 2 \end{cases}

    :math:`J` is continuously differentiable with :math:`1 \le J'' \le 25` where it is
    twice differentiable (so it is 1-strongly convex with a 25-Lipschitz gradient);
    its minimum is 0 at 0."""

    dim = 1
    minimizer = np.zeros(1)
    lam_min, lam_max = 1.0, 25.0

    def value(self, theta):
        x = _as_points(theta, 1)[..., 0]
        return np.where(
            x < 1,
            12.5 * x**2,
            np.where(x < 2, 0.5 * x**2 + 24 * x - 12, 12.5 * x**2 - 24 * x + 36),
        )

    def grad(self, theta):
        x = _as_points(theta, 1)
        return np.where(x < 1, 25 * x, np.where(x < 2, x + 24, 25 * x - 24))

    def hessian(self, theta):
        x = _as_points(theta, 1)
        return np.where(x < 1, 25.0, np.where(x < 2, 1.0, 25.0))[..., None]

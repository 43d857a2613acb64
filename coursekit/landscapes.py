r"""Test functions with gradients and Hessians, and gradient descent over them.

A :class:`Landscape` is a function :math:`J:\mathbb{R}^d\to\mathbb{R}`. Its
``value`` and ``grad`` accept a single point of shape ``(d,)`` or a stack of
points of shape ``(..., d)``, so a lesson can evaluate a whole contour grid in
one call.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _as_points(theta, dim: int, name: str = "theta") -> np.ndarray:
    theta = np.asarray(theta, dtype=float)
    if theta.shape[-1:] != (dim,):
        raise ValueError(f"{name} must have last dimension {dim}, got shape {theta.shape}")
    return theta


class Landscape:
    """A differentiable objective. Subclasses define ``value``, ``grad`` and ``hessian``."""

    dim: int
    #: a known minimizer, where there is one
    minimizer: np.ndarray | None = None

    def value(self, theta):
        raise NotImplementedError

    def grad(self, theta):
        raise NotImplementedError

    def hessian(self, theta):
        raise NotImplementedError

    def __call__(self, theta):
        return self.value(theta)

    @property
    def minimum(self) -> float | None:
        """The least value, where the minimizer is known."""
        return None if self.minimizer is None else float(self.value(self.minimizer))


class LeastSquares(Landscape):
    r"""The mean squared error of a linear model,

    .. math:: J(\theta) = \frac1N \sum_{i=1}^N \bigl(y^{(i)} - \theta^\top x^{(i)}\bigr)^2,
    \qquad \nabla J(\theta) = \frac2N X^\top (X\theta - y),
    \qquad \nabla^2 J = \frac2N X^\top X.

    ``X`` is ``(N, d)``; add a column of ones to ``X`` for an intercept.
    """

    def __init__(self, X, y):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        if X.ndim != 2 or X.shape[0] == 0:
            raise ValueError(f"X must be a non-empty (N, d) array, got shape {X.shape}")
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
        self.X, self.y = X, y
        self.n, self.dim = X.shape
        self.minimizer = np.linalg.lstsq(X, y, rcond=None)[0]

    def residuals(self, theta):
        theta = _as_points(theta, self.dim)
        return theta @ self.X.T - self.y  # (..., N): prediction minus target

    def value(self, theta):
        r = self.residuals(theta)
        return np.mean(r**2, axis=-1)

    def grad(self, theta):
        return 2.0 / self.n * self.residuals(theta) @ self.X

    def hessian(self, theta=None):
        return 2.0 / self.n * self.X.T @ self.X

    def max_stable_lr(self) -> float:
        """Gradient descent on a quadratic converges iff lr < 2 / (largest Hessian eigenvalue)."""
        return 2.0 / np.linalg.eigvalsh(self.hessian()).max()


@dataclass
class Trajectory:
    """The iterates of an optimizer run and what happened to them.

    ``path[k]`` is the iterate after ``k`` steps and ``losses[k]`` its value; a
    run that diverged stops at the last finite iterate and records the step.
    """

    path: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    diverged_at: int | None = None
    converged_at: int | None = None
    reason: str = field(default="ran all steps")

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def steps(self) -> int:
        return len(self.path) - 1

    def __repr__(self):
        return (f"Trajectory(steps={self.steps}, final loss={self.losses[-1]:.6g}, "
                f"{self.reason})")


def gradient_descent(landscape: Landscape, theta0, lr: float, steps: int, *,
                     grad_tol: float | None = None, loss_tol: float | None = None,
                     blowup: float = 1e8) -> Trajectory:
    r"""Plain gradient descent, :math:`\theta \leftarrow \theta - \eta \nabla J(\theta)`.

    Stops early when :math:`\|\nabla J\|_2 \le` ``grad_tol`` or when one step
    lowers the loss by less than ``loss_tol``. A run whose loss stops being
    finite, or grows past ``blowup`` times its start (and past 1), is reported
    as diverged at that step; its path keeps only the finite iterates before it.
    """
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a positive finite number, got {lr!r}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    theta = _as_points(theta0, landscape.dim, "theta0").astype(float).copy()
    if theta.ndim != 1:
        raise ValueError(f"theta0 must be one point of shape ({landscape.dim},), got {theta.shape}")
    limit = blowup * max(1.0, float(landscape.value(theta)))
    path, losses, norms = [theta.copy()], [float(landscape.value(theta))], []
    result = dict(diverged_at=None, converged_at=None, reason="ran all steps")
    for k in range(1, int(steps) + 1):
        g = landscape.grad(theta)
        norms.append(float(np.linalg.norm(g)))
        if grad_tol is not None and norms[-1] <= grad_tol:
            result.update(converged_at=k - 1, reason=f"converged at step {k - 1}: gradient norm {norms[-1]:.2e} <= {grad_tol:g}")
            break
        theta = theta - lr * g
        loss = float(landscape.value(theta))
        if not (np.isfinite(loss) and np.all(np.isfinite(theta))) or loss > limit:
            result.update(diverged_at=k, reason=f"diverged at step {k}")
            break
        path.append(theta.copy())
        losses.append(loss)
        if loss_tol is not None and losses[-2] - loss < loss_tol:
            result.update(converged_at=k, reason=f"converged at step {k}: loss fell by {losses[-2] - loss:.2e} < {loss_tol:g}")
            break
    return Trajectory(np.array(path), np.array(losses), np.array(norms), **result)

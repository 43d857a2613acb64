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
    #: the learning rate each step used (filled by :func:`run`)
    lrs: np.ndarray | None = None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def steps(self) -> int:
        return len(self.path) - 1

    def __repr__(self):
        return f"Trajectory(steps={self.steps}, final loss={self.losses[-1]:.6g}, {self.reason})"


def gradient_descent(
    landscape: Landscape,
    theta0,
    lr: float,
    steps: int,
    *,
    grad_tol: float | None = None,
    loss_tol: float | None = None,
    blowup: float = 1e8,
) -> Trajectory:
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
            result.update(
                converged_at=k - 1, reason=f"converged at step {k - 1}: gradient norm {norms[-1]:.2e} <= {grad_tol:g}"
            )
            break
        theta = theta - lr * g
        loss = float(landscape.value(theta))
        if not (np.isfinite(loss) and np.all(np.isfinite(theta))) or loss > limit:
            result.update(diverged_at=k, reason=f"diverged at step {k}")
            break
        path.append(theta.copy())
        losses.append(loss)
        if loss_tol is not None and losses[-2] - loss < loss_tol:
            result.update(
                converged_at=k, reason=f"converged at step {k}: loss fell by {losses[-2] - loss:.2e} < {loss_tol:g}"
            )
            break
    return Trajectory(np.array(path), np.array(losses), np.array(norms), **result)


# ----------------------------------------------------------------------------
# test functions for the optimizer lessons
# ----------------------------------------------------------------------------


class Quadratic(Landscape):
    r"""A quadratic bowl :math:`J(\theta) = \frac12 (\theta - c)^\top A (\theta - c)`.

    .. math:: \nabla J = A(\theta - c), \qquad \nabla^2 J = A.

    ``A`` must be symmetric. :meth:`with_condition_number` builds the bowls of
    the lessons: eigenvalues from ``lam_min`` to ``kappa * lam_min``, axes
    turned by ``angle``. Gradient descent converges on it iff
    ``lr < max_stable_lr``; the best constant rate is ``2 / (lam_min + lam_max)``.
    """

    def __init__(self, A, center=None):
        A = np.atleast_2d(np.asarray(A, dtype=float))
        if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
            raise ValueError(f"A must be a square (d, d) matrix, got shape {A.shape}")
        if not np.all(np.isfinite(A)) or not np.allclose(A, A.T, rtol=1e-12, atol=1e-14):
            raise ValueError("A must be a finite symmetric matrix")
        self.A = (A + A.T) / 2
        self.dim = A.shape[0]
        self.center = np.zeros(self.dim) if center is None else _as_points(center, self.dim, "center").copy()
        if self.center.shape != (self.dim,):
            raise ValueError(f"center must have shape ({self.dim},), got {self.center.shape}")
        self.eigenvalues = np.linalg.eigvalsh(self.A)
        self.minimizer = self.center.copy() if self.eigenvalues[0] > 0 else None

    @classmethod
    def with_condition_number(cls, kappa, dim=2, angle=0.0, lam_min=1.0, center=None):
        """Eigenvalues ``lam_min ... kappa*lam_min`` (geometrically spaced), axes turned by ``angle`` radians."""
        if not np.isfinite(kappa) or kappa < 1:
            raise ValueError(f"kappa (the condition number) must be >= 1, got {kappa!r}")
        if not np.isfinite(lam_min) or lam_min <= 0:
            raise ValueError(f"lam_min must be positive, got {lam_min!r}")
        if int(dim) != dim or dim < 1:
            raise ValueError(f"dim must be a positive integer, got {dim!r}")
        dim = int(dim)
        lam = np.geomspace(lam_min, kappa * lam_min, dim)
        Q = np.eye(dim)
        if dim >= 2:
            c, s = np.cos(angle), np.sin(angle)
            Q[:2, :2] = [[c, -s], [s, c]]
        return cls(Q @ np.diag(lam) @ Q.T, center)

    @property
    def condition_number(self) -> float:
        return float(self.eigenvalues[-1] / self.eigenvalues[0])

    def value(self, theta):
        d = _as_points(theta, self.dim) - self.center
        return 0.5 * np.einsum("...i,ij,...j->...", d, self.A, d)

    def grad(self, theta):
        return (_as_points(theta, self.dim) - self.center) @ self.A

    def hessian(self, theta=None):
        if theta is None:
            return self.A.copy()
        theta = _as_points(theta, self.dim)
        return np.broadcast_to(self.A, theta.shape[:-1] + (self.dim, self.dim)).copy()

    def max_stable_lr(self) -> float:
        """Gradient descent converges iff lr < 2 / lam_max."""
        return 2.0 / self.eigenvalues[-1]


class Rosenbrock(Landscape):
    r"""Rosenbrock's banana valley, chained over ``dim`` coordinates:

    .. math:: J(\theta) = \sum_{i=1}^{d-1} b\,(\theta_{i+1} - \theta_i^2)^2 + (a - \theta_i)^2.

    For ``dim=2`` the minimizer is :math:`(a, a^2)`; with ``a=1`` it is all ones.
    The classic start is :math:`(-1.2, 1)`.
    """

    def __init__(self, a=1.0, b=100.0, dim=2):
        if int(dim) != dim or dim < 2:
            raise ValueError(f"dim must be an integer >= 2, got {dim!r}")
        if not (np.isfinite(a) and np.isfinite(b)) or b <= 0:
            raise ValueError(f"a must be finite and b positive, got a={a!r}, b={b!r}")
        self.a, self.b, self.dim = float(a), float(b), int(dim)
        if self.dim == 2:
            self.minimizer = np.array([self.a, self.a**2])
        elif self.a == 1.0:
            self.minimizer = np.ones(self.dim)

    def value(self, theta):
        x = _as_points(theta, self.dim)
        head, tail = x[..., :-1], x[..., 1:]
        return np.sum(self.b * (tail - head**2) ** 2 + (self.a - head) ** 2, axis=-1)

    def grad(self, theta):
        x = _as_points(theta, self.dim)
        head, tail = x[..., :-1], x[..., 1:]
        inner = tail - head**2
        g = np.zeros_like(x)
        g[..., :-1] += -4 * self.b * head * inner - 2 * (self.a - head)
        g[..., 1:] += 2 * self.b * inner
        return g

    def hessian(self, theta):
        x = _as_points(theta, self.dim)
        head, tail = x[..., :-1], x[..., 1:]
        H = np.zeros(x.shape + (self.dim,))
        i = np.arange(self.dim - 1)
        H[..., i, i] += 12 * self.b * head**2 - 4 * self.b * tail + 2
        H[..., i + 1, i + 1] += 2 * self.b
        H[..., i, i + 1] = H[..., i + 1, i] = -4 * self.b * head
        return H


class Beale(Landscape):
    r"""Beale's function, with steep walls and flat valleys; minimum 0 at :math:`(3, 0.5)`.

    .. math:: J(x, y) = \sum_{k=1}^{3} \bigl(c_k - x + x y^k\bigr)^2, \qquad c = (1.5,\ 2.25,\ 2.625).
    """

    dim = 2
    c = np.array([1.5, 2.25, 2.625])
    minimizer = np.array([3.0, 0.5])

    def _parts(self, theta):
        x, y = np.moveaxis(_as_points(theta, 2), -1, 0)
        k = np.arange(1, 4)
        x, y = x[..., None], y[..., None]
        u = self.c - x + x * y**k  # residuals u_k
        ux, uy = y**k - 1, k * x * y ** (k - 1)  # their partial derivatives
        uxy, uyy = k * y ** (k - 1), k * (k - 1) * x * y ** np.maximum(k - 2, 0)
        return u, ux, uy, uxy, uyy

    def value(self, theta):
        return np.sum(self._parts(theta)[0] ** 2, axis=-1)

    def grad(self, theta):
        u, ux, uy, _, _ = self._parts(theta)
        return np.stack([np.sum(2 * u * ux, -1), np.sum(2 * u * uy, -1)], axis=-1)

    def hessian(self, theta):
        u, ux, uy, uxy, uyy = self._parts(theta)
        hxx = np.sum(2 * ux * ux, -1)
        hxy = np.sum(2 * (ux * uy + u * uxy), -1)
        hyy = np.sum(2 * (uy * uy + u * uyy), -1)
        return np.stack([np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], -2)


class Saddle(Landscape):
    r"""A saddle between two minima: :math:`J(x, y) = \frac12 x^2 + \frac14 y^4 - \frac12 y^2`.

    The origin is a saddle point (Hessian :math:`\mathrm{diag}(1, -1)`); the
    minima are :math:`(0, \pm 1)` with :math:`J = -1/4`. Gradient descent
    started on the line :math:`y = 0` never leaves it; a little noise or
    momentum does.
    """

    dim = 2
    saddle_point = np.zeros(2)
    minimizer = np.array([0.0, 1.0])

    def value(self, theta):
        x, y = np.moveaxis(_as_points(theta, 2), -1, 0)
        return 0.5 * x**2 + 0.25 * y**4 - 0.5 * y**2

    def grad(self, theta):
        x, y = np.moveaxis(_as_points(theta, 2), -1, 0)
        return np.stack([x, y**3 - y], axis=-1)

    def hessian(self, theta):
        x, y = np.moveaxis(_as_points(theta, 2), -1, 0)
        zero = np.zeros_like(x)
        return np.stack([np.stack([np.ones_like(x), zero], -1), np.stack([zero, 3 * y**2 - 1], -1)], -2)


class Noisy(Landscape):
    r"""A landscape whose gradient comes with seeded Gaussian noise: :math:`\tilde g = \nabla J(\theta) + \sigma \xi`.

    :math:`\xi \sim \mathcal N(0, I)`, fresh at every call, from
    ``np.random.default_rng(seed)``; :meth:`reseed` restarts the stream. The
    value and the Hessian are the noiseless ones (the loss we care about), so
    a stochastic-gradient run is judged on the true objective.
    """

    def __init__(self, landscape: Landscape, noise=0.1, seed=0):
        if not np.isfinite(noise) or noise < 0:
            raise ValueError(f"noise must be a non-negative number, got {noise!r}")
        self.landscape, self.noise, self.seed = landscape, float(noise), seed
        self.dim, self.minimizer = landscape.dim, landscape.minimizer
        self.reseed(seed)

    def reseed(self, seed=None):
        self.rng = np.random.default_rng(self.seed if seed is None else seed)

    def value(self, theta):
        return self.landscape.value(theta)

    def grad(self, theta):
        g = self.landscape.grad(theta)
        return g + self.noise * self.rng.standard_normal(np.shape(g))

    def hessian(self, theta):
        return self.landscape.hessian(theta)


def run(
    optimizer,
    landscape: Landscape,
    x0,
    steps: int,
    schedule=None,
    *,
    grad_tol: float | None = None,
    blowup: float = 1e8,
    **hyper,
) -> Trajectory:
    r"""Run any coursekit optimizer (and schedule) on a landscape; return its :class:`Trajectory`.

    ``optimizer`` is a class or a factory called as ``optimizer([theta], **hyper)``,
    e.g. ``run(optim.Adam, Rosenbrock(), [-1.2, 1], 200, lr=0.05)``. ``schedule``
    is a closed-form schedule (step ``k`` uses ``schedule(k)``) or a
    ``ReduceLROnPlateau`` (fed the loss after each step). L-BFGS takes one
    iteration (one line search) per step. Stops when the gradient norm falls to
    ``grad_tol``; a run whose iterate or loss stops being finite, or whose loss
    grows past ``blowup`` times its start (and past 1), ends with
    ``diverged_at=k`` and reason ``"diverged at step k"``, keeping only the
    finite iterates. ``traj.lrs[k]`` is the rate step ``k+1`` used.
    """
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    theta = _as_points(x0, landscape.dim, "x0").astype(float).copy()
    if theta.ndim != 1:
        raise ValueError(f"x0 must be one point of shape ({landscape.dim},), got {theta.shape}")
    opt = optimizer([theta], **hyper)
    closure_based = getattr(opt, "needs_closure", False)
    if closure_based and "max_iter" not in hyper:
        opt.param_groups[0]["max_iter"] = 1  # one L-BFGS iteration per step
        opt.param_groups[0]["max_eval"] = hyper.get("max_eval", 25)
    plateau = schedule is not None and not callable(schedule) and hasattr(schedule, "step")
    if plateau:
        for group in opt.param_groups:
            group["lr"] = schedule.lr
    limit = blowup * max(1.0, float(landscape.value(theta)))
    path, losses, norms, lrs = [theta.copy()], [float(landscape.value(theta))], [], []
    info = dict(diverged_at=None, converged_at=None, reason="ran all steps")

    def closure():
        return landscape.value(theta), [landscape.grad(theta)]

    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, int(steps) + 1):
            if schedule is not None and not plateau:
                rate = float(schedule(k - 1))
                for group in opt.param_groups:
                    group["lr"] = rate
            lrs.append(opt.param_groups[0]["lr"])
            g = landscape.grad(theta)
            norms.append(float(np.linalg.norm(g)))
            if grad_tol is not None and norms[-1] <= grad_tol:
                info.update(
                    converged_at=k - 1,
                    reason=f"converged at step {k - 1}: gradient norm {norms[-1]:.2e} <= {grad_tol:g}",
                )
                lrs.pop()
                break
            try:
                if closure_based:
                    opt.step(closure)
                else:
                    opt.step([g])
                loss = float(landscape.value(theta))
            except FloatingPointError:
                loss = np.nan
            if not (np.isfinite(loss) and np.all(np.isfinite(theta))) or loss > limit:
                info.update(diverged_at=k, reason=f"diverged at step {k}")
                break
            path.append(theta.copy())
            losses.append(loss)
            if plateau:
                rate = schedule.step(loss)
                for group in opt.param_groups:
                    group["lr"] = rate
    return Trajectory(np.array(path), np.array(losses), np.array(norms), lrs=np.array(lrs), **info)


class SoftmaxRegression(Landscape):
    r"""Multinomial logistic regression with an :math:`L_2` penalty, as a landscape:

    .. math:: J(\theta) = \frac1N \sum_{i=1}^N -\log \operatorname{softmax}(W \tilde x^{(i)})_{y^{(i)}}
              + \frac{\lambda}{2}\lVert\theta\rVert^2,

    with :math:`\tilde x = (x, 1)` (a bias per class) and :math:`\theta` the
    ``(classes, features + 1)`` matrix :math:`W` flattened row by row. The
    gradient is :math:`\frac1N (P - Y)^\top \tilde X + \lambda W`, with
    :math:`P` the predicted probabilities and :math:`Y` the one-hot labels.
    ``X`` is ``(N, features)``, ``y`` integer labels ``0 .. classes-1``.
    """

    def __init__(self, X, y, lam=0.0, classes=None):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        if X.ndim != 2 or X.shape[0] == 0:
            raise ValueError(f"X must be a non-empty (N, features) array, got shape {X.shape}")
        if y.shape != (X.shape[0],) or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"y must be {X.shape[0]} integer labels, got shape {y.shape}, dtype {y.dtype}")
        if not np.isfinite(lam) or lam < 0:
            raise ValueError(f"lam must be a non-negative number, got {lam!r}")
        self.classes = int(y.max()) + 1 if classes is None else int(classes)
        if y.min() < 0 or y.max() >= self.classes:
            raise ValueError(f"y must lie in 0..{self.classes - 1}, got {y.min()}..{y.max()}")
        self.X1 = np.c_[X, np.ones(len(X))]
        self.y, self.lam, self.n = y, float(lam), len(X)
        self.Y = np.eye(self.classes)[y]
        self.shape = (self.classes, self.X1.shape[1])
        self.dim = self.classes * self.X1.shape[1]

    def _logits(self, theta):
        W = _as_points(theta, self.dim).reshape(np.shape(theta)[:-1] + self.shape)
        return W, self.X1 @ np.swapaxes(W, -1, -2)  # (..., N, classes)

    def value(self, theta):
        W, z = self._logits(theta)
        zmax = z.max(axis=-1, keepdims=True)
        logsumexp = zmax[..., 0] + np.log(np.exp(z - zmax).sum(axis=-1))
        nll = np.mean(logsumexp - np.sum(z * self.Y, axis=-1), axis=-1)
        return nll + 0.5 * self.lam * np.sum(W**2, axis=(-2, -1))

    def probabilities(self, theta):
        _, z = self._logits(theta)
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def grad(self, theta):
        W, _ = self._logits(theta)
        P = self.probabilities(theta)
        G = np.swapaxes(P - self.Y, -1, -2) @ self.X1 / self.n + self.lam * W
        return G.reshape(np.shape(theta))

    def accuracy(self, theta):
        return float(np.mean(self.probabilities(theta).argmax(axis=-1) == self.y))


class SmoothAbs(Landscape):
    r"""A smooth absolute value, summed over coordinates:
    :math:`J(\theta) = \sum_i \bigl(\sqrt{1 + \theta_i^2} - 1\bigr)`.

    Strictly convex with minimizer 0, :math:`\nabla J = \theta/\sqrt{1+\theta^2}`
    and a diagonal Hessian :math:`(1+\theta_i^2)^{-3/2}` (element-wise), which
    vanishes far from 0. A full Newton step maps each coordinate to
    :math:`-\theta_i^3`: it converges from :math:`|\theta_i| < 1` and diverges
    from :math:`|\theta_i| > 1`.
    """

    def __init__(self, dim=1):
        if int(dim) != dim or dim < 1:
            raise ValueError(f"dim must be a positive integer, got {dim!r}")
        self.dim = int(dim)
        self.minimizer = np.zeros(self.dim)

    def value(self, theta):
        x = _as_points(theta, self.dim)
        return np.sum(x**2 / (np.sqrt(1 + x**2) + 1), axis=-1)  # no cancellation near 0

    def grad(self, theta):
        x = _as_points(theta, self.dim)
        return x / np.sqrt(1 + x**2)

    def hessian(self, theta):
        x = _as_points(theta, self.dim)
        return (1 + x**2)[..., None] ** -1.5 * np.eye(self.dim)

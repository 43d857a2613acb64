r"""Second-order methods: Newton's method, line searches and L-BFGS (chapter 11).

Newton's method needs the Hessian :math:`H = \nabla^2 J(\theta)`: :math:`O(d^2)`
memory and an :math:`O(d^3)` solve per step in :math:`d` dimensions. L-BFGS
builds a curvature model from the last :math:`m` steps and gradient changes
(``history_size``) in :math:`O(md)` memory and time per step. The line
searches find a step length that satisfies the Armijo (sufficient decrease)
and Wolfe (curvature) conditions.

The optimizer :class:`~coursekit.optim.LBFGS`, its line search
:func:`~coursekit.optim.strong_wolfe` and the two-loop recursion
:func:`~coursekit.optim.two_loop` live in :mod:`coursekit.optim` (``optim/lbfgs.py``)
and are importable from here too; this module builds on them.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from .landscapes import Trajectory, _as_points
from .optim.lbfgs import LBFGS, strong_wolfe, two_loop
from .optim.optimizer import _number

__all__ = [
    "newton",
    "CountedTrajectory",
    "armijo",
    "wolfe",
    "backtracking",
    "newton_direction",
    "damped_newton",
    "bfgs_update",
    "lbfgs",
    "METHODS",
    "run_method",
    # from coursekit.optim
    "LBFGS",
    "strong_wolfe",
    "two_loop",
]

# ----------------------------------------------------------------------------
# Newton's method
# ----------------------------------------------------------------------------


def newton(landscape, x0, steps, lr=1.0, *, grad_tol=None):
    r"""Newton's method on a landscape with a Hessian: :math:`\theta \leftarrow \theta - \alpha H^{-1} \nabla J`.

    On a quadratic with ``lr=1`` one step lands on the minimizer, whatever the
    condition number. Returns a :class:`~coursekit.landscapes.Trajectory`
    (stops early when the gradient norm falls to ``grad_tol``; a singular
    Hessian or a non-finite iterate ends the run with the reason recorded).
    """
    alpha = _number("lr", lr, low_open=True)
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    theta = _as_points(x0, landscape.dim, "x0").astype(float).copy()
    if theta.ndim != 1:
        raise ValueError(f"x0 must be one point of shape ({landscape.dim},), got {theta.shape}")
    path, losses, norms = [theta.copy()], [float(landscape.value(theta))], []
    info = {
        "diverged_at": None,
        "converged_at": None,
        "reason": "ran all steps",
    }
    for k in range(1, steps + 1):
        g = landscape.grad(theta)
        norms.append(float(np.linalg.norm(g)))
        if grad_tol is not None and norms[-1] <= grad_tol:
            info.update(converged_at=k - 1, reason=f"converged at step {k - 1}")
            break
        try:
            step = np.linalg.solve(landscape.hessian(theta), g)  # H^{-1} grad J
        except np.linalg.LinAlgError:
            info.update(diverged_at=k, reason=f"singular Hessian at step {k}")
            break
        theta = theta - alpha * step  # theta <- theta - alpha H^{-1} grad J
        loss = float(landscape.value(theta))
        if not (math.isfinite(loss) and np.all(np.isfinite(theta))):
            info.update(diverged_at=k, reason=f"diverged at step {k}")
            break
        path.append(theta.copy())
        losses.append(loss)
    return Trajectory(np.array(path), np.array(losses), np.array(norms), **info)


# ----------------------------------------------------------------------------
# chapter 11: line-search conditions, damped Newton, BFGS and the two-loop
# recursion as plain functions
# ----------------------------------------------------------------------------


@dataclass(repr=False)
class CountedTrajectory(Trajectory):
    """A :class:`~coursekit.landscapes.Trajectory` that also counts work.

    ``grad_norms[k]`` is the gradient norm at iterate ``k`` (one per iterate,
    unlike the base class). ``grad_evals[k]`` and ``value_evals[k]`` count the
    gradients and objective values computed up to and including those at
    iterate ``k``, i.e. what it costs to reach ``k`` *and* see that its
    gradient is small (``grad_evals[0] == 1``); ``hessian_evals`` counts the
    Hessians computed in all.
    """

    grad_evals: np.ndarray | None = None
    value_evals: np.ndarray | None = None
    hessian_evals: int = 0

    def evals_to(self, grad_tol):
        """Gradient evaluations until the gradient norm first fell to
        ``grad_tol`` (``None`` if it never did)."""
        k = self.steps_to(grad_tol)
        return None if k is None else int(self.grad_evals[k])

    def steps_to(self, grad_tol):
        """The first iterate whose gradient norm is at most ``grad_tol``."""
        hit = np.flatnonzero(self.grad_norms <= grad_tol)
        return int(hit[0]) if hit.size else None


def armijo(f0, slope0, f_new, step, c1=1e-4):
    r"""The Armijo (sufficient-decrease) condition for a step ``step`` along a
    direction :math:`\Delta` with slope ``slope0`` :math:`=\nabla J(\theta)^\top\Delta < 0`:

    .. math:: J(\theta + \eta\Delta) \le J(\theta) + c_1\,\eta\,\nabla J(\theta)^\top\Delta .
    """
    _check_constants(c1, 0.5)
    return bool(f_new <= f0 + c1 * step * slope0)


def wolfe(f0, slope0, f_new, slope_new, step, c1=1e-4, c2=0.9, strong=False):
    r"""The Wolfe conditions: Armijo, and the curvature condition

    .. math:: \nabla J(\theta + \eta\Delta)^\top\Delta \ge c_2\,\nabla J(\theta)^\top\Delta

    (strong: :math:`|\nabla J(\theta + \eta\Delta)^\top\Delta| \le c_2\,|\nabla J(\theta)^\top\Delta|`),
    with :math:`0 < c_1 < c_2 < 1`. ``slope_new`` is :math:`\nabla J(\theta+\eta\Delta)^\top\Delta`.
    """
    _check_constants(c1, c2)
    if strong:
        curvature = abs(slope_new) <= c2 * abs(slope0)
    else:
        curvature = slope_new >= c2 * slope0
    return armijo(f0, slope0, f_new, step, c1) and bool(curvature)


def _check_constants(c1, c2):
    c1 = _number("c1", c1, low_open=True, high=1.0)
    c2 = _number("c2", c2, low_open=True, high=1.0)
    if c1 >= c2:
        raise ValueError(f"need 0 < c1 < c2 < 1, got c1={c1!r}, c2={c2!r}")


def backtracking(
    value,
    theta,
    direction,
    f0,
    slope0,
    *,
    step=1.0,
    c1=1e-4,
    shrink=0.5,
    max_evals=60,
):
    r"""Backtracking line search: halve (times ``shrink``) the step until the
    Armijo condition holds. Returns ``(step, f_new, evals)``; ``step = 0``
    if ``max_evals`` values were tried without success.

    ``value(theta)`` is the objective; ``slope0`` must be negative (a descent
    direction), or a ValueError is raised.
    """
    _check_constants(c1, 0.5)
    shrink = _number("shrink", shrink, low_open=True, high=1.0)
    if not slope0 < 0:
        raise ValueError(f"direction must be a descent direction (slope0 < 0), got slope0={slope0!r}")
    for evals in range(1, int(max_evals) + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            f_new = float(value(theta + step * direction))
        if math.isfinite(f_new) and armijo(f0, slope0, f_new, step, c1):
            return step, f_new, evals
        step *= shrink
    return 0.0, f0, int(max_evals)


def newton_direction(H, g, *, modify=False, min_curvature=1e-8, rel_curvature=0.0):
    r"""The Newton direction :math:`\Delta = -H^{-1}\nabla J`.

    With ``modify=True`` an :math:`H` whose smallest eigenvalue is below
    ``min_curvature`` (not positive definite) has it raised to the floor
    :math:`\nu_0 = \max(\text{min\_curvature},\ \text{rel\_curvature}
    \cdot \max_i |\lambda_i(H)|)`: it is first shifted to :math:`H + \nu I`,
    :math:`\nu = \nu_0 - \lambda_{\min}(H)`, so that :math:`\Delta` is a descent
    direction. A floor that is a fraction of the Hessian's scale keeps the
    shifted matrix well conditioned; a tiny absolute floor makes it nearly
    singular and the direction huge. Returns ``(direction, nu)``.
    """
    H = np.asarray(H, dtype=float)
    if not np.isfinite(rel_curvature) or rel_curvature < 0:
        raise ValueError(f"rel_curvature must be >= 0, got {rel_curvature!r}")
    nu = 0.0
    if modify:
        lam = np.linalg.eigvalsh(H)
        floor = max(min_curvature, rel_curvature * float(np.abs(lam).max()))
        # only a Hessian that is not (safely) positive definite is shifted
        if lam[0] < min_curvature:
            nu = floor - float(lam[0])
            H = H + nu * np.eye(len(H))
    return -np.linalg.solve(H, g), nu  # Delta = -(H + nu I)^{-1} grad J


def damped_newton(
    landscape,
    x0,
    steps,
    *,
    c1=1e-4,
    shrink=0.5,
    modify=True,
    min_curvature=1e-8,
    rel_curvature=0.1,
    grad_tol=None,
):
    r"""Newton's method with a backtracking (Armijo) line search:
    :math:`\theta \leftarrow \theta + \eta_t \Delta_t`, :math:`\Delta_t = -H_t^{-1}\nabla J(\theta_t)`,
    the full step :math:`\eta_t = 1` tried first and halved until
    :math:`J` falls enough.

    With ``modify=True`` (the default) an indefinite Hessian is shifted by
    :func:`newton_direction`, so every direction points downhill; its smallest
    eigenvalue is raised to ``rel_curvature`` (default 0.1) times the largest
    modulus of an eigenvalue, or to ``min_curvature`` if that is larger. Returns a
    :class:`CountedTrajectory`; ``lrs[k]`` is the step length of step ``k+1``.
    """
    theta, info = _start(landscape, x0, steps)
    f = float(landscape.value(theta))
    path, losses, norms, lrs = [theta.copy()], [f], [], []
    grad_evals, value_evals, n_value = [1], [1], 1
    for k in range(1, steps + 1):
        g = landscape.grad(theta)
        norms.append(float(np.linalg.norm(g)))
        if grad_tol is not None and norms[-1] <= grad_tol:
            info.update(converged_at=k - 1, reason=f"converged at step {k - 1}")
            break
        try:
            delta, _ = newton_direction(
                landscape.hessian(theta),
                g,
                modify=modify,
                min_curvature=min_curvature,
                rel_curvature=rel_curvature,
            )
        except np.linalg.LinAlgError:
            info.update(diverged_at=k, reason=f"singular Hessian at step {k}")
            break
        slope = float(g @ delta)
        if not slope < 0:
            info.update(diverged_at=k, reason=f"not a descent direction at step {k}")
            break
        eta, f_new, evals = backtracking(landscape.value, theta, delta, f, slope, c1=c1, shrink=shrink)
        n_value += evals
        if eta == 0.0:
            info.update(reason=f"line search failed at step {k}")
            break
        theta = theta + eta * delta  # theta <- theta + eta_t Delta_t
        f = f_new
        path.append(theta.copy())
        losses.append(f)
        lrs.append(eta)
        grad_evals.append(k + 1)
        value_evals.append(n_value)
    else:
        norms.append(float(np.linalg.norm(landscape.grad(theta))))
    return _counted(
        path,
        losses,
        norms,
        info,
        grad_evals,
        value_evals,
        hessians=len(path) - 1,
        lrs=lrs,
    )


def _start(landscape, x0, steps):
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    theta = _as_points(x0, landscape.dim, "x0").astype(float).copy()
    if theta.ndim != 1:
        raise ValueError(f"x0 must be one point of shape ({landscape.dim},), got {theta.shape}")
    return theta, {
        "diverged_at": None,
        "converged_at": None,
        "reason": "ran all steps",
    }


def _counted(path, losses, norms, info, grad_evals, value_evals, hessians=0, lrs=None):
    norms = np.array(norms[: len(path)])
    return CountedTrajectory(
        np.array(path),
        np.array(losses),
        norms,
        lrs=None if lrs is None else np.array(lrs),
        grad_evals=np.array(grad_evals),
        value_evals=np.array(value_evals),
        hessian_evals=hessians,
        **info,
    )


def bfgs_update(C, s, y):
    r"""The BFGS update of an inverse-Hessian approximation :math:`C`:

    .. math:: C_+ = (I - \rho\, s y^\top)\, C\, (I - \rho\, y s^\top) + \rho\, s s^\top,
              \qquad \rho = 1 / y^\top s .

    :math:`C_+` satisfies the secant condition :math:`C_+ y = s`, and it is
    symmetric positive definite when :math:`C` is and :math:`y^\top s > 0`.
    """
    C = np.asarray(C, dtype=float)
    s, y = np.asarray(s, dtype=float), np.asarray(y, dtype=float)
    ys = float(y @ s)
    if not ys > 0:
        raise ValueError(f"the curvature y^T s must be positive, got {ys!r}")
    rho = 1.0 / ys  # rho = 1 / y^T s
    V = np.eye(len(s)) - rho * np.outer(y, s)  # V = I - rho y s^T
    return V.T @ C @ V + rho * np.outer(s, s)  # C+ = V^T C V + rho s s^T


def lbfgs(landscape, x0, steps, history_size=10, *, grad_tol=None, max_evals=25):
    r"""L-BFGS (:class:`LBFGS`, one iteration per step) on a landscape, counting
    work: returns a :class:`CountedTrajectory` whose ``grad_evals`` counts
    each distinct point at which the gradient was computed (the line search's
    trial points included; a point is never counted twice).
    """
    theta, info = _start(landscape, x0, steps)
    opt = LBFGS(
        [theta],
        max_iter=1,
        max_eval=max_evals,
        history_size=history_size,
        tolerance_grad=0.0,
        tolerance_change=0.0,
    )
    cache = {"x": None}
    count = [0]

    def closure():
        if cache["x"] is None or not np.array_equal(cache["x"], theta):
            cache.update(
                x=theta.copy(),
                f=landscape.value(theta),
                g=landscape.grad(theta),
            )
            count[0] += 1
        return cache["f"], [cache["g"].copy()]

    path, losses, norms, evals = (
        [theta.copy()],
        [float(landscape.value(theta))],
        [],
        [1],
    )
    for k in range(1, steps + 1):
        norms.append(float(np.linalg.norm(landscape.grad(theta))))
        if grad_tol is not None and norms[-1] <= grad_tol:
            info.update(converged_at=k - 1, reason=f"converged at step {k - 1}")
            break
        before = theta.copy()
        try:
            opt.step(closure)
        except FloatingPointError:
            info.update(diverged_at=k, reason=f"diverged at step {k}")
            break
        if np.array_equal(before, theta):
            info.update(reason=f"stalled at step {k}")
            break
        path.append(theta.copy())
        losses.append(float(landscape.value(theta)))
        evals.append(count[0])
    else:
        norms.append(float(np.linalg.norm(landscape.grad(theta))))
    return _counted(path, losses, norms, info, evals, evals)


METHODS = ("Newton", "damped Newton", "L-BFGS", "GD")


def run_method(method, landscape, x0, *, m=10, lr=1.5e-3, steps=None, grad_tol=1e-12):
    """Run one of :data:`METHODS` on a landscape from ``x0``; return its trajectory.

    ``m`` is the L-BFGS memory (``history_size``), ``lr`` the rate of GD.
    ``steps`` defaults to 50 (Newton), 100 (damped Newton), 200 (L-BFGS) and
    1000 (GD); a run stops once the gradient norm is at most ``grad_tol``.
    """
    from .landscapes import gradient_descent

    default = {"Newton": 50, "damped Newton": 100, "L-BFGS": 200, "GD": 1000}
    if method not in default:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    steps = default[method] if steps is None else steps
    if method == "Newton":
        return newton(landscape, x0, steps, grad_tol=grad_tol)
    if method == "damped Newton":
        return damped_newton(landscape, x0, steps, grad_tol=grad_tol)
    if method == "L-BFGS":
        return lbfgs(landscape, x0, steps, m, grad_tol=grad_tol)
    return gradient_descent(landscape, x0, lr, steps, grad_tol=grad_tol)

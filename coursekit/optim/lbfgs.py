r"""L-BFGS: a quasi-Newton direction from the last ``history_size`` steps, and its line search.

The algorithm (one ``step(closure)`` runs up to ``max_iter`` iterations;
:math:`g_k` is the gradient at :math:`\theta_k`)::

    input:  theta_0 (params), lr, m (history_size), max_iter, max_eval,
            tolerance_grad, tolerance_change, line_search_fn
    initialize: no pairs, gamma <- 1
    for k = 0, 1, ...:
        Delta_k <- -C_k g_k        (two_loop over the last m pairs (s_i, y_i),
                                    from C_0 = gamma I)
        eta_k <- the first trial step min(1, 1 / ||g_0||_1) lr at k = 0, else lr,
                 then strong_wolfe along Delta_k (if line_search_fn)
        s_k <- eta_k Delta_k
        theta_{k+1} <- theta_k + s_k
        y_k <- g_{k+1} - g_k
        if y_k^T s_k > eps_mach |g_k^T s_k|:
            keep (s_k, y_k) (dropping the oldest beyond m)
            gamma <- s_k^T y_k / y_k^T y_k
        stop when max |g_{k+1}| <= tolerance_grad, max |s_k| <= tolerance_change,
             the loss changed by less than tolerance_change, or max_eval is spent

The chapter-11 functions built on it (Newton's method, the line-search
conditions, BFGS, L-BFGS on a landscape) are in :mod:`coursekit.second_order`.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .optimizer import Optimizer, _number, _param_array

# ----------------------------------------------------------------------------
# the strong-Wolfe line search
# ----------------------------------------------------------------------------


def _cubic_min(a, fa, ga, b, fb, gb, lo, hi):
    """Minimizer of the cubic through (a, fa, ga), (b, fb, gb), clipped to [lo, hi] (Nocedal & Wright 3.59)."""
    d1 = ga + gb - 3 * (fa - fb) / (a - b)
    disc = d1 * d1 - ga * gb
    if disc < 0 or not math.isfinite(disc):
        return (lo + hi) / 2
    d2 = math.copysign(math.sqrt(disc), b - a)
    denom = gb - ga + 2 * d2
    if denom == 0:
        return (lo + hi) / 2
    x = b - (b - a) * (gb + d2 - d1) / denom
    return min(max(x, lo), hi) if math.isfinite(x) else (lo + hi) / 2


def strong_wolfe(phi, f0, dphi0, step, *, c1=1e-4, c2=0.9, max_evals=25):
    r"""A step length satisfying the strong Wolfe conditions (Nocedal & Wright, Algorithms 3.5–3.6).

    ``phi(a)`` returns :math:`(f(x + a d),\ \nabla f(x + a d),\ \nabla f(x + a d)^\top d)`.
    Finds :math:`a` with

    .. math:: f(x + a d) \le f(x) + c_1 a \nabla f^\top d, \qquad
              |\nabla f(x + a d)^\top d| \le c_2 |\nabla f^\top d|,

    by bracketing and cubic interpolation. Returns ``(a, f, grad, evals)``,
    the best point found if ``max_evals`` runs out.
    """
    evals = 0
    a_prev, f_prev, d_prev = 0.0, f0, dphi0

    def zoom(lo, flo, dlo, glo, hi, fhi, dhi):
        nonlocal evals
        while evals < max_evals:
            left, right = min(lo, hi), max(lo, hi)
            width = right - left
            if width <= 1e-12 * max(1.0, right):
                break
            a = _cubic_min(
                lo,
                flo,
                dlo,
                hi,
                fhi,
                dhi,
                left + 0.1 * width,
                right - 0.1 * width,
            )
            f, g, da = phi(a)
            evals += 1
            if f > f0 + c1 * a * dphi0 or f >= flo:
                hi, fhi, dhi = a, f, da
            else:
                if abs(da) <= -c2 * dphi0:
                    return a, f, g
                if da * (hi - lo) >= 0:
                    hi, fhi, dhi = lo, flo, dlo
                lo, flo, dlo, glo = a, f, da, g
        return lo, flo, glo

    g_prev = None
    a = step
    while evals < max_evals:
        f, g, da = phi(a)
        evals += 1
        if not math.isfinite(f):  # overshot into overflow: come back
            a = (a_prev + a) / 2
            continue
        if f > f0 + c1 * a * dphi0 or (a_prev > 0 and f >= f_prev):
            if a_prev == 0:
                g_prev = None
            result = zoom(a_prev, f_prev, d_prev, g_prev, a, f, da)
            break
        if abs(da) <= -c2 * dphi0:
            result = (a, f, g)
            break
        if da >= 0:
            result = zoom(a, f, da, g, a_prev, f_prev, d_prev)
            break
        a_next = _cubic_min(a_prev, f_prev, d_prev, a, f, da, a + 0.01 * (a - a_prev), 10 * a)
        a_prev, f_prev, d_prev, g_prev = a, f, da, g
        a = a_next
    else:
        result = (a_prev, f_prev, g_prev)
    a, f, g = result
    if g is None:  # no point better than the start was found
        return 0.0, f0, None, evals
    return a, f, g, evals


# ----------------------------------------------------------------------------
# the two-loop recursion and the optimizer
# ----------------------------------------------------------------------------


def two_loop(g, s_list, y_list, gamma=1.0):
    r"""The L-BFGS two-loop recursion: :math:`C g` for the inverse-Hessian
    approximation :math:`C` that BFGS builds from :math:`C_0 = \gamma I` and the
    pairs :math:`(s_i, y_i)` (oldest first), in :math:`O(md)` time for
    :math:`m` pairs in :math:`d` dimensions, without forming :math:`C`.
    The L-BFGS direction is ``-two_loop(g, ...)``.
    """
    q = np.array(g, dtype=float)
    rho = [1.0 / float(y @ s) for s, y in zip(s_list, y_list)]
    a = [0.0] * len(s_list)
    for i in reversed(range(len(s_list))):  # newest to oldest
        a[i] = rho[i] * (s_list[i] @ q)  # a_i <- rho_i s_i^T q
        q -= a[i] * y_list[i]  # q <- q - a_i y_i
    q *= gamma  # r <- C_0 q = gamma q
    for i in range(len(s_list)):  # oldest to newest
        b = rho[i] * (y_list[i] @ q)  # b <- rho_i y_i^T r
        q += (a[i] - b) * s_list[i]  # r <- r + (a_i - b) s_i
    return q  # r = C g


_EPS = np.finfo(float).eps


class LBFGS(Optimizer):
    r"""Limited-memory BFGS: a quasi-Newton direction from the last ``history_size`` steps.

    With :math:`s_k = \theta_{k+1}-\theta_k`, :math:`y_k = g_{k+1}-g_k` and
    :math:`\rho_k = 1/y_k^\top s_k`, the two-loop recursion (:func:`two_loop`)
    computes :math:`\Delta = -C g` without forming :math:`C`, the BFGS approximation
    of the inverse Hessian :math:`H^{-1}` built from :math:`C_0 = \gamma I`:

    .. math::
        q &\leftarrow g; \quad \text{for } k = \text{newest} \dots \text{oldest}:\ a_k \leftarrow \rho_k s_k^\top q,\ q \leftarrow q - a_k y_k \\
        q &\leftarrow \gamma q, \quad \gamma = s^\top y / y^\top y \text{ (newest pair)} \\
        &\text{for } k = \text{oldest} \dots \text{newest}:\ b \leftarrow \rho_k y_k^\top q,\ q \leftarrow q + (a_k - b) s_k \\
        \Delta &= -q

    and a strong-Wolfe line search (:func:`strong_wolfe`) picks the step along
    :math:`\Delta`. torch's argument names; unlike torch, the default
    ``line_search_fn`` is ``"strong_wolfe"`` (``None`` takes fixed steps of
    ``lr``, as torch does by default). A pair is skipped when
    :math:`y^\top s \le \epsilon_{\text{mach}} |g^\top s|` (machine epsilon
    times the slope along the step, :math:`g` the gradient at its start); the
    pairs kept have :math:`y^\top s > 0`, which keeps :math:`C` positive
    definite. This is L-BFGS-B's relative test (SciPy's ``L-BFGS-B``). Both
    sides scale with :math:`J`, so the test does not depend on the units of
    :math:`J`; nor do the iterates, if ``tolerance_grad`` is scaled with
    :math:`J` and the first trial step :math:`\min(1, 1/\|g_0\|_1)` ``lr``
    (torch's) is :math:`\|g_0\|_1^{-1}` ``lr`` before and after (multiplying
    :math:`J` by a power of two then leaves them unchanged to the last bit).
    On a quadratic with Hessian :math:`H`, a step :math:`s = \eta\Delta` that
    satisfies the strong Wolfe conditions has
    :math:`(1-c_2)\eta^* \le \eta \le (1+c_2)\eta^*`, where
    :math:`\eta^* = -g^\top\Delta / \Delta^\top H \Delta` is the exact line
    minimum; with :math:`y = \eta H\Delta`,

    .. math:: \frac{y^\top s}{|g^\top s|} = \frac{\eta}{\eta^*} \in [1-c_2, 1+c_2],
              \qquad y^\top s = \Big(\frac{\eta}{\eta^*}\Big)^2 \frac{(g^\top\Delta)^2}{\Delta^\top H\Delta}
              \le (1+c_2)^2\, g^\top H^{-1} g \le (1+c_2)^2 \frac{\|g\|^2}{\lambda_{\min}}

    (Cauchy-Schwarz in the :math:`H` inner product). So on a quadratic the
    relative test keeps every pair (the ratio is at least 0.1 for
    :math:`c_2 = 0.9`). torch skips a pair when :math:`y^\top s \le 10^{-10}`,
    a threshold in the units of :math:`J`: by the bound it stores no pair
    from an iterate with :math:`\|g\| \le (10^{-10}\lambda_{\min})^{1/2}/1.9`,
    so near the minimum it goes on with a frozen curvature model, which
    converges only linearly, at a rate set by the stale pairs (on the quadratic of
    ``tests/test_second_order.py`` torch needs more than twice the
    iterations of this class; how many more depends on the last bits of
    the arithmetic). Multiply :math:`J` by :math:`2^{40}` and torch keeps
    learning curvature far below that gradient norm. With these
    differences, and different line searches, the iterates are not torch's.

    ``step(closure)`` runs up to ``max_iter`` iterations, like torch. The
    closure re-evaluates the objective at the current parameters and returns
    either ``(loss, grads)`` (a list of gradients, or one array for one
    parameter) or just the loss after filling each parameter's ``.grad``
    (torch style: zero_grad, forward, backward, return loss). It returns the
    loss at the start of the step.

    Example::

        >>> x = np.array([-1.2, 1.0])
        >>> def closure():   # Rosenbrock
        ...     f = (1 - x[0])**2 + 100 * (x[1] - x[0]**2)**2
        ...     g = np.array([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0]**2), 200 * (x[1] - x[0]**2)])
        ...     return f, [g]
        >>> opt = LBFGS([x], max_iter=100, tolerance_grad=1e-10, tolerance_change=0)
        >>> _ = opt.step(closure)
        >>> np.allclose(x, 1, atol=1e-8)
        True
    """

    needs_closure = True

    def __init__(
        self,
        params,
        lr=1,
        max_iter=20,
        max_eval=None,
        tolerance_grad=1e-7,
        tolerance_change=1e-9,
        history_size=100,
        line_search_fn="strong_wolfe",
    ):
        if max_eval is None:
            max_eval = None if max_iter is None else max_iter * 5 // 4
        super().__init__(
            params,
            {
                "lr": lr,
                "max_iter": max_iter,
                "max_eval": max_eval,
                "tolerance_grad": tolerance_grad,
                "tolerance_change": tolerance_change,
                "history_size": history_size,
                "line_search_fn": line_search_fn,
            },
        )
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS supports a single parameter group")

    def _check_group(self, group, where=""):
        group["lr"] = _number(where + "lr", group["lr"], low_open=True)
        for name in ("tolerance_grad", "tolerance_change"):
            group[name] = _number(where + name, group[name])
        for name in ("max_iter", "max_eval", "history_size"):
            v = group[name]
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
                raise ValueError(f"{where}{name} must be a positive integer, got {v!r}")
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise ValueError(f"{where}line_search_fn must be None or 'strong_wolfe', got {group['line_search_fn']!r}")
        return group

    # flat views over all parameters -------------------------------------------------
    def _arrays(self):
        return [_param_array(p, f"parameter {i}") for i, p in enumerate(self._params())]

    def _get_flat(self):
        return np.concatenate([a.ravel() for a in self._arrays()]).astype(float)

    def _set_flat(self, x):
        i = 0
        for a in self._arrays():
            a[...] = x[i : i + a.size].reshape(a.shape)
            i += a.size

    def _evaluate(self, closure):
        out = closure()
        if isinstance(out, tuple):
            loss, grads = out
            if isinstance(grads, np.ndarray) and len(self._params()) == 1:
                grads = [grads]
        else:
            loss, grads = out, None
        work = self._gather(grads)
        if len(work) != len(self._params()):
            raise ValueError("LBFGS needs a gradient for every parameter; the closure left some None")
        loss = float(np.asarray(getattr(loss, "data", loss)))
        if not math.isfinite(loss):
            raise FloatingPointError(f"the closure returned a non-finite loss {loss!r}")
        return loss, np.concatenate([g.ravel() for _, _, _, g in work]).astype(float)

    def _direction(self, g, state):
        return -two_loop(g, state["old_s"], state["old_y"], state["gamma"])

    def step(self, closure=None):
        """Up to ``max_iter`` L-BFGS iterations; returns the loss at the start."""
        if closure is None or not callable(closure):
            raise TypeError("LBFGS.step needs a closure that returns (loss, grads) or the loss")
        group = self.param_groups[0]
        self._check_group(group, "param_groups[0] ")
        state = self.state.setdefault(0, {})
        state.setdefault("old_s", [])
        state.setdefault("old_y", [])
        state.setdefault("rho", [])
        state.setdefault("gamma", 1.0)
        state.setdefault("n_iter", 0)
        state.setdefault("func_evals", 0)

        x = self._get_flat()
        loss, g = self._evaluate(closure)
        orig_loss, evals = loss, 1
        state["func_evals"] += 1
        if np.max(np.abs(g)) <= group["tolerance_grad"]:
            return orig_loss

        for _ in range(group["max_iter"]):
            state["n_iter"] += 1
            d = self._direction(g, state)
            gd = float(g @ d)
            if gd > -1e-300:  # not a descent direction: forget the history
                state["old_s"].clear()
                state["old_y"].clear()
                state["rho"].clear()
                state["gamma"] = 1.0
                d, gd = -g, -float(g @ g)
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / np.abs(g).sum()) * group["lr"]
            else:
                t = group["lr"]
            if group["line_search_fn"] == "strong_wolfe":

                def phi(a, x=x, d=d):
                    self._set_flat(x + a * d)
                    f_a, g_a = self._evaluate(closure)
                    return f_a, g_a, float(g_a @ d)

                t, new_loss, new_g, ls_evals = strong_wolfe(
                    phi,
                    loss,
                    gd,
                    t,
                    max_evals=max(1, group["max_eval"] - evals),
                )
                if new_g is None:  # the line search found no decrease
                    self._set_flat(x)
                    evals += ls_evals
                    break
            else:
                self._set_flat(x + t * d)
                new_loss, new_g = self._evaluate(closure)
                ls_evals = 1
            evals += ls_evals
            state["func_evals"] += ls_evals
            s = t * d  # s = theta_{k+1} - theta_k
            y = new_g - g  # y = g_{k+1} - g_k
            ys = float(y @ s)
            if ys > _EPS * abs(float(g @ s)):  # skip pairs with no curvature
                if len(state["old_s"]) == group["history_size"]:
                    state["old_s"].pop(0)
                    state["old_y"].pop(0)
                    state["rho"].pop(0)
                state["old_s"].append(s)
                state["old_y"].append(y)
                state["rho"].append(1.0 / ys)  # rho = 1 / y^T s
                state["gamma"] = ys / float(y @ y)  # gamma = s^T y / y^T y
            x = x + s
            self._set_flat(x)
            change = abs(new_loss - loss)
            loss, g = new_loss, new_g
            if np.max(np.abs(g)) <= group["tolerance_grad"]:
                break
            if np.max(np.abs(s)) <= group["tolerance_change"] or change < group["tolerance_change"]:
                break
            if evals >= group["max_eval"]:
                break
        self._set_flat(x)
        return orig_loss

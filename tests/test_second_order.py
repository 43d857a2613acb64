"""coursekit.second_order (chapter 11): line-search conditions, damped Newton,
BFGS and the two-loop recursion, L-BFGS on landscapes; and the chapter's two
landscapes, SmoothAbs and SoftmaxRegression. References: closed forms,
finite differences, scipy.optimize."""

import numpy as np
import pytest
import scipy.optimize as scipy_optimize

from coursekit import landscapes as ls
from coursekit import optim
from coursekit import second_order as so


# ------------------------------------------------------------------ the move
def test_lbfgs_lives_in_optim_and_second_order_builds_on_it():
    assert optim.LBFGS is so.LBFGS is optim.lbfgs.LBFGS
    assert optim.strong_wolfe is so.strong_wolfe
    assert optim.two_loop is so.two_loop
    from coursekit.optim import LBFGS, strong_wolfe  # noqa: F401

    # Newton's method is second order's alone: optim imports nothing from it
    assert not hasattr(optim, "newton")
    with pytest.raises(AttributeError):
        optim.no_such_name  # noqa: B018


# --------------------------------------------------- Armijo and Wolfe tests
# J(theta) = (theta - 1)^2 / 2 from theta = 0 along Delta = 1:
# J(eta) = (1 - eta)^2 / 2, slope0 = -1, slope(eta) = eta - 1.
def _line(eta):
    return 0.5 * (1 - eta) ** 2, eta - 1.0


@pytest.mark.parametrize("c1", [1e-4, 0.1, 0.4])
def test_armijo_holds_exactly_up_to_its_closed_form_bound(c1):
    bound = 2 * (1 - c1)  # (1 - eta)^2 / 2 <= 1/2 - c1 eta  iff  eta <= 2(1 - c1)
    for eta in (0.5 * bound, 0.999 * bound, bound * (1 - 1e-12)):
        assert so.armijo(0.5, -1.0, _line(eta)[0], eta, c1)
    for eta in (1.001 * bound, 1.5 * bound):
        assert not so.armijo(0.5, -1.0, _line(eta)[0], eta, c1)


@pytest.mark.parametrize("c2", [0.1, 0.5, 0.9])
def test_wolfe_curvature_has_its_closed_form_bounds(c2):
    c1 = 1e-4
    lo = 1 - c2  # slope(eta) = eta - 1 >= -c2  iff  eta >= 1 - c2
    for eta, weak, strong in [
        (0.99 * lo, False, False),
        (1.01 * lo, True, True),
        (1.0, True, True),
        (1 + 0.99 * c2, True, True),  # |eta - 1| <= c2 up to 1 + c2
        (min(1 + 1.01 * c2, 1.99), True, False),
    ]:
        f, slope = _line(eta)
        assert so.wolfe(0.5, -1.0, f, slope, eta, c1, c2) == weak, eta
        assert so.wolfe(0.5, -1.0, f, slope, eta, c1, c2, strong=True) == strong


def test_wolfe_rejects_bad_constants():
    with pytest.raises(ValueError, match="c1"):
        so.wolfe(0.5, -1.0, 0.1, 0.0, 1.0, c1=0.9, c2=0.5)
    with pytest.raises(ValueError, match="c2"):
        so.wolfe(0.5, -1.0, 0.1, 0.0, 1.0, c2=1.5)


def test_strong_wolfe_search_satisfies_the_checks():
    land = ls.Rosenbrock()
    x = np.array([-1.2, 1.0])
    g = land.grad(x)
    d = -g

    def phi(a):
        return (
            land.value(x + a * d),
            land.grad(x + a * d),
            land.grad(x + a * d) @ d,
        )

    a, f, g_new, _ = so.strong_wolfe(phi, land.value(x), g @ d, 1e-3)
    assert so.wolfe(land.value(x), g @ d, f, g_new @ d, a, strong=True)


def test_backtracking_returns_the_first_halving_that_satisfies_armijo():
    q = ls.Quadratic(np.diag([1.0, 100.0]))
    x = np.array([1.0, 1.0])
    g = q.grad(x)
    eta, _, evals = so.backtracking(q.value, x, -g, q.value(x), -g @ g)
    trial = [0.5**k for k in range(evals)]
    assert eta == trial[-1]
    assert so.armijo(q.value(x), -g @ g, q.value(x - eta * g), eta)
    assert all(not so.armijo(q.value(x), -g @ g, q.value(x - t * g), t) for t in trial[:-1])
    with pytest.raises(ValueError, match="descent"):
        so.backtracking(q.value, x, g, q.value(x), g @ g)


# ------------------------------------------------------------- Newton
def test_newton_direction_shift_makes_a_descent_direction():
    H = np.diag([2.0, -1.0])
    g = np.array([1.0, 1.0])
    d, nu = so.newton_direction(H, g)
    np.testing.assert_allclose(d, [-0.5, 1.0])  # uphill in the second
    assert g @ d > 0 and nu == 0
    d, nu = so.newton_direction(H, g, modify=True, min_curvature=0.5)
    assert nu == pytest.approx(1.5) and g @ d < 0
    np.testing.assert_allclose(d, -np.linalg.solve(H + 1.5 * np.eye(2), g))


def test_pure_newton_on_smooth_abs_cubes_and_diverges_beyond_one():
    land = ls.SmoothAbs()
    near = so.newton(land, [0.9], 4).path[:, 0]
    np.testing.assert_allclose(near[1:], -(near[:-1] ** 3), rtol=1e-12)
    far = so.newton(land, [1.1], 5).path[:, 0]
    np.testing.assert_allclose(far[1:], -(far[:-1] ** 3), rtol=1e-12)
    assert abs(far[-1]) > 1e3


def test_damped_newton_converges_where_newton_diverges():
    land = ls.SmoothAbs(2)
    traj = so.damped_newton(land, [10.0, -3.0], 50, grad_tol=1e-12)
    assert traj.converged_at is not None
    np.testing.assert_allclose(traj.path[-1], 0.0, atol=1e-12)
    assert np.all(np.diff(traj.losses) < 0)  # Armijo: J falls every step
    assert traj.lrs[0] < 1 and traj.lrs[-1] == 1.0  # damped far, full near


def test_damped_newton_takes_full_steps_on_a_quadratic():
    q = ls.Quadratic.with_condition_number(1e6, dim=4, angle=0.3, center=[1, 2, 3, 4])
    traj = so.damped_newton(q, np.zeros(4), 5, grad_tol=1e-6)
    assert traj.converged_at == 1 and traj.lrs[0] == 1.0
    np.testing.assert_allclose(traj.path[1], q.minimizer, rtol=1e-8)
    assert list(traj.grad_evals) == [1, 2] and traj.hessian_evals == 1
    assert traj.evals_to(1e-6) == 2


def test_newton_finds_the_saddle_damped_newton_a_minimum():
    sad = ls.Saddle()
    pure = so.newton(sad, [0.5, 0.3], 20)
    np.testing.assert_allclose(pure.path[-1], sad.saddle_point, atol=1e-12)
    damped = so.damped_newton(sad, [0.5, 0.3], 50, grad_tol=1e-10)
    np.testing.assert_allclose(damped.path[-1], [0.0, 1.0], atol=1e-8)


# ------------------------------------------------------- BFGS, two loops
def _pairs(d=6, m=4, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((d, d))
    A = A @ A.T + d * np.eye(d)
    s = list(rng.standard_normal((m, d)))
    return A, s, [A @ si for si in s]


def test_bfgs_update_matches_scipy_and_the_secant_condition():
    A, s, y = _pairs()
    ref = scipy_optimize.BFGS(init_scale=1.0)
    ref.initialize(len(A), "inv_hess")
    C = np.eye(len(A))
    for si, yi in zip(s, y):
        C = so.bfgs_update(C, si, yi)
        ref.update(si, yi)
        np.testing.assert_allclose(C @ yi, si, rtol=1e-10)  # C+ y = s
    np.testing.assert_allclose(C, ref.get_matrix(), rtol=1e-10)
    np.testing.assert_allclose(C, C.T)
    assert np.linalg.eigvalsh(C)[0] > 0
    with pytest.raises(ValueError, match="curvature"):
        so.bfgs_update(C, s[0], -y[0])


@pytest.mark.parametrize("gamma", [1.0, 0.3])
def test_two_loop_equals_the_dense_bfgs_matrix(gamma):
    A, s, y = _pairs()
    C = gamma * np.eye(len(A))
    for si, yi in zip(s, y):
        C = so.bfgs_update(C, si, yi)
    g = np.arange(1.0, len(A) + 1)
    np.testing.assert_allclose(so.two_loop(g, s, y, gamma), C @ g, rtol=1e-10)
    np.testing.assert_allclose(so.two_loop(g, [], [], gamma), gamma * g)


def test_two_loop_with_memory_m_keeps_only_the_last_m_pairs():
    A, s, y = _pairs(m=6)
    C = np.eye(len(A))
    for si, yi in zip(s[-2:], y[-2:]):
        C = so.bfgs_update(C, si, yi)
    g = np.ones(len(A))
    np.testing.assert_allclose(so.two_loop(g, s[-2:], y[-2:]), C @ g)


# ----------------------------------------------------- L-BFGS on landscapes
@pytest.mark.parametrize(
    "land,x0",
    [
        (ls.Rosenbrock(), [-1.2, 1.0]),
        (
            ls.Quadratic.with_condition_number(1e3, dim=20, angle=0.3, center=np.linspace(-1, 1, 20)),
            np.zeros(20),
        ),
    ],
)
def test_lbfgs_counts_like_scipy_lbfgsb(land, x0):
    traj = so.lbfgs(land, x0, 1000, 10, grad_tol=1e-8)
    assert traj.converged_at is not None
    ref = scipy_optimize.minimize(
        lambda z: (land.value(z), land.grad(z)),
        np.asarray(x0, float),
        jac=True,
        method="L-BFGS-B",
        options={"maxcor": 10, "gtol": 1e-8, "ftol": 0.0, "maxiter": 5000},
    )
    # scipy's gtol bounds the largest component, ours the norm (stricter)
    assert traj.evals_to(1e-8) <= 1.25 * ref.nfev + 5
    assert traj.converged_at <= 1.25 * ref.nit + 5
    np.testing.assert_allclose(traj.path[-1], land.minimizer, atol=1e-7)
    # grad_evals counts distinct gradients: at least one per iterate
    assert np.all(np.diff(traj.grad_evals) >= 1)


def _skip_test_quadratic(scale=1.0):
    """J and, with ``scale`` a power of two, exactly ``scale * J`` (no rounding in the scaling)."""
    q = ls.Quadratic.with_condition_number(1e3, dim=20, angle=0.3, center=np.linspace(-1, 1, 20))
    return q if scale == 1.0 else ls.Quadratic(scale * q.A, q.center)


def _skip_bound(q, threshold=1e-10, c2=0.9):
    """On a quadratic a strong-Wolfe step has y^T s <= (1 + c2)^2 g^T H^{-1} g <= (1 + c2)^2 |g|^2 / lam_min
    (docstring of LBFGS), so an absolute test y^T s > threshold rejects every pair from an iterate with
    |g| at most this."""
    return np.sqrt(threshold * q.eigenvalues[0]) / (1 + c2)


def _trace(step, newest, point, grad, tol, max_iter=1000):
    """Run ``step()`` (one L-BFGS iteration) until the largest gradient component is <= tol:
    the iterates, their gradients and, per step, whether it stored a new curvature pair."""
    path, grads, stored = [point()], [grad()], []
    while len(stored) < max_iter and np.max(np.abs(grads[-1])) > tol:
        before = newest()
        step()
        stored.append(newest() is not before)
        path.append(point())
        grads.append(grad())
    return np.array(path), np.array(grads), np.array(stored)


def _coursekit_trace(q, tol=1e-11):
    x = np.zeros(q.dim)
    opt = optim.LBFGS([x], max_iter=1, max_eval=5000, history_size=10, tolerance_grad=tol, tolerance_change=0.0)
    path, grads, stored = _trace(
        lambda: opt.step(lambda: (q.value(x), [q.grad(x)])),
        lambda: (opt.state.get(0, {}).get("old_s") or [None])[-1],
        x.copy,
        lambda: q.grad(x),
        tol,
    )
    return path, grads, stored, opt


def test_lbfgs_relative_skip_test_keeps_every_pair_on_a_quadratic():
    """On a quadratic a strong-Wolfe step eta along Delta has y^T s / |g^T s| = eta / eta*
    (eta* the exact line minimum) in [1 - c2, 1 + c2] = [0.1, 1.9]: L-BFGS-B's relative test
    y^T s > eps |g^T s| keeps every pair, whatever the scale of J, down to a gradient
    norm below 1e-10 (about 310 iterations)."""
    q = _skip_test_quadratic()
    path, grads, stored, opt = _coursekit_trace(q)
    assert stored.all()
    assert np.linalg.norm(grads[-1]) < 1e-10
    assert 250 <= len(stored) <= 400, len(stored)
    assert opt.state[0]["n_iter"] == len(stored)
    # the ratio eta / eta*, where rounding does not dominate y = g_{k+1} - g_k
    s, y = np.diff(path, axis=0), np.diff(grads, axis=0)
    ys, gs = np.einsum("ij,ij->i", y, s), np.einsum("ij,ij->i", grads[:-1], s)
    big = np.linalg.norm(grads[:-1], axis=1) > 1e-8
    assert np.all((0.1 - 1e-6 <= ys[big] / -gs[big]) & (ys[big] / -gs[big] <= 1.9 + 1e-6))


def test_lbfgs_iterates_do_not_depend_on_the_scale_of_the_loss():
    """Multiplying J by 2**40 scales every gradient, curvature pair and line-search value exactly
    (powers of two commute with rounding), and each test LBFGS applies is homogeneous in J:
    the iterates are the same to the last bit."""
    path, _, stored, _ = _coursekit_trace(_skip_test_quadratic())
    path_big, _, stored_big, _ = _coursekit_trace(_skip_test_quadratic(2.0**40), tol=1e-11 * 2.0**40)
    assert np.array_equal(path, path_big)
    assert stored_big.all()


def _torch_trace(torch, q, tol=1e-11, max_iter=1000):
    """torch.optim.LBFGS (float64, strong Wolfe, memory 10) on q, one iteration per step.
    torch decides about the pair (s_k, y_k) in iteration k + 1, so pair k is stored in step k + 1."""
    x = torch.zeros(q.dim, dtype=torch.float64, requires_grad=True)

    def closure():
        xv = x.detach().numpy()
        x.grad = torch.tensor(q.grad(xv))
        return torch.tensor(q.value(xv))

    opt = torch.optim.LBFGS(
        [x],
        max_iter=1,
        max_eval=5000,
        history_size=10,
        tolerance_grad=tol,
        tolerance_change=0.0,
        line_search_fn="strong_wolfe",
    )
    path, grads, stored = _trace(
        lambda: opt.step(closure),
        lambda: (opt.state[x].get("old_stps") or [None])[-1],
        lambda: x.detach().numpy().copy(),
        lambda: q.grad(x.detach().numpy()),
        tol,
        max_iter,
    )
    return path, grads, stored[1:]  # pair_kept[k] for the step from iterate k to k + 1


def test_torch_lbfgs_absolute_skip_test_freezes_its_memory_near_the_minimum():
    """The docstring of LBFGS. torch.optim.LBFGS skips a pair unless y^T s > 1e-10. On a quadratic a
    strong-Wolfe step has y^T s <= 1.9^2 |g|^2 / lam_min, so torch stores no pair from an iterate with
    |g| at most sqrt(1e-10 lam_min) / 1.9 (5.3e-6 here): near the minimum its memory is frozen, and it
    goes on with a fixed inverse-Hessian model, which converges only linearly. How slowly depends on the
    frozen pairs, and they move with the last bits of the arithmetic: with the center perturbed by
    1e-15 (relative), torch needed 831 to 880 iterations to reach |g|_inf <= 1e-11, or was still near
    |g| = 5e-8 after 1000 (and then stopped: its line search gives up once its bracket is shorter than
    1e-9 in parameter units, another absolute threshold), where coursekit's LBFGS needed 300 to 330.
    Hence the bound for the mechanism, and only a factor 2 for the speed."""
    from _torch import import_torch

    torch = import_torch()
    q = _skip_test_quadratic()
    _, _, stored, _ = _coursekit_trace(q)
    assert stored.all()  # the relative test keeps every pair (test above)
    budget = 2 * len(stored)
    _, grads, pair_kept = _torch_trace(torch, q, max_iter=budget)
    assert len(pair_kept) == budget - 1 and np.max(np.abs(grads[-1])) > 1e-11  # torch: not there yet
    norms = np.linalg.norm(grads, axis=1)[: len(pair_kept)]
    below = norms <= _skip_bound(q)
    assert pair_kept[:50].all()  # far from the minimum it learns curvature at every step
    assert below.sum() >= 100  # it spends many iterations near the minimum ...
    assert not pair_kept[below].any()  # ... without learning any


def test_torch_absolute_skip_test_depends_on_the_scale_of_the_loss():
    """The same problem times 2**40: every quantity torch computes scales exactly, so its iterates are
    those of the unscaled run up to the first pair whose y^T s is <= 1e-10 unscaled but > 1e-10 scaled;
    from there the scaled run keeps learning curvature where the unscaled run provably cannot
    (|g| below the bound of the previous test). coursekit's iterates do not change at all (test above)."""
    from _torch import import_torch

    torch = import_torch()
    scale = 2.0**40
    q, q_big = _skip_test_quadratic(), _skip_test_quadratic(scale)
    path, grads, kept = _torch_trace(torch, q, max_iter=300)
    path_big, grads_big, kept_big = _torch_trace(torch, q_big, tol=1e-11 * scale, max_iter=300)
    first_skip = int(np.flatnonzero(~kept)[0])
    assert kept_big[: first_skip + 1].all()
    n = first_skip + 2  # iterates 0 .. first_skip + 1 come from the same pairs
    assert np.array_equal(path[:n], path_big[:n])
    assert not np.array_equal(path[n : n + 5], path_big[n : n + 5])
    norms_big = np.linalg.norm(grads_big, axis=1)[: len(kept_big)] / scale
    assert kept_big[norms_big <= _skip_bound(q)].sum() >= 20


# ------------------------------------------------------------- landscapes
def _fd_grad(f, x, h=1e-6):
    e = np.eye(len(x))
    return np.array([(f(x + h * e[i]) - f(x - h * e[i])) / (2 * h) for i in range(len(x))])


def test_smooth_abs_derivatives():
    land = ls.SmoothAbs(3)
    x = np.array([0.3, -2.0, 5.0])
    np.testing.assert_allclose(land.grad(x), _fd_grad(land.value, x), rtol=1e-7)
    H = np.array([_fd_grad(lambda z, i=i: land.grad(z)[i], x) for i in range(3)])
    np.testing.assert_allclose(land.hessian(x), H, rtol=1e-6, atol=1e-10)
    assert land.value(np.full(3, 1e-10)) == pytest.approx(1.5e-20, rel=1e-12)


def test_softmax_regression_value_and_gradient():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 5))
    y = rng.integers(0, 3, 40)
    land = ls.SoftmaxRegression(X, y, lam=0.1)
    theta = rng.standard_normal(land.dim)
    W = theta.reshape(3, 6)
    z = np.c_[X, np.ones(40)] @ W.T
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    expected = -logp[np.arange(40), y].mean() + 0.05 * np.sum(W**2)
    assert land.value(theta) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(land.grad(theta), _fd_grad(land.value, theta), rtol=1e-6, atol=1e-9)
    stack = np.stack([theta, 2 * theta])
    np.testing.assert_allclose(land.value(stack), [land.value(theta), land.value(2 * theta)])
    np.testing.assert_allclose(land.grad(stack)[1], land.grad(2 * theta))
    with pytest.raises(ValueError, match="y"):
        ls.SoftmaxRegression(X, y.astype(float))
    with pytest.raises(ValueError, match="lam"):
        ls.SoftmaxRegression(X, y, lam=-1.0)


def test_relative_curvature_floor_keeps_the_shifted_hessian_well_conditioned():
    """A floor of 1e-8 makes H + nu I nearly singular on the Saddle: the first
    direction is ~1e7 long and backtracking halves it 25 times. A floor of 0.1
    max|lambda| (the default) takes full steps from the second step on."""
    sad = ls.Saddle()
    H = sad.hessian(np.array([0.5, 0.3]))
    lam = np.linalg.eigvalsh(H)
    d, nu = so.newton_direction(H, sad.grad(np.array([0.5, 0.3])), modify=True, rel_curvature=0.1)
    assert nu == pytest.approx(0.1 * np.abs(lam).max() - lam[0], rel=1e-12)
    np.testing.assert_allclose(np.linalg.eigvalsh(H + nu * np.eye(2))[0], 0.1 * np.abs(lam).max())
    tiny = so.damped_newton(sad, [0.5, 0.3], 50, rel_curvature=0.0, grad_tol=1e-10)
    scaled = so.damped_newton(sad, [0.5, 0.3], 50, grad_tol=1e-10)
    for t in (tiny, scaled):
        np.testing.assert_allclose(t.path[-1], [0.0, 1.0], atol=1e-8)
    assert tiny.value_evals[-1] == 31 and tiny.lrs[0] == 0.5**25
    assert scaled.value_evals[-1] == 7 and len(scaled.path) - 1 == 4
    with pytest.raises(ValueError, match="rel_curvature"):
        so.newton_direction(H, np.ones(2), modify=True, rel_curvature=-1.0)

"""The optimizer landscapes: gradients and Hessians against finite differences, and the runner."""

import numpy as np
import pytest

from coursekit import landscapes as ls
from coursekit import optim, schedules
from coursekit import second_order as so

LANDSCAPES = {
    "quadratic": ls.Quadratic.with_condition_number(50.0, dim=2, angle=0.4, center=[1.0, -2.0]),
    "quadratic5": ls.Quadratic.with_condition_number(1e3, dim=5, angle=0.3),
    "rosenbrock": ls.Rosenbrock(),
    "rosenbrock4": ls.Rosenbrock(a=1.0, b=10.0, dim=4),
    "beale": ls.Beale(),
    "saddle": ls.Saddle(),
}


def fd_grad(f, x, h=1e-6):
    e = np.eye(len(x))
    return np.array([(f(x + h * e[i]) - f(x - h * e[i])) / (2 * h) for i in range(len(x))])


@pytest.mark.parametrize("name", LANDSCAPES)
def test_grad_and_hessian_match_finite_differences(name):
    land = LANDSCAPES[name]
    rng = np.random.default_rng(1)
    for x in rng.uniform(-1.5, 1.5, size=(5, land.dim)):
        g = land.grad(x)
        np.testing.assert_allclose(g, fd_grad(land.value, x), rtol=1e-6, atol=1e-6)
        H = land.hessian(x)
        H_fd = np.array([fd_grad(lambda z: land.grad(z)[i], x) for i in range(land.dim)])
        np.testing.assert_allclose(H, H_fd, rtol=1e-6, atol=1e-5)
        np.testing.assert_allclose(H, H.T)


@pytest.mark.parametrize("name", LANDSCAPES)
def test_value_grad_hessian_vectorize_over_point_stacks(name):
    land = LANDSCAPES[name]
    pts = np.random.default_rng(2).uniform(-1, 1, size=(3, 4, land.dim))
    V, G, H = land.value(pts), land.grad(pts), land.hessian(pts)
    assert V.shape == (3, 4) and G.shape == (3, 4, land.dim) and H.shape == (3, 4, land.dim, land.dim)
    for i in range(3):
        for j in range(4):
            assert V[i, j] == pytest.approx(land.value(pts[i, j]), rel=1e-12, abs=1e-14)
            np.testing.assert_allclose(G[i, j], land.grad(pts[i, j]), rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(H[i, j], land.hessian(pts[i, j]), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", LANDSCAPES)
def test_minimizer_is_stationary(name):
    land = LANDSCAPES[name]
    if land.minimizer is None:
        pytest.skip("no known minimizer")
    np.testing.assert_allclose(land.grad(land.minimizer), 0, atol=1e-12)
    assert np.all(np.linalg.eigvalsh(land.hessian(land.minimizer)) > 0)


def test_quadratic_condition_number_and_stable_rate():
    q = ls.Quadratic.with_condition_number(25.0, dim=3, angle=0.7)
    assert q.condition_number == pytest.approx(25.0)
    lr = q.max_stable_lr()
    assert not ls.gradient_descent(q, [1.0, 1.0, 1.0], 0.99 * lr, 2000).diverged
    assert ls.gradient_descent(q, [1.0, 1.0, 1.0], 1.01 * lr, 5000).diverged
    with pytest.raises(ValueError, match="kappa"):
        ls.Quadratic.with_condition_number(0.5)
    with pytest.raises(ValueError, match="symmetric"):
        ls.Quadratic([[1.0, 2.0], [0.0, 1.0]])


def test_saddle_has_a_saddle_point():
    s = ls.Saddle()
    np.testing.assert_allclose(s.grad(s.saddle_point), 0)
    eig = np.linalg.eigvalsh(s.hessian(s.saddle_point))
    assert eig[0] < 0 < eig[1]
    assert s.value(s.minimizer) == pytest.approx(-0.25)
    # plain gradient descent started on y = 0 stays on the saddle's stable line
    traj = ls.run(optim.SGD, s, [1.0, 0.0], 200, lr=0.1)
    np.testing.assert_allclose(traj.path[-1], 0, atol=1e-8)


def test_noisy_gradients_are_seeded_and_unbiased():
    base = ls.Quadratic.with_condition_number(4.0)
    noisy = ls.Noisy(base, noise=0.5, seed=7)
    x = np.array([0.3, -0.2])
    first = [noisy.grad(x) for _ in range(3)]
    noisy.reseed()
    np.testing.assert_array_equal(first, [noisy.grad(x) for _ in range(3)])
    assert not np.allclose(first[0], first[1])
    mean = np.mean([noisy.grad(x) for _ in range(20000)], axis=0)
    np.testing.assert_allclose(mean, base.grad(x), atol=4 * 0.5 / np.sqrt(20000))
    assert noisy.value(x) == base.value(x)
    with pytest.raises(ValueError, match="noise"):
        ls.Noisy(base, noise=-1)


def test_run_with_sgd_equals_gradient_descent():
    q = ls.Quadratic.with_condition_number(10.0, angle=0.3)
    a = ls.run(optim.SGD, q, [1.0, 2.0], 50, lr=0.05)
    b = ls.gradient_descent(q, [1.0, 2.0], 0.05, 50)
    np.testing.assert_allclose(a.path, b.path, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(a.losses, b.losses, rtol=1e-14, atol=1e-15)
    assert a.steps == 50 and not a.diverged


def test_run_with_schedule_uses_sched_k_at_step_k():
    q = ls.Quadratic.with_condition_number(3.0)
    sched = schedules.StepLR(0.1, step_size=5, gamma=0.5)
    traj = ls.run(optim.SGD, q, [1.0, 1.0], 12, schedule=sched)
    np.testing.assert_allclose(traj.lrs, sched(np.arange(12)))
    # the same run by hand
    x = np.array([1.0, 1.0])
    opt = optim.SGD([x], lr=1.0)
    for k in range(12):
        schedules.set_lr(opt, sched(k))
        opt.step([q.grad(x)])
    np.testing.assert_array_equal(traj.path[-1], x)


def test_run_with_plateau_schedule():
    noisy = ls.Noisy(ls.Quadratic.with_condition_number(3.0), noise=1.0, seed=0)
    plateau = schedules.ReduceLROnPlateau(0.2, factor=0.5, patience=2)
    traj = ls.run(optim.SGD, noisy, [2.0, 2.0], 100, schedule=plateau)
    assert traj.lrs[0] == 0.2 and traj.lrs[-1] < 0.2
    assert np.all(np.diff(traj.lrs) <= 0)


def test_run_reports_divergence_without_nans():
    q = ls.Quadratic.with_condition_number(10.0)
    traj = ls.run(optim.SGD, q, [1.0, 1.0], 500, lr=1.5 * q.max_stable_lr())
    assert traj.diverged and traj.reason == f"diverged at step {traj.diverged_at}"
    assert np.all(np.isfinite(traj.path)) and np.all(np.isfinite(traj.losses))
    assert len(traj.path) == traj.diverged_at
    # overflow to inf (not just blow-up) is caught too
    traj = ls.run(optim.SGD, ls.Rosenbrock(), [-1.2, 1.0], 50, lr=1.0, blowup=np.inf)
    assert traj.diverged and np.all(np.isfinite(traj.path))


def test_run_stops_at_grad_tol_and_takes_factories():
    q = ls.Quadratic.with_condition_number(2.0)
    traj = ls.run(lambda p, **h: optim.SGD(p, lr=0.1, **h), q, [1.0, 1.0], 2000, grad_tol=1e-6, momentum=0.5)
    assert traj.converged_at is not None and traj.grad_norms[-1] <= 1e-6
    assert traj.steps == traj.converged_at


@pytest.mark.parametrize(
    "name,hyper",
    [
        ("SGD", dict(lr=1e-3, momentum=0.9)),
        ("Adam", dict(lr=0.1)),
        ("RMSprop", dict(lr=1e-2)),
        ("Adagrad", dict(lr=0.3)),
        ("LBFGS", {}),
    ],
)
def test_every_optimizer_descends_rosenbrock(name, hyper):
    land = ls.Rosenbrock()
    traj = ls.run(getattr(optim, name), land, [-1.2, 1.0], 500, **hyper)
    assert not traj.diverged
    assert traj.losses[-1] < 0.1 * traj.losses[0]


@pytest.mark.parametrize("momentum", [0.0, 0.7])
def test_run_follows_the_closed_form_on_a_quadratic(momentum):
    """Exact, not a smoke test: on J = (theta - c)^T H (theta - c) / 2 the runner's SGD
    iterates are e_k = theta_k - c with (e_{k+1}, e_k) = M (e_k, e_{k-1}),
    M = [[(1 + mu) I - eta H, -mu I], [I, 0]] (plain GD for mu = 0: e_k = (I - eta H)^k e_0)."""
    q = LANDSCAPES["quadratic"]
    eta, steps, x0 = 0.02, 60, np.array([-1.0, 2.5])
    traj = ls.run(optim.SGD, q, x0, steps, lr=eta, momentum=momentum)
    H, I, Z = q.hessian(x0), np.eye(2), np.zeros((2, 2))
    M = np.block([[(1 + momentum) * I - eta * H, -momentum * I], [I, Z]])
    e0 = x0 - q.minimizer
    state = np.r_[e0 - eta * H @ e0, e0]  # the first step has no momentum yet
    expected = [e0] + [(np.linalg.matrix_power(M, k) @ state)[:2] for k in range(steps)]
    np.testing.assert_allclose(traj.path - q.minimizer, expected, rtol=1e-9, atol=1e-12)
    if momentum == 0:
        np.testing.assert_allclose(
            traj.path[-1] - q.minimizer, np.linalg.matrix_power(I - eta * H, steps) @ e0, rtol=1e-9
        )


def test_newton_solves_a_quadratic_in_one_step():
    q = ls.Quadratic.with_condition_number(1e6, dim=4, angle=0.3, center=[1, 2, 3, 4])
    traj = so.newton(q, np.zeros(4), 3)
    np.testing.assert_allclose(traj.path[1], q.minimizer, rtol=1e-8)
    lsq = ls.LeastSquares(np.c_[np.ones(5), np.arange(5.0)], np.array([1.0, 2.0, 2.5, 4.0, 5.5]))
    np.testing.assert_allclose(so.newton(lsq, [0.0, 0.0], 1).path[1], lsq.minimizer, rtol=1e-10)


def test_newton_converges_quadratically_on_rosenbrock():
    land = ls.Rosenbrock()
    traj = so.newton(land, [-1.2, 1.0], 30, grad_tol=1e-12)
    assert traj.converged_at is not None and traj.converged_at < 10
    np.testing.assert_allclose(traj.path[-1], land.minimizer, atol=1e-10)
    errors = np.linalg.norm(traj.path - land.minimizer, axis=1)
    tail = errors[-4:-1]
    tail = tail[tail > 1e-15]
    assert np.all(tail[1:] <= 10 * tail[:-1] ** 2)  # e_{k+1} <= C e_k^2

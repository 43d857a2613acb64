"""coursekit.momentum: the 2x2 recurrences against closed forms, coursekit's SGD and torch."""

import numpy as np
import pytest
from _torch import import_torch

from coursekit import landscapes, optim
from coursekit import momentum as mo

LAMS = np.array([0.01, 0.3, 1.0])
Q = np.linalg.qr(np.random.default_rng(0).normal(size=(3, 3)))[0]
QUAD = landscapes.Quadratic(Q @ np.diag(LAMS) @ Q.T, center=[0.5, -1.0, 2.0])


def sgd_path(x0, steps, **hyper):
    x = np.array(x0, dtype=float)
    opt = optim.SGD([x], **hyper)
    path = [x.copy()]
    for _ in range(steps):
        opt.step([QUAD.grad(x)])
        path.append(x.copy())
    return np.array(path)


def test_matrix_and_roots_agree():
    lam, lr, mu = np.linspace(0, 3, 31), 0.7, np.array([[0.0], [0.5], [0.9]])
    for method in mo.METHODS:
        T = mo.recurrence_matrix(lam, lr, mu, method)
        eig = np.linalg.eigvals(T)
        np.testing.assert_allclose(
            np.abs(eig).max(axis=-1),
            mo.rate(lam, lr, mu, method),
            rtol=1e-6,
            atol=1e-7,
        )  # a double root is ill-conditioned
        z = mo.recurrence_roots(lam, lr, mu, method)
        # Vieta: z1 + z2 = trace, z1 z2 = det
        np.testing.assert_allclose(z.sum(-1), np.trace(T, axis1=-2, axis2=-1), atol=1e-12)
        np.testing.assert_allclose(z.prod(-1), np.linalg.det(T), atol=1e-12)


def test_closed_forms():
    lam = np.linspace(0.0, 4.0, 81)
    np.testing.assert_allclose(mo.rate(lam, 0.5, 0.0, "gd"), np.abs(1 - 0.5 * lam), atol=1e-12)
    np.testing.assert_allclose(mo.rate(lam, 0.5, 0.0), np.abs(1 - 0.5 * lam), atol=1e-12)
    # complex roots: modulus sqrt(mu)
    mu, lr = 0.81, 1.0
    under = (1 + mu - lr * lam) ** 2 < 4 * mu
    assert under.any()
    np.testing.assert_allclose(mo.rate(lam, lr, mu)[under], 0.9, rtol=1e-12)
    assert set(mo.regime(lam, lr, mu)[under]) == {"under-damped"}
    assert mo.regime(1.0, 0.01, 0.5) == "over-damped"
    # stability of heavy ball: 0 < eta lam < 2 (1 + mu)
    assert mo.rate(1.0, 2 * 1.9 - 1e-6, 0.9) < 1 < mo.rate(1.0, 2 * 1.9 + 1e-6, 0.9)


@pytest.mark.parametrize("kappa", [1.0, 4.0, 100.0, 1e4])
def test_optimal_parameters(kappa):
    m, L = 1.0 / kappa, 1.0
    lr, rho = mo.optimal_gd(m, L)
    assert np.isclose(lr, 2 / (m + L)) and np.isclose(rho, (kappa - 1) / (kappa + 1))
    assert np.isclose(mo.worst_rate([m, L], lr, 0.0, "gd"), rho)
    lr, mu, rho = mo.optimal_heavy_ball(m, L)
    sk = np.sqrt(kappa)
    assert np.isclose(rho, (sk - 1) / (sk + 1)) and np.isclose(mu, rho**2)
    lams = np.linspace(m, L, 2001)
    assert np.isclose(mo.worst_rate(lams, lr, mu), rho, atol=1e-6)
    if kappa > 1:
        assert mo.regime(m, lr, mu) == "critically damped" == mo.regime(L, lr, mu)
        # no (lr, mu) on a grid does better
        grid_lr, grid_mu = np.meshgrid(
            np.linspace(0.5, 1.5, 41) * lr,
            np.linspace(0.5, 1.0, 41, endpoint=False) * 1.0,
        )
        assert mo.worst_rate([m, L], grid_lr, grid_mu).min() >= rho - 1e-9
    lr, mu, q = mo.nesterov_strongly_convex(m, L)
    assert np.isclose(lr, 1 / L) and np.isclose(mu, (sk - 1) / (sk + 1)) and np.isclose(q, 1 - 1 / sk)
    # on quadratics the asymptotic rate is at most sqrt(1 - 1/sqrt(kappa))... and at most q
    assert mo.worst_rate(lams, lr, mu, "nesterov") <= q + 1e-12


@pytest.mark.parametrize("kappa", [4.0, 100.0, 2500.0])
def test_polyak_bound_and_optimality_over_random_pairs(kappa):
    m, L = 1.0 / kappa, 1.0
    lr, mu, rho = mo.optimal_heavy_ball(m, L)
    # |e_k| <= (2k+1) rho^k |e_0| from a zero buffer (e_{-1} = e_0)
    rng = np.random.default_rng(1)
    lams = np.concatenate([[m, L], rng.uniform(m, L, 6)])
    e0 = rng.normal(size=lams.size)
    norms = mo.quadratic_errors(lams, e0, lr, mu, 400).norms
    k = np.arange(norms.size)
    assert np.all(norms <= (2 * k + 1) * rho**k * norms[0] * (1 + 1e-9))
    # the proof's inequality: no pair beats rho at the two ends
    pairs_lr = rng.uniform(0.01, 5.0, 20000) * lr
    pairs_mu = rng.uniform(0.0, 0.999, 20000)
    worst = mo.worst_rate([m, L], pairs_lr, pairs_mu)
    assert worst.min() >= rho - 1e-9


def test_bad_arguments():
    with pytest.raises(ValueError, match="method"):
        mo.rate(1.0, 0.1, 0.5, "adam")
    with pytest.raises(ValueError, match="momentum"):
        mo.rate(1.0, 0.1, 1.0)
    with pytest.raises(ValueError, match="lr"):
        mo.rate(1.0, -0.1, 0.5)
    with pytest.raises(ValueError, match="lam_max"):
        mo.optimal_heavy_ball(2.0, 1.0)
    with pytest.raises(ValueError, match="unstable"):
        mo.stationary_variance(1.0, 4.0, 0.5, 1.0)
    with pytest.raises(ValueError, match="e0"):
        mo.quadratic_errors([1.0, 2.0], [1.0], 0.1, 0.5, 10)
    with pytest.raises(ValueError, match="steps"):
        mo.nesterov_convex_momentum(-1)


@pytest.mark.parametrize("method", mo.METHODS)
def test_quadratic_errors_are_sgd_iterates(method):
    x0 = np.array([2.0, 1.0, -1.0])
    lr, mu, steps = 0.8, 0.7, 60
    errs = mo.quadratic_errors(LAMS, Q.T @ (x0 - QUAD.center), lr, mu, steps, method)
    assert not errs.diverged and errs.errors.shape == (steps + 1, 3)
    thetas = errs.errors @ Q.T + QUAD.center
    if method == "nesterov":
        ref, _ = optim.nesterov_lookahead(QUAD.grad, x0, lr, mu, steps)
    else:
        ref = sgd_path(x0, steps, lr=lr, momentum=mu if method == "heavy_ball" else 0.0)
    np.testing.assert_allclose(thetas, ref, rtol=1e-10, atol=1e-12)


def test_quadratic_errors_report_divergence():
    errs = mo.quadratic_errors([1.0], [1.0], 4.0, 0.5, 200)
    assert errs.diverged and np.all(np.isfinite(errs.errors))
    assert len(errs.errors) == errs.diverged_at
    assert errs.norms[-1] <= 1e6


def test_measured_rate_matches_the_spectral_radius():
    for method in mo.METHODS:
        for mu in (0.0, 0.5, 0.9):
            errs = mo.quadratic_errors(LAMS, [1.0, 1.0, 1.0], 1.2, mu, 400, method)
            predicted = mo.worst_rate(LAMS, 1.2, mu, method)
            assert abs(mo.measured_rate(errs.norms) - predicted) < 0.01


def test_nesterov_convex_momentum():
    mu = mo.nesterov_convex_momentum(1000)
    assert mu[0] == mu[1] == 0 and np.all(np.diff(mu[1:]) > 0) and mu[-1] < 1
    assert np.isclose(
        mu[2],
        ((1 + np.sqrt(5)) / 2 - 1) / ((1 + np.sqrt(1 + (1 + np.sqrt(5)) ** 2)) / 2),
    )
    k = np.arange(100, 1000)
    np.testing.assert_allclose(mu[k], (k - 1) / (k + 2), rtol=2e-2)


def test_nesterov_path_and_the_convex_bound():
    x0 = [2.0, 1.0, -1.0]
    ref, _ = optim.nesterov_lookahead(QUAD.grad, x0, 0.5, 0.9, 40)
    np.testing.assert_allclose(
        mo.nesterov_path(QUAD.grad, x0, 0.5, np.full(40, 0.9)),
        ref,
        rtol=1e-12,
        atol=1e-13,
    )
    # Beck-Teboulle: J(theta_k) - J* <= 2 L |theta_0 - theta*|^2 / (k + 1)^2, on a convex
    # quadratic whose smallest eigenvalues are tiny (no useful strong convexity)
    lam = 1.0 / np.arange(1, 201) ** 2
    land = landscapes.Quadratic(np.diag(lam))
    K = 300
    path = mo.nesterov_path(land.grad, np.ones(200), 1.0, mo.nesterov_convex_momentum(K))
    k = np.arange(K + 1)
    assert np.all(land.value(path) <= 2 * 1.0 * 200 / (k + 1) ** 2)


def test_stationary_variance_against_simulation_and_lyapunov():
    lam, lr, mu, sigma = 1.0, 0.1, 0.8, 0.5
    # discrete Lyapunov equation P = T P T^T + N for (e_k, e_{k-1})
    T = mo.recurrence_matrix(lam, lr, mu)
    N = np.array([[(lr * sigma) ** 2, 0.0], [0.0, 0.0]])
    P = np.linalg.solve(np.eye(4) - np.kron(T, T), N.ravel()).reshape(2, 2)
    assert np.isclose(P[0, 0], mo.stationary_variance(lam, lr, mu, sigma), rtol=1e-12)
    assert np.isclose(
        mo.stationary_variance(lam, lr, 0.0, sigma),
        lr * sigma**2 / (lam * (2 - lr * lam)),
    )
    rng = np.random.default_rng(0)
    x, v = np.zeros(20_000), np.zeros(20_000)
    for _ in range(400):
        v = mu * v - lr * (lam * x + sigma * rng.standard_normal(x.size))
        x = x + v
    assert abs(x.var() / mo.stationary_variance(lam, lr, mu, sigma) - 1) < 0.05


def test_two_forms_agree_for_a_constant_rate_and_not_for_a_schedule():
    x0 = [2.0, 1.0, -1.0]
    const = np.full(50, 0.5)
    a = mo.velocity_form(QUAD.grad, x0, const, 0.9)
    b = mo.buffer_form(QUAD.grad, x0, const, 0.9)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(b, sgd_path(x0, 50, lr=0.5, momentum=0.9), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(
        a,
        optim.heavy_ball(QUAD.grad, x0, 0.5, 0.9, 50),
        rtol=1e-12,
        atol=1e-13,
    )
    sched = np.where(np.arange(50) < 20, 0.5, 0.05)
    a = mo.velocity_form(QUAD.grad, x0, sched, 0.9)
    b = mo.buffer_form(QUAD.grad, x0, sched, 0.9)
    np.testing.assert_allclose(a[:21], b[:21], rtol=1e-12, atol=1e-13)
    assert np.abs(a[21] - b[21]).max() > 1e-3
    # the buffer form is coursekit's SGD with the rate changed between steps
    x = np.array(x0)
    opt = optim.SGD([x], lr=0.5, momentum=0.9)
    for k, eta in enumerate(sched):
        opt.param_groups[0]["lr"] = eta
        opt.step([QUAD.grad(x)])
        np.testing.assert_allclose(x, b[k + 1], rtol=1e-12, atol=1e-13)


def test_against_torch():
    torch = import_torch()
    x0 = np.array([2.0, 1.0, -1.0])
    sched = np.where(np.arange(40) < 15, 0.5, 0.05)
    for nesterov in (False, True):
        x = torch.tensor(x0, requires_grad=True)
        opt = torch.optim.SGD([x], lr=0.5, momentum=0.9, nesterov=nesterov)
        path = [x0.copy()]
        for eta in sched:
            opt.param_groups[0]["lr"] = float(eta)
            x.grad = torch.tensor(QUAD.grad(x.detach().numpy()))
            opt.step()
            path.append(x.detach().numpy().copy())
        path = np.array(path)
        if nesterov:
            # constant rate part: torch's points are the look-ahead points theta + mu v
            th, vel = optim.nesterov_lookahead(QUAD.grad, x0, 0.5, 0.9, 15)
            np.testing.assert_allclose(path[:16], th + 0.9 * vel, rtol=1e-11, atol=1e-12)
        else:
            np.testing.assert_allclose(
                path,
                mo.buffer_form(QUAD.grad, x0, sched, 0.9),
                rtol=1e-11,
                atol=1e-12,
            )


def test_cycling_example():
    land = mo.CyclingExample()
    x = np.linspace(-3, 4, 1401)
    h = 1e-6
    fd = (land.value((x + h)[:, None]) - land.value((x - h)[:, None])) / (2 * h)
    np.testing.assert_allclose(land.grad(x[:, None])[:, 0], fd, atol=1e-5)
    for knot in (1.0, 2.0):  # value and slope are continuous at the knots
        left, right = land.value([[knot - 1e-12]]), land.value([[knot]])
        assert np.isclose(left, right) and np.isclose(land.grad([knot - 1e-12])[0], land.grad([knot])[0])
    lr, mu, _ = mo.optimal_heavy_ball(land.lam_min, land.lam_max)
    traj = landscapes.run(optim.SGD, land, [3.3], 600, lr=lr, momentum=mu)
    tail = traj.path[-9:, 0]
    np.testing.assert_allclose(tail[3:], tail[:-3], atol=1e-9)  # a cycle of period 3
    assert np.abs(tail).min() > 0.5

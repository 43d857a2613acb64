"""coursekit.adaptive: accumulators and effective rates against closed forms, coursekit.optim
and torch; the rate sweep against separate runs; the logistic problem against finite
differences and torch; the sparse data generator."""

import numpy as np
import pytest
from _torch import import_torch

from coursekit import adaptive, moments, optim
from coursekit.landscapes import Quadratic, run


def _stream(T=50, d=3, seed=0):
    return np.random.default_rng(seed).normal(size=(T, d)) * np.array([1e-3, 1.0, 30.0])


def test_accumulators_closed_forms():
    g = np.full((20, 2), [2.0, -0.5])
    t = np.arange(1, 21)[:, None]
    np.testing.assert_allclose(adaptive.adagrad_accumulator(g), t * g**2)
    np.testing.assert_allclose(adaptive.adagrad_accumulator(g, initial=0.1), 0.1 + t * g**2)
    np.testing.assert_allclose(adaptive.rmsprop_accumulator(g, 0.9), (1 - 0.9**t) * g**2)
    # step 1: r_1 = (1 - rho) g_1^2, so the first RMSProp step is 1 / sqrt(1 - rho) too large
    r1 = adaptive.rmsprop_accumulator(g, 0.99)[0]
    np.testing.assert_allclose(adaptive.effective_rate(r1, 1.0, 0.0) * np.abs(g[0]), 10.0)


def test_effective_rate_eps_inside_and_outside():
    r = np.array([0.0, 1e-18, 1.0])
    np.testing.assert_allclose(adaptive.effective_rate(r, 0.1, 1e-8), 0.1 / (np.sqrt(r) + 1e-8))
    np.testing.assert_allclose(
        adaptive.effective_rate(r, 0.1, 1e-8, eps_inside=True),
        0.1 / np.sqrt(r + 1e-8),
    )


@pytest.mark.parametrize(
    "method, Opt, hyper",
    [
        ("AdaGrad", optim.Adagrad, {}),
        ("RMSProp", optim.RMSprop, {}),
        ("RMSProp", optim.RMSprop, {"alpha": 0.9}),
        ("SGD", optim.SGD, {}),
    ],
)
def test_effective_rates_are_the_optimizers_steps(method, Opt, hyper):
    g = _stream()
    theta = np.zeros(3)
    opt = Opt([theta], lr=0.05, **hyper)
    steps = []
    for gt in g:
        before = theta.copy()
        opt.step([gt])
        steps.append(before - theta)
    rho = hyper.get("alpha", 0.99)
    rates = adaptive.effective_rates(g, method, 0.05, rho=rho)
    np.testing.assert_allclose(np.array(steps), rates * g, rtol=1e-10, atol=1e-15)


def test_adam_effective_rate_multiplies_m_hat():
    g = _stream()
    theta = np.zeros(3)
    opt = optim.Adam([theta], lr=0.05)
    steps = []
    for gt in g:
        before = theta.copy()
        opt.step([gt])
        steps.append(before - theta)
    rates = adaptive.effective_rates(g, "Adam", 0.05)
    m_hat = moments.adam_moments(g).m_hat
    np.testing.assert_allclose(np.array(steps), rates * m_hat, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(adaptive.effective_rates(g, "momentum", 0.05), 0.05)


def test_effective_rates_against_torch():
    torch = import_torch()
    g = _stream(T=30)
    for method, make in [
        ("AdaGrad", lambda p: torch.optim.Adagrad([p], lr=0.05)),
        ("RMSProp", lambda p: torch.optim.RMSprop([p], lr=0.05)),
    ]:
        p = torch.zeros(3, dtype=torch.float64, requires_grad=True)
        opt = make(p)
        steps = []
        for gt in g:
            before = p.detach().clone()
            p.grad = torch.tensor(gt)
            opt.step()
            steps.append((before - p.detach()).numpy())
        np.testing.assert_allclose(
            np.array(steps),
            adaptive.effective_rates(g, method, 0.05) * g,
            rtol=1e-9,
            atol=1e-15,
        )


def test_adagrad_is_blind_to_a_diagonal_scaling():
    """With eps = 0, AdaGrad's iterates on a diagonal quadratic do not depend on the curvatures."""
    paths = [
        run(
            optim.Adagrad,
            Quadratic(np.diag(h)),
            [-1.0, 0.6],
            100,
            lr=0.1,
            eps=0.0,
        ).path
        for h in ([1.0, 1.0], [1.0, 100.0], [0.01, 1000.0])
    ]
    for path in paths[1:]:
        np.testing.assert_allclose(path, paths[0], rtol=1e-12, atol=1e-15)


def test_bad_arguments():
    with pytest.raises(ValueError, match="method"):
        adaptive.effective_rates(np.ones((2, 2)), "Adadelta", 0.1)
    with pytest.raises(ValueError, match="lr"):
        adaptive.effective_rates(np.ones((2, 2)), "AdaGrad", -0.1)
    with pytest.raises(ValueError, match="rho"):
        adaptive.rmsprop_accumulator(np.ones((2, 2)), 1.0)
    with pytest.raises(ValueError, match="g must be a stream"):
        adaptive.adagrad_accumulator(np.ones((0, 2)))
    with pytest.raises(ValueError, match="r "):
        adaptive.effective_rate(np.array([-1.0]), 0.1, 1e-8)
    with pytest.raises(ValueError, match="frequencies"):
        adaptive.sparse_logistic(10, [0.5, 0.0])
    with pytest.raises(ValueError, match="scales"):
        adaptive.sparse_logistic(10, [0.5, 0.1], scales=[1.0])
    with pytest.raises(ValueError, match="y must hold labels"):
        adaptive.Logistic(np.ones((3, 2)), np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="lrs"):
        adaptive.run_rates(optim.SGD, None, None, np.zeros(2), [0.1, -1.0], 5)


def _quadratic_sweep(Opt, lrs, **hyper):
    q = Quadratic(np.diag([1.0, 50.0]))
    return q, adaptive.run_rates(
        Opt,
        lambda W, k: q.grad(W),
        q.value,
        np.array([1.0, -1.0]),
        lrs,
        40,
        every=10,
        **hyper,
    )


@pytest.mark.parametrize(
    "Opt, hyper",
    [(optim.SGD, {"momentum": 0.9}), (optim.RMSprop, {}), (optim.Adagrad, {})],
)
def test_run_rates_equals_separate_runs(Opt, hyper):
    lrs = [1e-3, 1e-2, 3e-2]
    q, sweep = _quadratic_sweep(Opt, lrs, **hyper)
    np.testing.assert_array_equal(sweep.steps, [0, 10, 20, 30, 40])
    for i, lr in enumerate(lrs):
        traj = run(Opt, q, [1.0, -1.0], 40, lr=lr, **hyper)
        np.testing.assert_allclose(sweep.losses[:, i], traj.losses[::10], rtol=1e-12)
        np.testing.assert_allclose(sweep.theta[i], traj.path[-1], rtol=1e-12)
    assert np.all(sweep.diverged_at == -1)


def test_run_rates_reports_divergence_and_picks_the_best():
    _, sweep = _quadratic_sweep(optim.SGD, [1e-3, 0.03, 0.5])  # 0.5 > 2 / 50 diverges
    assert sweep.diverged_at[2] > 0 and np.isinf(sweep.losses[-1, 2])
    assert sweep.diverged_at[0] == sweep.diverged_at[1] == -1
    assert sweep.best == 1
    _, bad = _quadratic_sweep(optim.SGD, [0.5, 1.0])
    with pytest.raises(ValueError, match="every rate diverged"):
        _ = bad.best


def test_logistic_gradient_hessian_and_minimizer():
    X, y, _ = adaptive.sparse_logistic(200, [1.0, 0.5, 0.1], scales=[1.0, 3.0, 0.2], seed=1)
    J = adaptive.Logistic(X, y, l2=0.01)
    theta = np.array([0.3, -0.2, 1.5])
    h = 1e-6
    fd = np.array([(J.value(theta + h * e) - J.value(theta - h * e)) / (2 * h) for e in np.eye(3)])
    np.testing.assert_allclose(J.grad(theta), fd, rtol=1e-6, atol=1e-9)
    fd_h = np.array([(J.grad(theta + h * e) - J.grad(theta - h * e)) / (2 * h) for e in np.eye(3)])
    np.testing.assert_allclose(J.hessian(theta), fd_h, rtol=1e-5, atol=1e-8)
    # a stack of points, and a minibatch
    W = np.stack([theta, 2 * theta])
    np.testing.assert_allclose(J.value(W), [J.value(theta), J.value(2 * theta)])
    rows = np.array([0, 5, 7])
    sub = adaptive.Logistic(X[rows], y[rows], l2=0.01)
    np.testing.assert_allclose(J.grad(W, rows), sub.grad(W))
    assert np.linalg.norm(J.grad(J.minimizer())) < 1e-10


def test_logistic_against_torch():
    torch = import_torch()
    X, y, _ = adaptive.sparse_logistic(100, [1.0, 0.3], seed=2)
    J = adaptive.Logistic(X, y, l2=0.05)
    theta = np.array([0.7, -1.1])
    t = torch.tensor(theta, requires_grad=True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(X) @ t, torch.tensor(y))
    loss = loss + 0.5 * 0.05 * (t * t).sum()
    loss.backward()
    np.testing.assert_allclose(J.value(theta), loss.item(), rtol=1e-12)
    np.testing.assert_allclose(J.grad(theta), t.grad.numpy(), rtol=1e-10)


def test_sparse_logistic_frequencies_scales_and_seed():
    freq, scales = np.array([1.0, 0.2, 0.01]), np.array([1.0, 10.0, 0.1])
    X, y, theta = adaptive.sparse_logistic(20_000, freq, scales, weight=2.0, seed=0)
    assert X.shape == (20_000, 3) and set(np.unique(y)) == {0.0, 1.0}
    np.testing.assert_allclose((X != 0).mean(axis=0), freq, rtol=0.1)
    np.testing.assert_allclose(
        np.abs(X).sum(axis=0) / (X != 0).sum(axis=0),
        scales * np.sqrt(2 / np.pi),
        rtol=0.1,
    )  # E|N(0, s^2)| = s sqrt(2/pi)
    np.testing.assert_allclose(np.abs(theta) * scales, 2.0)
    X2, y2, _ = adaptive.sparse_logistic(20_000, freq, scales, weight=2.0, seed=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)

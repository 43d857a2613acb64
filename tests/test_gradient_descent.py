"""Gradient descent on least squares (lesson 1): the objective against closed
forms and finite differences, the stopping rules, divergence, and the explorer."""

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from coursekit import data, landscapes


@pytest.fixture
def ls():
    x, y = data.linear_regression(n=40, seed=3)
    return landscapes.LeastSquares(data.design_matrix(x), y)


def test_linear_regression_is_seeded_and_shaped():
    x1, y1 = data.linear_regression(n=30, seed=5)
    x2, y2 = data.linear_regression(n=30, seed=5)
    assert x1.shape == y1.shape == (30,)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    x0, y0 = data.linear_regression(n=30, noise=0.0, slope=3.0, intercept=1.0)
    assert np.allclose(y0, 3 * x0 + 1)


@pytest.mark.parametrize("bad", [{"n": 0}, {"n": 2.5}, {"noise": -1.0}])
def test_linear_regression_rejects_bad_arguments(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        data.linear_regression(**bad)


def test_least_squares_value_grad_hessian(ls):
    rng = np.random.default_rng(0)
    for theta in rng.normal(scale=2, size=(5, 2)):
        expected = np.mean((ls.y - ls.X @ theta) ** 2)
        assert ls.value(theta) == pytest.approx(expected, rel=1e-12)
        numeric = approx_fprime(theta, ls.value, 1e-7)
        assert np.allclose(ls.grad(theta), numeric, rtol=1e-5, atol=1e-6)
        # the gradient of a quadratic is linear: H (theta - theta*)
        assert np.allclose(ls.grad(theta), ls.hessian() @ (theta - ls.minimizer), atol=1e-10)


def test_least_squares_is_vectorised_over_points(ls):
    grid = np.random.default_rng(1).normal(size=(4, 3, 2))
    values = ls.value(grid)
    assert values.shape == (4, 3)
    assert values[2, 1] == pytest.approx(ls.value(grid[2, 1]))
    assert np.allclose(ls.grad(grid)[3, 0], ls.grad(grid[3, 0]))


def test_least_squares_minimizer_has_zero_gradient(ls):
    assert np.linalg.norm(ls.grad(ls.minimizer)) < 1e-10


def test_least_squares_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="y must have shape"):
        landscapes.LeastSquares(np.ones((5, 2)), np.ones(4))
    with pytest.raises(ValueError, match="theta"):
        landscapes.LeastSquares(np.ones((5, 2)), np.ones(5)).value(np.ones(3))


def test_gradient_descent_matches_the_closed_form_of_the_error(ls):
    # theta_t - theta* = (I - eta H)^t (theta_0 - theta*)
    eta, steps, theta0 = 0.05, 30, np.array([3.0, -2.0])
    traj = landscapes.gradient_descent(ls, theta0, eta, steps)
    M = np.linalg.matrix_power(np.eye(2) - eta * ls.hessian(), steps)
    assert np.allclose(traj.path[-1], ls.minimizer + M @ (theta0 - ls.minimizer), atol=1e-12)
    assert traj.steps == steps and traj.path.shape == (steps + 1, 2) and traj.losses.shape == (steps + 1,)
    assert np.allclose(traj.losses, ls.value(traj.path))


def test_rates_below_two_over_lambda_max_converge_and_above_diverge(ls):
    limit = ls.max_stable_lr()
    assert limit == pytest.approx(2 / np.linalg.eigvalsh(ls.hessian()).max())
    good = landscapes.gradient_descent(ls, [3.0, -2.0], 0.98 * limit, 2000)
    bad = landscapes.gradient_descent(ls, [3.0, -2.0], 1.02 * limit, 2000)
    assert not good.diverged and np.allclose(good.path[-1], ls.minimizer, atol=1e-6)
    assert bad.diverged and bad.reason == f"diverged at step {bad.diverged_at}"
    assert np.all(np.isfinite(bad.path)) and np.all(np.isfinite(bad.losses))
    assert len(bad.path) == bad.diverged_at  # the iterates before the one that blew up


def test_stopping_rules(ls):
    by_grad = landscapes.gradient_descent(ls, [3.0, -2.0], 0.1, 10_000, grad_tol=1e-8)
    assert by_grad.converged_at is not None and by_grad.converged_at < 10_000
    assert np.linalg.norm(ls.grad(by_grad.path[-1])) <= 1e-8
    assert by_grad.grad_norms[-1] <= 1e-8 < by_grad.grad_norms[-2]
    by_loss = landscapes.gradient_descent(ls, [3.0, -2.0], 0.1, 10_000, loss_tol=1e-12)
    assert by_loss.losses[-2] - by_loss.losses[-1] < 1e-12 <= by_loss.losses[-3] - by_loss.losses[-2]


def test_non_finite_loss_is_reported_as_divergence():
    class Overflowing(landscapes.LeastSquares):
        def value(self, theta):
            v = super().value(theta)
            return np.where(np.abs(theta).max(axis=-1) > 10, np.inf, v)

    x, y = data.linear_regression(n=10, seed=0)
    traj = landscapes.gradient_descent(Overflowing(data.design_matrix(x), y), [0.0, 0.0], 0.9, 100, blowup=1e300)
    assert traj.diverged and np.all(np.isfinite(traj.losses))


@pytest.mark.parametrize("lr", [0.0, -0.1, np.nan, np.inf])
def test_gradient_descent_rejects_bad_rates(ls, lr):
    with pytest.raises(ValueError, match="lr"):
        landscapes.gradient_descent(ls, [0.0, 0.0], lr, 10)


def test_gradient_descent_rejects_bad_start_and_steps(ls):
    with pytest.raises(ValueError, match="theta0"):
        landscapes.gradient_descent(ls, [0.0, 0.0, 0.0], 0.1, 10)
    with pytest.raises(ValueError, match="steps"):
        landscapes.gradient_descent(ls, [0.0, 0.0], 0.1, -1)


def test_explorer_update_over_slider_ranges(ls):
    from coursekit.explorers import gradient_descent as figures

    explorer = figures.gradient_descent_explorer(ls, extent=(-5, 4, -5, 5), theta0=(2.5, -4.0))
    c = explorer.controls
    for lr in (c["lr"].min, 0.0, c["lr"].max):
        lr = 10.0**lr
        for steps in (c["steps"].min, c["steps"].max):
            for sx in (c["start_x"].min, c["start_x"].max):
                for sy in (c["start_y"].min, c["start_y"].max):
                    traj = explorer.update(lr=lr, steps=steps, start_x=sx, start_y=sy)
                    expected = landscapes.gradient_descent(ls, [sx, sy], lr, steps)
                    assert np.array_equal(traj.path, expected.path)
                    line = explorer.fig.axes[0].lines[-1]
                    assert len(line.get_xdata()) <= len(traj.path)
                    assert str(traj.reason) in explorer.fig.axes[0].get_title()

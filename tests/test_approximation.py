"""coursekit.approximation: hand-built sigmoid networks, their sup error and the MSE gradient."""

import numpy as np
import pytest
from _torch import import_torch
from scipy import special

from coursekit import approximation as A
from coursekit import data

SINE = data.approximation_target("sine")
SQRT = data.approximation_target("square root")


def test_sigmoid_matches_scipy_and_never_overflows():
    z = np.linspace(-30, 30, 101)
    np.testing.assert_allclose(A.sigmoid(z), special.expit(z), rtol=1e-12, atol=1e-300)
    with np.errstate(all="raise"):
        assert A.sigmoid(1e4) == 1.0 and A.sigmoid(-1e4) == 0.0


def test_shallow_net_is_the_sum_of_its_units():
    rng = np.random.default_rng(0)
    net = A.ShallowNet(w=rng.normal(size=5), b=rng.normal(size=5), v=rng.normal(size=5), c=0.3)
    x = np.linspace(-1, 2, 17)
    expected = 0.3 + sum(net.v[i] * special.expit(net.w[i] * x + net.b[i]) for i in range(5))
    np.testing.assert_allclose(net(x), expected, rtol=1e-12)
    np.testing.assert_allclose(net.units(x).sum(axis=1) + net.c, net(x))
    assert net.n_units == 5 and net(0.5).shape == ()


def test_shallow_net_rejects_mismatched_parameters():
    with pytest.raises(ValueError, match="same length"):
        A.ShallowNet(w=[1.0, 2.0], b=[0.0], v=[1.0, 1.0])


def _numeric_grads(net, x, y, eps=1e-6):
    """Central differences of the MSE in every parameter."""
    out = {}
    for name in ("w", "b", "v"):
        arr = getattr(net, name)
        g = np.zeros_like(arr)
        for i in range(arr.size):
            old = arr[i]
            arr[i] = old + eps
            up = net.mse_and_grad(x, y)[0]
            arr[i] = old - eps
            down = net.mse_and_grad(x, y)[0]
            arr[i] = old
            g[i] = (up - down) / (2 * eps)
        out[name] = g
    c0 = net.c
    net.c = c0 + eps
    up = net.mse_and_grad(x, y)[0]
    net.c = c0 - eps
    down = net.mse_and_grad(x, y)[0]
    net.c = c0
    out["c"] = np.array((up - down) / (2 * eps))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mse_gradient_matches_finite_differences(seed):
    net = A.random_net(6, seed=seed)
    net.c = 0.2
    x = np.linspace(0, 1, 23)
    y = SINE(x)
    loss, grads = net.mse_and_grad(x, y)
    assert loss == pytest.approx(np.mean((net(x) - y) ** 2))
    numeric = _numeric_grads(net, x, y)
    for name in ("w", "b", "v", "c"):
        np.testing.assert_allclose(grads[name], numeric[name], rtol=1e-6, atol=1e-9, err_msg=name)


def test_mse_gradient_matches_torch():
    torch = import_torch()
    net = A.random_net(7, seed=3)
    x = np.linspace(0, 1, 31)
    y = SINE(x)
    t = {k: torch.tensor(getattr(net, k), dtype=torch.float64, requires_grad=True) for k in ("w", "b", "v")}
    c = torch.tensor(net.c, dtype=torch.float64, requires_grad=True)
    xt = torch.tensor(x)[:, None]
    pred = c + torch.sigmoid(xt * t["w"] + t["b"]) @ t["v"]
    loss = torch.mean((pred - torch.tensor(y)) ** 2)
    loss.backward()
    ours_loss, ours = net.mse_and_grad(x, y)
    assert ours_loss == pytest.approx(loss.item(), rel=1e-12)
    for k in ("w", "b", "v"):
        np.testing.assert_allclose(ours[k], t[k].grad.numpy(), rtol=1e-10, atol=1e-14)
    assert float(ours["c"]) == pytest.approx(c.grad.item(), rel=1e-10)


def test_mse_gradient_rejects_mismatched_data():
    with pytest.raises(ValueError, match="x and y"):
        A.random_net(3).mse_and_grad([0.0, 1.0], [0.0])


# ------------------------------------------------------------ constructions
def test_staircase_has_n_units_steps_at_midpoints_and_jumps_of_f():
    n = 10
    net = A.staircase(SINE, n, steepness=20.0)
    nodes = np.linspace(0, 1, n + 1)
    assert net.n_units == n
    np.testing.assert_allclose(-net.b / net.w, (nodes[:-1] + nodes[1:]) / 2)  # step positions t_i
    np.testing.assert_allclose(net.v, np.diff(SINE(nodes)))
    assert net.c == pytest.approx(SINE(0.0))


def test_a_very_steep_staircase_is_the_step_function():
    n = 8
    net = A.staircase(SINE, n, steepness=1e4)
    nodes = np.linspace(0, 1, n + 1)
    x = np.linspace(0, 1, 1001)
    nearest = nodes[np.clip(np.round(x * n).astype(int), 0, n)]
    away = np.min(np.abs(x[:, None] - (nodes[:-1] + nodes[1:])[None, :] / 2), axis=1) > 1e-3
    np.testing.assert_allclose(net(x)[away], SINE(nearest)[away], atol=1e-12)
    # so its sup error is at most L h / 2 with L = 2 pi
    assert A.sup_error(SINE, net) <= 2 * np.pi / (2 * n) + 1e-9


@pytest.mark.parametrize("name", ["sine", "kink", "wiggle"])
def test_staircase_error_falls_like_one_over_n_for_lipschitz_targets(name):
    f = data.approximation_target(name)
    ns = [16, 32, 64, 128, 256]
    errors = [A.sup_error(f, A.staircase(f, n, steepness=20.0)) for n in ns]
    assert 0.9 < A.convergence_rate(ns, errors) < 1.1
    assert np.all(np.diff(errors) < 0)


def test_staircase_error_falls_like_one_over_sqrt_n_for_the_square_root():
    ns = [16, 32, 64, 128, 256]
    errors = [A.sup_error(SQRT, A.staircase(SQRT, n, steepness=20.0)) for n in ns]
    assert 0.45 < A.convergence_rate(ns, errors) < 0.55


def test_staircase_on_another_interval():
    f = np.cos
    net = A.staircase(f, 200, steepness=20.0, domain=(-1.0, 2.0))
    assert A.sup_error(f, net, domain=(-1.0, 2.0)) < 0.01


def test_bump_is_one_inside_and_zero_outside():
    x = np.array([-1.0, 0.2, 0.5, 0.8, 2.0])
    b = A.bump(x, 0.0, 1.0, steepness=200.0)
    np.testing.assert_allclose(b, [0, 1, 1, 1, 0], atol=1e-12)


def test_bumps_network_has_two_units_per_bump_and_converges():
    net = A.bumps(SINE, 10, steepness=20.0)
    assert net.n_units == 20
    np.testing.assert_allclose(net.v[:10], -net.v[10:])
    errors = [A.sup_error(SINE, A.bumps(SINE, m, steepness=20.0)) for m in (16, 32, 64, 128)]
    assert 0.9 < A.convergence_rate([16, 32, 64, 128], errors) < 1.1
    # the end bumps are full height: g(0) and g(1) are close to f at the end cells' centres
    assert abs(net(0.0) - SINE(0.05)) < 0.01 and abs(net(1.0) - SINE(0.95)) < 0.01


def test_sup_error_and_convergence_rate_on_known_cases():
    assert A.sup_error(lambda x: x, lambda x: 0 * x) == pytest.approx(1.0)
    assert A.sup_error(lambda x: x, lambda x: 0 * x, domain=(-3, 2)) == pytest.approx(3.0)
    ns = np.array([1, 2, 4, 8])
    assert A.convergence_rate(ns, 3.0 * ns**-1.5) == pytest.approx(1.5)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"n": 0}, "n"),
        ({"n": 2.5}, "n"),
        ({"n": 3, "steepness": 0.0}, "steepness"),
        ({"n": 3, "steepness": np.inf}, "steepness"),
        ({"n": 3, "domain": (1.0, 0.0)}, "domain"),
        ({"n": 3, "domain": 5}, "domain"),
    ],
)
def test_constructions_reject_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        A.staircase(SINE, **kwargs)


def test_other_functions_reject_bad_arguments():
    with pytest.raises(ValueError, match="n_bumps"):
        A.bumps(SINE, 0)
    with pytest.raises(ValueError, match="num"):
        A.sup_error(SINE, SINE, num=0)
    with pytest.raises(ValueError, match="ns and errors"):
        A.convergence_rate([1, 2], [1.0])
    with pytest.raises(ValueError, match="positive"):
        A.convergence_rate([1, 2], [1.0, 0.0])


# ------------------------------------------------------------------ targets
def test_targets_are_as_documented():
    x = np.linspace(0, 1, 200_001)
    slopes = {name: np.max(np.abs(np.diff(f(x)) / np.diff(x))) for name, f in data.APPROXIMATION_TARGETS.items()}
    assert slopes["sine"] <= 2 * np.pi + 1e-6
    assert slopes["kink"] <= 2 + 1e-9
    assert 18 < slopes["wiggle"] < 20
    assert slopes["square root"] > 400  # unbounded slope at 0 (grows as the grid refines)
    with pytest.raises(ValueError, match="name"):
        data.approximation_target("cosine")

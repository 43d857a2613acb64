"""The momentum explorer: over its slider ranges, against coursekit.momentum and coursekit.optim."""

import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from coursekit import landscapes, momentum, optim
from coursekit.explorers import momentum as figures


@pytest.fixture(scope="module")
def explorer():
    return figures.momentum_explorer(steps=200)


def _corners(explorer):
    c = explorer.controls
    kappas = c["kappa"].options
    lrs = (c["lr"].min, 1.0, 2.0, c["lr"].max)
    mus = (c["momentum"].min, 0.5, 0.9, c["momentum"].max)
    return itertools.product((kappas[0], kappas[len(kappas) // 2], kappas[-1]), lrs, mus)


def test_update_over_the_slider_ranges(explorer):
    _ax_path, ax_err = explorer.fig.axes
    for kappa, lr, mu in _corners(explorer):
        out = explorer.update(kappa=kappa, lr=lr, momentum=mu)
        assert np.allclose(out["lam"], [1 / kappa, 1.0])
        for m, run in out["runs"].items():
            rho = momentum.worst_rate(out["lam"], lr, 0.0 if m == "gd" else mu, m)
            assert np.isclose(out["theory"][m], rho)
            assert np.all(np.isfinite(run.errors))  # a diverged run is cut, never NaN
            if run.diverged:
                assert out["measured"][m] is None and rho > 1
            else:
                assert len(run.errors) == 201
        # what is drawn is what was computed
        solid = ax_err.get_lines()[0::2]
        for line, run in zip(solid, out["runs"].values()):
            np.testing.assert_allclose(line.get_ydata(), np.maximum(run.norms, 1e-300))


def test_measured_rates_match_theory_where_stable(explorer):
    for kappa, lr, mu in [
        (100, 1.0, 0.8),
        (1000, 1.0, 0.9),
        (10, 0.5, 0.0),
        (30, 1.5, 0.5),
    ]:
        out = explorer.update(kappa=kappa, lr=lr, momentum=mu)
        for m in out["runs"]:
            assert abs(out["measured"][m] - out["theory"][m]) < 0.01


def test_paths_are_coursekit_sgd(explorer):
    out = explorer.update(kappa=30, lr=1.2, momentum=0.7)
    c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
    Q = np.array([[c, -s], [s, c]])
    land = landscapes.Quadratic(Q @ np.diag([1 / 30, 1.0]) @ Q.T)
    traj = landscapes.run(optim.SGD, land, [1.5, 1.0], 200, lr=1.2, momentum=0.7)
    np.testing.assert_allclose(out["runs"]["heavy_ball"].errors @ Q.T, traj.path, atol=1e-12)


def test_bad_steps():
    with pytest.raises(ValueError, match="steps"):
        figures.momentum_explorer(steps=3)


def test_static_grid_is_rate_by_momentum_at_kappa_100(explorer):
    """The kernel-free page: every (eta, mu) the lesson suggests, kappa held at 100."""
    from coursekit.explorer import Explorer, control_values

    grid = explorer.static_grid()
    assert grid == {"lr": [1.0, 1.3, 1.4, 2.1, 3.3, 3.7, 4.0], "momentum": [0.0, 0.5, 0.67, 0.8, 0.9]}
    assert len(grid["lr"]) * len(grid["momentum"]) <= Explorer.MAX_FRAMES
    for name, values in grid.items():
        assert set(values) <= set(control_values(explorer.controls[name]))
    c = explorer.controls
    assert (c["kappa"].value, c["lr"].value, c["momentum"].value) == (100, 1.0, 0.8)
    assert c["lr"].value in grid["lr"] and c["momentum"].value in grid["momentum"]

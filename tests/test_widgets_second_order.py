"""The second-order explorer: every method at the corners and the middle of
its controls, checked against coursekit.second_order."""

import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from coursekit import landscapes as ls
from coursekit import second_order as so
from coursekit.explorers import second_order as figures


@pytest.fixture(scope="module")
def explorer():
    return figures.second_order_explorer()


def _corners(explorer):
    c = explorer.controls
    xs = (c["start_x"].min, c["start_x"].value, c["start_x"].max)
    ys = (c["start_y"].min, c["start_y"].value, c["start_y"].max)
    ms = (c["m"].options[0], c["m"].options[-1])
    return itertools.product(c["method"].options, xs, ys, ms)


def test_update_matches_second_order_over_the_controls(explorer):
    land = ls.Rosenbrock()
    _, ax_err = explorer.fig.axes
    for method, x, y, m in _corners(explorer):
        out = explorer.update(method=method, start_x=x, start_y=y, m=m)
        traj = out["trajectory"]
        ref = so.run_method(method, land, [x, y], m=m)
        np.testing.assert_allclose(traj.path, ref.path)
        err = np.linalg.norm(traj.path - land.minimizer, axis=1)
        np.testing.assert_allclose(out["error"], err)
        line = ax_err.get_lines()[-1]
        np.testing.assert_allclose(line.get_ydata(), np.maximum(err, 1e-16))
        assert np.all(np.isfinite(line.get_ydata()))
        if not traj.diverged:
            assert np.all(np.isfinite(traj.path))


def test_newton_from_the_classic_start_converges_in_seven_steps(explorer):
    out = explorer.update(method="Newton", start_x=-1.2, start_y=1.0)
    assert out["trajectory"].converged_at == 7
    np.testing.assert_allclose(
        out["trajectory"].path,
        so.newton(ls.Rosenbrock(), [-1.2, 1.0], 50, grad_tol=1e-12).path,
    )


def test_memory_changes_only_lbfgs(explorer):
    a = explorer.update(method="L-BFGS", m=1)["trajectory"]
    b = explorer.update(method="L-BFGS", m=20)["trajectory"]
    assert a.steps != b.steps or not np.allclose(a.path[-1], b.path[-1])
    n1 = explorer.update(method="Newton", m=1)["trajectory"]
    n20 = explorer.update(method="Newton", m=20)["trajectory"]
    np.testing.assert_array_equal(n1.path, n20.path)


def test_run_method_rejects_unknown_methods():
    with pytest.raises(ValueError, match="method"):
        so.run_method("BFGS", ls.Rosenbrock(), [0.0, 0.0])

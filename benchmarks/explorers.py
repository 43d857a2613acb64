"""Time slider moves of the lessons' explorers (budget: a move recomputes in under 100 ms).

For each explorer, in the setting its lesson uses, two medians over a set of moves:
``update`` alone (recompute and set the artists' data) and ``update`` plus the live
render (``Explorer.png`` of the fixed crop: its layered Agg draw and the PNG), which is
what the reader waits for. The budget is on ``update``; the
render part depends on the machine's drawing speed more than on coursekit.

The machine is often paused by its host (see benchmarks/_machine.py): each move's time
has the pauses a probe saw during it subtracted, and "raw +render ms" gives the
median as measured. The "machine ms" column: about 16 ms on a quiet machine.

Run: .venv/bin/python benchmarks/explorers.py [name ...]   (names: see EXPLORERS)
"""

import itertools
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from _machine import Hiccups, reference_ms  # noqa: E402

from coursekit import data, landscapes, nn, optim, train  # noqa: E402
from coursekit import random_features as rf  # noqa: E402
from coursekit.explorers import adam as adam_figures  # noqa: E402
from coursekit.explorers import adaptive as adaptive_figures  # noqa: E402
from coursekit.explorers import backprop as backprop_figures  # noqa: E402
from coursekit.explorers import capacity as capacity_figures  # noqa: E402
from coursekit.explorers import double_descent as double_descent_figures  # noqa: E402
from coursekit.explorers import dropout as dropout_figures  # noqa: E402
from coursekit.explorers import gradient_descent as gradient_descent_figures  # noqa: E402
from coursekit.explorers import maximum_likelihood as maximum_likelihood_figures  # noqa: E402
from coursekit.explorers import momentum as momentum_figures  # noqa: E402
from coursekit.explorers import schedules as schedules_figures  # noqa: E402
from coursekit.explorers import second_order as second_order_figures  # noqa: E402
from coursekit.explorers import sgd_convergence as sgd_convergence_figures  # noqa: E402
from coursekit.explorers import universal_approximation as universal_approximation_figures  # noqa: E402


def time_moves(explorer, moves, hiccups):
    """Median milliseconds of ``update(**move)`` without and with a render, less the
    machine's pauses; and the median with a render as measured."""
    explorer.update(**moves[0])
    box = explorer.tight_box()  # as the live explorer: one crop for every move
    explorer.png(box=box)

    def one(move, render):
        t0 = time.perf_counter()
        explorer.update(**move)
        if render:
            explorer.png(box=box)  # the live render: the explorer's layered Agg draw and the PNG
        return t0, time.perf_counter()

    update = [one(m, False) for m in moves]
    full = [one(m, True) for m in moves]
    time.sleep(0.1)  # let the probe log a pause that ended with the last move

    def corrected_ms(windows):
        return [1e3 * (t1 - t0 - p) for (t0, t1), p in zip(windows, hiccups.paused(windows))]

    return (
        statistics.median(corrected_ms(update)),
        statistics.median(corrected_ms(full)),
        statistics.median(1e3 * (t1 - t0) for t0, t1 in full),
    )


def gradient_descent():
    x, y = data.linear_regression(n=50, seed=0)
    J = landscapes.LeastSquares(data.design_matrix(x), y)
    explorer = gradient_descent_figures.gradient_descent_explorer(J, extent=(-5, 4, -5, 5), theta0=(2.5, -4.0))
    moves = [
        dict(lr=lr, steps=k, start_x=2.5, start_y=-4.0) for lr in (0.01, 0.1, 0.3, 0.33, 1.0) for k in (1, 100, 200)
    ]
    return explorer, moves


def universal_approximation():
    explorer = universal_approximation_figures.universal_approximation_explorer()
    moves = (
        [dict(target="sine", n=n, steepness=10.0) for n in range(1, 65, 4)]
        + [dict(target="sine", n=8, steepness=s) for s in np.geomspace(1.1, 90, 12)]
        + [dict(target=t, n=8, steepness=10.0) for t in ["sine", "kink", "wiggle", "square root"] * 3]
    )
    return explorer, moves


def maximum_likelihood():
    rng = np.random.default_rng(0)
    explorer = maximum_likelihood_figures.maximum_likelihood_explorer(
        rng.normal(2.0, 1.5, 60), (rng.uniform(size=40) < 0.3).astype(float)
    )
    moves = (
        [dict(model="Gaussian", mu=v) for v in np.linspace(0, 4, 15)]
        + [dict(model="Gaussian", sigma=v) for v in np.linspace(0.5, 3, 15)]
        + [dict(model="Bernoulli", p=v) for v in np.linspace(0.05, 0.95, 15)]
        + [dict(model=m) for m in ["Bernoulli", "Gaussian"] * 4]
    )
    return explorer, moves


def sgd_convergence():
    x, y = data.linear_regression(n=50, seed=0)
    explorer = sgd_convergence_figures.sgd_convergence_explorer(x, y)
    moves = [
        dict(lr=lr, schedule=s, batch_size=b)
        for lr in (0.003, 0.03, 0.15)
        for s in sgd_convergence_figures.SGD_SCHEDULES
        for b in (1, 8, 50)
    ]
    return explorer, moves


def adam_bias_correction():
    explorer = adam_figures.adam_bias_explorer(max_steps=2000)
    c = explorer.controls
    moves = [
        dict(beta1=b1, beta2=b2, noise=s, steps=k)
        for b1, b2, s, k in itertools.product(c["beta1"].options, c["beta2"].options, (0.0, 1.0, 5.0), (10, 1000, 2000))
    ]
    return explorer, moves


def dropout():
    # The lesson trains the grid of runs once; a move only looks a run up and redraws.
    d = data.digits(seed=0)
    histories = {}
    for p, width in itertools.product((0.0, 0.5, 0.8), (64, 256)):
        model = nn.MLP([64, width, 10], dropout=p, rng=0)
        histories[p, width] = train.fit(
            model,
            nn.cross_entropy,
            optim.Adam(model.parameters(), lr=3e-3),
            d.X_train[:200],
            d.y_train[:200],
            epochs=3,
            batch_size=50,
            val=(d.X_val, d.y_val),
            rng=1,
        )
    explorer = dropout_figures.dropout_explorer(histories)
    return explorer, [dict(p=p, width=w) for p, w in histories] * 3


def double_descent():
    task = data.teacher_regression(n_train=150, n_test=300, d=5, seed=0)
    feats = rf.RandomReLUFeatures(5, 1000, seed=1)
    widths = np.unique(np.r_[np.arange(10, 200, 10), np.arange(200, 401, 50), np.arange(500, 1001, 100)])
    sweep = rf.WidthSweep(feats, task.X_train, task.X_test, widths)
    explorer = double_descent_figures.double_descent_explorer(sweep, task.f_train, task.f_test)
    moves = [dict(noise=s, ridge=r, n=n) for s in (0.0, 0.5, 1.0) for r in (0.0, 1e-3, 1e-1) for n in (50, 100, 150)]
    return explorer, moves


def second_order():
    explorer = second_order_figures.second_order_explorer()
    c = explorer.controls
    moves = [
        dict(method=meth, start_x=x, start_y=y, m=m)
        for meth in c["method"].options
        for x, y in ((-1.2, 1.0), (-2.0, 3.0), (2.0, -1.0))
        for m in (1, 10)
    ]
    return explorer, moves


def backpropagation():
    # Runs are cached after their first move: time only first moves (a fresh explorer).
    X, y = data.two_moons(64, noise=0.1, seed=0)
    explorer = backprop_figures.backprop_explorer(X, y)
    c = explorer.controls
    moves = [
        dict(depth=d, activation=a, scale=s)
        for d in c["depth"].options
        for a in c["activation"].options
        for s in c["scale"].options
    ]
    return explorer, moves


def momentum():
    # Lesson 07: kappa, eta and mu; contours are redrawn only when kappa moves.
    explorer = momentum_figures.momentum_explorer()
    c = explorer.controls
    moves = (
        [dict(kappa=100, lr=1.0, momentum=m) for m in np.linspace(0.0, 0.99, 12)]
        + [dict(kappa=100, lr=lr, momentum=0.8) for lr in np.linspace(0.1, 4.0, 8)]
        + [dict(kappa=k, lr=1.0, momentum=0.9) for k in c["kappa"].options]
    )
    return explorer, moves


def learning_rate_schedules():
    # Lesson 10: least squares (d = 20, N = 100, 400 for validation), 20 runs of 300 SGD steps per move.
    from coursekit import sgd_theory

    rng = np.random.default_rng(0)
    theta = rng.normal(size=20)
    A, A_val = rng.normal(size=(100, 20)), rng.normal(size=(400, 20))
    train_set = sgd_theory.FiniteSum(A, A @ theta + rng.normal(size=100))
    val_set = sgd_theory.FiniteSum(A_val, A_val @ theta + rng.normal(size=400))
    explorer = schedules_figures.schedule_explorer(train_set, val_set, steps=300, runs=20)
    c = explorer.controls
    moves = (
        [dict(family=f, lr=0.1, warmup=0, end_factor=0.01) for f in c["family"].options]
        + [
            dict(family="cosine", lr=lr, warmup=w, end_factor=0.01)
            for lr in c["lr"].options
            for w in c["warmup"].options
        ]
        + [dict(family="step", lr=0.1, warmup=0, end_factor=r) for r in c["end_factor"].options]
    )
    return explorer, moves


def adaptive_methods():
    # Lesson 08: optimizer, eta, kappa and the turn; contours are redrawn only when the bowl changes.
    explorer = adaptive_figures.adaptive_explorer()
    c = explorer.controls
    moves = [dict(method=m, lr=lr, kappa=100, turn=0.0) for m in c["method"].options for lr in (1e-3, 0.1, 10**0.5)] + [
        dict(method="AdaGrad", lr=0.1, kappa=k, turn=t) for k in c["kappa"].options for t in (0.0, 45.0)
    ]
    return explorer, moves


def capacity():
    # The lesson's setting: a pool of 160 points, 100 for validation, 1000 for testing.
    explorer = capacity_figures.capacity_explorer(
        *data.curve_fitting(160, seed=0), data.curve_fitting(100, seed=1), data.curve_fitting(1000, seed=2), noise=0.3
    )
    c = explorer.controls
    moves = [dict(degree=k, ridge=0.0, n=20) for k in range(0, 16, 3)] + [
        dict(degree=9, ridge=r, n=n) for r in c["ridge"].options for n in c["n"].options
    ]
    return explorer, moves


EXPLORERS = {
    f.__name__: f
    for f in (
        gradient_descent,
        backpropagation,
        universal_approximation,
        maximum_likelihood,
        sgd_convergence,
        adam_bias_correction,
        dropout,
        double_descent,
        second_order,
        momentum,
        learning_rate_schedules,
        adaptive_methods,
        capacity,
    )
}


def main(names):
    print(
        f"{'explorer':25s} {'moves':>5s} {'update ms':>10s} {'+render ms':>11s} {'raw +render ms':>15s}"
        f" {'machine ms':>11s}"
    )
    with Hiccups() as hiccups:
        for name in names or EXPLORERS:
            explorer, moves = EXPLORERS[name]()
            machine = reference_ms()
            update, full, raw = time_moves(explorer, moves, hiccups)
            flag = "  OVER BUDGET" if update > 100 else ""  # DESIGN: a move recomputes in < 100 ms
            print(
                f"{name:25s} {len(moves):5d} {update:10.1f} {full:11.1f} {raw:15.1f} {machine:11.1f}{flag}", flush=True
            )


if __name__ == "__main__":
    main(sys.argv[1:])

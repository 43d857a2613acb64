"""Figures that would mislead if drawn naively."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from coursekit.explorers import dropout, maximum_likelihood, sgd_convergence  # noqa: E402


def test_variance_vs_batch_leaves_out_zero_variance():
    # Without replacement the full batch has variance 0 (here with round-off): a log axis
    # would plunge to 1e-300; the point is left out and named instead.
    sizes = np.array([1, 2, 5, 10])
    exact = {"with": 4.0 / sizes, "without": 4.0 / sizes * (10 - sizes) / 9}
    measured = {"m with": exact["with"] * 1.01, "m without": np.r_[exact["without"][:-1], 3e-31]}
    ax = sgd_convergence.variance_vs_batch(sizes, measured, exact)
    for line in ax.get_lines():
        assert np.all(np.asarray(line.get_ydata()) > 0.1)
    assert [len(line.get_xdata()) for line in ax.get_lines()] == [4, 4, 3, 3]
    assert ax.get_ylim()[0] > 1e-2
    assert any("B$ = 10" in t.get_text() for t in ax.texts)
    plt.close(ax.figure)


def test_estimator_means_labels_the_sample_sizes():
    ns = np.array([2, 3, 5, 10, 20, 50])
    ax = maximum_likelihood.estimator_means(ns, {"simulated": 1 - 1 / ns}, truth=1.0)
    ax.figure.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2", "3", "5", "10", "20", "50"]
    assert all(t.get_text() == "" for t in ax.get_xticklabels(minor=True))
    plt.close(ax.figure)


def test_mask_grid_ticks_are_whole_numbers():
    ax = dropout.mask_grid(np.random.default_rng(0).random((20, 32)) >= 0.5)
    ax.figure.canvas.draw()
    for ticks in (ax.get_xticks(), ax.get_yticks()):
        assert np.all(ticks == np.round(ticks))
    plt.close(ax.figure)

"""The live explorer's layered Agg canvas draws the pixels of a plain Agg draw."""

import io

import matplotlib

matplotlib.use("Agg")

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

from coursekit import explorer
from coursekit.explorers import adaptive as adaptive_figures
from coursekit.explorers import momentum as momentum_figures
from coursekit.explorers import universal_approximation as universal_approximation_figures


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(int)


def _pair(make):
    """The same explorer twice: layered (the default) and plain, each drawn once."""
    layered, plain = make(), make()
    plain.layered = False
    for e in (layered, plain):
        e.update()
        e._box = e.tight_box()
    return layered, plain


def _compare(layered, plain, moves, shared=0):
    """Every move draws the same PNG through both; at most ``shared`` pixels differ
    (and only slightly: where one Axes' spine touches the next one's label)."""
    for move in moves:
        layered.update(**move)
        plain.update(**move)
        a, b = _pixels(layered.png(box=layered._box)), _pixels(plain.png(box=plain._box))
        assert a.shape == b.shape, move
        differ = np.abs(a - b).max(axis=-1)
        assert np.count_nonzero(differ) <= shared, (move, np.count_nonzero(differ))
        assert differ.max() <= (0 if shared == 0 else 8), move


def _values(ex, name, k=4):
    values = explorer.control_values(ex.controls[name])
    return [values[i] for i in np.unique(np.linspace(0, len(values) - 1, k).round().astype(int))]


def test_momentum_explorer_pixels_are_those_of_a_plain_draw():
    layered, plain = _pair(lambda: momentum_figures.momentum_explorer(steps=100))
    moves = [{"kappa": k} for k in _values(layered, "kappa", 3)]
    moves += [{"lr": v} for v in _values(layered, "lr", 2)] + [{"momentum": v} for v in _values(layered, "momentum", 2)]
    moves += [{"kappa": 1000, "lr": 4.0, "momentum": 0.99}, {"kappa": 10, "lr": 1.0, "momentum": 0.5}]
    _compare(layered, plain, moves)
    assert not layered.fig.canvas._ck_plain  # the layers were kept


def test_adaptive_explorer_pixels_are_those_of_a_plain_draw():
    layered, plain = _pair(adaptive_figures.adaptive_explorer)
    c = layered.controls
    moves = [{"lr": v} for v in _values(layered, "lr", 3)]
    moves += [
        {"method": m, "kappa": k, "turn": t} for m, k, t in zip(c["method"].options, c["kappa"].options, (45.0, 0.0))
    ]
    _compare(layered, plain, moves)


def test_universal_approximation_explorer_differs_at_most_where_axes_touch():
    # The right Axes' label touches the left Axes' spine: those few pixels stack the other way round.
    layered, plain = _pair(universal_approximation_figures.universal_approximation_explorer)
    c = layered.controls
    moves = [{"n": n} for n in _values(layered, "n", 3)]
    moves += [{"target": t, "n": 8} for t in c["target"].options[:2]]
    _compare(layered, plain, moves, shared=explorer._LayeredCanvas.MAX_SHARED)


def test_a_layout_whose_axes_overlap_is_drawn_plain():
    def make():
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(6, 3))
        (line,) = ax1.plot([0, 1], [0, 1], label="a label long enough to reach the next Axes' labels " * 2)
        ax1.legend(loc="upper left", bbox_to_anchor=(0.5, 0.9))
        ax2.set_ylabel("y label")
        ax2.plot([0, 1], [1, 0])

        def draw(fig, slope):
            line.set_ydata([0, slope])
            ax1.set_title(f"slope {slope}")

        return explorer.Explorer(fig, draw, {"slope": W.FloatSlider(value=1.0, min=0.5, max=2.0, step=0.5)})

    layered, plain = _pair(make)
    _compare(layered, plain, [{"slope": v} for v in (0.5, 1.0, 1.5, 2.0, 1.0)])
    assert layered.fig.canvas._ck_plain  # drawing the legend over the next Axes' layer forces plain draws


def test_limits_that_move_redraw_the_ticks():
    def make():
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7, 3))
        (l1,) = ax1.plot([0, 1], [0, 1])
        (l2,) = ax2.plot([0, 1], [0, 1])
        ax2.set_ylim(0, 3)

        def draw(fig, top):
            l1.set_ydata([0, top])
            ax1.set_ylim(0, top)  # ticks move with the slider
            l2.set_ydata([top / 3, 1])  # fixed limits: the layer is kept

        return explorer.Explorer(fig, draw, {"top": W.IntSlider(value=2, min=1, max=1000, step=1)})

    layered, plain = _pair(make)
    _compare(layered, plain, [{"top": v} for v in (1, 3, 10, 999, 3, 3, 50000)])
    assert not layered.fig.canvas._ck_plain

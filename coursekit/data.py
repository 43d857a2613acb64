"""Seeded datasets for the lessons, and the minibatch iterator.

Every generator takes a ``seed`` (or a ``numpy.random.Generator``) so that a
lesson draws the same data on every run.
"""
from __future__ import annotations

import numpy as np


def _rng(seed):
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def linear_regression(n: int = 50, slope: float = 2.0, intercept: float = -1.0,
                      noise: float = 0.5, x_range=(-1.0, 3.0), seed=0):
    r"""``n`` points :math:`y = \text{slope}\,x + \text{intercept} + \varepsilon`,
    :math:`\varepsilon\sim\mathcal N(0, \text{noise}^2)`, x uniform in ``x_range``.

    Returns ``(x, y)``, both of shape ``(n,)``.
    """
    if int(n) != n or n <= 0:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    rng = _rng(seed)
    x = rng.uniform(*x_range, size=int(n))
    y = slope * x + intercept + noise * rng.standard_normal(int(n))
    return x, y


def design_matrix(x):
    """Stack a column of ones beside ``x`` so that theta = (intercept, slope)."""
    x = np.asarray(x, dtype=float)
    return np.column_stack([np.ones_like(x), x])

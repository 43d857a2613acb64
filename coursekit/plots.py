"""Matplotlib figures for the lessons: data in, Axes out, no math.

Each function draws onto an ``ax`` it is given (or a new one) and returns it,
so lessons compose figures and explorers redraw the same Axes.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def _axes(ax=None, **subplot_kw):
    if ax is None:
        _, ax = plt.subplots(**subplot_kw)
    return ax

"""Counting and comparing runs the way the book's experiments must.

* ``steps_to_stay_below``: "steps to reach" a level is the step after which
  a run stays below it (its last exit from the band), not the first crossing;
  an underdamped or bursting method crosses early and comes back.
* ``mean_and_se`` and ``paired_difference``: a difference between two
  methods run on the same seeds is judged by the standard error of the
  per-seed differences, not by one run's spread.
"""

import numpy as np


def _as_curve(values, name):
    curve = np.asarray(values, dtype=float)
    if curve.ndim != 1 or curve.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-d sequence")
    return curve


def steps_to_stay_below(values, level):
    """First index t with ``values[s] < level`` for every s >= t.

    ``values[t]`` is the quantity after t steps (``values[0]`` is the start).
    Returns ``None`` when the run ends at or above ``level`` (never settles);
    NaN or inf counts as above, so a diverged run never settles.
    """
    curve = _as_curve(values, "values")
    if not np.isfinite(level):
        raise ValueError(f"level must be finite, got {level}")
    above = ~(curve < level)
    if above[-1]:
        return None
    exits = np.flatnonzero(above)
    return 0 if exits.size == 0 else int(exits[-1]) + 1


def first_below(values, level):
    """First index t with ``values[t] < level`` (``None`` if never)."""
    curve = _as_curve(values, "values")
    hits = np.flatnonzero(curve < level)
    return None if hits.size == 0 else int(hits[0])


def mean_and_se(samples):
    """Mean and standard error (ddof = 1) of one number per seed."""
    x = _as_curve(samples, "samples")
    if x.size < 2:
        raise ValueError("samples needs at least two seeds for an error")
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size))


def paired_difference(a, b):
    """Mean of ``a - b`` over shared seeds, its standard error and t.

    ``a[i]`` and ``b[i]`` must come from the same seed i. Returns
    ``(mean, se, t)`` with ``t = mean / se`` (inf when every difference
    is the same non-zero number, 0 when all are 0).
    """
    a = _as_curve(a, "a")
    b = _as_curve(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b need one value per seed: {a.shape} vs {b.shape}")
    mean, se = mean_and_se(a - b)
    if se == 0.0:
        return mean, se, 0.0 if mean == 0.0 else float(np.sign(mean) * np.inf)
    return mean, se, mean / se

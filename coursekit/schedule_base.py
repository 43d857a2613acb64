"""The pieces every closed-form schedule shares: argument checks, ``set_lr`` and ``Schedule``.

Kept apart from :mod:`coursekit.schedules` so that the schedule modules
(:mod:`coursekit.schedules`, :mod:`coursekit.schedules_cyclic`) can import
them without importing each other.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def _real(name, value, *, low=None, low_open=False, high=None, high_open=False):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low:g}, got {value!r}")
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high:g}, got {value!r}")
    return value


def _int(name, value, *, low=1):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value!r}")
    return int(value)


def _milestones(value):
    try:
        ms = list(value)
    except TypeError:
        raise TypeError(f"milestones must be a list of integers, got {value!r}") from None
    ms = [_int(f"milestones[{i}]", m) for i, m in enumerate(ms)]
    if any(b <= a for a, b in zip(ms, ms[1:])):
        raise ValueError(f"milestones must be strictly increasing, got {list(value)!r}")
    return ms


def _steps(t) -> np.ndarray:
    """``t`` as an int64 array of non-negative step counts (or a ValueError naming it)."""
    arr = np.asarray(t)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError(f"t must be a whole number of steps, got {t!r}")
    elif arr.dtype.kind not in "iu":
        raise TypeError(f"t must be an integer or an array of integers, got {t!r}")
    if np.any(arr < 0):
        raise ValueError(f"t must be >= 0, got {t!r}")
    return arr.astype(np.int64)


def set_lr(optimizer, lr) -> None:
    """Set the rate of every parameter group of ``optimizer`` (a number, or one per group)."""
    groups = optimizer.param_groups
    rates = [lr] * len(groups) if np.ndim(lr) == 0 else list(lr)
    if len(rates) != len(groups):
        raise ValueError(f"lr has {len(rates)} values but the optimizer has {len(groups)} groups")
    rates = [_real(f"lr[{i}]" if np.ndim(lr) else "lr", r, low=0.0) for i, r in enumerate(rates)]
    for group, rate in zip(groups, rates):
        group["lr"] = rate


class Schedule:
    """A closed-form schedule: ``sched(t)`` for an int or an array of ints."""

    base_lr: float

    def __init__(self, base_lr):
        self.base_lr = _real("base_lr", base_lr, low=0.0)

    def _lr(self, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, t):
        steps = _steps(t)
        lr = np.asarray(self._lr(steps), dtype=float)
        return float(lr) if lr.ndim == 0 else lr

    def apply(self, optimizer, t) -> float:
        """Set every group of ``optimizer`` to ``self(t)``; returns that rate."""
        lr = self(t)
        set_lr(optimizer, lr)
        return lr

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if k != "base_lr")
        return f"{type(self).__name__}({self.base_lr!r}, {args})"

r"""Cyclical schedules: cosine with warm restarts (SGDR) and the one-cycle policy.

Both are closed forms of the ``torch.optim.lr_scheduler`` classes of the same
names, with torch's arguments and defaults; :mod:`coursekit.schedules`
re-exports them, so ``coursekit.schedules.OneCycleLR`` is the name to use.
"""

from __future__ import annotations

import numpy as np

from .schedule_base import Schedule, _int, _real

__all__ = ["CosineAnnealingWarmRestarts", "OneCycleLR"]


class CosineAnnealingWarmRestarts(Schedule):
    r"""Cosine annealing restarted every :math:`T_i` steps, :math:`T_0, T_0 T_{mult}, T_0 T_{mult}^2, \dots` (SGDR).

    .. math:: \eta_t = \eta_{\min} + (\eta_0 - \eta_{\min})\,\frac{1 + \cos(\pi T_{cur} / T_i)}{2},

    where :math:`T_{cur}` counts the steps since the last restart (:math:`T_{cur} = t` in
    the first cycle). Cycle :math:`i = 0, 1, \dots` starts at step
    :math:`T_0 + T_0 T_{mult} + \dots + T_0 T_{mult}^{i-1}` with the rate :math:`\eta_0`
    (Loshchilov and Hutter's :math:`\eta_{\max}`). :math:`T_{cur}` takes the values
    :math:`0, \dots, T_i - 1`, so the last step of a cycle has the rate
    :math:`\eta_{\min} + (\eta_0 - \eta_{\min})\sin^2(\pi/2T_i)`, just above
    :math:`\eta_{\min}`; the next step restarts. (The paper advances
    :math:`T_{cur}` by fractions of an epoch, one per minibatch; here and in torch
    the unit is one scheduler step.)
    """

    def __init__(self, base_lr, T_0, T_mult=1, eta_min=0.0):
        super().__init__(base_lr)
        self.T_0 = _int("T_0", T_0)
        self.T_mult = _int("T_mult", T_mult)
        self.eta_min = _real("eta_min", eta_min, low=0.0)

    def _cycle(self, t):
        """(T_cur, T_i): steps into the current cycle and its length."""
        T0, m = self.T_0, self.T_mult
        if m == 1:
            return t % T0, np.full_like(t, T0)
        start = lambda n: T0 * (m**n - 1) // (m - 1)  # the step where cycle n begins
        n = np.floor(np.log(t * (m - 1) / T0 + 1) / np.log(m)).astype(np.int64)
        n = np.where(start(n) > t, n - 1, n)  # fix round-off in the logarithm
        n = np.where(start(n + 1) <= t, n + 1, n)
        return t - start(n), T0 * m**n

    def _lr(self, t):
        t_cur, t_i = self._cycle(t)
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + np.cos(np.pi * t_cur / t_i)) / 2


class OneCycleLR(Schedule):
    r"""Smith's one-cycle policy: up from :math:`\eta_{\max}/d` to :math:`\eta_{\max}`, then down.

    With :math:`T` = ``total_steps``, :math:`p` = ``pct_start``, :math:`d` =
    ``div_factor`` and :math:`f` = ``final_div_factor``, the rate rises from
    :math:`\eta_{\max}/d` to :math:`\eta_{\max}` (the first argument) until
    step :math:`pT - 1` and falls from there to :math:`\eta_{\max}/(d f)` at
    step :math:`T - 1`, each phase along half a cosine
    (``anneal_strategy="cos"``) or a straight line (``"linear"``). With
    ``three_phase=True`` it falls back to :math:`\eta_{\max}/d` at step
    :math:`2pT - 2` and only then to :math:`\eta_{\max}/(d f)`. As in torch,
    the schedule is defined for :math:`t \le T`; a larger ``t`` raises.
    (torch's ``cycle_momentum`` moves the momentum the other way; here only
    the rate is scheduled.)
    """

    def __init__(
        self,
        max_lr,
        total_steps,
        pct_start=0.3,
        anneal_strategy="cos",
        div_factor=25.0,
        final_div_factor=1e4,
        three_phase=False,
    ):
        super().__init__(_real("max_lr", max_lr, low=0.0, low_open=True))
        self.total_steps = _int("total_steps", total_steps)
        self.pct_start = _real("pct_start", pct_start, low=0.0, high=1.0)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        self.anneal_strategy = anneal_strategy
        self.div_factor = _real("div_factor", div_factor, low=0.0, low_open=True)
        self.final_div_factor = _real("final_div_factor", final_div_factor, low=0.0, low_open=True)
        if not isinstance(three_phase, (bool, np.bool_)):
            raise TypeError(f"three_phase must be a bool, got {three_phase!r}")
        self.three_phase = bool(three_phase)

    def _phases(self):
        """(end_step, start_lr, end_lr) of each phase, as torch builds them."""
        peak, T, p = self.base_lr, self.total_steps, self.pct_start
        initial = peak / self.div_factor
        final = initial / self.final_div_factor
        if self.three_phase:
            return [
                (float(p * T) - 1, initial, peak),
                (float(2 * p * T) - 2, peak, initial),
                (T - 1, initial, final),
            ]
        return [(float(p * T) - 1, initial, peak), (T - 1, peak, final)]

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (np.cos(np.pi * pct) + 1)
        return (end - start) * pct + start

    def _lr(self, t):
        if np.any(t > self.total_steps):
            raise ValueError(f"t must be <= total_steps = {self.total_steps}, got {t.max()}")
        phases = self._phases()
        out = np.empty(t.shape, dtype=float)
        done = np.zeros(t.shape, dtype=bool)
        start_step = 0.0
        for i, (end_step, lo, hi) in enumerate(phases):
            last = i == len(phases) - 1
            here = ~done & ((t <= end_step) | last)
            if np.any(here):
                pct = (t[here] - start_step) / (end_step - start_step)
                out[here] = self._anneal(lo, hi, pct)
            done |= here
            start_step = end_step
        return out

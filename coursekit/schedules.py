r"""Learning-rate schedules: torch's, in closed form, plus the decays torch lacks (1/t, 1/sqrt(t), inverse sqrt).

A schedule maps the number of scheduler steps taken, :math:`t`, to a rate
:math:`\eta_t`. ``sched(t)`` takes an integer or an array of them (to plot a
whole schedule at once), and ``sched(0)`` is the rate before the first step::

    >>> import numpy as np
    >>> from coursekit import schedules
    >>> sched = schedules.CosineAnnealingLR(0.1, T_max=100, eta_min=0.0)
    >>> sched(0), sched(50), sched(100)
    (0.1, 0.05, 0.0)
    >>> sched(np.arange(200)).shape
    (200,)

Constructors take the base rate first, then ``torch.optim.lr_scheduler``'s
argument names and defaults; the values equal torch's step by step (torch
computes most of them recursively; we use the closed forms they follow). In a
training loop the optimizer's ``k``-th step (counting from 0) uses ``sched(k)``::

    for k in range(steps):
        schedules.set_lr(opt, sched(k))      # or sched.apply(opt, k)
        ...; opt.step(...)

:class:`ReduceLROnPlateau` depends on the validation losses, so it is not a
function of ``t``: ``plateau.step(val_loss)`` returns the new rate.
"""

from __future__ import annotations

import math

import numpy as np

from .schedule_base import Schedule, _int, _milestones, _real, _steps, set_lr  # noqa: F401
from .schedules_cyclic import CosineAnnealingWarmRestarts, OneCycleLR
from .sgd_theory import satisfies_robbins_monro

__all__ = [
    "Schedule",
    "ConstantLR",
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "OneCycleLR",
    "LinearLR",
    "PolynomialLR",
    "SequentialLR",
    "InverseSqrtLR",
    "InverseTimeLR",
    "ReduceLROnPlateau",
    "set_lr",
    "FAMILIES",
    "by_name",
]


class ConstantLR(Schedule):
    r""":math:`\eta_t = \eta_0 \cdot` ``factor`` for :math:`t <` ``total_iters``, then :math:`\eta_0` (torch's ConstantLR)."""

    def __init__(self, base_lr, factor=1.0 / 3, total_iters=5):
        super().__init__(base_lr)
        self.factor = _real("factor", factor, low=0.0, high=1.0)
        self.total_iters = _int("total_iters", total_iters, low=0)

    def _lr(self, t):
        return self.base_lr * np.where(t < self.total_iters, self.factor, 1.0)


class StepLR(Schedule):
    r"""Multiply by ``gamma`` every ``step_size`` steps: :math:`\eta_t = \eta_0\,\gamma^{\lfloor t/s \rfloor}`."""

    def __init__(self, base_lr, step_size, gamma=0.1):
        super().__init__(base_lr)
        self.step_size = _int("step_size", step_size)
        self.gamma = _real("gamma", gamma, low=0.0, low_open=True)

    def _lr(self, t):
        return self.base_lr * self.gamma ** (t // self.step_size)


class MultiStepLR(Schedule):
    r"""Multiply by ``gamma`` at each milestone: :math:`\eta_t = \eta_0\,\gamma^{\#\{m_i \le t\}}`."""

    def __init__(self, base_lr, milestones, gamma=0.1):
        super().__init__(base_lr)
        self.milestones = _milestones(milestones)
        self.gamma = _real("gamma", gamma, low=0.0, low_open=True)

    def _lr(self, t):
        return self.base_lr * self.gamma ** np.searchsorted(self.milestones, t, side="right")


class ExponentialLR(Schedule):
    r"""Multiply by ``gamma`` every step: :math:`\eta_t = \eta_0\,\gamma^t`."""

    def __init__(self, base_lr, gamma):
        super().__init__(base_lr)
        self.gamma = _real("gamma", gamma, low=0.0, low_open=True)

    def _lr(self, t):
        return self.base_lr * self.gamma**t


class CosineAnnealingLR(Schedule):
    r"""Half a cosine from :math:`\eta_0` down to :math:`\eta_{\min}` over ``T_max`` steps.

    .. math:: \eta_t = \eta_{\min} + (\eta_0 - \eta_{\min})\,\frac{1 + \cos(\pi t / T_{\max})}{2},
              \qquad 0 \le t \le T_{\max}.

    A common misstatement is :math:`\eta_0\cos(\pi t/T_{\max})/2`, without the "1 +",
    which is wrong because that rate starts at :math:`\eta_0/2`, is zero at
    :math:`T_{\max}/2` and negative after it: every later step goes up the gradient.

    **Past** ``T_max``: torch's recursive form keeps following the cosine, so
    its rate climbs back to :math:`\eta_0` at :math:`2T_{\max}` (period
    :math:`2T_{\max}`). Ours **holds at** :math:`\eta_{\min}` by default: an
    annealing schedule is meant to end, and a rate that silently rises again
    after the planned run is a surprise, not a feature (use
    :class:`CosineAnnealingWarmRestarts` for deliberate restarts).
    ``periodic=True`` gives torch's values for every ``t``.
    """

    def __init__(self, base_lr, T_max, eta_min=0.0, *, periodic=False):
        super().__init__(base_lr)
        self.T_max = _int("T_max", T_max)
        self.eta_min = _real("eta_min", eta_min, low=0.0)
        self.periodic = bool(periodic)

    def _lr(self, t):
        if not self.periodic:
            t = np.minimum(t, self.T_max)  # hold at eta_min past T_max
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + np.cos(np.pi * t / self.T_max)) / 2


class LinearLR(Schedule):
    r"""Linear change of the factor from ``start_factor`` to ``end_factor`` over ``total_iters`` steps (warmup).

    .. math:: \eta_t = \eta_0 \Bigl(f_s + (f_e - f_s)\,\frac{\min(t, T)}{T}\Bigr).
    """

    def __init__(self, base_lr, start_factor=1.0 / 3, end_factor=1.0, total_iters=5):
        super().__init__(base_lr)
        self.start_factor = _real("start_factor", start_factor, low=0.0, low_open=True, high=1.0)
        self.end_factor = _real("end_factor", end_factor, low=0.0, high=1.0)
        self.total_iters = _int("total_iters", total_iters)

    def _lr(self, t):
        frac = np.minimum(t, self.total_iters) / self.total_iters
        return self.base_lr * (self.start_factor + (self.end_factor - self.start_factor) * frac)


class PolynomialLR(Schedule):
    r"""Polynomial decay to zero over ``total_iters`` steps: :math:`\eta_t = \eta_0 (1 - \min(t, T)/T)^p`.

    ``power=1`` is linear decay to zero, :math:`\eta_0 (1 - t/T)` for :math:`t \le T`.
    """

    def __init__(self, base_lr, total_iters=5, power=1.0):
        super().__init__(base_lr)
        self.total_iters = _int("total_iters", total_iters)
        self.power = _real("power", power, low=0.0)

    def _lr(self, t):
        return self.base_lr * (1 - np.minimum(t, self.total_iters) / self.total_iters) ** self.power


class SequentialLR(Schedule):
    r"""Schedules one after another, switching at the ``milestones`` (torch's SequentialLR).

    With :math:`k` schedules, :math:`k - 1` strictly increasing milestones
    :math:`m_1 < \dots < m_{k-1}` and :math:`m_0 = 0`, step :math:`t` uses
    ``schedules[i]``, the :math:`i` with :math:`m_i \le t < m_{i+1}` (the last schedule
    for every :math:`t \ge m_{k-1}`), counted from its own step 0 at its milestone:

    .. math:: \eta_t = \text{schedules}[i](t - m_i).

    The milestones count the steps of the whole sequence, not of a piece. These
    are torch's semantics: at step :math:`t = m_i` torch's ``SequentialLR`` resets
    the step counter of ``schedules[i]`` to 0 and sets the rate from that
    schedule's closed form at its step 0, computed from the base rate, not from
    the rate the previous piece left (so the rate jumps if the previous piece did
    not end where the next one starts); after that only the active schedule is
    stepped. The usual use is warm-up then decay; this one rises linearly from
    0.001 at step 0 to 0.0901 at step 9, is 0.1 at step 10 and follows the cosine
    down to 0 at step 100::

        >>> seq = SequentialLR([LinearLR(0.1, 0.01, 1, 10), CosineAnnealingLR(0.1, 90)], milestones=[10])
        >>> [round(seq(t), 4) for t in (0, 9, 10, 100)]
        [0.001, 0.0901, 0.1, 0.0]

    In torch every piece takes its base rate from the optimizer (the group's
    ``initial_lr``); here each piece keeps its own ``base_lr``, so give them all
    the same one to get torch's values.
    """

    def __init__(self, schedules, milestones):
        schedules = list(schedules)
        if not schedules:
            raise ValueError("schedules must not be empty")
        for i, s in enumerate(schedules):
            if not isinstance(s, Schedule):
                raise TypeError(f"schedules[{i}] must be a closed-form schedule, got {s!r}")
        self.milestones = _milestones(milestones)
        if len(self.milestones) != len(schedules) - 1:
            raise ValueError(
                f"SequentialLR needs len(schedules) - 1 = {len(schedules) - 1} milestones, got {list(milestones)!r}"
            )
        self.schedules = schedules
        self.base_lr = schedules[0].base_lr

    def _lr(self, t):
        piece = np.searchsorted(self.milestones, t, side="right")
        starts = np.array([0] + self.milestones)
        out = np.empty(t.shape)
        for i, s in enumerate(self.schedules):
            mask = piece == i
            out[mask] = s._lr(t[mask] - starts[i])
        return out

    def __repr__(self):
        return f"SequentialLR({self.schedules!r}, milestones={self.milestones!r})"


class InverseSqrtLR(Schedule):
    r"""Inverse-square-root decay, with optional linear warmup (without it, :math:`\eta_0/\sqrt{t+1}`).

    With :math:`n = t + 1` the number of the update about to be taken and
    :math:`w` = ``warmup_steps``,

    .. math:: \eta_t = \eta_0 \min\bigl(n / w,\ \sqrt{w / n}\bigr),

    a linear rise to :math:`\eta_0` at update :math:`w`, then :math:`\eta_0\sqrt{w/n}`
    (the transformer schedule). With the default ``warmup_steps=1`` it is
    :math:`\eta_0/\sqrt{n}`: update 1 uses :math:`\eta_0`, update 4 uses :math:`\eta_0/2`.
    Torch has no such scheduler.
    """

    def __init__(self, base_lr, warmup_steps=1):
        super().__init__(base_lr)
        self.warmup_steps = _int("warmup_steps", warmup_steps)

    def _lr(self, t):
        n = t + 1.0
        return self.base_lr * np.minimum(n / self.warmup_steps, np.sqrt(self.warmup_steps / n))


class InverseTimeLR(Schedule):
    r"""The decay of stochastic approximation: :math:`\eta_t = \eta_0 / (1 + t/t_0)^p`.

    With ``power=1`` this is the :math:`1/t` rate of Robbins and Monro (1951),
    which satisfies their conditions

    .. math:: \sum_t \eta_t = \infty, \qquad \sum_t \eta_t^2 < \infty,

    as does every power :math:`1/2 < p \le 1` (see :attr:`robbins_monro`);
    ``power=0.5`` is :math:`\eta_0/\sqrt{1 + t/t_0}`, whose squares no longer sum.
    ``t0`` sets how many steps pass before the rate has halved (for ``power=1``).
    """

    def __init__(self, base_lr, t0=1.0, power=1.0):
        super().__init__(base_lr)
        self.t0 = _real("t0", t0, low=0.0, low_open=True)
        self.power = _real("power", power, low=0.0, low_open=True)

    @property
    def robbins_monro(self) -> bool:
        """Whether the rates sum to infinity while their squares sum to a finite number
        (the p-series test of :func:`coursekit.sgd_theory.satisfies_robbins_monro`)."""
        return satisfies_robbins_monro(self.power)

    def _lr(self, t):
        return self.base_lr / (1 + t / self.t0) ** self.power


class ReduceLROnPlateau:
    r"""Cut the rate by ``factor`` when the monitored metric stops improving (torch's rules).

    Each ``step(metric)``, usually once per epoch with the validation loss, compares
    the metric with the best value so far, ``best``. With ``mode="min"`` (a metric
    that should fall, such as a loss) it is an improvement if

    - ``metric < best * (1 - threshold)`` with ``threshold_mode="rel"`` (the default),
    - ``metric < best - threshold`` with ``threshold_mode="abs"``;

    ``mode="max"`` (a metric that should rise, such as an accuracy) mirrors both:
    ``metric > best * (1 + threshold)`` and ``metric > best + threshold``. An
    improvement sets ``best`` to the metric and the count of bad epochs
    (``num_bad_epochs``, consecutive epochs without improvement) to 0; any other
    metric, a NaN included, adds 1. When the count exceeds ``patience``, that is at
    the ``patience + 1``-th consecutive bad epoch, the rate becomes
    :math:`\max(\eta\cdot\text{factor}, \text{min\_lr})` (unless that changes it
    by ``eps`` or less), the count restarts from 0, and for the next ``cooldown``
    epochs bad epochs are not counted. Returns the rate to use next::

        >>> plateau = ReduceLROnPlateau(0.1, factor=0.5, patience=1)
        >>> [plateau.step(loss) for loss in [1.0, 0.9, 0.9, 0.9, 0.9]]
        [0.1, 0.1, 0.1, 0.05, 0.05]
    """

    def __init__(
        self,
        base_lr,
        mode="min",
        factor=0.1,
        patience=10,
        threshold=1e-4,
        threshold_mode="rel",
        cooldown=0,
        min_lr=0.0,
        eps=1e-8,
    ):
        self.base_lr = _real("base_lr", base_lr, low=0.0)
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        self.mode, self.threshold_mode = mode, threshold_mode
        self.factor = _real("factor", factor, low=0.0, low_open=True, high=1.0, high_open=True)
        self.patience = _int("patience", patience, low=0)
        self.threshold = _real("threshold", threshold, low=0.0)
        self.cooldown = _int("cooldown", cooldown, low=0)
        self.min_lr = _real("min_lr", min_lr, low=0.0)
        self.eps = _real("eps", eps, low=0.0)
        self.lr = self.base_lr
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0

    def _is_better(self, a):
        if self.mode == "min":
            bound = self.best * (1 - self.threshold) if self.threshold_mode == "rel" else self.best - self.threshold
            return a < bound
        bound = self.best * (1 + self.threshold) if self.threshold_mode == "rel" else self.best + self.threshold
        return a > bound

    def step(self, metric) -> float:
        """Record one value of the monitored metric; return the (possibly reduced) rate."""
        metric = float(np.asarray(getattr(metric, "data", metric)))
        self.last_epoch += 1
        if self._is_better(metric):
            self.best = metric
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:  # in cooldown: bad steps do not count
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            new_lr = max(self.lr * self.factor, self.min_lr)
            if self.lr - new_lr > self.eps:
                self.lr = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        return self.lr

    def apply(self, optimizer, metric) -> float:
        """``step(metric)`` and set every group of ``optimizer`` to the result."""
        lr = self.step(metric)
        set_lr(optimizer, lr)
        return lr

    def state_dict(self) -> dict:
        return dict(vars(self))

    def load_state_dict(self, state: dict) -> None:
        vars(self).update(state)

    def __repr__(self):
        return (
            f"ReduceLROnPlateau({self.base_lr!r}, mode={self.mode!r}, factor={self.factor!r}, "
            f"patience={self.patience!r}, lr={self.lr!r})"
        )


# --------------------------------------------------------------------------- families by name
#: The schedule families :func:`by_name` builds (the explorer of chapter 10 offers them all).
FAMILIES = ("constant", "step", "exponential", "1/t", "1/√t", "inverse sqrt", "cosine", "cosine restarts", "polynomial")


def by_name(name, base_lr, total_steps, warmup=0, end_factor=0.01) -> Schedule:
    r"""A schedule of family ``name`` over ``total_steps`` steps :math:`T`, tuned so
    that families can be compared: each decays from the peak rate :math:`\eta_{\max}` (``base_lr``)
    to :math:`\eta_T \approx` ``end_factor`` :math:`\cdot\,\eta_{\max}`.

    =================  ===================================================================
    ``"constant"``     :math:`\eta_{\max}` (``end_factor`` unused)
    ``"step"``         :class:`MultiStepLR`, milestones at :math:`T/2` and :math:`3T/4`,
                       ``gamma`` :math:`= \sqrt{r}`, so :math:`\eta_T = r\eta_{\max}`
    ``"exponential"``  :class:`ExponentialLR` with ``gamma`` :math:`= r^{1/T}`
    ``"1/t"``          :class:`InverseTimeLR`, power 1, :math:`t_0 = rT/(1-r)`
    ``"1/√t"``         :class:`InverseTimeLR`, power 1/2, :math:`t_0 = r^2T/(1-r^2)`
    ``"inverse sqrt"`` :class:`InverseSqrtLR` with ``warmup_steps = max(warmup, 1)``; its end
                       rate :math:`\eta_{\max}\sqrt{\text{warmup}/T}` is set by the warm-up, not by
                       ``end_factor``, and it has its own warm-up (no extra one is added)
    ``"cosine"``       :class:`CosineAnnealingLR`, ``eta_min`` :math:`= r\eta_{\max}`
    ``"cosine restarts"`` :class:`CosineAnnealingWarmRestarts`, ``T_mult=2`` and
                       :math:`T_0 = \lceil T/7\rceil` (cycles of :math:`T/7, 2T/7, 4T/7`),
                       ``eta_min`` :math:`= r\eta_{\max}`
    ``"polynomial"``   :class:`PolynomialLR`, power 2, down to 0 (``end_factor`` unused)
    =================  ===================================================================

    with :math:`r` = ``end_factor``. With ``warmup`` :math:`= w > 0` (families other than
    "inverse sqrt") the rate first rises linearly, :class:`LinearLR` from :math:`\eta_{\max}/w`
    to :math:`\eta_{\max}` over :math:`w` steps, and the family runs over the remaining
    :math:`T - w` steps (:class:`SequentialLR`).
    """
    if name not in FAMILIES:
        raise ValueError(f"name must be one of {FAMILIES}, got {name!r}")
    total = _int("total_steps", total_steps, low=2)
    w = _int("warmup", warmup, low=0)
    if w >= total:
        raise ValueError(f"warmup must be < total_steps = {total}, got {w!r}")
    r = _real("end_factor", end_factor, low=0.0, low_open=True, high=1.0, high_open=True)
    base = _real("base_lr", base_lr, low=0.0, low_open=True)
    if name == "inverse sqrt":
        return InverseSqrtLR(base, warmup_steps=max(w, 1))
    T = total - w  # the decay's own length

    def decay():
        if name == "constant":
            return ConstantLR(base, factor=1.0, total_iters=0)
        if name == "step":
            return MultiStepLR(base, milestones=sorted({max(T // 2, 1), max(3 * T // 4, 2)}), gamma=math.sqrt(r))
        if name == "exponential":
            return ExponentialLR(base, gamma=r ** (1 / T))
        if name == "1/t":
            return InverseTimeLR(base, t0=r * T / (1 - r), power=1.0)
        if name == "1/√t":
            return InverseTimeLR(base, t0=r**2 * T / (1 - r**2), power=0.5)
        if name == "cosine":
            return CosineAnnealingLR(base, T_max=T, eta_min=r * base)
        if name == "cosine restarts":
            return CosineAnnealingWarmRestarts(base, T_0=math.ceil(T / 7), T_mult=2, eta_min=r * base)
        return PolynomialLR(base, total_iters=T, power=2.0)

    if w == 0:
        return decay()
    warm = LinearLR(base, start_factor=1 / w, end_factor=1.0, total_iters=w)
    return SequentialLR([warm, decay()], milestones=[w])

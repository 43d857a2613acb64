"""Chapter 10's code exercises: warm-up then cosine, and multi-step decay.

The reader writes ``lr(t, eta_max, warmup, T, eta_min)``, the rate of step
``t`` of the chapter's warm-up + cosine schedule (10.8): over the first
``warmup`` steps the rate rises linearly from ``eta_max / warmup``
(``LinearLR(start_factor=1/warmup, total_iters=warmup)``), at ``t = warmup``
it is ``eta_max``, and from there cosine annealing (10.7) runs over the
remaining ``T - warmup`` steps down to ``eta_min``, where it stays after
``T``. With ``warmup = 0`` it is plain cosine annealing. The reference is
coursekit's ``SequentialLR([LinearLR, CosineAnnealingLR])``, as in the
chapter.

And ``multistep_lr(t, eta_max, milestones, gamma)``, the rate of step ``t``
of multi-step decay (10.3), ``eta_max * gamma ** #{i : t_i <= t}``, against
``MultiStepLR``.
"""

from __future__ import annotations

import numpy as np

from .. import schedules
from .checker import Case, Checker, Misconception


def _cases(rng):
    def case(label, t, eta_max=0.5, warmup=10, T=100, eta_min=0.01):
        return Case(label, dict(t=int(t), eta_max=eta_max, warmup=warmup, T=T, eta_min=eta_min))

    cases = [
        case("t = 0, the first step of the warm-up", 0),
        case("t = 9, the last warm-up step", 9),
        case("t = 10, the end of the warm-up (the peak)", 10),
        case("t = 55, the middle of the cosine", 55),
        case("t = 100 = T, the end", 100),
        case("t = 130 > T: held at eta_min", 130),
        case("t = 3, warm-up of 4 steps, T = 20", 3, eta_max=1.0, warmup=4, T=20, eta_min=0.1),
        case("no warm-up, t = 0", 0, warmup=0),
        case("no warm-up, t = 25", 25, warmup=0),
    ]
    for t in rng.integers(0, 200, size=4):
        cases.append(case(f"random t = {t}, warm-up 20, T = 200", t, eta_max=0.3, warmup=20, T=200, eta_min=0.003))
    return cases


def _reference(t, eta_max, warmup, T, eta_min):
    cosine = schedules.CosineAnnealingLR(eta_max, T_max=T - warmup, eta_min=eta_min)
    if warmup == 0:
        return float(cosine(t))
    warm = schedules.LinearLR(eta_max, start_factor=1 / warmup, total_iters=warmup)
    return float(schedules.SequentialLR([warm, cosine], milestones=[warmup])(t))


def _variant(t, eta_max, warmup, T, eta_min, *, warm="right", phase="right", one=True, floor=True):
    """The schedule with one part written wrong."""
    if t < warmup:
        if warm == "from zero":
            return eta_max * t / warmup
        if warm == "from one":
            return eta_max * (t + 1) / warmup
        return eta_max * (1 / warmup + (1 - 1 / warmup) * t / warmup)
    low = eta_min if floor else 0.0
    if phase == "unshifted":
        x = min(t, T) / T
    elif phase == "over T":
        x = min(t - warmup, T) / T
    else:
        x = min(t - warmup, T - warmup) / (T - warmup)
    shape = (1 + np.cos(np.pi * x)) / 2 if one else np.cos(np.pi * x) / 2
    return float(low + (eta_max - low) * shape)


def _wrong(**kw):
    def fn(t, eta_max, warmup, T, eta_min):
        return _variant(t, eta_max, warmup, T, eta_min, **kw)

    return fn


_COSINE = "(10.7), cosine annealing"
_WARM = "(10.8), warm-up then cosine"

check_warmup_cosine = Checker(
    "lr",
    "lr(t, eta_max, warmup, T, eta_min)",
    _reference,
    _cases,
    [
        Misconception('the cosine without its "1 +"', _wrong(one=False), _COSINE, label="sched-cosine"),
        Misconception(
            "the cosine not restarted at the end of the warm-up (cos(pi t / T), phase not shifted)",
            _wrong(phase="unshifted"),
            _WARM,
            label="sched-warmup-cosine",
        ),
        Misconception(
            "the cosine run over T steps instead of the remaining T - warmup",
            _wrong(phase="over T"),
            _WARM,
            label="sched-warmup-cosine",
        ),
        Misconception(
            "a warm-up off by one step (starting at rate 0: eta_max t / warmup)",
            _wrong(warm="from zero"),
            _WARM,
            label="sched-warmup-cosine",
        ),
        Misconception(
            "a warm-up off by one step (eta_max (t + 1) / warmup: the peak one step early)",
            _wrong(warm="from one"),
            _WARM,
            label="sched-warmup-cosine",
        ),
        Misconception("eta_min ignored (the cosine decays to 0)", _wrong(floor=False), _COSINE, label="sched-cosine"),
    ],
    rtol=1e-9,
    atol=1e-12,
    chapter="10",
)


# ---- multi-step decay (10.3): eta_max gamma^(number of milestones t_i <= t)


def _step_cases(rng):
    def case(label, t, eta_max=0.5, milestones=(30, 60, 80), gamma=0.1):
        return Case(label, dict(t=int(t), eta_max=eta_max, milestones=list(milestones), gamma=gamma))

    cases = [
        case("t = 0", 0),
        case("t = 29, just before the first milestone", 29),
        case("t = 30, at the first milestone", 30),
        case("t = 60, at the second", 60),
        case("t = 95, past all three", 95),
        case("milestones [5, 10], gamma = 0.5, t = 12", 12, eta_max=1.0, milestones=(5, 10), gamma=0.5),
        case("milestones [20, 50], gamma = 0.3, t = 50", 50, eta_max=2.0, milestones=(20, 50), gamma=0.3),
    ]
    for t in rng.integers(0, 120, size=4):
        cases.append(case(f"random t = {t}, milestones [25, 50, 75]", t, milestones=(25, 50, 75), gamma=0.2))
    return cases


def _multistep(t, eta_max, milestones, gamma):
    return float(schedules.MultiStepLR(eta_max, milestones=milestones, gamma=gamma)(t))


def _multistep_after(t, eta_max, milestones, gamma):
    return eta_max * gamma ** sum(m < t for m in milestones)


def _multistep_once(t, eta_max, milestones, gamma):
    return eta_max * gamma if any(m <= t for m in milestones) else eta_max


def _multistep_period(t, eta_max, milestones, gamma):
    return eta_max * gamma ** (t // milestones[0])


_STEP = "(10.3), step and multi-step decay"

check_multistep = Checker(
    "multistep_lr",
    "multistep_lr(t, eta_max, milestones, gamma)",
    _multistep,
    _step_cases,
    [
        Misconception(
            "a milestone counted one step late (t_i < t instead of t_i <= t)",
            _multistep_after,
            _STEP,
            label="sched-step",
        ),
        Misconception("gamma applied once, not once per milestone passed", _multistep_once, _STEP, label="sched-step"),
        Misconception(
            "the milestones read as a period (StepLR with step_size = t_1)",
            _multistep_period,
            _STEP,
            label="sched-step",
        ),
    ],
    rtol=1e-9,
    atol=1e-12,
    chapter="10",
)

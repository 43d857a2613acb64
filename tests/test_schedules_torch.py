"""coursekit.schedules against torch.optim.lr_scheduler, step by step."""

import warnings

import numpy as np
import pytest
from _torch import import_torch

from coursekit import schedules

torch = import_torch()
S = torch.optim.lr_scheduler
BASE = 0.1


def torch_lrs(make, steps, base=BASE):
    """The rate torch's optimizer uses at steps 0, 1, ..., steps - 1."""
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = make(opt)
        lrs = []
        for _ in range(steps):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
    return np.array(lrs)


CASES = [
    ("StepLR", dict(step_size=7), 60),
    ("StepLR", dict(step_size=3, gamma=0.5), 40),
    ("MultiStepLR", dict(milestones=[5, 12, 30], gamma=0.3), 50),
    ("ExponentialLR", dict(gamma=0.95), 100),
    ("CosineAnnealingLR", dict(T_max=50), 51),
    ("CosineAnnealingLR", dict(T_max=37, eta_min=0.01), 38),
    ("CosineAnnealingWarmRestarts", dict(T_0=10), 65),
    ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2, eta_min=0.001), 200),
    ("CosineAnnealingWarmRestarts", dict(T_0=1, T_mult=3), 200),
    ("LinearLR", {}, 20),
    ("LinearLR", dict(start_factor=0.01, end_factor=1.0, total_iters=25), 40),
    ("LinearLR", dict(start_factor=1.0, end_factor=0.1, total_iters=30), 40),
    ("PolynomialLR", {}, 12),
    ("PolynomialLR", dict(total_iters=40, power=2.0), 60),
    ("PolynomialLR", dict(total_iters=40, power=0.5), 60),
    ("ConstantLR", dict(factor=0.25, total_iters=6), 15),
]


@pytest.mark.parametrize("name,kwargs,steps", CASES)
def test_closed_forms_match_torch(name, kwargs, steps):
    ours = getattr(schedules, name)(BASE, **kwargs)(np.arange(steps))
    theirs = torch_lrs(lambda opt: getattr(S, name)(opt, **kwargs), steps)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-15)
    assert ours[0] == theirs[0]


def test_cosine_past_t_max_periodic_matches_torch_and_default_holds():
    torch_vals = torch_lrs(lambda opt: S.CosineAnnealingLR(opt, T_max=20, eta_min=0.01), 90)
    periodic = schedules.CosineAnnealingLR(BASE, T_max=20, eta_min=0.01, periodic=True)
    np.testing.assert_allclose(periodic(np.arange(90)), torch_vals, rtol=1e-9, atol=1e-15)
    held = schedules.CosineAnnealingLR(BASE, T_max=20, eta_min=0.01)(np.arange(90))
    np.testing.assert_allclose(held[:21], torch_vals[:21], rtol=1e-10)
    assert np.all(held[20:] == 0.01)  # ours holds at eta_min ...
    assert torch_vals[40] == pytest.approx(BASE)  # ... where torch climbs back to the base rate


@pytest.mark.parametrize(
    "pieces,milestones,steps",
    [
        ([("LinearLR", dict(start_factor=0.1, total_iters=10)), ("CosineAnnealingLR", dict(T_max=40))], [10], 51),
        ([("LinearLR", dict(start_factor=0.2, total_iters=5)), ("ExponentialLR", dict(gamma=0.9))], [5], 30),
        # the milestone comes before the warm-up ends: torch jumps to the next piece's step 0
        ([("LinearLR", dict(start_factor=0.2, total_iters=10)), ("ExponentialLR", dict(gamma=0.9))], [5], 20),
        (
            [
                ("LinearLR", dict(start_factor=0.1, total_iters=5)),
                ("CosineAnnealingWarmRestarts", dict(T_0=4, T_mult=2)),
            ],
            [5],
            40,
        ),
        (
            [
                ("ConstantLR", dict(factor=0.5, total_iters=3)),
                ("StepLR", dict(step_size=4, gamma=0.5)),
                ("CosineAnnealingLR", dict(T_max=10)),
            ],
            [3, 15],
            26,
        ),
    ],
)
def test_sequential_matches_torch(pieces, milestones, steps):
    ours = schedules.SequentialLR([getattr(schedules, n)(BASE, **kw) for n, kw in pieces], milestones=milestones)
    theirs = torch_lrs(
        lambda opt: S.SequentialLR(opt, [getattr(S, n)(opt, **kw) for n, kw in pieces], milestones=milestones), steps
    )
    np.testing.assert_allclose(ours(np.arange(steps)), theirs, rtol=1e-10, atol=1e-15)
    for m, piece in zip(milestones, pieces[1:]):  # at a milestone: the next piece's own step 0
        assert theirs[m] == pytest.approx(getattr(schedules, piece[0])(BASE, **piece[1])(0), rel=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(factor=0.5, patience=3),
        dict(factor=0.1, patience=0, cooldown=2),
        dict(mode="max", factor=0.5, patience=2, threshold=0.05, threshold_mode="abs"),
        dict(factor=0.5, patience=1, min_lr=0.02),
        dict(factor=0.9, patience=1, eps=0.05),
        dict(factor=0.5, patience=2, threshold=0.1, threshold_mode="rel", mode="max"),
    ],
)
def test_plateau_matches_torch(kwargs):
    rng = np.random.default_rng(4)
    metrics = np.r_[
        np.linspace(1.0, 0.5, 10), 0.5 + 0.02 * rng.standard_normal(40), [np.nan], np.linspace(0.5, 0.3, 10)
    ]
    ours = schedules.ReduceLROnPlateau(BASE, **kwargs)
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=BASE)
    theirs = S.ReduceLROnPlateau(opt, **kwargs)
    for m in metrics:
        lr = ours.step(m)
        theirs.step(float(m))
        assert lr == pytest.approx(opt.param_groups[0]["lr"], rel=1e-12)
        assert ours.num_bad_epochs == theirs.num_bad_epochs


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(total_steps=100),
        dict(total_steps=57, pct_start=0.25, anneal_strategy="linear"),
        dict(total_steps=80, div_factor=10.0, final_div_factor=100.0, three_phase=True),
        dict(total_steps=33, pct_start=0.5, anneal_strategy="linear", three_phase=True),
    ],
)
def test_one_cycle_matches_torch(kwargs):
    steps = kwargs["total_steps"]
    ours = schedules.OneCycleLR(0.6, **kwargs)(np.arange(steps))
    make = lambda opt: S.OneCycleLR(opt, max_lr=0.6, cycle_momentum=False, **kwargs)
    theirs = torch_lrs(make, steps)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-15)

"""coursekit.schedules without torch: closed forms, arrays, bad arguments, and the decays torch lacks."""

import doctest
import math

import numpy as np
import pytest

from coursekit import optim, schedules


def test_docstring_examples_run():
    result = doctest.testmod(schedules, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 3 and result.failed == 0


def test_cosine_contract_and_formula():
    sched = schedules.CosineAnnealingLR(0.1, T_max=100, eta_min=0.0)
    assert sched(0) == 0.1 and isinstance(sched(0), float)
    t = np.arange(200)
    lr = sched(t)
    assert lr.shape == (200,)
    expected = 0.0 + (0.1 - 0.0) * (1 + np.cos(np.pi * np.minimum(t, 100) / 100)) / 2
    np.testing.assert_allclose(lr, expected, rtol=1e-15, atol=1e-18)
    assert sched(50) == pytest.approx(0.05) and sched(100) == 0.0
    assert np.all(np.diff(lr[:101]) < 0) and np.all(lr[100:] == 0.0)  # decreasing, then held
    # the "1 +" matters: without it the rate would be negative in the second half
    assert np.all(lr >= 0)


def test_cosine_periodic_option_climbs_back():
    sched = schedules.CosineAnnealingLR(0.1, T_max=10, eta_min=0.01, periodic=True)
    assert sched(10) == pytest.approx(0.01) and sched(20) == pytest.approx(0.1)
    assert sched(15) == pytest.approx(sched(5))


def reference_warm_restarts(base, T0, mult, eta_min, steps):
    """Torch's recursive bookkeeping of T_cur and T_i, written as a loop."""
    t_cur, t_i, out = 0, T0, []
    for _ in range(steps):
        out.append(eta_min + (base - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2)
        t_cur += 1
        if t_cur >= t_i:
            t_cur, t_i = t_cur - t_i, t_i * mult
    return np.array(out)


@pytest.mark.parametrize("T0,mult", [(10, 1), (3, 2), (1, 2), (2, 3), (5, 4)])
def test_warm_restarts_match_the_recursive_bookkeeping(T0, mult):
    sched = schedules.CosineAnnealingWarmRestarts(0.2, T_0=T0, T_mult=mult, eta_min=0.01)
    np.testing.assert_allclose(sched(np.arange(3000)), reference_warm_restarts(0.2, T0, mult, 0.01, 3000), rtol=1e-13)


@pytest.mark.parametrize(
    "sched,formula",
    [
        (schedules.StepLR(0.1, step_size=10, gamma=0.5), lambda t: 0.1 * 0.5 ** (t // 10)),
        (
            schedules.MultiStepLR(0.1, milestones=[3, 8], gamma=0.1),
            lambda t: 0.1 * 0.1 ** ((t >= 3).astype(int) + (t >= 8)),
        ),
        (schedules.ExponentialLR(0.1, gamma=0.9), lambda t: 0.1 * 0.9**t),
        (
            schedules.LinearLR(0.1, start_factor=0.25, end_factor=1.0, total_iters=8),
            lambda t: 0.1 * (0.25 + 0.75 * np.minimum(t, 8) / 8),
        ),
        (schedules.PolynomialLR(0.1, total_iters=20, power=2.0), lambda t: 0.1 * (1 - np.minimum(t, 20) / 20) ** 2),
        (schedules.InverseSqrtLR(0.1), lambda t: 0.1 / np.sqrt(t + 1)),
        (schedules.InverseSqrtLR(0.1, warmup_steps=4), lambda t: 0.1 * np.minimum((t + 1) / 4, np.sqrt(4 / (t + 1)))),
        (schedules.InverseTimeLR(0.1, t0=5.0), lambda t: 0.1 * 5 / (5 + t)),
    ],
)
def test_closed_forms(sched, formula):
    t = np.arange(60)
    np.testing.assert_allclose(sched(t), formula(t), rtol=1e-14)
    for k in [0, 7, 59]:
        assert sched(k) == pytest.approx(formula(np.array(k)), rel=1e-14)
    assert sched(np.arange(12).reshape(3, 4)).shape == (3, 4)


def test_inverse_sqrt_peaks_at_the_end_of_warmup_and_halves_by_four_times_later():
    sched = schedules.InverseSqrtLR(1.0, warmup_steps=10)
    lr = sched(np.arange(100))
    assert np.argmax(lr) == 9 and lr[9] == pytest.approx(1.0)
    assert sched(39) == pytest.approx(0.5)


def test_inverse_time_robbins_monro():
    assert schedules.InverseTimeLR(0.1).robbins_monro
    assert schedules.InverseTimeLR(0.1, power=0.75).robbins_monro
    assert not schedules.InverseTimeLR(0.1, power=0.5).robbins_monro
    assert not schedules.InverseTimeLR(0.1, power=2.0).robbins_monro
    # sum of eta grows like log t for 1/t, sum of eta^2 converges
    lr = schedules.InverseTimeLR(1.0)(np.arange(10**6))
    assert lr.sum() == pytest.approx(np.log(10**6) + np.euler_gamma, rel=1e-5)
    assert (lr**2).sum() == pytest.approx(np.pi**2 / 6, rel=1e-5)


def test_sequential_switches_at_milestones():
    warm = schedules.LinearLR(0.1, start_factor=0.1, total_iters=5)
    main = schedules.CosineAnnealingLR(0.1, T_max=20)
    seq = schedules.SequentialLR([warm, main], milestones=[5])
    t = np.arange(30)
    expected = np.where(t < 5, warm(t), main(np.maximum(t - 5, 0)))
    np.testing.assert_array_equal(seq(t), expected)
    assert seq(5) == 0.1 and seq.base_lr == 0.1


def test_plateau_reduces_after_patience_and_respects_cooldown_and_min_lr():
    plateau = schedules.ReduceLROnPlateau(1.0, factor=0.5, patience=2, cooldown=1, min_lr=0.2)
    lrs = [plateau.step(x) for x in [5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]]
    # best=4 at step 2; the 3rd bad step (5) cuts; step 6 is the cooldown and does not count
    assert lrs == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25]
    assert plateau.step(np.float64(1.0)) == 0.25  # an improvement resets the count
    assert plateau.num_bad_epochs == 0
    more = [plateau.step(4.0) for _ in range(8)]
    assert more[-1] == 0.2  # 0.25 * 0.5 is floored at min_lr
    state = plateau.state_dict()
    other = schedules.ReduceLROnPlateau(1.0)
    other.load_state_dict(state)
    assert other.lr == plateau.lr and other.best == plateau.best


def test_plateau_counts_exactly():
    plateau = schedules.ReduceLROnPlateau(1.0, factor=0.5, patience=2)
    lrs = [plateau.step(x) for x in [5, 4, 4, 4, 4, 4, 4, 4]]
    assert lrs == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]


def test_set_lr_and_apply():
    x, b = np.ones(2), np.ones(1)
    opt = optim.SGD([{"params": [x]}, {"params": [b]}], lr=1.0)
    schedules.set_lr(opt, 0.3)
    assert [g["lr"] for g in opt.param_groups] == [0.3, 0.3]
    schedules.set_lr(opt, [0.1, 0.2])
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.2]
    assert schedules.StepLR(0.5, 2).apply(opt, 3) == 0.05
    assert opt.param_groups[1]["lr"] == 0.05
    with pytest.raises(ValueError, match="2 groups"):
        schedules.set_lr(opt, [0.1])
    with pytest.raises(ValueError, match="lr"):
        schedules.set_lr(opt, float("nan"))
    assert schedules.ReduceLROnPlateau(0.7).apply(opt, 1.0) == 0.7 and opt.param_groups[0]["lr"] == 0.7


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: schedules.CosineAnnealingLR(0.1, T_max=0), "T_max"),
        (lambda: schedules.CosineAnnealingLR(0.1, T_max=-5), "T_max"),
        (lambda: schedules.CosineAnnealingLR(-0.1, T_max=5), "base_lr"),
        (lambda: schedules.CosineAnnealingLR(float("nan"), T_max=5), "base_lr"),
        (lambda: schedules.StepLR(0.1, step_size=0), "step_size"),
        (lambda: schedules.StepLR(0.1, step_size=3, gamma=0.0), "gamma"),
        (lambda: schedules.ExponentialLR(0.1, gamma=-0.5), "gamma"),
        (lambda: schedules.MultiStepLR(0.1, milestones=[5, 3]), "milestones"),
        (lambda: schedules.MultiStepLR(0.1, milestones=[3, 3]), "milestones"),
        (lambda: schedules.MultiStepLR(0.1, milestones=[0, 3]), "milestones"),
        (lambda: schedules.LinearLR(0.1, start_factor=0.0), "start_factor"),
        (lambda: schedules.LinearLR(0.1, end_factor=1.5), "end_factor"),
        (lambda: schedules.PolynomialLR(0.1, total_iters=0), "total_iters"),
        (lambda: schedules.CosineAnnealingWarmRestarts(0.1, T_0=0), "T_0"),
        (lambda: schedules.CosineAnnealingWarmRestarts(0.1, T_0=5, T_mult=0), "T_mult"),
        (lambda: schedules.CosineAnnealingWarmRestarts(0.1, T_0=5, T_mult=1.5), "T_mult"),
        (lambda: schedules.ReduceLROnPlateau(0.1, factor=1.0), "factor"),
        (lambda: schedules.ReduceLROnPlateau(0.1, factor=2.0), "factor"),
        (lambda: schedules.ReduceLROnPlateau(0.1, mode="mean"), "mode"),
        (lambda: schedules.ReduceLROnPlateau(0.1, patience=-1), "patience"),
        (lambda: schedules.ReduceLROnPlateau(0.1, threshold_mode="pct"), "threshold_mode"),
        (lambda: schedules.SequentialLR([schedules.StepLR(0.1, 2)], milestones=[3]), "milestones"),
        (
            lambda: schedules.SequentialLR([schedules.StepLR(0.1, 2), schedules.ReduceLROnPlateau(0.1)], [3]),
            "schedules",
        ),
        (lambda: schedules.InverseTimeLR(0.1, power=0.0), "power"),
        (lambda: schedules.InverseSqrtLR(0.1, warmup_steps=0), "warmup_steps"),
    ],
)
def test_bad_arguments_raise(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


@pytest.mark.parametrize("t", [-1, 2.5, np.array([0, -3]), float("nan"), "3", np.array([True])])
def test_bad_steps_raise(t):
    with pytest.raises((ValueError, TypeError), match="t must"):
        schedules.StepLR(0.1, 3)(t)


def test_whole_float_steps_are_accepted():
    assert schedules.ExponentialLR(1.0, 0.5)(3.0) == 0.125


def test_one_cycle_shape_and_bad_input():
    from coursekit import schedules_cyclic

    s = schedules.OneCycleLR(1.0, total_steps=100)
    assert schedules.OneCycleLR is schedules_cyclic.OneCycleLR
    assert s(0) == pytest.approx(1 / 25) and s(29) == pytest.approx(1.0)
    assert s(99) == pytest.approx(1 / 25 / 1e4)
    for kwargs, name in [
        (dict(total_steps=0), "total_steps"),
        (dict(total_steps=10, pct_start=1.5), "pct_start"),
        (dict(total_steps=10, anneal_strategy="exp"), "anneal_strategy"),
        (dict(total_steps=10, div_factor=0.0), "div_factor"),
        (dict(total_steps=10, final_div_factor=-1.0), "final_div_factor"),
    ]:
        with pytest.raises(ValueError, match=name):
            schedules.OneCycleLR(1.0, **kwargs)
    with pytest.raises(ValueError, match="t must be"):
        s(101)
    with pytest.raises(ValueError, match="max_lr"):
        schedules.OneCycleLR(-1.0, total_steps=10)

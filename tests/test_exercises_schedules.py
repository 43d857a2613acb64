"""Chapter 10's code exercise (coursekit.exercises.schedules)."""

import math

import pytest

from coursekit import exercises
from coursekit.exercises import schedules as ex

check = exercises.check_warmup_cosine


def my_lr(t, eta_max, warmup, T, eta_min):
    # written out from (10.8), independently of coursekit's schedules
    if t < warmup:
        return eta_max / warmup + (eta_max - eta_max / warmup) * t / warmup
    s = min(t, T) - warmup
    return eta_min + 0.5 * (eta_max - eta_min) * (1 + math.cos(math.pi * s / (T - warmup)))


def test_reference_and_independent_version_pass():
    assert check.verdict(ex._reference).passed
    assert check.verdict(my_lr).passed


@pytest.mark.parametrize("m", check.misconceptions, ids=lambda m: m.name)
def test_each_misconception_is_named(m):
    v = check.verdict(m.wrong)
    assert not v.passed and v.misconception == m.name and f"Reread {m.reread}" in v.text


def not_held(t, eta_max, warmup, T, eta_min):
    # PyTorch's CosineAnnealingLR past T: back up the cosine
    s = t - warmup
    return eta_min + 0.5 * (eta_max - eta_min) * (1 + math.cos(math.pi * s / (T - warmup)))


WRONG = [
    lambda t, eta_max, warmup, T, eta_min: -my_lr(t, eta_max, warmup, T, eta_min),  # wrong sign
    lambda t, eta_max, warmup, T, eta_min: my_lr(t + 1, eta_max, warmup, T, eta_min),  # off by one step
    lambda t, eta_max, warmup, T, eta_min: [my_lr(t, eta_max, warmup, T, eta_min)] * 2,  # wrong shape
    not_held,
]


@pytest.mark.parametrize("wrong", WRONG)
def test_other_wrong_versions_fail_without_a_name(wrong):
    v = check.verdict(wrong)
    assert not v.passed and v.misconception is None


def test_stub_is_not_implemented_yet(capsys):
    def lr(t, eta_max, warmup, T, eta_min):
        raise NotImplementedError

    check(lr)
    assert "not implemented yet" in capsys.readouterr().out


step_check = exercises.check_multistep


def my_multistep(t, eta_max, milestones, gamma):
    rate = eta_max
    for m in sorted(milestones):
        if t >= m:
            rate *= gamma
    return rate


def test_multistep_reference_and_independent_version_pass():
    assert step_check.verdict(ex._multistep).passed
    assert step_check.verdict(my_multistep).passed


@pytest.mark.parametrize("m", step_check.misconceptions, ids=lambda m: m.name)
def test_multistep_misconceptions_are_named(m):
    v = step_check.verdict(m.wrong)
    assert not v.passed and v.misconception == m.name and f"Reread {m.reread}" in v.text


STEP_WRONG = [
    lambda t, eta_max, milestones, gamma: -my_multistep(t, eta_max, milestones, gamma),  # wrong sign
    lambda t, eta_max, milestones, gamma: my_multistep(t + 1, eta_max, milestones, gamma),  # a step early
    lambda t, eta_max, milestones, gamma: [my_multistep(t, eta_max, milestones, gamma)] * 2,  # wrong shape
    lambda t, eta_max, milestones, gamma: eta_max / gamma ** sum(m <= t for m in milestones),  # rate grows
]


@pytest.mark.parametrize("wrong", STEP_WRONG)
def test_multistep_other_wrong_versions_fail_without_a_name(wrong):
    v = step_check.verdict(wrong)
    assert not v.passed and v.misconception is None

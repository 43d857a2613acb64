"""schedules.by_name (the families of chapter 10) and sgd_theory's fast iterates."""

import math

import numpy as np
import pytest

from coursekit import schedules, sgd_theory


@pytest.mark.parametrize("name", schedules.FAMILIES)
@pytest.mark.parametrize("warmup", [0, 20])
def test_every_family_starts_and_ends_where_documented(name, warmup):
    T, base, r = 200, 0.1, 0.01
    sched = schedules.by_name(name, base, T, warmup=warmup, end_factor=r)
    lr = sched(np.arange(T + 1))
    assert np.all(lr >= 0) and np.all(np.isfinite(lr)) and lr.max() <= base * (1 + 1e-12)
    if name == "inverse sqrt":  # its own warm-up: n / w, then sqrt(w / n)
        w = max(warmup, 1)
        np.testing.assert_allclose(
            lr,
            base * np.minimum((np.arange(T + 1) + 1) / w, np.sqrt(w / (np.arange(T + 1) + 1))),
        )
        return
    if warmup:
        assert lr[0] == pytest.approx(base / warmup)
        assert np.all(np.diff(lr[:warmup]) > 0) and lr[warmup] == pytest.approx(base)
    else:
        assert lr[0] == pytest.approx(base)
    end = {"constant": base, "polynomial": 0.0}.get(name, r * base)
    # restarts: the last cycle ends at 7 ceil(T/7) >= T, a few steps after T
    assert lr[T] == pytest.approx(end, rel=0.25 if name == "cosine restarts" else 0.02, abs=1e-12)
    if name not in ("constant", "cosine restarts"):
        assert np.all(np.diff(lr[warmup:]) <= 1e-15)  # decays never rise after the warm-up


def test_families_are_the_torch_named_schedules():
    T, r = 100, 0.04
    t = np.arange(T + 1)
    np.testing.assert_allclose(
        schedules.by_name("step", 1.0, T, end_factor=r)(t),
        0.2 ** ((t >= 50).astype(int) + (t >= 75)),
    )
    np.testing.assert_allclose(schedules.by_name("exponential", 1.0, T, end_factor=r)(t), r ** (t / T))
    np.testing.assert_allclose(
        schedules.by_name("1/t", 1.0, T, end_factor=r)(t),
        1 / (1 + t * (1 - r) / (r * T)),
    )
    np.testing.assert_allclose(
        schedules.by_name("1/√t", 1.0, T, end_factor=r)(t),
        1 / np.sqrt(1 + t * (1 - r**2) / (r**2 * T)),
    )
    np.testing.assert_allclose(
        schedules.by_name("cosine", 1.0, T, end_factor=r)(t),
        r + (1 - r) * (1 + np.cos(np.pi * t / T)) / 2,
    )
    np.testing.assert_allclose(schedules.by_name("polynomial", 1.0, T)(t), (1 - t / T) ** 2)
    restarts = schedules.by_name("cosine restarts", 1.0, T, end_factor=r)
    assert restarts.T_0 == math.ceil(T / 7) and restarts.T_mult == 2
    assert np.sum(np.diff(restarts(t)) > 0) == 2  # two restarts within T


def test_by_name_rejects_bad_arguments():
    with pytest.raises(ValueError, match="name"):
        schedules.by_name("triangular", 0.1, 100)
    with pytest.raises(ValueError, match="warmup"):
        schedules.by_name("cosine", 0.1, 100, warmup=100)
    with pytest.raises(ValueError, match="end_factor"):
        schedules.by_name("cosine", 0.1, 100, end_factor=0.0)
    with pytest.raises(ValueError, match="base_lr"):
        schedules.by_name("cosine", 0.0, 100)
    with pytest.raises(TypeError, match="total_steps"):
        schedules.by_name("cosine", 0.1, 100.5)


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(30, 4))
    return sgd_theory.FiniteSum(A, A @ rng.normal(size=4) + rng.normal(size=30))


@pytest.mark.parametrize("batch_size,replace", [(1, True), (5, True), (5, False), (30, False)])
def test_sgd_iterates_are_the_paths_of_sgd_runs(problem, batch_size, replace):
    rates = schedules.CosineAnnealingLR(0.05, T_max=40)(np.arange(40)) + 1e-3
    full = sgd_theory.sgd_runs(
        problem,
        np.ones(4),
        rates,
        batch_size=batch_size,
        runs=6,
        replace=replace,
        seed=7,
        keep_paths=6,
    )
    fast = sgd_theory.sgd_iterates(
        problem,
        np.ones(4),
        rates,
        batch_size=batch_size,
        runs=6,
        replace=replace,
        seed=7,
    )
    assert fast.shape == (6, 41, 4)
    np.testing.assert_allclose(fast, full.paths, rtol=1e-12, atol=1e-12)


def test_values_equal_the_finite_sum(problem):
    x = np.random.default_rng(0).normal(size=(3, 7, 4))
    np.testing.assert_allclose(sgd_theory.values(problem, x), problem.value(x), rtol=1e-12)
    with pytest.raises(ValueError, match="last dimension"):
        sgd_theory.values(problem, np.zeros(3))


def test_sgd_iterates_rejects_bad_input(problem):
    with pytest.raises(ValueError, match="rates"):
        sgd_theory.sgd_iterates(problem, np.zeros(4), [0.1, -0.1])
    with pytest.raises(ValueError, match="runs"):
        sgd_theory.sgd_iterates(problem, np.zeros(4), [0.1], runs=0)
    with pytest.raises(ValueError, match="batch_size"):
        sgd_theory.sgd_iterates(problem, np.zeros(4), [0.1], batch_size=31, replace=False)

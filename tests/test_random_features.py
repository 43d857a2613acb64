"""coursekit.random_features against direct least squares, ridge as augmented least squares, and pinv."""

import numpy as np
import pytest

from coursekit import data
from coursekit import random_features as rf


@pytest.fixture(scope="module")
def task():
    return data.teacher_regression(n_train=40, n_test=60, d=4, seed=2)


@pytest.fixture(scope="module")
def sweep(task):
    feats = rf.RandomReLUFeatures(4, 120, seed=3)
    return feats, rf.WidthSweep(feats, task.X_train, task.X_test, [5, 20, 39, 40, 41, 80, 120])


def test_features_are_nested_and_scaled(task):
    feats = rf.RandomReLUFeatures(4, 50, seed=0)
    full = feats.raw(task.X_train)
    np.testing.assert_allclose(feats(task.X_train, 20), full[:, :20] / np.sqrt(20))
    np.testing.assert_allclose(full, np.maximum(task.X_train @ feats.W, 0))
    with pytest.raises(ValueError, match="p must"):
        feats(task.X_train, 51)
    with pytest.raises(ValueError, match="X must"):
        feats(np.ones((3, 5)))


def test_fit_is_min_norm_and_ridge():
    rng = np.random.default_rng(0)
    Phi, y = rng.normal(size=(10, 25)), rng.normal(size=10)
    np.testing.assert_allclose(rf.fit(Phi, y), np.linalg.pinv(Phi) @ y, atol=1e-10)
    lam = 0.03
    # ridge as ordinary least squares on augmented data: ‖Φθ − y‖² + nλ‖θ‖² = ‖[Φ; √(nλ) I]θ − [y; 0]‖²
    aug = np.vstack([Phi, np.sqrt(10 * lam) * np.eye(25)])
    ref = np.linalg.lstsq(aug, np.concatenate([y, np.zeros(25)]), rcond=None)[0]
    np.testing.assert_allclose(rf.fit(Phi, y, lam), ref, atol=1e-10)
    with pytest.raises(ValueError, match="ridge"):
        rf.fit(Phi, y, -1.0)


@pytest.mark.parametrize("ridge", [0.0, 1e-3, 0.1])
@pytest.mark.parametrize("n", [25, 40])
def test_sweep_errors_equal_direct_fits(task, sweep, ridge, n):
    feats, sw = sweep
    y = data.add_label_noise(task.f_train, 0.3, seed=1)
    errs = sw.errors(y, task.f_test, ridge=ridge, n=n)
    for p, train, test in zip(errs.widths, errs.train, errs.test):
        Phi = feats(task.X_train[:n], p)
        theta = rf.fit(Phi, y[:n], ridge)
        expect_train = np.mean((Phi @ theta - y[:n]) ** 2)
        expect_test = np.mean((feats(task.X_test, p) @ theta - task.f_test) ** 2)
        assert train == pytest.approx(expect_train, rel=1e-6, abs=1e-10)
        assert test == pytest.approx(expect_test, rel=1e-5)


def test_min_norm_interpolates_exactly_when_p_reaches_n(task, sweep):
    _, sw = sweep
    y = data.add_label_noise(task.f_train, 0.3, seed=1)
    errs = sw.errors(y, task.f_test, ridge=0.0, n=40)
    assert np.all(errs.train[errs.widths >= 40] < 1e-12)
    assert np.all(errs.train[errs.widths < 40] > 1e-6)
    assert errs.peak_width in (39, 40, 41)


def test_effective_model_complexity():
    ns = np.array([10, 20, 30, 40])
    assert rf.effective_model_complexity(ns, [0.0, 0.0, 0.2, 0.5], eps=0.1) == 20
    assert rf.effective_model_complexity(ns, [1, 1, 1, 1], eps=0.1) == 0
    with pytest.raises(ValueError, match="eps"):
        rf.effective_model_complexity(ns, [0, 0, 0, 0], eps=-1)


def test_teacher_data_nested_and_noise_linear():
    small = data.teacher_regression(n_train=10, n_test=30, seed=5)
    big = data.teacher_regression(n_train=25, n_test=30, seed=5)
    np.testing.assert_array_equal(small.X_train, big.X_train[:10])
    np.testing.assert_array_equal(small.f_test, big.f_test)
    y1 = data.add_label_noise(big.f_train, 1.0, seed=3)
    y2 = data.add_label_noise(big.f_train, 2.0, seed=3)
    np.testing.assert_allclose(y2 - big.f_train, 2 * (y1 - big.f_train))
    with pytest.raises(ValueError, match="noise"):
        data.add_label_noise(big.f_train, -0.1)
    with pytest.raises(ValueError, match="n_train"):
        data.teacher_regression(n_train=0)


def test_sweep_validates_widths(task):
    feats = rf.RandomReLUFeatures(4, 30, seed=0)
    with pytest.raises(ValueError, match="widths"):
        rf.WidthSweep(feats, task.X_train, task.X_test, [10, 5])
    with pytest.raises(ValueError, match="widths"):
        rf.WidthSweep(feats, task.X_train, task.X_test, [10, 31])


@pytest.mark.parametrize("ridge", [0.0, 1e-2])
def test_expected_errors_average_over_label_noise_exactly(task, sweep, ridge):
    # The 2n noise vectors ±√n e_j have mean 0 and covariance I, and the errors are quadratic
    # in the labels, so their average equals the expectation over ε ~ N(0, I) exactly.
    _, sw = sweep
    n, sigma = 25, 0.4
    f = task.f_train[:n]
    draws = [
        sw.errors(f + sign * sigma * np.sqrt(n) * e, task.f_test, ridge=ridge) for e in np.eye(n) for sign in (1, -1)
    ]
    expected = sw.expected_errors(task.f_train, task.f_test, noise=sigma, ridge=ridge, n=n)
    np.testing.assert_allclose(expected.train, np.mean([d.train for d in draws], axis=0), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(expected.test, np.mean([d.test for d in draws], axis=0), rtol=1e-8)
    clean = sw.errors(f, task.f_test, ridge=ridge)
    assert np.all(expected.test >= clean.test)
    with pytest.raises(ValueError, match="noise"):
        sw.expected_errors(task.f_train, task.f_test, noise=-1.0)

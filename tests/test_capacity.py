"""coursekit.capacity against closed forms: numpy's Legendre polynomials and
lstsq, scikit-learn's Ridge, the hat matrix, and early stopping by hand."""

import numpy as np
import pytest
from numpy.polynomial import legendre
from sklearn.linear_model import Ridge

from coursekit import capacity as cap
from coursekit import data, nn, optim, train


def test_legendre_features_are_orthonormal_scaled_legendre():
    x = np.linspace(-1, 1, 7)
    P = cap.legendre_features(x, 4)
    assert P.shape == (7, 4)
    for j in range(1, 5):
        c = np.zeros(j + 1)
        c[j] = 1.0
        expected = np.sqrt(2 * j + 1) * legendre.legval(x, c)
        np.testing.assert_allclose(P[:, j - 1], expected, atol=1e-12)
    # orthonormal for x uniform on [-1, 1]: Gauss-Legendre quadrature
    nodes, weights = legendre.leggauss(20)
    Q = cap.legendre_features(nodes, 6)
    np.testing.assert_allclose(Q.T @ (Q * weights[:, None]) / 2, np.eye(6), atol=1e-12)
    assert cap.legendre_features(x, 0).shape == (7, 0)


def test_features_are_nested():
    x = np.linspace(-1, 1, 11)
    np.testing.assert_array_equal(cap.legendre_features(x, 9)[:, :4], cap.legendre_features(x, 4))


@pytest.mark.parametrize("lam", [1e-4, 0.01, 1.0])
def test_ridge_matches_sklearn(lam):
    rng = np.random.default_rng(0)
    Phi = rng.standard_normal((30, 8))
    y = rng.standard_normal(30)
    w, b = cap.ridge_fit(Phi, y, lam)
    ref = Ridge(alpha=30 * lam).fit(Phi, y)  # sklearn: |y - Xw|^2 + alpha |w|^2
    np.testing.assert_allclose(w, ref.coef_, rtol=1e-10, atol=1e-12)
    assert b == pytest.approx(ref.intercept_, abs=1e-12)


def test_ridge_minimizes_the_stated_objective():
    rng = np.random.default_rng(1)
    Phi, y, lam = rng.standard_normal((12, 5)), rng.standard_normal(12), 0.3
    w, b = cap.ridge_fit(Phi, y, lam)
    r = Phi @ w + b - y
    # the gradient with respect to w vanishes
    np.testing.assert_allclose(Phi.T @ r / 12 + lam * w, 0, atol=1e-12)
    assert abs(r.mean()) < 1e-12  # ∂/∂b


def test_ridge_at_zero_is_min_norm_least_squares():
    rng = np.random.default_rng(2)
    Phi, y = rng.standard_normal((6, 10)), rng.standard_normal(6)  # k > n
    w, b = cap.ridge_fit(Phi, y, 0.0)
    np.testing.assert_allclose(Phi @ w + b, y, atol=1e-10)  # interpolates
    Pc = Phi - Phi.mean(0)
    np.testing.assert_allclose(w, np.linalg.pinv(Pc) @ (y - y.mean()), atol=1e-10)
    # and the limit of small ridge
    w_small, _ = cap.ridge_fit(Phi, y, 1e-8)
    np.testing.assert_allclose(w, w_small, atol=1e-5)
    # over-determined: ordinary least squares with an intercept
    Phi, y = rng.standard_normal((40, 3)), rng.standard_normal(40)
    w, b = cap.ridge_fit(Phi, y, 0.0)
    ref = np.linalg.lstsq(np.c_[np.ones(40), Phi], y, rcond=None)[0]
    np.testing.assert_allclose(np.r_[b, w], ref, atol=1e-12)


def test_ridge_without_features_predicts_the_mean():
    y = np.array([1.0, 2.0, 6.0])
    w, b = cap.ridge_fit(np.zeros((3, 0)), y, 0.5)
    assert w.shape == (0,) and b == 3.0
    np.testing.assert_allclose(cap.predict(np.ones((3, 4)), w, b), 3.0)


def test_ridge_dof_is_the_trace_of_the_hat_matrix():
    rng = np.random.default_rng(3)
    Phi, lam = rng.standard_normal((15, 6)), 0.2
    n = len(Phi)
    # the hat matrix H maps y to the fitted values: fit each unit vector
    H = np.column_stack([cap.predict(Phi, *cap.ridge_fit(Phi, e, lam)) for e in np.eye(n)])
    assert cap.ridge_dof(Phi, lam) == pytest.approx(np.trace(H), rel=1e-10)
    assert cap.ridge_dof(Phi, 0.0) == 7.0
    assert cap.ridge_dof(Phi, 1e8) == pytest.approx(1.0, abs=1e-6)


def test_capacity_sweep_equals_separate_fits():
    x, y = data.curve_fitting(25, seed=0)
    xv, yv = data.curve_fitting(40, seed=1)
    P, Pv = cap.legendre_features(x, 8), cap.legendre_features(xv, 8)
    sweep = cap.capacity_sweep(P, y, {"validation": (Pv, yv)}, range(9), 1e-3)
    for i, k in enumerate(range(9)):
        w, b = cap.ridge_fit(cap.legendre_features(x, k), y, 1e-3)
        np.testing.assert_allclose(sweep.fits[i][0], w, atol=1e-12)
        fit_v = cap.legendre_features(xv, k) @ w + b
        assert sweep.errors["validation"][i] == pytest.approx(np.mean((fit_v - yv) ** 2))
    assert np.all(np.diff(cap.capacity_sweep(P, y, {}, range(9)).train) <= 1e-12)
    assert sweep.best() == sweep.capacities[np.argmin(sweep.errors["validation"])]


def test_curve_fitting_is_nested_and_seeded():
    x, y = data.curve_fitting(10, seed=4)
    x2, y2 = data.curve_fitting(30, seed=4)
    np.testing.assert_array_equal(x, x2[:10])
    np.testing.assert_array_equal(y, y2[:10])
    x, y = data.curve_fitting(20000, noise=0.5, seed=5)
    r = y - data.curve_target(x)
    assert abs(r.mean()) < 4 * 0.5 / np.sqrt(20000)
    assert abs(r.std() - 0.5) < 0.01
    assert -1 <= x.min() and x.max() < 1
    assert data.curve_target(1.0) == pytest.approx(0.5)


def test_early_stopping_epoch():
    v = [5, 4, 3, 3.5, 2.9, 3.0, 3.1, 3.2, 2.0]
    assert cap.early_stopping_epoch(v, patience=3) == (8, 5)
    assert cap.early_stopping_epoch(v, patience=4) == (9, 9)
    assert cap.early_stopping_epoch([1.0, 1.0, 1.0], patience=2) == (3, 1)


def test_early_stopping_callback_agrees_and_restores():
    x, y = data.curve_fitting(20, seed=0)
    xv, yv = data.curve_fitting(100, seed=1)
    X, Xv = cap.legendre_features(x, 15), cap.legendre_features(xv, 15)
    y, yv = y[:, None], yv[:, None]

    def run(epochs, callback=None):
        model = nn.Linear(15, 1, rng=0)
        opt = optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
        hist = train.fit(
            model,
            nn.mse_loss,
            opt,
            X,
            y,
            epochs=epochs,
            batch_size=20,
            val=(Xv, yv),
            rng=0,
            callback=callback,
        )
        return model, hist

    _, full = run(300)
    stop = cap.EarlyStopping(patience=10)
    model, hist = run(300, stop)
    expected = cap.early_stopping_epoch(full.val_loss, 10)
    assert (stop.stop_epoch, stop.best_epoch) == expected
    assert expected[0] < 300  # the rule fired
    assert len(hist.epoch) == stop.stop_epoch
    stop.restore(model)
    best_model, _ = run(stop.best_epoch)
    np.testing.assert_allclose(model.weight.data, best_model.weight.data)


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="degree"):
        cap.legendre_features([0.0], -1)
    with pytest.raises(ValueError, match="lam"):
        cap.ridge_fit(np.ones((3, 2)), np.ones(3), -1.0)
    with pytest.raises(ValueError, match="y must have shape"):
        cap.ridge_fit(np.ones((3, 2)), np.ones(4))
    with pytest.raises(ValueError, match="capacities"):
        cap.capacity_sweep(np.ones((3, 2)), np.ones(3), {}, [3])
    with pytest.raises(ValueError, match="patience"):
        cap.early_stopping_epoch([1.0], 0)
    with pytest.raises(ValueError, match="noise"):
        data.curve_fitting(5, noise=-1)
    with pytest.raises(ValueError, match="n must"):
        data.curve_fitting(0)

"""coursekit.likelihood against scipy.stats, torch and closed forms."""

import numpy as np
import pytest
from _torch import import_torch
from scipy import optimize, stats

from coursekit import likelihood as L

rng = np.random.default_rng(1)
X = rng.normal(1.5, 0.7, size=40)
Y01 = (rng.uniform(size=30) < 0.3).astype(float)
LABELS = rng.integers(0, 4, size=50)


# ------------------------------------------------------------------ Gaussian
@pytest.mark.parametrize("mu,sigma", [(0.0, 1.0), (1.5, 0.7), (-2.0, 3.0), (1.4, 0.05)])
def test_gaussian_nll_matches_scipy(mu, sigma):
    expected = -np.mean(stats.norm.logpdf(X, mu, sigma))
    assert L.gaussian_nll(X, mu, sigma) == pytest.approx(expected, rel=1e-12)


def test_gaussian_nll_broadcasts_over_a_grid():
    mu, sigma = np.meshgrid(np.linspace(0, 3, 7), np.linspace(0.2, 2, 5))
    grid = L.gaussian_nll(X, mu, sigma)
    assert grid.shape == (5, 7)
    expected = -stats.norm.logpdf(X[:, None, None], mu, sigma).mean(axis=0)
    np.testing.assert_allclose(grid, expected, rtol=1e-12)


def test_gaussian_mle_is_the_minimizer_of_the_nll():
    mu_hat, sigma_hat = L.gaussian_mle(X)
    assert mu_hat == pytest.approx(X.mean())
    assert sigma_hat == pytest.approx(X.std(ddof=0))  # divisor N
    res = optimize.minimize(
        lambda t: L.gaussian_nll(X, t[0], np.exp(t[1])),
        [0.0, 0.0],
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-14},
    )
    assert res.x[0] == pytest.approx(mu_hat, abs=1e-6)
    assert np.exp(res.x[1]) == pytest.approx(sigma_hat, abs=1e-6)


def test_gaussian_regression_nll_matches_scipy_and_is_affine_in_mse():
    pred = X + rng.normal(size=X.size)
    y = X
    for sigma in (0.5, 2.0):
        expected = -np.mean(stats.norm.logpdf(y, pred, sigma))
        got = L.gaussian_regression_nll(y, pred, sigma)
        assert got == pytest.approx(expected, rel=1e-12)
        mse = np.mean((y - pred) ** 2)
        assert got == pytest.approx(0.5 * np.log(2 * np.pi * sigma**2) + mse / (2 * sigma**2))
    stacked = L.gaussian_regression_nll(y, np.stack([pred, y]), 1.0)
    assert stacked.shape == (2,) and stacked[1] == pytest.approx(0.5 * np.log(2 * np.pi))


def test_gaussian_density_matches_scipy_and_exceeds_one_when_narrow():
    x = np.linspace(-2, 2, 9)
    np.testing.assert_allclose(L.gaussian_density(x, 0.3, 0.8), stats.norm.pdf(x, 0.3, 0.8))
    assert L.gaussian_density(0.0, 0.0, 0.1) > 1


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan])
def test_gaussian_rejects_nonpositive_sigma(bad):
    with pytest.raises(ValueError, match="sigma"):
        L.gaussian_nll(X, 0.0, bad)
    with pytest.raises(ValueError, match="sigma"):
        L.gaussian_regression_nll(X, X, bad)


def test_gaussian_rejects_bad_data():
    with pytest.raises(ValueError, match="x"):
        L.gaussian_nll([], 0.0, 1.0)
    with pytest.raises(ValueError, match="x"):
        L.gaussian_mle(np.ones((2, 2)))
    with pytest.raises(ValueError, match="pred"):
        L.gaussian_regression_nll(X, X[:-1], 1.0)


# ----------------------------------------------------------------- Bernoulli
@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.93])
def test_bernoulli_nll_matches_scipy(p):
    expected = -np.mean(stats.bernoulli.logpmf(Y01, p))
    assert L.bernoulli_nll(Y01, p) == pytest.approx(expected, rel=1e-12)


def test_bernoulli_nll_grid_and_edges():
    grid = np.linspace(0, 1, 11)
    values = L.bernoulli_nll(Y01, grid)
    assert values.shape == (11,)
    assert np.isinf(values[0]) and np.isinf(values[-1])  # both outcomes occur
    assert L.bernoulli_nll(np.ones(5), 1.0) == 0.0  # 0 log 0 = 0
    assert L.bernoulli_nll(np.zeros(5), 0.0) == 0.0


def test_bernoulli_mle_is_the_minimizer():
    p_hat = L.bernoulli_mle(Y01)
    assert p_hat == pytest.approx(Y01.mean())
    res = optimize.minimize_scalar(
        lambda p: L.bernoulli_nll(Y01, p), bounds=(1e-6, 1 - 1e-6), method="bounded", options={"xatol": 1e-10}
    )
    assert res.x == pytest.approx(p_hat, abs=1e-6)


def test_binary_cross_entropy_matches_torch():
    torch = import_torch()
    p = rng.uniform(0.01, 0.99, size=Y01.size)
    expected = torch.nn.functional.binary_cross_entropy(
        torch.tensor(p, dtype=torch.float64), torch.tensor(Y01, dtype=torch.float64)
    ).item()
    assert L.binary_cross_entropy(Y01, p) == pytest.approx(expected, rel=1e-12)


def test_binary_cross_entropy_with_constant_p_is_the_bernoulli_nll():
    assert L.binary_cross_entropy(Y01, np.full(Y01.size, 0.4)) == pytest.approx(L.bernoulli_nll(Y01, 0.4))


def test_bernoulli_rejects_bad_input():
    with pytest.raises(ValueError, match="y"):
        L.bernoulli_nll([0, 1, 2], 0.5)
    with pytest.raises(ValueError, match="p"):
        L.bernoulli_nll(Y01, 1.5)
    with pytest.raises(ValueError, match="p"):
        L.binary_cross_entropy(Y01, np.full(3, 0.5))


# --------------------------------------------------------------- categorical
def test_categorical_nll_matches_torch_cross_entropy():
    torch = import_torch()
    logits = rng.normal(size=(LABELS.size, 4))
    expected = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(LABELS)).item()
    assert L.categorical_nll(LABELS, L.softmax(logits)) == pytest.approx(expected, rel=1e-10)


def test_categorical_nll_with_one_distribution_is_the_cross_entropy_of_the_counts():
    q = np.array([0.1, 0.2, 0.3, 0.4])
    p_hat = L.categorical_mle(LABELS, 4)
    assert L.categorical_nll(LABELS, q) == pytest.approx(L.cross_entropy(p_hat, q))
    expected = -np.mean(np.log(q[LABELS]))
    assert L.categorical_nll(LABELS, q) == pytest.approx(expected)


def test_categorical_mle_is_the_minimizer_over_the_simplex():
    p_hat = L.categorical_mle(LABELS, 4)
    assert p_hat.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(p_hat, np.bincount(LABELS, minlength=4) / LABELS.size)
    res = optimize.minimize(
        lambda z: L.categorical_nll(LABELS, L.softmax(z)), np.zeros(4), method="BFGS", options={"gtol": 1e-10}
    )
    np.testing.assert_allclose(L.softmax(res.x), p_hat, atol=1e-5)


def test_softmax_is_stable_and_normalized():
    s = L.softmax(np.array([1000.0, 1000.0, -1000.0]))
    np.testing.assert_allclose(s, [0.5, 0.5, 0.0])
    np.testing.assert_allclose(L.softmax(rng.normal(size=(3, 5))).sum(axis=1), 1.0)


def test_categorical_rejects_bad_input():
    with pytest.raises(TypeError, match="labels"):
        L.categorical_nll(np.array([0.5, 1.0]), [0.5, 0.5])
    with pytest.raises(ValueError, match="labels"):
        L.categorical_nll(np.array([0, 2]), [0.5, 0.5])
    with pytest.raises(ValueError, match="probs"):
        L.categorical_nll(np.array([0, 1]), [0.5, 0.6])
    with pytest.raises(ValueError, match="probs"):
        L.categorical_nll(np.array([0, 1]), np.full((3, 2), 0.5))
    with pytest.raises(ValueError, match="k"):
        L.categorical_mle(np.array([0, 1]), 0)


# ---------------------------------------------------------- entropy, CE, KL
def test_entropy_cross_entropy_kl_match_scipy():
    p = np.array([0.5, 0.25, 0.25, 0.0])
    q = np.array([0.1, 0.2, 0.3, 0.4])
    assert L.entropy(p) == pytest.approx(stats.entropy(p))
    assert L.kl_divergence(p, q) == pytest.approx(stats.entropy(p, q))
    assert L.cross_entropy(p, q) == pytest.approx(-np.sum(p * np.log(q)))


def test_cross_entropy_is_entropy_plus_kl_and_kl_is_nonnegative():
    ps = rng.dirichlet(np.ones(5), size=100)
    qs = rng.dirichlet(np.ones(5), size=100)
    np.testing.assert_allclose(L.cross_entropy(ps, qs), L.entropy(ps) + L.kl_divergence(ps, qs))
    assert np.all(L.kl_divergence(ps, qs) >= 0)
    np.testing.assert_allclose(L.kl_divergence(ps, ps), 0.0, atol=1e-15)


def test_entropy_edges():
    assert L.entropy([1.0, 0.0]) == 0.0
    assert L.entropy(np.full(8, 1 / 8)) == pytest.approx(np.log(8))
    assert np.isinf(L.kl_divergence([0.5, 0.5], [1.0, 0.0]))


def test_distributions_are_checked():
    with pytest.raises(ValueError, match="q"):
        L.kl_divergence([0.5, 0.5], [0.7, 0.7])
    with pytest.raises(ValueError, match="p"):
        L.entropy([-0.5, 1.5])


# -------------------------------------------------------------- estimators
def test_simulated_variance_mle_has_the_predicted_bias():
    n, sigma2 = 5, 4.0
    est = L.simulate(lambda x: x.var(axis=-1), lambda r, size: r.normal(0, 2.0, size), n, trials=200_000, seed=3)
    bv = L.bias_variance(est, sigma2)
    expected_bias = L.variance_mle_expectation(sigma2, n) - sigma2  # = -sigma2 / n
    assert expected_bias == pytest.approx(-0.8)
    assert bv["bias"] == pytest.approx(expected_bias, abs=0.03)
    # the variance of the MLE of the variance for Gaussian data: 2 (N-1) sigma^4 / N^2
    assert bv["variance"] == pytest.approx(2 * (n - 1) * sigma2**2 / n**2, rel=0.03)
    assert bv["mse"] == pytest.approx(bv["bias"] ** 2 + bv["variance"])


def test_simulate_is_seeded_and_checks_shapes():
    sampler = lambda r, size: r.normal(size=size)  # noqa: E731
    a = L.simulate(lambda x: x.mean(axis=-1), sampler, 4, trials=10, seed=7)
    b = L.simulate(lambda x: x.mean(axis=-1), sampler, 4, trials=10, seed=7)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="estimator"):
        L.simulate(lambda x: x, sampler, 4, trials=10)
    with pytest.raises(ValueError, match="n"):
        L.simulate(lambda x: x.mean(axis=-1), sampler, 0)
    with pytest.raises(ValueError, match="trials"):
        L.simulate(lambda x: x.mean(axis=-1), sampler, 3, trials=1)


def test_miss_probability_shrinks_with_n_for_the_mean():
    sampler = lambda r, size: r.normal(1.0, 1.0, size)  # noqa: E731
    miss = [
        L.miss_probability(L.simulate(lambda x: x.mean(axis=-1), sampler, n, 20_000, seed=n), 1.0, 0.2)
        for n in (4, 16, 64, 256)
    ]
    # exact: P(|Z| > 0.2 sqrt(n)) for a standard normal Z
    exact = [2 * stats.norm.sf(0.2 * np.sqrt(n)) for n in (4, 16, 64, 256)]
    np.testing.assert_allclose(miss, exact, atol=0.015)
    with pytest.raises(ValueError, match="eps"):
        L.miss_probability([1.0, 2.0], 1.0, 0.0)


def test_variance_mle_expectation_checks_n():
    assert L.variance_mle_expectation(1.0, 1) == 0.0
    with pytest.raises(ValueError, match="n"):
        L.variance_mle_expectation(1.0, 2.5)

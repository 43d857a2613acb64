"""coursekit.sgd_theory against brute force, finite differences and closed forms."""

import itertools

import numpy as np
import pytest
from scipy import optimize, special

from coursekit import sgd_theory as st


@pytest.fixture
def problem():
    rng = np.random.default_rng(3)
    return st.FiniteSum(rng.normal(size=(7, 3)), rng.normal(size=7))


def test_gradients_match_finite_differences(problem):
    x = np.array([0.3, -1.2, 0.7])
    eps = 1e-6
    fd = np.array([(problem.value(x + eps * e) - problem.value(x - eps * e)) / (2 * eps) for e in np.eye(3)])
    np.testing.assert_allclose(problem.grad(x), fd, rtol=1e-6, atol=1e-8)
    # each example's gradient too: f_i(x) = ½ (a_i·x − b_i)²
    for i in range(problem.n):
        f = lambda z: 0.5 * (problem.A[i] @ z - problem.b[i]) ** 2  # noqa: E731
        fd_i = np.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(3)])
        np.testing.assert_allclose(problem.example_grads(x)[i], fd_i, rtol=1e-6, atol=1e-8)


def test_minibatch_gradient_of_all_examples_is_the_full_gradient(problem):
    xs = np.random.default_rng(0).normal(size=(5, 3))
    idx = np.tile(np.arange(problem.n), (5, 1))
    np.testing.assert_allclose(problem.minibatch_grad(xs, idx), problem.grad(xs), atol=1e-12)


def test_gap_is_value_minus_minimum_and_minimizer_is_stationary(problem):
    xs = np.random.default_rng(1).normal(size=(4, 3))
    np.testing.assert_allclose(problem.gap(xs), problem.value(xs) - problem.minimum, atol=1e-12)
    np.testing.assert_allclose(problem.grad(problem.minimizer), 0, atol=1e-12)
    x = np.array([0.1, 0.2, 0.3])
    np.testing.assert_allclose(problem.expected_grad_sq(x), np.mean(np.sum(problem.example_grads(x) ** 2, axis=1)))


def test_three_lines_and_region_of_confusion():
    p = st.three_lines()
    assert p.minimizer[0] == pytest.approx(1.0)
    lo, hi = p.confusion_region()
    assert (lo, hi) == pytest.approx((0.9, 1.1))
    for w in np.linspace(lo + 1e-3, hi - 1e-3, 7):  # inside: the gradients disagree in sign
        g = p.example_grads(np.array([w]))[:, 0]
        assert g.min() < 0 < g.max()
    for w in (lo - 0.5, lo - 1e-3, hi + 1e-3, hi + 2):  # outside: they all agree
        g = p.example_grads(np.array([w]))[:, 0]
        assert np.all(g > 0) or np.all(g < 0)
    with pytest.raises(ValueError, match="dim"):
        st.FiniteSum(np.ones((3, 2)), np.ones(3)).confusion_region()


@pytest.mark.parametrize("B", [1, 2, 3, 4])
def test_gradient_variance_equals_exhaustive_enumeration(B):
    G = np.random.default_rng(2).normal(size=(4, 2))
    mean = G.mean(axis=0)
    with_repl = np.mean([np.sum((G[list(t)].mean(axis=0) - mean) ** 2) for t in itertools.product(range(4), repeat=B)])
    without = np.mean([np.sum((G[list(c)].mean(axis=0) - mean) ** 2) for c in itertools.combinations(range(4), B)])
    assert st.gradient_variance(G, B, replace=True) == pytest.approx(with_repl)
    assert st.gradient_variance(G, B, replace=False) == pytest.approx(without, abs=1e-14)


@pytest.mark.parametrize("replace", [True, False])
def test_sampled_variance_matches_exact(replace):
    G = np.random.default_rng(4).normal(size=(20, 3))
    for B in (1, 5, 15):
        exact = st.gradient_variance(G, B, replace)
        assert st.sampled_gradient_variance(G, B, replace, draws=40_000, seed=B) == pytest.approx(exact, rel=0.03)


def test_sample_indices_without_replacement_are_distinct():
    idx = st.sample_indices(np.random.default_rng(0), 10, 6, 50, replace=False)
    assert idx.shape == (50, 6)
    assert all(len(set(row)) == 6 for row in idx)
    with pytest.raises(ValueError, match="batch_size"):
        st.sample_indices(np.random.default_rng(0), 10, 11, 5, replace=False)
    with pytest.raises(ValueError, match="batch_size"):
        st.gradient_variance(np.ones((3, 1)), 0)


def test_full_batch_sgd_is_gradient_descent(problem):
    rates = np.array([0.1, 0.05, 0.2, 0.1])
    runs = st.sgd_runs(problem, np.zeros(3), rates, batch_size=problem.n, runs=3, replace=False, keep_paths=3)
    x, xs, gaps = np.zeros(3), [np.zeros(3)], [problem.gap(np.zeros(3))]
    for a in rates:
        x = x - a * problem.grad(x)
        xs.append(x)
        gaps.append(problem.gap(x))
    for r in range(3):
        np.testing.assert_allclose(runs.paths[r], np.array(xs), atol=1e-12)
    np.testing.assert_allclose(runs.gap, gaps, atol=1e-12)
    xbar = [np.average(xs[: k + 1], axis=0, weights=rates[: k + 1]) for k in range(4)]
    np.testing.assert_allclose(runs.gap_avg, problem.gap(np.array(xbar)), atol=1e-12)


def test_sgd_single_step_uses_the_sampled_example():
    p = st.three_lines()
    runs = st.sgd_runs(p, [0.0], [0.5], batch_size=1, runs=4, seed=7, keep_paths=4)
    i = np.random.default_rng(7).integers(0, 3, size=(4, 1))[:, 0]
    np.testing.assert_allclose(runs.paths[:, 1, 0], 0.0 - 0.5 * (0.0 - p.b[i]))
    assert runs.grad_sq[0] == pytest.approx(np.mean(p.b[i] ** 2))


def test_sgd_runs_are_seeded_and_validate():
    p = st.three_lines()
    a = st.sgd_runs(p, [0.0], np.full(20, 0.1), runs=10, seed=1)
    b = st.sgd_runs(p, [0.0], np.full(20, 0.1), runs=10, seed=1)
    np.testing.assert_array_equal(a.gap, b.gap)
    with pytest.raises(ValueError, match="rates"):
        st.sgd_runs(p, [0.0], [0.1, -1.0])
    with pytest.raises(ValueError, match="x must"):
        st.sgd_runs(p, [0.0, 1.0], [0.1])


def test_bound_holds_on_the_three_line_problem():
    # α ≤ 1 keeps every iterate between x0 = 0 and 1.1, where E‖g‖² ≤ G².
    p = st.three_lines()
    G = np.sqrt(max(p.expected_grad_sq(np.array([0.0])), p.expected_grad_sq(np.array([1.1]))))
    rates = 0.5 / np.sqrt(np.arange(300) + 1)
    runs = st.sgd_runs(p, [0.0], rates, runs=400, seed=0, keep_paths=400)
    assert runs.paths.min() >= 0 and runs.paths.max() <= 1.1
    assert np.all(runs.gap_avg <= st.sgd_bound(rates, R=1.0, G=G))


def test_bound_constant_step_and_its_optimum():
    R, G, k = 2.0, 3.0, 99
    h = 0.01
    np.testing.assert_allclose(st.sgd_bound(np.full(k + 1, h), R, G)[-1], st.constant_step_bound(h, R, G, k))
    res = optimize.minimize_scalar(
        lambda s: st.constant_step_bound(s, R, G, k), bounds=(1e-6, 10), method="bounded", options={"xatol": 1e-12}
    )
    assert st.optimal_constant_step(R, G, k) == pytest.approx(res.x, rel=1e-5)
    assert st.optimal_constant_bound(R, G, k) == pytest.approx(res.fun, rel=1e-9)
    assert st.optimal_constant_bound(R, G, k) == pytest.approx(R * G / 10)
    with pytest.raises(ValueError, match="R"):
        st.sgd_bound([0.1], R=-1, G=1)
    with pytest.raises(ValueError, match="k"):
        st.constant_step_bound(0.1, 1, 1, -1)


def test_partial_sums_against_zeta_and_digamma():
    T = 1000
    t = np.arange(T)
    harmonic = special.digamma(T + 1) + np.euler_gamma  # H_T = ψ(T+1) + γ
    for p in (0.5, 0.75, 1.0):
        s1, s2 = st.partial_sums((t + 1.0) ** -p)
        # Σ_{n=1}^T n^{-s} = ζ(s) − ζ(s, T+1) (Hurwitz zeta, s > 1)
        h2 = harmonic if p == 0.5 else special.zeta(2 * p, 1) - special.zeta(2 * p, T + 1)
        assert s2[-1] == pytest.approx(h2, rel=1e-10)
        if p == 1.0:
            assert s1[-1] == pytest.approx(harmonic, rel=1e-10)
    with pytest.raises(ValueError, match="rates"):
        st.partial_sums([0.1, 0.0])


@pytest.mark.parametrize(
    "p,expected",
    [(0.0, (True, False)), (0.5, (True, False)), (0.75, (True, True)), (1.0, (True, True)), (1.5, (False, True))],
)
def test_robbins_monro_power(p, expected):
    assert st.robbins_monro_power(p) == expected
    assert st.satisfies_robbins_monro(p) == all(expected)
    with pytest.raises(ValueError, match="p must"):
        st.robbins_monro_power(-1)


def test_stationary_variance_matches_simulation():
    p = st.three_lines()
    h = 0.2
    runs = st.sgd_runs(p, [1.0], np.full(400, h), runs=4000, seed=5, keep_paths=4000)
    measured = np.var(runs.paths[:, -1, 0])
    assert measured == pytest.approx(st.stationary_variance(h, p.b), rel=0.08)
    with pytest.raises(ValueError, match="h must"):
        st.stationary_variance(2.5, p.b)


def test_batch_counts_give_the_minibatch_gradient(problem):
    rng = np.random.default_rng(9)
    xs = rng.normal(size=(6, 3))
    for replace in (True, False):
        idx = st.sample_indices(rng, problem.n, 4, 6, replace)
        counts = st.batch_counts(idx, problem.n)
        assert counts.sum(axis=1).tolist() == [4] * 6
        g = np.einsum("rn,nd->rd", counts * problem.residuals(xs), problem.A) / 4
        np.testing.assert_allclose(g, problem.minibatch_grad(xs, idx), atol=1e-12)

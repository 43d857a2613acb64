"""coursekit.moments against explicit loops and closed forms."""

import numpy as np
import pytest
from _torch import import_torch

from coursekit import moments


def loop_ema(g, beta, m0=0.0):
    m, out = np.asarray(m0, dtype=float), []
    for gt in g:
        m = beta * m + (1 - beta) * gt
        out.append(m)
    return np.array(out)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.999])
@pytest.mark.parametrize("shape", [(30,), (30, 3), (30, 2, 4)])
def test_ema_matches_the_recursion(beta, shape):
    g = np.random.default_rng(0).normal(size=shape)
    np.testing.assert_allclose(moments.ema(g, beta), loop_ema(g, beta), rtol=1e-12, atol=1e-14)


def test_ema_from_a_nonzero_start():
    g = np.random.default_rng(1).normal(size=(20, 3))
    m0 = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(moments.ema(g, 0.8, m0=m0), loop_ema(g, 0.8, m0), rtol=1e-12)


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.9, 0.999])
@pytest.mark.parametrize("t", [1, 2, 7, 100])
def test_weights_sum_to_one_minus_beta_to_the_t(beta, t):
    w = moments.ema_weights(beta, t)
    assert w.shape == (t,)
    assert np.isclose(w.sum(), 1 - beta**t, rtol=1e-12, atol=1e-15)
    assert np.isclose(moments.bias_correction(beta, t), 1 - beta**t)
    # m_t is the weighted sum of the stream with these weights
    g = np.random.default_rng(t).normal(size=t)
    assert np.isclose(w @ g, moments.ema(g, beta)[-1], rtol=1e-10, atol=1e-14)


def test_constant_stream_is_recovered_exactly_only_after_correction():
    g = np.full(50, 3.0)
    m = moments.ema(g, 0.9)
    np.testing.assert_allclose(m, 3.0 * (1 - 0.9 ** np.arange(1, 51)), rtol=1e-12)  # closed form
    np.testing.assert_allclose(moments.debiased_ema(g, 0.9), 3.0, rtol=1e-12)


def test_adam_moments_and_step_closed_forms():
    g = np.random.default_rng(2).normal(size=(40, 5))
    mo = moments.adam_moments(g, (0.8, 0.99))
    np.testing.assert_allclose(mo.m, loop_ema(g, 0.8), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(mo.v, loop_ema(g**2, 0.99), rtol=1e-12, atol=1e-14)
    t = np.arange(1, 41)[:, None]
    np.testing.assert_allclose(mo.m_hat, mo.m / (1 - 0.8**t), rtol=1e-12)
    np.testing.assert_allclose(mo.v_hat, mo.v / (1 - 0.99**t), rtol=1e-12)
    u = moments.adam_step(g, (0.8, 0.99), eps=1e-8)
    np.testing.assert_allclose(u, mo.m_hat / (np.sqrt(mo.v_hat) + 1e-8), rtol=1e-12)
    # step 1 of corrected Adam is g1 / (|g1| + eps): size 1 per unit rate
    np.testing.assert_allclose(u[0], g[0] / (np.abs(g[0]) + 1e-8), rtol=1e-12)


def test_uncorrected_steps_for_a_constant_gradient():
    # m_t = (1 - b1^t) g and v_t = (1 - b2^t) g^2, so the uncorrected step is (1 - b1^t) / sqrt(1 - b2^t)
    t = np.arange(1, 201)
    u = moments.adam_step(np.full(200, 2.0), (0.9, 0.999), eps=0.0, correct_m=False, correct_v=False)
    np.testing.assert_allclose(u, (1 - 0.9**t) / np.sqrt(1 - 0.999**t), rtol=1e-10)
    u_m = moments.adam_step(np.full(200, 2.0), (0.9, 0.999), eps=0.0, correct_m=False)
    np.testing.assert_allclose(u_m, 1 - 0.9**t, rtol=1e-10)


def test_adam_step_matches_torch():
    torch = import_torch()
    g = np.random.default_rng(3).normal(loc=0.5, size=(25, 4))
    p = torch.zeros(4, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.1, betas=(0.8, 0.99), eps=1e-6)
    path = []
    for gt in g:
        p.grad = torch.tensor(gt)
        opt.step()
        path.append(p.detach().numpy().copy())
    steps = -np.diff(np.vstack([np.zeros(4), path]), axis=0) / 0.1
    np.testing.assert_allclose(moments.adam_step(g, (0.8, 0.99), eps=1e-6), steps, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("mean, std", [(2.0, 1.0), (0.5, 1.5), (-3.0, 0.7), (1.0, 0.0), (0.0, 2.0)])
def test_stationary_step_closed_form(mean, std):
    # E g / sqrt(E g^2), written through the SNR |mean| / std (off the unit points too:
    # at mean 2, std 1 it is 2 / sqrt(5) = 0.894)
    expected = 0.0 if mean == 0 else np.sign(mean) / np.sqrt(1 + (std / mean) ** 2)
    assert np.isclose(moments.stationary_step(mean, std), expected, rtol=1e-12, atol=0)


def test_stationary_step_at_mean_2_std_1():
    assert abs(moments.stationary_step(2.0, 1.0) - 0.894) < 5e-4


@pytest.mark.parametrize("mean, std", [(2.0, 1.0), (0.5, 1.5), (-1.0, 3.0)])
def test_stationary_step_is_where_adams_ratio_settles(mean, std):
    """Simulation: on a long stationary stream, Adam's m_hat / sqrt(v_hat) ends
    within 4 standard errors of stationary_step(mean, std)."""
    beta1, beta2 = 0.999, 0.9999
    rng = np.random.default_rng(4)
    g = mean + std * rng.standard_normal(100_000)
    mo = moments.adam_moments(g, (beta1, beta2))
    ratio = mo.m_hat[-1] / np.sqrt(mo.v_hat[-1])
    # sd of an EMA of iid noise is std sqrt((1 - beta1) / (1 + beta1)); divide by sqrt(E g^2)
    se = std * np.sqrt((1 - beta1) / (1 + beta1)) / np.sqrt(mean**2 + std**2)
    assert abs(ratio - moments.stationary_step(mean, std)) < 4 * se, (ratio, se)


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, np.nan])
def test_bad_beta_raises(bad):
    with pytest.raises(ValueError, match="beta"):
        moments.ema(np.ones(3), bad)
    with pytest.raises(ValueError, match="betas"):
        moments.adam_moments(np.ones(3), (0.9, bad))


def test_bad_inputs_raise():
    with pytest.raises(TypeError, match="beta"):
        moments.ema(np.ones(3), "0.9")
    with pytest.raises(ValueError, match="g must"):
        moments.ema(np.ones(0), 0.9)
    with pytest.raises(ValueError, match="t must"):
        moments.ema_weights(0.9, 0)
    with pytest.raises(ValueError, match="t must"):
        moments.bias_correction(0.9, 1.5)
    with pytest.raises(ValueError, match="betas"):
        moments.adam_moments(np.ones(3), 0.9)
    with pytest.raises(ValueError, match="eps"):
        moments.adam_step(np.ones(3), eps=-1.0)
    with pytest.raises(ValueError, match="std"):
        moments.stationary_step(1.0, -1.0)


def test_running_mean():
    x = np.random.default_rng(5).normal(size=(50, 2))
    r = moments.running_mean(x)
    for k in (1, 7, 50):
        np.testing.assert_allclose(r[k - 1], x[:k].mean(axis=0), rtol=1e-12)


@pytest.mark.parametrize("p", [0.0, 0.2, 0.5, 0.9])
def test_dropout_std_matches_the_bernoulli_variance(p):
    a = np.array([-2.0, 0.5, 3.0])
    # exact: the two outcomes 0 (prob p) and a/(1-p) (prob 1-p)
    mean = (1 - p) * a / (1 - p)
    var = (1 - p) * (a / (1 - p)) ** 2 - mean**2
    np.testing.assert_allclose(moments.dropout_std(a, p) ** 2, var, rtol=1e-12, atol=1e-15)
    samples = a * (np.random.default_rng(6).random((400_000, 3)) >= p) / (1 - p)
    np.testing.assert_allclose(samples.std(axis=0), moments.dropout_std(a, p), rtol=0.01, atol=1e-12)


def test_dropout_std_bad_p():
    with pytest.raises(ValueError, match="p must"):
        moments.dropout_std(1.0, 1.0)

"""coursekit.nn: modules, dropout, and losses (finite differences, stability, errors)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import nn
from coursekit.backprop import Tensor, gradcheck, no_grad, numerical_grad, relative_error

TOL = 1e-6


# ------------------------------------------------------------------- modules


def test_linear_shapes_init_bounds_and_seeding():
    lin = nn.Linear(50, 20, rng=0)
    assert lin.weight.shape == (50, 20) and lin.bias.shape == (20,)
    assert np.all(np.abs(lin.weight.data) <= np.sqrt(6 / 50))
    assert np.abs(lin.weight.data).max() > 0.9 * np.sqrt(6 / 50)  # uses the full range
    assert np.all(lin.bias.data == 0)
    glorot = nn.Linear(50, 20, init="glorot", rng=0)
    assert np.abs(glorot.weight.data).max() <= np.sqrt(6 / 70)
    np.testing.assert_array_equal(nn.Linear(50, 20, rng=0).weight.data, lin.weight.data)
    assert not np.array_equal(nn.Linear(50, 20, rng=1).weight.data, lin.weight.data)
    assert nn.Linear(3, 2, bias=False, rng=0).parameters()[0].shape == (3, 2)
    assert len(nn.Linear(3, 2, bias=False, rng=0).parameters()) == 1


@pytest.mark.parametrize(
    "init, fan_in, fan_out, variance",
    [
        ("he", 256, 256, 2 / 256),
        ("he", 100, 400, 2 / 100),
        ("glorot", 100, 400, 2 / 500),
    ],
)
def test_init_weight_variance(init, fan_in, fan_out, variance):
    w = nn.Linear(fan_in, fan_out, init=init, rng=0).weight.data
    # uniform on [-r, r]: the mean of w^2 has relative standard error sqrt(4/45) * 3 / sqrt(N)
    rel_se = np.sqrt(4 / 45) * 3 / np.sqrt(w.size)
    assert abs(np.mean(w**2) / variance - 1) < 4 * rel_se
    assert abs(w.mean()) < 4 * np.sqrt(variance / w.size)


def test_he_init_keeps_relu_activation_scale():
    """E[h^2] = E[x^2] = 1 after 6 ReLU layers of width 256, averaged over 8 seeds
    (one seed spreads 0.9-1.22; the mean of 8 has a standard error near 0.04).
    Glorot or LeCun scaling would halve it per layer; a 5 % per-layer error in
    the variance would move it by 0.3."""
    x = np.random.default_rng(0).normal(size=(2000, 256))
    ends = []
    for seed in range(8):
        model = nn.MLP([256] + [256] * 6 + [10], rng=seed)
        h = x
        with no_grad():
            for layer in model.layers[:-1]:
                h = layer(h)
        ends.append(np.mean(h.data**2))
    assert abs(np.mean(ends) - 1.0) < 0.15, ends


def test_linear_forward_and_gradient():
    lin = nn.Linear(3, 2, rng=0)
    X = np.random.default_rng(1).normal(size=(4, 3))
    out = lin(X)
    np.testing.assert_allclose(out.data, X @ lin.weight.data + lin.bias.data)
    W, b = lin.weight.data.copy(), lin.bias.data.copy()
    gradcheck(lambda W_, b_: ((X @ W_ + b_).tanh() ** 2).sum(), W, b, tol=TOL)
    with pytest.raises(ValueError, match=r"Linear\(3, 2\).*3 features.*\(4, 5\)"):
        lin(np.ones((4, 5)))


def test_mlp_structure_parameters_and_modes():
    model = nn.MLP([4, 8, 8, 3], activation="tanh", dropout=0.5, rng=0)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Linear", "Tanh", "Dropout", "Linear", "Tanh", "Dropout", "Linear"]
    assert [p.shape for p in model.parameters()] == [(4, 8), (8,), (8, 8), (8,), (8, 3), (3,)]
    assert model.num_parameters() == 4 * 8 + 8 + 64 + 8 + 24 + 3
    assert all(layer.training for layer in model.layers)
    model.eval()
    assert not any(layer.training for layer in model.layers)
    model.train()
    assert all(layer.training for layer in model.layers)
    assert [type(l).__name__ for l in nn.MLP([2, 3], rng=0).layers] == ["Linear"]
    assert "Dropout(p=0.5)" in repr(model)


def test_mlp_zero_grad_and_state_dict():
    model = nn.MLP([3, 5, 2], rng=0)
    nn.mse_loss(model(np.ones((2, 3))), np.zeros((2, 2))).backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    saved = model.state_dict()
    for p in model.parameters():
        p.data += 1.0
    model.load_state_dict(saved)
    for p, s in zip(model.parameters(), saved):
        np.testing.assert_array_equal(p.data, s)
    with pytest.raises(ValueError, match="shape"):
        model.load_state_dict([np.zeros(1)] * len(saved))


def test_mlp_whole_network_gradient():
    model = nn.MLP([3, 6, 4], activation="sigmoid", rng=2)
    X = np.random.default_rng(0).normal(size=(5, 3))
    y = np.array([0, 3, 1, 2, 3])
    nn.cross_entropy(model(X), y).backward()
    for p in model.parameters():

        def loss_at(value, p=p):  # the loss as a function of this parameter alone
            saved = p.data.copy()
            p.data[...] = value
            with no_grad():
                out = nn.cross_entropy(model(X), y).item()
            p.data[...] = saved
            return out

        numeric = numerical_grad(loss_at, p.data.copy())
        assert relative_error(p.grad, numeric) < TOL


def test_mlp_bad_arguments():
    for sizes in ([3], [3, 0, 2], [3, 2.5, 1]):
        with pytest.raises(ValueError, match="sizes"):
            nn.MLP(sizes)
    with pytest.raises(ValueError, match="activation"):
        nn.MLP([2, 2], activation="gelu")
    for p in (-0.1, 1.0, 1.5, "0.5"):
        with pytest.raises(ValueError, match=r"\[0, 1\)"):
            nn.MLP([2, 3, 2], dropout=p)
    with pytest.raises(TypeError, match="rng"):
        nn.Linear(2, 2, rng="seed")
    with pytest.raises(ValueError, match="init"):
        nn.Linear(2, 2, init="xavier")


# ------------------------------------------------------------------- dropout


def test_dropout_is_inverted_and_identity_in_eval():
    drop = nn.Dropout(0.3, rng=0)
    x = Tensor(np.ones((400, 500)), requires_grad=True)
    out = drop(x)
    kept = out.data != 0
    assert abs(kept.mean() - 0.7) < 0.005  # 200k Bernoulli(0.7): sd 0.001
    np.testing.assert_allclose(out.data[kept], 1 / 0.7)
    assert abs(out.data.mean() - 1.0) < 0.01  # E a_do = a
    out.sum().backward()
    np.testing.assert_allclose(x.grad, out.data)  # d(a m/(1-p))/da = m/(1-p)
    drop.eval()
    assert drop(x) is x
    assert nn.Dropout(0.0, rng=0)(x) is x


def test_dropout_draws_fresh_masks_reproducibly():
    x = np.ones((10, 10))
    d1, d2 = nn.Dropout(0.5, rng=42), nn.Dropout(0.5, rng=42)
    a, b = d1(x).data, d1(x).data
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, d2(x).data)


@pytest.mark.parametrize("p", [-0.01, 1.0, 2, None, True])
def test_dropout_rejects_bad_p(p):
    with pytest.raises(ValueError, match=r"p must be a number in \[0, 1\)"):
        nn.Dropout(p)


def test_mlp_dropout_only_in_training():
    model = nn.MLP([5, 50, 2], dropout=0.5, rng=0)
    X = np.ones((3, 5))
    a, b = model(X).data, model(X).data
    assert not np.array_equal(a, b)
    model.eval()
    np.testing.assert_array_equal(model(X).data, model(X).data)


# -------------------------------------------------------------------- losses


def log_sigmoid(z):
    return -np.logaddexp(0, -z)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 6), c=st.integers(1, 5))
def test_cross_entropy_value_and_gradient(seed, n, c):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=3, size=(n, c))
    y = rng.integers(0, c, size=n)
    log_softmax = z - np.logaddexp.reduce(z, axis=1, keepdims=True)
    expected = -log_softmax[np.arange(n), y].mean()
    assert nn.cross_entropy(Tensor(z), y).item() == pytest.approx(expected, rel=1e-12, abs=1e-14)
    gradcheck(lambda t: nn.cross_entropy(t, y), z, tol=TOL)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), shape=st.sampled_from([(5,), (4, 1), (3, 2)]))
def test_binary_losses_values_and_gradients(seed, shape):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=3, size=shape)
    y = rng.integers(0, 2, size=shape).astype(float)
    soft = rng.uniform(size=shape)  # soft targets are allowed
    for target in (y, soft):
        expected = -(target * log_sigmoid(z) + (1 - target) * log_sigmoid(-z)).mean()
        assert nn.binary_cross_entropy_with_logits(z, target).item() == pytest.approx(expected, rel=1e-12)
        gradcheck(lambda t: nn.binary_cross_entropy_with_logits(t, target), z, tol=TOL)
        p = 1 / (1 + np.exp(-z))
        assert nn.binary_cross_entropy(p, target).item() == pytest.approx(expected, rel=1e-9)
        # finite differences need p well inside (0, 1): a step of 1e-6 must be small beside p
        p = 1 / (1 + np.exp(-np.clip(z, -4, 4)))
        gradcheck(lambda t: nn.binary_cross_entropy(t, target), p, tol=1e-6)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_mse_loss_value_and_gradient(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    assert nn.mse_loss(a, b).item() == pytest.approx(np.mean((a - b) ** 2), rel=1e-12)
    gradcheck(lambda s, t: nn.mse_loss(s, t), a, b, tol=TOL)


def test_losses_are_stable_for_huge_logits():
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
    # row 0: logsumexp = 1000; row 1: logsumexp = 1000 + log(1 + e^-1)
    lse = np.array([1000.0, 1000.0 + np.log1p(np.exp(-1.0))])
    for y in ([0, 1], [1, 2]):
        expected = np.mean(lse - z[[0, 1], y])
        t = Tensor(z, requires_grad=True)
        loss = nn.cross_entropy(t, np.array(y))
        loss.backward()
        assert np.isfinite(loss.item()) and np.all(np.isfinite(t.grad))
        assert loss.item() == pytest.approx(expected, abs=1e-9)
    zb = np.array([1000.0, -1000.0, 1000.0, -1000.0])
    yb = np.array([1.0, 0.0, 0.0, 1.0])
    t = Tensor(zb, requires_grad=True)
    loss = nn.binary_cross_entropy_with_logits(t, yb)
    loss.backward()
    assert loss.item() == pytest.approx(500.0)  # two right (0), two wrong (1000 each)
    np.testing.assert_allclose(t.grad, np.array([0, 0, 1, -1]) / 4)
    p = Tensor(1 / (1 + np.exp(-np.clip(zb, -700, 700))), requires_grad=True)  # exactly 0 and 1
    loss = nn.binary_cross_entropy(p, yb)
    loss.backward()
    assert loss.item() == pytest.approx(50.0)  # log clamped at -100, as torch
    assert np.all(np.isfinite(p.grad))


def test_loss_errors_name_the_problem():
    z = Tensor(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.3.*from 0 to 4"):
        nn.cross_entropy(z, np.array([0, 1, 4]))
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.3.*-1"):
        nn.cross_entropy(z, np.array([0, -1, 2]))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        nn.cross_entropy(z, np.array([0, 1]))
    with pytest.raises(ValueError, match="integer"):
        nn.cross_entropy(z, np.array([0.5, 1, 2]))
    with pytest.raises(ValueError, match=r"\(n, classes\)"):
        nn.cross_entropy(Tensor(np.zeros(4)), np.array([0]))
    with pytest.raises(ValueError, match="empty"):
        nn.cross_entropy(Tensor(np.zeros((0, 4))), np.array([], dtype=int))
    np.testing.assert_allclose(nn.cross_entropy(z, np.array([0.0, 1.0, 3.0])).item(), np.log(4))
    with pytest.raises(ValueError, match=r"mse_loss.*\(3, 1\).*\(3,\)"):
        nn.mse_loss(np.zeros((3, 1)), np.zeros(3))
    with pytest.raises(ValueError, match="binary_cross_entropy_with_logits.*shape"):
        nn.binary_cross_entropy_with_logits(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
        nn.binary_cross_entropy(np.array([0.5, 1.2]), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"target must lie in \[0, 1\]"):
        nn.binary_cross_entropy(np.array([0.5, 0.2]), np.array([0.0, 2.0]))
    with pytest.raises(ValueError, match="empty"):
        nn.mse_loss(np.zeros(0), np.zeros(0))


def test_accuracy():
    assert nn.accuracy(np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]]), [0, 1, 1]) == pytest.approx(2 / 3)
    assert nn.accuracy(np.array([[1.5], [-0.2]]), np.array([1, 1])) == 0.5
    with pytest.raises(ValueError, match="labels"):
        nn.accuracy(np.zeros((3, 2)), [0, 1])

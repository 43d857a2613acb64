"""coursekit.manual_backprop: the hand-written MLP backward pass against finite
differences, coursekit's Tensor and torch; activation derivatives; the counts."""

import numpy as np
import pytest
from _torch import import_torch

from coursekit import manual_backprop as mb
from coursekit import nn
from coursekit.backprop import Tensor, numerical_grad, relative_error


def _problem(sizes=(3, 5, 4, 2), n=7, seed=0, binary=False):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, sizes[0]))
    y = rng.normal(size=(n, sizes[-1]))
    if binary:
        y = (y > 0).astype(float)
    return mb.init_mlp(sizes, 1.0, seed + 1), X, y


@pytest.mark.parametrize("name", mb.ACTIVATIONS)
def test_activation_derivative_matches_finite_differences(name):
    a = np.linspace(-4, 4, 81)
    a = a[np.abs(a) > 1e-3]  # ReLU has a kink at 0
    eps = 1e-6
    numeric = (mb.activation(name, a + eps) - mb.activation(name, a - eps)) / (2 * eps)
    np.testing.assert_allclose(mb.activation_derivative(name, a), numeric, atol=1e-8)
    np.testing.assert_allclose(
        mb.derivative_from_output(name, mb.activation(name, a)),
        mb.activation_derivative(name, a),
        atol=1e-15,
    )


def test_derivative_maxima_and_relu_at_zero():
    a = np.linspace(-10, 10, 20001)
    s = mb.activation_derivative("sigmoid", a)
    assert s.max() == pytest.approx(0.25) and a[s.argmax()] == 0.0
    t = mb.activation_derivative("tanh", a)
    assert t.max() == pytest.approx(1.0) and a[t.argmax()] == 0.0
    assert mb.activation_derivative("relu", 0.0) == 0.0  # PyTorch's choice
    assert mb.derivative_from_output("relu", 0.0) == 0.0


@pytest.mark.parametrize("name", mb.ACTIVATIONS)
@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_gradients_match_finite_differences(name, loss):
    params, X, y = _problem(binary=loss == "bce")
    _, grads, _ = mb.loss_and_grad(params, X, y, name, loss)

    def J(theta):
        return mb.loss_and_grad(mb.unflatten(theta, params), X, y, name, loss)[0]

    numeric = numerical_grad(J, mb.flatten(params))
    assert relative_error(mb.flatten(grads), numeric) < 1e-7


@pytest.mark.parametrize("name", mb.ACTIVATIONS)
def test_gradients_match_coursekit_tensor(name):
    params, X, y = _problem()
    value, grads, _ = mb.loss_and_grad(params, X, y, name, "mse")
    leaves = [Tensor(p, requires_grad=True) for layer in params for p in layer]
    h = Tensor(X)
    for i in range(len(params)):
        a = h @ leaves[2 * i].T + leaves[2 * i + 1]
        h = a if i == len(params) - 1 else getattr(a, name)()
    out = nn.mse_loss(h, y)
    out.backward()
    assert out.item() == pytest.approx(value, rel=1e-14)
    np.testing.assert_allclose(
        mb.flatten(grads),
        np.concatenate([t.grad.ravel() for t in leaves]),
        rtol=1e-12,
        atol=1e-14,
    )


@pytest.mark.parametrize("name", mb.ACTIVATIONS)
def test_gradients_match_torch(name):
    torch = import_torch()
    params, X, y = _problem(binary=True)
    value, grads, _ = mb.loss_and_grad(params, X, y, name, "bce")
    leaves = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for layer in params for p in layer]
    h = torch.tensor(X)
    for i in range(len(params)):
        a = h @ leaves[2 * i].T + leaves[2 * i + 1]
        h = a if i == len(params) - 1 else getattr(torch, name)(a)
    out = torch.nn.functional.binary_cross_entropy_with_logits(h, torch.tensor(y))
    out.backward()
    assert out.item() == pytest.approx(value, rel=1e-13)
    np.testing.assert_allclose(
        mb.flatten(grads),
        np.concatenate([t.grad.numpy().ravel() for t in leaves]),
        rtol=1e-11,
        atol=1e-14,
    )


def test_deltas_obey_the_layer_bound():
    # ‖δ^(l-1)‖ <= max φ' · ‖W^(l)‖₂ · ‖δ^(l)‖, row by row, hence for the batch
    params, X, y = _problem(sizes=(8, 8, 8, 8, 8, 1), n=20)
    for name, top in [("sigmoid", 0.25), ("tanh", 1.0), ("relu", 1.0)]:
        _, _, deltas = mb.loss_and_grad(params, X, y, name, "mse")
        for l in range(len(params) - 1, 0, -1):
            W = params[l][0]
            bound = top * np.linalg.norm(W, 2) * np.linalg.norm(deltas[l])
            assert np.linalg.norm(deltas[l - 1]) <= bound * (1 + 1e-12)


def test_flatten_roundtrip_and_errors():
    params, _, _ = _problem()
    theta = mb.flatten(params)
    assert theta.size == 3 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2
    back = mb.unflatten(theta, params)
    for (W, b), (W2, b2) in zip(params, back):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)
    with pytest.raises(ValueError, match="theta"):
        mb.unflatten(theta[:-1], params)


def test_multiply_adds():
    counts = mb.multiply_adds([2, 3, 1], batch=4)
    assert counts == {"forward": 4 * (6 + 3), "backward": 2 * 36 - 4 * 6}
    for sizes in ([2, 16, 16, 1], [64, 64, 10], [1, 100, 100, 100, 1]):
        c = mb.multiply_adds(sizes, 32)
        assert 1 <= c["backward"] / c["forward"] < 2
    with pytest.raises(ValueError):
        mb.multiply_adds([3], 4)


def test_init_scale():
    params = mb.init_mlp([400, 300, 1], scale=2.0, rng=0)
    W = params[0][0]
    assert W.shape == (300, 400)
    assert W.std() == pytest.approx(2.0 / np.sqrt(400), rel=0.02)
    assert np.all(params[0][1] == 0)
    with pytest.raises(ValueError, match="scale"):
        mb.init_mlp([2, 2], scale=0.0)


def test_train_mlp_learns_and_reports_divergence():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    run = mb.train_mlp([2, 16, 1], X, y, "tanh", 1.0, lr=0.5, steps=200)
    assert not run.diverged and len(run.loss) == 201
    assert run.loss[-1] < 0.6 * run.loss[0]
    assert run.norms.shape == (2,)
    bad = mb.train_mlp([2, 16, 16, 1], X, y, "relu", 4.0, lr=50.0, steps=50)
    assert bad.diverged and bad.diverged_at is not None
    assert len(bad.loss) == bad.diverged_at
    assert all(np.isfinite(bad.loss))


def test_bad_input_raises():
    params, X, y = _problem()
    with pytest.raises(ValueError, match="activation"):
        mb.activation("softplus", 1.0)
    with pytest.raises(ValueError, match="loss"):
        mb.loss_and_grad(params, X, y, "tanh", "hinge")
    with pytest.raises(ValueError, match="X must have shape"):
        mb.mlp_forward(params, X[:, :2])
    with pytest.raises(ValueError, match="layer 2"):
        mb.mlp_forward([params[0], params[2]], X)
    A, H = mb.mlp_forward(params, X)
    with pytest.raises(ValueError, match="grad_output"):
        mb.mlp_backward(params, A, H, np.ones(3))
    with pytest.raises(ValueError, match="lr"):
        mb.train_mlp([2, 2, 1], X[:, :2], y[:, 0], lr=0)


def test_relu_kink_convention_matches_torch():
    # ReLU'(0): the lesson says PyTorch, coursekit's Tensor and this module
    # all use 0 there
    torch = import_torch()
    x = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    torch.relu(x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    assert mb.activation_derivative("relu", np.zeros(3)).tolist() == [0.0] * 3
    t = Tensor(np.zeros(3), requires_grad=True)
    t.relu().backward(np.ones(3))
    assert t.grad.tolist() == [0.0] * 3

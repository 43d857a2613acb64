"""coursekit.nn losses and MLP against torch in float64 (skipped without torch)."""

import numpy as np
import pytest
from _torch import import_torch

from coursekit import nn, optim
from coursekit.backprop import Tensor

torch = import_torch()
F = torch.nn.functional


def grads(loss_ours, x_ours, loss_torch, x_torch):
    loss_ours.backward()
    loss_torch.backward()
    return x_ours.grad, x_torch.grad.numpy()


@pytest.mark.parametrize("scale", [1.0, 10.0, 1000.0])
@pytest.mark.parametrize("seed", range(3))
def test_cross_entropy_matches_torch(scale, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=scale, size=(7, 5))
    y = rng.integers(0, 5, size=7)
    ours = Tensor(z, requires_grad=True)
    theirs = torch.tensor(z, requires_grad=True)
    lo, lt = nn.cross_entropy(ours, y), F.cross_entropy(theirs, torch.tensor(y))
    assert np.isfinite(lo.item())
    assert lo.item() == pytest.approx(lt.item(), rel=1e-12, abs=1e-12)
    go, gt = grads(lo, ours, lt, theirs)
    np.testing.assert_allclose(go, gt, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("scale", [1.0, 30.0, 1000.0])
@pytest.mark.parametrize("soft", [False, True])
def test_bce_with_logits_matches_torch(scale, soft):
    rng = np.random.default_rng(int(scale))
    z = rng.normal(scale=scale, size=(6, 2))
    y = rng.uniform(size=(6, 2)) if soft else rng.integers(0, 2, size=(6, 2)).astype(float)
    ours, theirs = Tensor(z, requires_grad=True), torch.tensor(z, requires_grad=True)
    lo = nn.binary_cross_entropy_with_logits(ours, y)
    lt = F.binary_cross_entropy_with_logits(theirs, torch.tensor(y))
    assert np.isfinite(lo.item())
    assert lo.item() == pytest.approx(lt.item(), rel=1e-12)
    go, gt = grads(lo, ours, lt, theirs)
    np.testing.assert_allclose(go, gt, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize(
    "p",
    [
        np.array([0.1, 0.5, 0.9, 0.3]),
        np.array([0.0, 1.0, 1.0, 0.0]),  # saturated: torch clamps log at -100
        np.array([1e-30, 1 - 1e-16, 0.5, 1e-300]),
    ],
)
def test_binary_cross_entropy_matches_torch(p):
    y = np.array([1.0, 0.0, 1.0, 0.0])
    ours, theirs = Tensor(p, requires_grad=True), torch.tensor(p, requires_grad=True)
    lo = nn.binary_cross_entropy(ours, y)
    lt = F.binary_cross_entropy(theirs, torch.tensor(y))
    assert lo.item() == pytest.approx(lt.item(), rel=1e-12)
    go, gt = grads(lo, ours, lt, theirs)
    np.testing.assert_allclose(go, gt, rtol=1e-10)


def test_mse_matches_torch():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    xa, xb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    lo, lt = nn.mse_loss(ta, tb), F.mse_loss(xa, xb)
    assert lo.item() == pytest.approx(lt.item(), rel=1e-13)
    lo.backward()
    lt.backward()
    np.testing.assert_allclose(ta.grad, xa.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(tb.grad, xb.grad.numpy(), rtol=1e-12)


def torch_copy(model):
    """The same MLP in torch (torch's Linear stores W transposed)."""
    layers = []
    act = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}[model.activation]
    for layer in model.layers:
        if isinstance(layer, nn.Linear):
            lin = torch.nn.Linear(layer.in_features, layer.out_features).double()
            with torch.no_grad():
                lin.weight.copy_(torch.tensor(layer.weight.data.T))
                lin.bias.copy_(torch.tensor(layer.bias.data))
            layers.append(lin)
        elif isinstance(layer, nn.Dropout):
            continue
        else:
            layers.append(act())
    return torch.nn.Sequential(*layers)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_mlp_forward_backward_matches_torch(activation):
    model = nn.MLP([64, 128, 10], activation=activation, rng=0)
    tmodel = torch_copy(model)
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(32, 64)), rng.integers(0, 10, size=32)
    lo = nn.cross_entropy(model(X), y)
    lt = F.cross_entropy(tmodel(torch.tensor(X)), torch.tensor(y))
    assert lo.item() == pytest.approx(lt.item(), rel=1e-12)
    lo.backward()
    lt.backward()
    theirs = []
    for m in tmodel:
        if isinstance(m, torch.nn.Linear):
            theirs += [m.weight.grad.numpy().T, m.bias.grad.numpy()]
    for g_ours, g_torch in zip([p.grad for p in model.parameters()], theirs):
        np.testing.assert_allclose(g_ours, g_torch, rtol=1e-9, atol=1e-14)


def test_mlp_with_optim_sgd_matches_torch_for_several_steps():
    model = nn.MLP([8, 16, 3], activation="tanh", rng=0)
    tmodel = torch_copy(model)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    topt = torch.optim.SGD(tmodel.parameters(), lr=0.1, momentum=0.9)
    rng = np.random.default_rng(2)
    for _ in range(5):
        X, y = rng.normal(size=(16, 8)), rng.integers(0, 3, size=16)
        opt.zero_grad()
        topt.zero_grad()
        nn.cross_entropy(model(X), y).backward()
        F.cross_entropy(tmodel(torch.tensor(X)), torch.tensor(y)).backward()
        opt.step()
        topt.step()
    np.testing.assert_allclose(model.layers[0].weight.data, tmodel[0].weight.detach().numpy().T, rtol=1e-10, atol=1e-12)

"""coursekit.backprop against torch.autograd in float64 (skipped without torch)."""

import numpy as np
import pytest
from _torch import import_torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from coursekit.backprop import Tensor, scalar_chain

torch = import_torch()

SETTINGS = settings(max_examples=10, deadline=None)


def arrays(shape, lo=-3.0, hi=3.0):
    return hnp.arrays(np.float64, shape, elements=st.floats(lo, hi, allow_nan=False))


def both(arrs):
    """The same values as coursekit Tensors and torch float64 leaves."""
    ours = [Tensor(a, requires_grad=True) for a in arrs]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrs]
    return ours, theirs


def compare(f_ours, f_torch, *arrs, seed=0):
    ours, theirs = both(arrs)
    out_o, out_t = f_ours(*ours), f_torch(*theirs)
    np.testing.assert_allclose(out_o.data, out_t.detach().numpy(), rtol=1e-12, atol=1e-12)
    upstream = np.random.default_rng(seed).normal(size=out_o.shape)
    out_o.backward(upstream)
    out_t.backward(torch.tensor(upstream))
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.grad, t.grad.numpy(), rtol=1e-10, atol=1e-12)


UNARY = {
    "exp": (lambda t: t.exp(), lambda t: t.exp(), -3, 3),
    "log": (lambda t: t.log(), lambda t: t.log(), 0.1, 5),
    "tanh": (lambda t: t.tanh(), lambda t: t.tanh(), -4, 4),
    "sigmoid": (lambda t: t.sigmoid(), lambda t: t.sigmoid(), -40, 40),
    "relu": (lambda t: t.relu(), lambda t: t.relu(), -3, 3),
    "neg": (lambda t: -t, lambda t: -t, -3, 3),
    "pow": (lambda t: t**2.5, lambda t: t**2.5, 0.1, 3),
    "square": (lambda t: t**2, lambda t: t**2, -3, 3),
    "T": (lambda t: t.T, lambda t: t.permute(*reversed(range(t.ndim))), -3, 3),
    "sum_axis0": (lambda t: t.sum(axis=0), lambda t: t.sum(dim=0), -3, 3),
    "mean_keep": (lambda t: t.mean(axis=-1, keepdims=True), lambda t: t.mean(dim=-1, keepdim=True), -3, 3),
    "mean_all": (lambda t: t.mean(), lambda t: t.mean(), -3, 3),
    "reshape": (lambda t: t.reshape(-1), lambda t: t.reshape(-1), -3, 3),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@SETTINGS
@given(data=st.data())
def test_unary_ops_match_torch(name, data):
    ours, theirs, lo, hi = UNARY[name]
    x = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4).flatmap(lambda s: arrays(s, lo, hi)))
    compare(ours, theirs, x)


@pytest.mark.parametrize("symbol", ["+", "-", "*", "/"])
@SETTINGS
@given(shapes_=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3), data=st.data())
def test_broadcasting_binary_ops_match_torch(symbol, shapes_, data):
    sa, sb = shapes_.input_shapes
    a = data.draw(arrays(sa))
    b = data.draw(arrays(sb, 0.5, 3) if symbol == "/" else arrays(sb))
    op = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y, "/": lambda x, y: x / y}[symbol]
    compare(op, op, a, b)


@pytest.mark.parametrize(
    "sa,sb", [((3,), (3, 2)), ((2, 3), (3,)), ((4, 3), (3, 5)), ((2, 4, 3), (3, 2)), ((2, 1, 2, 3), (3, 3, 2))]
)
def test_matmul_matches_torch(sa, sb):
    rng = np.random.default_rng(0)
    compare(lambda x, y: x @ y, lambda x, y: x @ y, rng.normal(size=sa), rng.normal(size=sb))


def test_numbers_on_either_side_match_torch():
    x = np.array([[0.5, 1.5], [2.0, 3.0]])
    compare(lambda t: (2 - t) * 3 + 1 / t - t / 4 + (-t) ** 2, lambda t: (2 - t) * 3 + 1 / t - t / 4 + (-t) ** 2, x)


def test_two_layer_network_matches_torch():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(8, 5))
    arrs = [rng.normal(size=(5, 6)), rng.normal(size=6), rng.normal(size=(6, 3)), rng.normal(size=3)]

    def net(W1, b1, W2, b2):
        h = (X @ W1 + b1).relu()
        out = (h @ W2 + b2).tanh() * (h.sum(axis=1, keepdims=True) + 1).log()
        return ((out - 0.3) ** 2).mean()

    def net_t(W1, b1, W2, b2):
        Xt = torch.tensor(X)
        h = (Xt @ W1 + b1).relu()
        out = (h @ W2 + b2).tanh() * (h.sum(dim=1, keepdim=True) + 1).log()
        return ((out - 0.3) ** 2).mean()

    compare(net, net_t, *arrs)


def test_scalar_chain_matches_torch():
    vals = dict(x=0.8, y=0.2, w1=-0.4, b1=0.3, w2=1.1, w3=-0.7)
    L, n = scalar_chain(**vals, activations=("sigmoid", "tanh", "sigmoid"))
    L.backward()
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in vals.items()}
    f1 = torch.sigmoid(t["w1"] * t["x"] + t["b1"])
    f2 = torch.tanh(t["w2"] * f1)
    f3 = torch.sigmoid(t["w3"] * f2)
    Lt = 0.5 * (f3 - t["y"]) ** 2
    Lt.backward()
    assert L.item() == pytest.approx(Lt.item(), rel=1e-14)
    for k in ("w1", "b1", "w2", "w3"):
        assert n[k].grad == pytest.approx(t[k].grad.item(), rel=1e-12)

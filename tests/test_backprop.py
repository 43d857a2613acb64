"""coursekit.backprop: every op against central finite differences (hypothesis
property tests over shapes and values), graph semantics, errors, gradcheck,
and chapter 2's scalar chain against its closed-form chain-rule product."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.special import expit

from coursekit.backprop import (
    Tensor,
    format_trace,
    gradcheck,
    is_grad_enabled,
    no_grad,
    numerical_grad,
    relative_error,
    scalar_chain,
    trace,
)
from coursekit.backprop.tensor import _node

SETTINGS = settings(max_examples=20, deadline=None)
TOL = 1e-6  # relative error of backprop vs central differences (see gradcheck)


def arrays(shape, lo=-3.0, hi=3.0):
    return hnp.arrays(np.float64, shape, elements=st.floats(lo, hi, allow_nan=False, allow_infinity=False))


shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)


def weighted(t, seed=0):
    """sum(t * R) for a fixed random R, so the upstream gradient is not all ones."""
    r = np.random.default_rng(seed).normal(size=t.shape)
    return (t * r).sum()


# ------------------------------------------- forward values, independent of backward
# gradcheck compares backward with finite differences of the same forward pass, so a
# wrong forward would pass it: check the forward values against numpy and scipy.

X_FWD = np.array([[-20.0, -3.0, -0.5, 0.0], [0.25, 1.0, 2.0, 30.0]])


@pytest.mark.parametrize(
    "name, ours, reference",
    [
        ("exp", lambda t: t.exp(), np.exp),
        ("tanh", lambda t: t.tanh(), np.tanh),
        ("sigmoid", lambda t: t.sigmoid(), expit),
        ("relu", lambda t: t.relu(), lambda x: np.maximum(x, 0.0)),
        ("square", lambda t: t**2, np.square),
        ("cube", lambda t: t**3, lambda x: x * x * x),
    ],
)
def test_forward_values_match_numpy(name, ours, reference):
    np.testing.assert_allclose(ours(Tensor(X_FWD)).data, reference(X_FWD), rtol=1e-14, atol=0)


@pytest.mark.parametrize(
    "name, ours, reference",
    [
        ("log", lambda t: t.log(), np.log),
        ("pow-0.5", lambda t: t**-0.5, lambda x: 1 / np.sqrt(x)),
        ("pow1.5", lambda t: t**1.5, lambda x: x * np.sqrt(x)),
    ],
)
def test_forward_values_on_positive_inputs_match_numpy(name, ours, reference):
    x = np.array([1e-8, 0.3, 1.0, 2.5, 1e6])
    np.testing.assert_allclose(ours(Tensor(x)).data, reference(x), rtol=1e-14, atol=0)


def test_relu_and_sigmoid_special_values():
    assert Tensor(np.array([-1e-300, 0.0])).relu().data.tolist() == [0.0, 0.0]
    s = Tensor(np.array([-800.0, 0.0, 800.0])).sigmoid().data
    assert s.tolist() == [0.0, 0.5, 1.0] and np.all(np.isfinite(s))  # no overflow


# ---------------------------------------------------------------- unary ops

UNARY = {
    "exp": (lambda t: t.exp(), -3.0, 3.0),
    "log": (lambda t: t.log(), 0.2, 5.0),
    "tanh": (lambda t: t.tanh(), -3.0, 3.0),
    "sigmoid": (lambda t: t.sigmoid(), -6.0, 6.0),
    "relu": (lambda t: t.relu(), -3.0, 3.0),
    "neg": (lambda t: -t, -3.0, 3.0),
    "pow2": (lambda t: t**2, -3.0, 3.0),
    "pow3": (lambda t: t**3, -2.0, 2.0),
    "pow-0.5": (lambda t: t**-0.5, 0.2, 4.0),
    "pow1.5": (lambda t: t**1.5, 0.2, 4.0),
    "T": (lambda t: t.T, -3.0, 3.0),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@SETTINGS
@given(data=st.data())
def test_unary_ops_match_finite_differences(name, data):
    op, lo, hi = UNARY[name]
    x = data.draw(shapes.flatmap(lambda s: arrays(s, lo, hi)))
    if name == "relu":
        assume(np.all(np.abs(x) > 1e-3))  # away from the kink
    gradcheck(lambda t: weighted(op(t)), x, tol=TOL)


# --------------------------------------------------------------- binary ops

BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}


@pytest.mark.parametrize("symbol", sorted(BINARY))
@SETTINGS
@given(shapes_=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3), data=st.data())
def test_broadcasting_binary_ops_match_finite_differences(symbol, shapes_, data):
    sa, sb = shapes_.input_shapes
    a = data.draw(arrays(sa))
    b = data.draw(arrays(sb, 0.5, 3.0) if symbol == "/" else arrays(sb))
    op = BINARY[symbol]
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    out = op(ta, tb)
    assert out.shape == np.broadcast_shapes(sa, sb)
    weighted(out).backward()
    assert ta.grad.shape == a.shape and tb.grad.shape == b.shape  # summed back to each shape
    gradcheck(lambda x, z: weighted(op(x, z)), a, b, tol=TOL)


@pytest.mark.parametrize("symbol", sorted(BINARY))
@SETTINGS
@given(x=arrays((2, 3), 0.5, 3.0), c=st.floats(0.5, 3.0))
def test_numbers_on_either_side(symbol, x, c):
    op = BINARY[symbol]
    for f in (lambda t: op(t, c), lambda t: op(c, t)):
        gradcheck(lambda t: weighted(f(t)), x, tol=TOL)
    np.testing.assert_allclose(op(Tensor(x), c).data, op(x, c))
    np.testing.assert_allclose(op(c, Tensor(x)).data, op(c, x))


matmul_shapes = st.sampled_from(
    [
        ((3,), (3,)),
        ((3,), (3, 2)),
        ((2, 3), (3,)),
        ((2, 3), (3, 4)),
        ((1, 3), (3, 1)),
        ((2, 2, 3), (3, 4)),
        ((3,), (2, 3, 4)),
        ((2, 1, 2, 3), (3, 3, 2)),
        ((4, 3), (2, 3, 2)),
    ]
)


@SETTINGS
@given(pair=matmul_shapes, data=st.data())
def test_matmul_matches_finite_differences(pair, data):
    sa, sb = pair
    a, b = data.draw(arrays(sa)), data.draw(arrays(sb))
    np.testing.assert_allclose((Tensor(a) @ Tensor(b)).data, a @ b)
    gradcheck(lambda x, z: weighted(x @ z), a, b, tol=TOL)


@SETTINGS
@given(
    x=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4).flatmap(arrays),
    data=st.data(),
    keepdims=st.booleans(),
    reduction=st.sampled_from(["sum", "mean"]),
)
def test_reductions_over_axes(x, data, keepdims, reduction):
    axis = data.draw(st.one_of(st.none(), st.integers(-x.ndim, x.ndim - 1), st.just(tuple(range(x.ndim)))))
    f = lambda t: weighted(getattr(t, reduction)(axis=axis, keepdims=keepdims))
    out = getattr(Tensor(x), reduction)(axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(out.data, getattr(np, reduction)(x, axis=axis, keepdims=keepdims))
    gradcheck(f, x, tol=TOL)


@SETTINGS
@given(x=arrays((2, 3, 4)), shape=st.sampled_from([(24,), (4, 6), (2, 12), (3, 2, 4), (-1, 2)]))
def test_reshape(x, shape):
    assert Tensor(x).reshape(shape).shape == x.reshape(shape).shape
    assert Tensor(x).reshape(*shape).shape == x.reshape(shape).shape
    gradcheck(lambda t: weighted(t.reshape(shape)), x, tol=TOL)


def test_indexing_with_repeats_adds_gradients():
    x = np.arange(6.0).reshape(3, 2)
    t = Tensor(x, requires_grad=True)
    t[[0, 0, 2], [1, 1, 0]].sum().backward()
    np.testing.assert_array_equal(t.grad, [[0, 2], [0, 0], [1, 0]])
    assert gradcheck(lambda u: weighted(u[1:, :1] * u[:2, 1:]), x)[0] < TOL


def test_composite_network_gradient():
    rng = np.random.default_rng(1)
    X, W, b, V = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2))

    def f(W, b, V):
        h = (X @ W + b).tanh()
        out = (h @ V).sigmoid() * 2 - (h**2).mean(axis=0, keepdims=True).sum() / 3
        return (out.exp() + 1).log().mean()

    assert max(gradcheck(f, W, b, V)) < TOL


# ------------------------------------------------------------ graph semantics


def test_node_used_twice_accumulates():
    x = Tensor(3.0, requires_grad=True)
    (x * x + x).backward()  # d/dx (x^2 + x) = 2x + 1
    assert x.grad == pytest.approx(7.0)
    y = Tensor([1.0, 2.0], requires_grad=True)
    h = y.tanh()
    (h * 2 + h.exp()).sum().backward()  # h used by two branches
    np.testing.assert_allclose(y.grad, (2 + np.exp(np.tanh([1.0, 2.0]))) * (1 - np.tanh([1.0, 2.0]) ** 2))


def test_diamond_graph_each_node_backpropagated_once():
    x = Tensor(0.7, requires_grad=True)
    a = x * 2
    b = a.tanh()
    c = a.exp()
    (b * c).backward()
    ax = 1.4
    expected = 2 * ((1 - np.tanh(ax) ** 2) * np.exp(ax) + np.tanh(ax) * np.exp(ax))
    assert x.grad == pytest.approx(expected)


def test_leaf_gradients_accumulate_across_backward_calls_and_zero_grad_clears():
    w = Tensor([1.0, -1.0], requires_grad=True)
    for _ in range(2):
        (w * 3).sum().backward()
    np.testing.assert_array_equal(w.grad, [6.0, 6.0])
    w.zero_grad()
    assert w.grad is None
    w.grad = np.zeros(2)  # zeroing in place also works
    (w * 3).sum().backward()
    np.testing.assert_array_equal(w.grad, [3.0, 3.0])


def test_gradients_of_shared_upstream_are_not_aliased():
    a, b = Tensor(1.0, requires_grad=True), Tensor(2.0, requires_grad=True)
    (a + b).backward()
    a.grad += 10  # must not change b.grad
    assert b.grad == 1.0


def test_deep_chain_does_not_hit_recursion_limit():
    x = Tensor(0.5, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001**5000)


def test_no_grad_builds_no_graph():
    w = Tensor([1.0, 2.0], requires_grad=True)
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
        out = (w * 2).sum()
    assert is_grad_enabled()
    assert not out.requires_grad and out.is_leaf
    with pytest.raises(RuntimeError, match="does not require grad"):
        out.backward()


def test_constants_get_no_gradient():
    c = Tensor([1.0, 2.0])
    w = Tensor([3.0, 4.0], requires_grad=True)
    (c * w).sum().backward()
    assert c.grad is None
    np.testing.assert_array_equal(w.grad, [1.0, 2.0])


def test_data_is_a_float64_copy_and_grad_has_its_shape():
    raw = np.array([[1, 2], [3, 4]])
    t = Tensor(raw, requires_grad=True)
    assert t.data.dtype == np.float64 and isinstance(t.data, np.ndarray)
    t.data[0, 0] = 99
    assert raw[0, 0] == 1
    s = (t * t).sum()
    assert isinstance(s.data, np.ndarray) and s.data.dtype == np.float64 and s.shape == ()
    s.backward()
    assert t.grad.shape == t.shape and t.grad.dtype == np.float64


def test_in_place_update_of_data_is_seen_by_next_forward():
    w = Tensor([1.0], requires_grad=True)
    w.data -= 0.5  # what an optimizer does
    assert (w * 2).item() == 1.0


def test_ndarray_on_the_left():
    W = Tensor(np.eye(2) * 2, requires_grad=True)
    X = np.array([[1.0, 2.0]])
    out = X @ W
    assert isinstance(out, Tensor)
    np.testing.assert_array_equal(out.data, [[2.0, 4.0]])
    out2 = np.ones(2) + Tensor([1.0, 2.0])
    assert isinstance(out2, Tensor)


def test_backward_with_explicit_grad():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * 3).backward(np.array([1.0, -1.0]))
    np.testing.assert_array_equal(x.grad, [3.0, -3.0])


# --------------------------------------------------------------------- errors


def test_shape_mismatch_errors_name_the_shapes():
    a, b = Tensor(np.ones((2, 3))), Tensor(np.ones((4,)))
    for op in (lambda: a + b, lambda: a - b, lambda: a * b, lambda: a / b):
        with pytest.raises(ValueError, match=r"\(2, 3\).*\(4,\)"):
            op()
    with pytest.raises(ValueError, match=r"'@'.*\(2, 3\).*\(4,\)"):
        a @ b
    with pytest.raises(ValueError, match="batch dimensions"):
        Tensor(np.ones((2, 2, 3))) @ Tensor(np.ones((3, 3, 1)))
    with pytest.raises(ValueError, match="at least one dimension"):
        Tensor(2.0) @ Tensor(3.0)
    with pytest.raises(ValueError, match="reshape"):
        a.reshape(5)


def test_bad_inputs():
    with pytest.raises(TypeError, match="number exponent"):
        Tensor(2.0) ** Tensor(2.0)
    with pytest.raises(TypeError):
        Tensor(1.0) + "a"
    with pytest.raises(TypeError, match="numeric"):
        Tensor("abc")
    t = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="one-element"):
        (t * 2).backward()
    with pytest.raises(ValueError, match="grad has shape"):
        (t * 2).backward(np.ones(3))
    with pytest.raises(ValueError, match="item"):
        t.item()


# ------------------------------------------------------------------ gradcheck


def test_numerical_grad_of_known_function():
    x = np.array([0.3, -1.2, 2.0])
    g = numerical_grad(lambda v: np.sum(np.sin(v) * v), x)
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-8)
    with pytest.raises(ValueError, match="eps"):
        numerical_grad(np.sum, x, eps=0)


def test_gradcheck_catches_a_wrong_backward():
    def bad_square(t):  # forward t^2, backward claims t (missing factor 2)
        return _node(t.data**2, (t,), lambda g: (g * t.data,), "bad")

    x = np.array([0.5, -1.5])
    with pytest.raises(AssertionError, match="argument 0"):
        gradcheck(lambda t: bad_square(t).sum(), x)
    err = gradcheck(lambda t: bad_square(t).sum(), x, raise_on_failure=False)[0]
    assert err == pytest.approx(1 / 3, rel=1e-6)  # |t - 2t| / (|t| + |2t|)
    assert gradcheck(lambda t: (t**2).sum(), x)[0] < 1e-9


def test_relative_error_is_scale_free():
    a = np.array([1.0, 2.0])
    assert relative_error(a, a) == 0
    assert relative_error(1e6 * a, 1e6 * a * (1 + 1e-8)) == pytest.approx(relative_error(a, a * (1 + 1e-8)))


def test_gradcheck_rejects_non_scalar_output():
    with pytest.raises(ValueError, match="one-element"):
        gradcheck(lambda t: t * 2, np.ones(3))


# --------------------------------------------------- chapter 2's scalar chain


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


@SETTINGS
@given(vals=st.lists(st.floats(-2, 2), min_size=6, max_size=6))
def test_scalar_chain_matches_the_chain_rule_product(vals):
    x, y, w1, b1, w2, w3 = vals
    L, n = scalar_chain(x, y, w1, b1, w2, w3)
    L.backward()
    a1 = w1 * x + b1
    f1 = sigmoid(a1)
    a2 = w2 * f1
    f2 = sigmoid(a2)
    a3 = w3 * f2
    f3 = sigmoid(a3)
    d = lambda f: f * (1 - f)
    dL_df3 = f3 - y  # L = (f3 - y)^2 / 2
    assert L.item() == pytest.approx(0.5 * (f3 - y) ** 2)
    assert n["w3"].grad == pytest.approx(dL_df3 * d(f3) * f2, abs=1e-12)
    assert n["w2"].grad == pytest.approx(dL_df3 * d(f3) * w3 * d(f2) * f1, abs=1e-12)
    assert n["w1"].grad == pytest.approx(dL_df3 * d(f3) * w3 * d(f2) * w2 * d(f1) * x, abs=1e-12)
    assert n["b1"].grad == pytest.approx(dL_df3 * d(f3) * w3 * d(f2) * w2 * d(f1), abs=1e-12)
    assert n["a2"].grad == pytest.approx(dL_df3 * d(f3) * w3 * d(f2), abs=1e-12)


def test_trace_lists_nodes_in_forward_order_with_values_and_grads():
    L, n = scalar_chain(activations=("tanh", "relu", "identity"))
    rows = trace(L)
    names = [r["name"] for r in rows]
    for earlier, later in [
        ("x", "a1"),
        ("a1", "h1"),
        ("h1", "a2"),
        ("a2", "h2"),
        ("h2", "a3"),
        ("a3", "h3"),
        ("h3", "ℓ"),
    ]:
        assert names.index(earlier) < names.index(later)
    assert names[-1] == "ℓ" and len(set(names)) == len(names)
    for r in rows:  # inputs always come before their users
        assert all(names.index(i) < names.index(r["name"]) for i in r["inputs"])
    assert all(r["grad"] is None for r in rows)  # before backward
    L.backward()
    rows = {r["name"]: r for r in trace(L)}
    assert rows["ℓ"]["grad"] == 1.0
    assert rows["h1"]["value"] == pytest.approx(np.tanh(0.5 * 1.0 + 0.1))
    assert rows["w1"]["grad"] == pytest.approx(n["w1"].grad)
    table = format_trace(L)
    assert len(table.splitlines()) == len(rows) + 1
    assert "sigmoid" not in table and "tanh" in table and "relu" in table
    with pytest.raises(ValueError, match="activations"):
        scalar_chain(activations=("softplus", "relu", "relu"))

"""coursekit.data: the network datasets and the minibatch iterator."""

import numpy as np
import pytest

from coursekit import data


def test_weight_decay_regression_sizes_and_ground_truth():
    Xtr, ytr, Xte, yte = data.weight_decay_regression(seed=0)
    assert Xtr.shape == (20, 200) and ytr.shape == (20, 1)
    assert Xte.shape == (100, 200) and yte.shape == (100, 1)
    again = data.weight_decay_regression(seed=0)
    np.testing.assert_array_equal(again[0], Xtr)
    assert not np.array_equal(data.weight_decay_regression(seed=1)[0], Xtr)
    # with many examples, least squares recovers w_i = 0.01, b = 0.05 and noise sd 0.01
    X, y, _, _ = data.weight_decay_regression(n_train=20_000, n_test=0, d=5, seed=3)
    A = np.column_stack([np.ones(len(X)), X])
    theta, *_ = np.linalg.lstsq(A, y[:, 0], rcond=None)
    np.testing.assert_allclose(theta, [0.05, 0.01, 0.01, 0.01, 0.01, 0.01], atol=3e-4)
    assert np.std(y[:, 0] - A @ theta) == pytest.approx(0.01, rel=0.03)
    with pytest.raises(ValueError, match="n_train"):
        data.weight_decay_regression(n_train=0)
    with pytest.raises(ValueError, match="noise"):
        data.weight_decay_regression(noise=-1)


@pytest.mark.parametrize(
    "make,k", [(data.two_moons, 2), (data.circles, 2), (lambda **kw: data.blobs(centers=4, **kw), 4)]
)
def test_2d_classification_sets(make, k):
    X, y = make(n=120, seed=5)
    assert X.shape == (120, 2) and X.dtype == np.float64
    assert y.shape == (120,) and np.issubdtype(y.dtype, np.integer)
    assert set(np.unique(y)) == set(range(k))
    X2, y2 = make(n=120, seed=5)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(make(n=120, seed=6)[0], X)
    X3, _ = make(n=120, seed=np.random.default_rng(5))
    assert X3.shape == (120, 2)


def test_classification_set_geometry():
    X, y = data.circles(n=400, noise=0.0, factor=0.3, seed=0)
    r = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.3)
    with pytest.raises(ValueError, match="factor"):
        data.circles(factor=1.5)
    with pytest.raises(ValueError, match="noise"):
        data.two_moons(noise=-0.1)
    with pytest.raises(ValueError, match="n must"):
        data.blobs(n=0)


def test_digits_split():
    d = data.digits(seed=0)
    X_train, y_train, X_val, y_val, X_test, y_test = d
    assert X_train is d.X_train and y_test is d.y_test
    assert len(X_train) + len(X_val) + len(X_test) == 1797
    assert len(X_test) == pytest.approx(0.15 * 1797, abs=1)
    assert len(X_val) == pytest.approx(0.15 * 1797, abs=1)
    assert X_train.shape[1] == 64 and 0 <= X_train.min() and X_train.max() <= 1
    assert set(np.unique(y_train)) == set(range(10))
    for part in (y_train, y_val, y_test):  # stratified: each class about 10%
        assert np.all(np.abs(np.bincount(part, minlength=10) / len(part) - 0.1) < 0.02)
    # the three parts partition the data: their rows together are load_digits' rows
    from sklearn.datasets import load_digits

    X_all = load_digits().data / 16
    ours = np.concatenate([X_train, X_val, X_test])
    key = lambda A: sorted(map(bytes, np.ascontiguousarray(A)))
    assert key(ours) == key(X_all)
    again = data.digits(seed=0)
    np.testing.assert_array_equal(again.X_val, X_val)
    assert not np.array_equal(data.digits(seed=1).y_val, y_val)
    assert data.digits(scale=False).X_train.max() == 16
    with pytest.raises(ValueError, match="val_fraction"):
        data.digits(val_fraction=0)
    with pytest.raises(ValueError, match="< 1"):
        data.digits(val_fraction=0.6, test_fraction=0.5)


def test_train_val_split():
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    Xt, yt, Xv, yv = data.train_val_split(X, y, 0.3, seed=0)
    assert len(Xv) == 3 and len(Xt) == 7
    np.testing.assert_array_equal(np.sort(np.concatenate([yt, yv])), y)
    np.testing.assert_array_equal(Xt[:, 0] // 2, yt)
    with pytest.raises(ValueError, match="val_fraction"):
        data.train_val_split(X, y, 1.0)
    with pytest.raises(ValueError, match="10 examples but y has 9"):
        data.train_val_split(X, y[:9])


# -------------------------------------------------------------- minibatches


def test_minibatches_cover_each_example_once_per_epoch():
    X = np.arange(23).reshape(23, 1) * 1.0
    y = np.arange(23)
    batches = list(data.minibatches(X, y, 5, rng=0))
    assert [len(b[1]) for b in batches] == [5, 5, 5, 5, 3]
    seen = np.concatenate([b[1] for b in batches])
    np.testing.assert_array_equal(np.sort(seen), y)
    assert not np.array_equal(seen, y)  # shuffled
    for xb, yb in batches:
        np.testing.assert_array_equal(xb[:, 0], yb)  # rows stay paired


def test_minibatches_fresh_permutation_each_epoch_and_reproducible():
    X, y = np.zeros((50, 1)), np.arange(50)
    rng = np.random.default_rng(7)
    epoch1 = np.concatenate([b for _, b in data.minibatches(X, y, 8, rng=rng)])
    epoch2 = np.concatenate([b for _, b in data.minibatches(X, y, 8, rng=rng)])
    assert not np.array_equal(epoch1, epoch2)
    rng = np.random.default_rng(7)
    np.testing.assert_array_equal(epoch1, np.concatenate([b for _, b in data.minibatches(X, y, 8, rng=rng)]))


def test_minibatches_options():
    X, y = np.arange(10.0).reshape(10, 1), np.arange(10)
    in_order = [b for _, b in data.minibatches(X, y, 4, shuffle=False)]
    np.testing.assert_array_equal(np.concatenate(in_order), y)
    assert [len(b) for _, b in data.minibatches(X, y, 4, rng=0, drop_last=True)] == [4, 4]
    only_x = list(data.minibatches(X, None, 5, rng=0))
    assert len(only_x) == 2 and only_x[0].shape == (5, 1)
    assert len(list(data.minibatches(X, y, 100, rng=0))) == 1


@pytest.mark.parametrize("bs", [0, -1, 2.5, True])
def test_minibatches_bad_batch_size(bs):
    with pytest.raises(ValueError, match="batch_size"):
        data.minibatches(np.zeros((4, 1)), np.zeros(4), bs)  # raised at the call, not later


def test_minibatches_bad_data():
    with pytest.raises(ValueError, match="empty"):
        data.minibatches(np.zeros((0, 3)), np.zeros(0), 2)
    with pytest.raises(ValueError, match="5 examples but y has 4"):
        data.minibatches(np.zeros((5, 3)), np.zeros(4), 2)
    with pytest.raises(ValueError, match="leaves no batch"):
        data.minibatches(np.zeros((3, 1)), np.zeros(3), 4, drop_last=True)

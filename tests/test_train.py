"""coursekit.train.fit: what it computes, records and refuses."""

import numpy as np
import pytest

from coursekit import data, nn, optim, schedules, train
from coursekit.backprop.tensor import _node


def toy(n=60, seed=0):
    X, y = data.blobs(n=n, centers=3, std=0.8, seed=seed)
    return X, y


def test_full_batch_fit_equals_manual_gradient_descent():
    X, y = toy()
    a, b = nn.MLP([2, 8, 3], activation="tanh", rng=0), nn.MLP([2, 8, 3], activation="tanh", rng=0)
    hist = train.fit(a, nn.cross_entropy, optim.SGD(a.parameters(), lr=0.3), X, y, epochs=4, batch_size=len(X), rng=0)
    losses = []
    for _ in range(4):  # plain GD; the permutation does not matter for a full batch
        b.zero_grad()
        loss = nn.cross_entropy(b(X), y)
        losses.append(loss.item())
        loss.backward()
        for p in b.parameters():
            p.data -= 0.3 * p.grad
    np.testing.assert_allclose(hist.train_loss, losses, rtol=1e-12)
    np.testing.assert_allclose(hist.batch_loss, losses, rtol=1e-12)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p.data, q.data, rtol=1e-12)
    assert hist.steps == 4 and hist.epoch == [1, 2, 3, 4] and hist.lr == [0.3] * 4


def test_minibatch_fit_follows_the_minibatch_iterator():
    X, y = toy()
    a, b = nn.MLP([2, 5, 3], rng=1), nn.MLP([2, 5, 3], rng=1)
    hist = train.fit(a, nn.cross_entropy, optim.SGD(a.parameters(), lr=0.1), X, y, epochs=2, batch_size=16, rng=3)
    rng, losses, sizes = np.random.default_rng(3), [], []
    opt = optim.SGD(b.parameters(), lr=0.1)
    for _ in range(2):
        for xb, yb in data.minibatches(X, y, 16, rng=rng):
            opt.zero_grad()
            loss = nn.cross_entropy(b(xb), yb)
            losses.append(loss.item())
            sizes.append(len(xb))
            loss.backward()
            opt.step()
    np.testing.assert_allclose(hist.batch_loss, losses, rtol=1e-12)
    assert hist.steps == 8
    first = np.average(losses[:4], weights=sizes[:4])  # weighted by batch size
    assert hist.train_loss[0] == pytest.approx(first, rel=1e-12)


def test_history_with_validation_and_accuracy():
    d = data.digits(seed=0)
    model = nn.MLP([64, 32, 10], rng=0)
    hist = train.fit(
        model,
        nn.cross_entropy,
        optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
        d.X_train,
        d.y_train,
        epochs=5,
        batch_size=32,
        val=(d.X_val, d.y_val),
        rng=0,
    )
    for key in ("train_loss", "train_acc", "val_loss", "val_acc", "lr", "epoch"):
        assert len(hist[key]) == 5
    assert not hist.diverged and hist.reason == "ran all epochs"
    assert hist.val_acc[-1] > 0.9 and hist.train_loss[-1] < hist.train_loss[0]
    loss, acc = train.evaluate(model, nn.cross_entropy, d.X_val, d.y_val)
    assert hist.val_loss[-1] == pytest.approx(loss) and hist.val_acc[-1] == pytest.approx(acc)
    assert acc == pytest.approx(nn.accuracy(model(d.X_val), d.y_val))


def test_validation_runs_in_eval_mode_and_training_in_train_mode():
    X, y = toy(80)
    model = nn.MLP([2, 64, 3], dropout=0.5, rng=0)
    modes = []
    orig = model.forward
    model.forward = lambda x: (modes.append(model.layers[2].training), orig(x))[1]
    hist = train.fit(
        model,
        nn.cross_entropy,
        optim.SGD(model.parameters(), lr=0.05),
        X,
        y,
        epochs=2,
        batch_size=40,
        val_fraction=0.25,
        rng=0,
        eval_train=True,
    )
    # per epoch: 2 training batches (train mode), then train and val evaluation (eval mode)
    assert modes == [True, True, False, False] * 2
    assert model.training  # left in training mode
    assert len(hist.val_loss) == 2 and hist.val_loss[0] is not None


def test_val_fraction_holds_out_examples():
    X, y = toy(100)
    model = nn.MLP([2, 4, 3], rng=0)
    seen = []
    train.fit(
        model,
        lambda out, yb: (seen.append(len(yb)), nn.cross_entropy(out, yb))[1],
        optim.SGD(model.parameters(), lr=0.1),
        X,
        y,
        epochs=1,
        batch_size=1000,
        val_fraction=0.2,
        rng=0,
    )
    assert seen == [80, 20]  # one training batch, then validation


def test_schedule_sets_the_rate_per_epoch_or_step():
    X, y = toy()
    model = nn.MLP([2, 4, 3], rng=0)
    opt = optim.SGD(model.parameters(), lr=1.0)
    sched = schedules.StepLR(0.2, step_size=2, gamma=0.5)
    hist = train.fit(model, nn.cross_entropy, opt, X, y, epochs=5, batch_size=20, schedule=sched, rng=0)
    assert hist.lr == pytest.approx([0.2, 0.2, 0.1, 0.1, 0.05])
    hist = train.fit(
        model,
        nn.cross_entropy,
        opt,
        X,
        y,
        epochs=2,
        batch_size=20,
        rng=0,
        schedule=lambda t: 0.01 * (t + 1),
        schedule_unit="step",
    )
    assert hist.lr == pytest.approx([0.01, 0.04])  # 3 steps per epoch: t = 0 and 3
    assert opt.param_groups[0]["lr"] == pytest.approx(0.06)
    plateau = schedules.ReduceLROnPlateau(0.1, factor=0.5, patience=0)
    hist = train.fit(
        model,
        nn.cross_entropy,
        optim.SGD(model.parameters(), lr=1.0),
        X,
        y,
        epochs=6,
        batch_size=60,
        schedule=plateau,
        rng=0,
    )
    assert hist.lr[0] == 0.1 and all(b <= a for a, b in zip(hist.lr, hist.lr[1:]))


def test_divergence_is_recorded_and_stops():
    X, y = data.weight_decay_regression(n_train=50, d=10, seed=0)[:2]
    X = X * 100
    model = nn.Linear(10, 1, rng=0)
    start = [p.data.copy() for p in model.parameters()]
    hist = train.fit(model, nn.mse_loss, optim.SGD(model.parameters(), lr=1.0), X, y, epochs=50, batch_size=10, rng=0)
    assert hist.diverged and hist.diverged_at is not None
    k = hist.diverged_at
    assert hist.steps == k - 1 and len(hist.batch_loss) == k - 1
    assert np.all(np.isfinite(hist.batch_loss))
    assert hist.reason.startswith(f"diverged at step {k} (epoch ")
    assert len(hist.train_loss) == (k - 1) // 5  # completed epochs only
    assert all(np.all(np.isfinite(p.data)) for p in model.parameters())
    assert any(not np.array_equal(p.data, s) for p, s in zip(model.parameters(), start))


def test_divergence_can_raise():
    X, y = data.weight_decay_regression(n_train=50, d=10, seed=0)[:2]
    model = nn.Linear(10, 1, rng=0)
    with pytest.raises(train.DivergenceError, match=r"diverged at step \d+ \(epoch \d+\)") as info:
        train.fit(
            model,
            nn.mse_loss,
            optim.SGD(model.parameters(), lr=1.0),
            X * 100,
            y,
            epochs=50,
            batch_size=10,
            rng=0,
            on_divergence="raise",
        )
    assert info.value.history.diverged_at == info.value.step


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_non_finite_gradient_counts_as_divergence():
    X, y = toy(30)
    model = nn.MLP([2, 3, 3], rng=0)

    def loss_with_bad_grad(out, yb):  # finite value, infinite gradient
        return nn.cross_entropy(out, yb) + _inf_grad(out)

    hist = train.fit(
        model, loss_with_bad_grad, optim.SGD(model.parameters(), lr=0.1), X, y, epochs=1, batch_size=10, rng=0
    )
    assert hist.diverged_at == 1 and hist.steps == 0
    assert all(np.all(np.isfinite(p.data)) for p in model.parameters())


def _inf_grad(t):
    return _node(np.zeros(()), (t,), lambda g: (np.full(t.shape, np.inf),), "inf_grad")


def test_progress_bar_only_when_asked_or_long(capsys):
    X, y = toy(30)
    model = nn.MLP([2, 3, 3], rng=0)
    opt = optim.SGD(model.parameters(), lr=0.1)
    train.fit(model, nn.cross_entropy, opt, X, y, epochs=2, batch_size=10, rng=0)
    assert capsys.readouterr().err == ""
    train.fit(model, nn.cross_entropy, opt, X, y, epochs=2, batch_size=10, rng=0, progress=True)
    assert "training" in capsys.readouterr().err


def test_callback_can_stop_early():
    X, y = toy(30)
    model = nn.MLP([2, 3, 3], rng=0)
    calls = []
    hist = train.fit(
        model,
        nn.cross_entropy,
        optim.SGD(model.parameters(), lr=0.1),
        X,
        y,
        epochs=10,
        batch_size=10,
        rng=0,
        callback=lambda e, m, h: calls.append(e) or e == 3,
    )
    assert calls == [1, 2, 3] and len(hist.train_loss) == 3 and "callback" in hist.reason


def test_regression_targets_have_no_accuracy():
    Xtr, ytr, Xte, yte = data.weight_decay_regression(seed=0)
    model = nn.Linear(200, 1, rng=0)
    hist = train.fit(
        model,
        nn.mse_loss,
        optim.SGD(model.parameters(), lr=0.003),
        Xtr,
        ytr,
        epochs=3,
        batch_size=5,
        val=(Xte, yte),
        rng=0,
    )
    assert hist.train_acc == [None] * 3 and hist.val_acc == [None] * 3
    assert all(np.isfinite(hist.val_loss))


def test_bad_arguments():
    X, y = toy(30)
    model = nn.MLP([2, 3, 3], rng=0)
    opt = optim.SGD(model.parameters(), lr=0.1)
    fit = lambda **kw: train.fit(
        **{**dict(model=model, loss_fn=nn.cross_entropy, optimizer=opt, X=X, y=y, epochs=1, batch_size=10, rng=0), **kw}
    )
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        fit(batch_size=0)
    with pytest.raises(ValueError, match="epochs must be a positive integer, got 0"):
        fit(epochs=0)
    with pytest.raises(ValueError, match="empty"):
        fit(X=np.zeros((0, 2)), y=np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match="30 examples but y has 29"):
        fit(y=y[:29])
    with pytest.raises(ValueError, match="not both"):
        fit(val=(X, y), val_fraction=0.2)
    with pytest.raises(ValueError, match="val_fraction"):
        fit(val_fraction=1.5)
    with pytest.raises(ValueError, match="on_divergence"):
        fit(on_divergence="ignore")
    with pytest.raises(ValueError, match="labels must lie in 0..2"):
        fit(y=y + 5)
    with pytest.raises(ValueError, match=r"2 features, got shape \(10, 3\)"):
        fit(X=np.zeros((30, 3)))
    with pytest.raises(TypeError, match="schedule"):
        fit(schedule=0.1)


@pytest.fixture
def two_blas_threads():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(2, user_api="blas"):  # make test runs with one
        yield


def test_blas_threads_are_limited_while_training_and_restored(two_blas_threads):
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]

    before = blas_threads()
    assert before and all(k == 2 for k in before)
    X, y = toy(40)
    seen = []
    for threads, expected in ((1, [1] * len(before)), (None, before)):
        model = nn.MLP([2, 4, 3], rng=0)
        train.fit(
            model,
            nn.cross_entropy,
            optim.SGD(model.parameters(), lr=0.1),
            X,
            y,
            epochs=1,
            batch_size=20,
            blas_threads=threads,
            callback=lambda *_: seen.append(blas_threads()),
        )
        assert seen[-1] == expected
        assert blas_threads() == before
    with pytest.raises(ValueError, match="blas_threads"):
        train.fit(model, nn.cross_entropy, optim.SGD(model.parameters(), lr=0.1), X, y, 1, 20, blas_threads=0)

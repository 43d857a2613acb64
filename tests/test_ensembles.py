"""coursekit.ensembles: K stacked MLPs equal K separate train.fit runs."""

import numpy as np
import pytest

from coursekit import data, ensembles, nn, optim, schedules, train


@pytest.fixture(scope="module")
def digits():
    return data.digits(seed=0)


def _schedule(name, eta0):
    if name == "plateau":
        return schedules.ReduceLROnPlateau(eta0, factor=0.3, patience=1)
    if name == "constant":
        return None
    return schedules.by_name(name, eta0, 60)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_equals_separate_fit_runs(digits, momentum):
    setups = [("cosine", 0.3, 0), ("plateau", 0.5, 1), ("constant", 0.2, 0), ("step", 0.1, 3)]
    X, y = digits.X_train[:300], digits.y_train[:300]
    hist = ensembles.fit_mlps(
        [64, 16, 12, 10],
        X,
        y,
        [e for _, e, _ in setups],
        [s for *_, s in setups],
        epochs=12,
        batch_size=64,
        momentum=momentum,
        schedules=[_schedule(n, e) for n, e, _ in setups],
        val=(digits.X_val, digits.y_val),
    )
    for k, (name, eta0, seed) in enumerate(setups):
        model = nn.MLP([64, 16, 12, 10], rng=seed)
        opt = optim.SGD(model.parameters(), lr=eta0, momentum=momentum)
        ref = train.fit(
            model,
            nn.cross_entropy,
            opt,
            X,
            y,
            epochs=12,
            batch_size=64,
            schedule=_schedule(name, eta0),
            schedule_unit="epoch" if name == "plateau" else "step",
            val=(digits.X_val, digits.y_val),
            rng=seed,
        )
        for key in ("train_loss", "train_acc", "val_loss", "val_acc"):
            np.testing.assert_allclose(hist[key][k], ref[key], rtol=1e-12, atol=1e-14, err_msg=f"{name} {key}")


def test_without_validation_and_bad_input(digits):
    X, y = digits.X_train[:100], digits.y_train[:100]
    hist = ensembles.fit_mlps([64, 8, 10], X, y, 0.1, [0, 1], epochs=2, batch_size=32)
    assert set(hist) == {"train_loss", "train_acc"} and hist["train_loss"].shape == (2, 2)
    with pytest.raises(ValueError, match="X must have shape"):
        ensembles.fit_mlps([32, 8, 10], X, y, 0.1, [0], epochs=1, batch_size=32)
    with pytest.raises(ValueError, match="schedules"):
        ensembles.fit_mlps([64, 8, 10], X, y, 0.1, [0], epochs=1, batch_size=32, schedules=[None, None])
    with pytest.raises(TypeError, match=r"schedules\[0\]"):
        ensembles.fit_mlps([64, 8, 10], X, y, 0.1, [0], epochs=1, batch_size=32, schedules=[3])
    with pytest.raises(ValueError, match="seeds"):
        ensembles.fit_mlps([64, 8, 10], X, y, 0.1, [], epochs=1, batch_size=32)

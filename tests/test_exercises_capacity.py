"""Chapter 05's code exercises (coursekit.exercises.capacity).

Each checker accepts an independently written correct version, names each
misconception it claims, and rejects other wrong versions (wrong sign,
off-by-one, wrong shape) with a plain "fail" (tests/test_exercises.py checks
the stub of every checker). Also the new coursekit.capacity helpers of the
chapter's cross-validation: kfold_indices and cross_validation, against a
partition check and leave-one-out's closed form.
"""

import numpy as np
import pytest

from coursekit import capacity as cap
from coursekit import exercises


def my_ridge(Phi, y, lam):
    # the augmented normal equations, intercept column unpenalised, with inv
    A = np.c_[np.ones(len(y)), Phi]
    D = np.eye(A.shape[1]) * len(y) * lam
    D[0, 0] = 0.0
    theta = np.linalg.inv(A.T @ A + D) @ A.T @ y
    return theta[1:], theta[0]


def my_early_stopping(val_losses, patience):
    # the running minimum of the curve: stop where the best is p epochs old
    v = np.asarray(val_losses)
    best_so_far = np.array([int(np.argmin(v[: t + 1])) + 1 for t in range(v.size)])
    waited = np.arange(1, v.size + 1) - best_so_far
    hits = np.flatnonzero(waited >= patience)
    stop = int(hits[0]) + 1 if hits.size else v.size
    return stop, int(best_so_far[stop - 1])


def test_independent_versions_pass():
    assert exercises.check_ridge.verdict(my_ridge).passed
    assert exercises.check_early_stopping.verdict(my_early_stopping).passed


def test_solve_or_lstsq_is_accepted():
    # solving with inv (above), solve or lstsq is not a misconception
    def with_solve(Phi, y, lam):
        Pc, yc = Phi - Phi.mean(axis=0), y - y.mean()
        w = np.linalg.solve(Pc.T @ Pc + len(y) * lam * np.eye(Phi.shape[1]), Pc.T @ yc)
        return w, y.mean() - Phi.mean(axis=0) @ w

    assert exercises.check_ridge.verdict(with_solve).passed


RIDGE_WRONG = {
    "no intercept": lambda Phi, y, lam: (my_ridge(Phi, y, lam)[0], 0.0),
    "wrong sign": lambda Phi, y, lam: (-my_ridge(Phi, y, lam)[0], my_ridge(Phi, y, lam)[1]),
    "w as a column": lambda Phi, y, lam: (my_ridge(Phi, y, lam)[0][:, None], my_ridge(Phi, y, lam)[1]),
    "w only": lambda Phi, y, lam: my_ridge(Phi, y, lam)[0],
    "not centred": lambda Phi, y, lam: (
        np.linalg.lstsq(Phi.T @ Phi + len(y) * lam * np.eye(Phi.shape[1]), Phi.T @ y, rcond=None)[0],
        y.mean(),
    ),
}


@pytest.mark.parametrize("name", RIDGE_WRONG)
def test_other_wrong_ridge_fails(name):
    v = exercises.check_ridge.verdict(RIDGE_WRONG[name])
    assert v.status == "fail" and v.misconception is None, v.text


def scaled(n_lam):
    def wrong(Phi, y, lam):
        Pc, yc = Phi - Phi.mean(axis=0), y - y.mean()
        A = Pc.T @ Pc + n_lam(len(y), lam) * np.eye(Phi.shape[1])
        w = np.linalg.pinv(A) @ Pc.T @ yc
        return w, y.mean() - Phi.mean(axis=0) @ w

    return wrong


def penalised_intercept(Phi, y, lam):
    A = np.c_[np.ones(len(y)), Phi]
    theta = np.linalg.solve(A.T @ A + len(y) * lam * np.eye(A.shape[1]), A.T @ y)
    return theta[1:], theta[0]


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (scaled(lambda n, lam: lam), "not scaled by N"),
        (scaled(lambda n, lam: 2 * n * lam), "2 N lambda"),
        (scaled(lambda n, lam: n * lam / 2), "N lambda / 2"),
        (penalised_intercept, "intercept penalised"),
    ],
)
def test_ridge_misconceptions_named(wrong, phrase):
    v = exercises.check_ridge.verdict(wrong)
    assert v.status == "misconception" and phrase in v.misconception, v.text
    assert "Reread (5.5)" in v.text


def stop_variant(improves, fires, shift=0, keep_last=False):
    def wrong(val_losses, patience):
        best, best_epoch = np.inf, 0
        for epoch, loss in enumerate(val_losses, start=1):
            if improves(loss, best):
                best, best_epoch = loss, epoch
            elif fires(epoch - best_epoch, patience):
                return epoch - shift, (epoch if keep_last else best_epoch) - shift
        return len(val_losses) - shift, best_epoch - shift

    return wrong


def lt(a, b):
    return a < b


def ge(a, b):
    return a >= b


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (stop_variant(lt, ge, shift=1), "counted from 0"),
        (stop_variant(lt, lambda waited, p: True), "first non-improving"),
        (stop_variant(lt, lambda waited, p: waited > p), "one epoch too many"),
        (stop_variant(lt, ge, keep_last=True), "stopping epoch's model"),
        (stop_variant(lambda a, b: a <= b, ge), "tie"),
    ],
)
def test_early_stopping_misconceptions_named(wrong, phrase):
    v = exercises.check_early_stopping.verdict(wrong)
    assert v.status == "misconception" and phrase in v.misconception, v.text
    assert "Reread (5.15)" in v.text


STOP_WRONG = {
    # the best epoch by the largest loss (the wrong sign)
    "largest loss": lambda val_losses, patience: my_early_stopping(-np.asarray(val_losses), patience),
    "stop epoch only": lambda val_losses, patience: my_early_stopping(val_losses, patience)[0],
    "as one array of shape (2, 1)": lambda val_losses, patience: np.array(my_early_stopping(val_losses, patience))[
        :, None
    ],
    "patience off by two": lambda val_losses, patience: my_early_stopping(val_losses, patience + 2),
    "best epoch from 0 only": lambda val_losses, patience: (
        my_early_stopping(val_losses, patience)[0],
        my_early_stopping(val_losses, patience)[1] - 1,
    ),
}


@pytest.mark.parametrize("name", STOP_WRONG)
def test_other_wrong_early_stopping_fails(name):
    v = exercises.check_early_stopping.verdict(STOP_WRONG[name])
    assert v.status == "fail" and v.misconception is None, v.text


# the helpers behind the chapter's cross-validation


@pytest.mark.parametrize("n, folds", [(20, 5), (23, 5), (7, 7), (10, 3)])
@pytest.mark.parametrize("rng", [None, 0])
def test_kfold_indices_partition(n, folds, rng):
    parts = cap.kfold_indices(n, folds, rng)
    sizes = [p.size for p in parts]
    assert len(parts) == folds and max(sizes) - min(sizes) <= 1
    assert sorted(sizes, reverse=True) == sizes  # the larger folds first
    assert np.array_equal(np.sort(np.concatenate(parts)), np.arange(n))


def test_kfold_indices_bad_input():
    with pytest.raises(ValueError, match="folds"):
        cap.kfold_indices(4, 5)
    with pytest.raises(ValueError, match="folds"):
        cap.kfold_indices(4, 1)
    with pytest.raises(ValueError, match="n"):
        cap.kfold_indices(0, 2)


def test_leave_one_out_closed_form():
    # least squares: the held-out residual is r_i / (1 - h_ii)
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, 25)
    y = np.sin(3 * x) + 0.2 * rng.normal(size=25)
    Phi = cap.legendre_features(x, 6)
    loo = cap.cross_validation(Phi, y, [0, 2, 6], folds=25)
    for value, k in zip(loo, [0, 2, 6]):
        A = np.c_[np.ones(25), Phi[:, :k]]
        H = A @ np.linalg.pinv(A)
        r = y - H @ y
        assert abs(np.mean((r / (1 - np.diag(H))) ** 2) - value) < 1e-10


def test_cross_validation_by_hand():
    rng = np.random.default_rng(4)
    Phi, y = rng.normal(size=(17, 4)), rng.normal(size=17)
    got = cap.cross_validation(Phi, y, [1, 4], folds=4, lam=0.1, rng=2)
    sq = np.zeros(2)
    for held in cap.kfold_indices(17, 4, rng=2):
        keep = np.setdiff1d(np.arange(17), held)
        for i, k in enumerate([1, 4]):
            w, b = cap.ridge_fit(Phi[keep, :k], y[keep], 0.1)
            sq[i] += np.sum((Phi[held, :k] @ w + b - y[held]) ** 2)
    assert np.allclose(got, sq / 17, rtol=1e-12)
    with pytest.raises(ValueError, match="capacities"):
        cap.cross_validation(Phi, y, [5], folds=4)

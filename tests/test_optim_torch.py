"""coursekit.optim against torch.optim: same gradients in, same iterates out (float64)."""

import itertools

import numpy as np
import pytest
from _torch import import_torch

from coursekit import optim

torch = import_torch()

STEPS = 40
RTOL, ATOL = 1e-12, 1e-14


def grid(**axes):
    keys = list(axes)
    return [dict(zip(keys, values)) for values in itertools.product(*axes.values())]


def gradient_sequence(shapes, steps, seed):
    """Seeded gradients with coordinates of very different scales (so adaptive methods matter)."""
    rng = np.random.default_rng(seed)
    seq = []
    for _ in range(steps):
        seq.append([rng.normal(size=s) * np.logspace(-3, 2, int(np.prod(s))).reshape(s) for s in shapes])
    return seq


def run_both(name, hyper, shapes=((3,), (2, 4)), steps=STEPS, seed=0, torch_extra=None):
    rng = np.random.default_rng(seed + 100)
    ours = [rng.normal(size=s) for s in shapes]
    theirs = [torch.tensor(p.copy(), dtype=torch.float64) for p in ours]
    opt = getattr(optim, name)(ours, **hyper)
    topt = getattr(torch.optim, name)(theirs, **hyper, **(torch_extra or {}))
    for grads in gradient_sequence(shapes, steps, seed):
        opt.step(grads)
        for p, g in zip(theirs, grads):
            p.grad = torch.tensor(g)
        topt.step()
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b.numpy(), rtol=RTOL, atol=ATOL)
    return ours, theirs


SGD_GRID = [
    h
    for h in grid(lr=[0.1, 0.003], momentum=[0, 0.9], dampening=[0, 0.5], weight_decay=[0, 0.1], nesterov=[False, True])
    if not (h["nesterov"] and (h["momentum"] == 0 or h["dampening"] != 0))
]
ADAGRAD_GRID = grid(
    lr=[0.1], lr_decay=[0, 0.05], weight_decay=[0, 0.1], initial_accumulator_value=[0, 0.5], eps=[1e-10, 1e-3]
)
RMSPROP_GRID = grid(
    lr=[0.01], alpha=[0.99, 0.5], eps=[1e-8, 1e-2], weight_decay=[0, 0.1], momentum=[0, 0.9], centered=[False, True]
)
ADAM_GRID = grid(
    lr=[1e-2],
    betas=[(0.9, 0.999), (0.5, 0.9), (0.0, 0.99)],
    eps=[1e-8, 1e-3],
    weight_decay=[0, 0.1],
    amsgrad=[False, True],
)


@pytest.mark.parametrize("hyper", SGD_GRID)
def test_sgd_matches_torch(hyper):
    run_both("SGD", hyper)


@pytest.mark.parametrize("hyper", ADAGRAD_GRID)
def test_adagrad_matches_torch(hyper):
    run_both("Adagrad", hyper)


@pytest.mark.parametrize("hyper", RMSPROP_GRID)
def test_rmsprop_matches_torch(hyper):
    run_both("RMSprop", hyper)


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
@pytest.mark.parametrize("hyper", ADAM_GRID)
def test_adam_and_adamw_match_torch(name, hyper):
    run_both(name, hyper)


@pytest.mark.parametrize("name", ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW"])
def test_defaults_match_torch(name):
    ours = getattr(optim, name)([np.zeros(2)]).defaults
    theirs = getattr(torch.optim, name)([torch.zeros(2, dtype=torch.float64)]).defaults
    for key, value in ours.items():
        assert theirs[key] == value, (name, key)
    # and the iterates with the defaults (lr given only for SGD, whose torch default is 1e-3 too)
    run_both(name, {})


@pytest.mark.parametrize(
    "name,hyper",
    [
        ("SGD", dict(momentum=0.9, nesterov=True)),
        ("RMSprop", dict(momentum=0.5, centered=True)),
        ("Adam", dict(amsgrad=True, weight_decay=0.1)),
        ("AdamW", dict(amsgrad=False)),
        ("Adagrad", dict(lr_decay=0.01)),
    ],
)
def test_match_torch_foreach_implementation(name, hyper):
    run_both(name, {"lr": 0.01, **hyper}, torch_extra={"foreach": True})


@pytest.mark.parametrize("name", ["SGD", "RMSprop", "Adam", "AdamW", "Adagrad"])
def test_iterate_dependent_gradients_match_torch(name):
    """Gradients of an ill-conditioned quadratic, computed from each side's own iterate."""
    A = np.diag([1.0, 30.0, 300.0])
    x = np.array([1.0, -1.0, 0.5])
    tx = torch.tensor(x.copy())
    hyper = {"lr": 1e-3} if name == "SGD" else {"lr": 1e-2}
    if name == "SGD":
        hyper["momentum"] = 0.9
    opt = getattr(optim, name)([x], **hyper)
    topt = getattr(torch.optim, name)([tx], **hyper)
    for _ in range(300):
        opt.step([A @ x])
        tx.grad = torch.tensor(A) @ tx.detach()
        topt.step()
    np.testing.assert_allclose(x, tx.detach().numpy(), rtol=1e-11, atol=1e-13)


def test_param_groups_and_changing_lr_match_torch():
    """Per-group lr and weight decay, and a schedule writing param_groups[i]['lr'] each step."""
    rng = np.random.default_rng(3)
    w, b = rng.normal(size=(3, 2)), rng.normal(size=2)
    tw, tb = torch.tensor(w.copy()), torch.tensor(b.copy())
    opt = optim.AdamW([{"params": [w]}, {"params": [b], "weight_decay": 0.0, "lr": 0.05}], lr=0.01, weight_decay=0.1)
    topt = torch.optim.AdamW(
        [{"params": [tw]}, {"params": [tb], "weight_decay": 0.0, "lr": 0.05}], lr=0.01, weight_decay=0.1
    )
    for k, grads in enumerate(gradient_sequence([(3, 2), (2,)], 40, 5)):
        for group, tgroup, base in zip(opt.param_groups, topt.param_groups, [0.01, 0.05]):
            group["lr"] = tgroup["lr"] = base * 0.95**k
        opt.step(grads)
        tw.grad, tb.grad = (torch.tensor(g) for g in grads)
        topt.step()
        np.testing.assert_allclose(w, tw.numpy(), rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(b, tb.numpy(), rtol=RTOL, atol=ATOL)


def test_skipped_parameter_matches_torch():
    """A parameter without a gradient (None) is left alone, and its step count does not advance."""
    x, y = np.ones(2), np.ones(3)
    tx, ty = torch.ones(2, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    opt, topt = optim.Adam([x, y], lr=0.1), torch.optim.Adam([tx, ty], lr=0.1)
    for k, (gx, gy) in enumerate(gradient_sequence([(2,), (3,)], 10, 9)):
        gy = gy if k % 3 == 0 else None
        opt.step([gx, gy])
        tx.grad = torch.tensor(gx)
        ty.grad = None if gy is None else torch.tensor(gy)
        topt.step()
    np.testing.assert_allclose(x, tx.numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(y, ty.numpy(), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(
    "name,hyper",
    [
        ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.1)),
        ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
        ("Adagrad", dict(lr=0.1, weight_decay=0.1)),
        ("RMSprop", dict(momentum=0.9, centered=True)),
        ("RMSprop", dict(weight_decay=0.1)),
        ("Adam", dict(lr=0.01, amsgrad=True)),
        ("AdamW", dict(lr=0.01)),
    ],
)
def test_large_parameters_match_torch(name, hyper):
    """Big arrays (float64 and float32) match too, not only the small ones of the other tests."""
    run_both(name, hyper, shapes=((100, 100), (5000,)), steps=5)
    x = np.random.default_rng(0).normal(size=(80, 80)).astype(np.float32)
    tx = torch.tensor(x.copy())
    opt, topt = getattr(optim, name)([x], **hyper), getattr(torch.optim, name)([tx], **hyper)
    for (g,) in gradient_sequence([(80, 80)], 5, 1):
        g = g.astype(np.float32)
        opt.step([g])
        tx.grad = torch.tensor(g)
        topt.step()
    # float32 round-off: torch fuses y + a x where numpy rounds a x first, so allow
    # 4 units in the last place of the largest entry (the largest reach about 190)
    ulp = np.spacing(np.abs(tx.numpy()).max())
    np.testing.assert_allclose(x, tx.numpy(), rtol=0, atol=4 * ulp)


def _torch_sgd_path(grad, x0, steps, **hyper):
    """torch.optim.SGD's iterates on a deterministic gradient ``grad``."""
    x = torch.tensor(np.asarray(x0, dtype=float), requires_grad=True)
    opt = torch.optim.SGD([x], **hyper)
    path = [x.detach().numpy().copy()]
    for _ in range(steps):
        x.grad = torch.tensor(grad(x.detach().numpy()))
        opt.step()
        path.append(x.detach().numpy().copy())
    return np.array(path)


def _quadratic_grad(x):
    H = np.array([[3.0, 0.5], [0.5, 0.2]])
    return H @ x - np.array([1.0, -0.5])


def test_heavy_ball_form_equals_torch_momentum_for_a_constant_rate():
    ours = optim.heavy_ball(_quadratic_grad, [2.0, 1.0], alpha=0.05, beta=0.9, steps=100)
    theirs = _torch_sgd_path(_quadratic_grad, [2.0, 1.0], 100, lr=0.05, momentum=0.9)
    np.testing.assert_allclose(ours, theirs, rtol=1e-11, atol=1e-13)


def test_nesterov_lookahead_form_equals_torch_nesterov():
    path, vel = optim.nesterov_lookahead(_quadratic_grad, [2.0, 1.0], alpha=0.04, beta=0.9, steps=100)
    theirs = _torch_sgd_path(_quadratic_grad, [2.0, 1.0], 100, lr=0.04, momentum=0.9, nesterov=True)
    # torch stores the look-ahead point theta + beta v
    np.testing.assert_allclose(theirs, path + 0.9 * vel, rtol=1e-11, atol=1e-13)
    assert not np.allclose(theirs[5], path[5])

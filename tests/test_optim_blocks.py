"""The cache-blocked updates (coursekit/optim/_blocks.py) on parameters larger than
one block: against torch, and against the same update done in one block."""

import numpy as np
import pytest
from _torch import import_torch

from coursekit import optim
from coursekit.optim import _blocks

torch = import_torch()

N = 2 * _blocks.BLOCK + 123  # two whole blocks and a part of one

CONFIGS = [
    ("SGD", dict(lr=1e-2)),
    ("SGD", dict(lr=1e-2, momentum=0.9, dampening=0.1)),
    ("SGD", dict(lr=1e-2, momentum=0.9, nesterov=True, weight_decay=1e-2)),
    ("Adagrad", dict(lr=1e-2, lr_decay=1e-3, weight_decay=1e-2)),
    ("RMSprop", dict(lr=1e-3, weight_decay=1e-2)),
    ("RMSprop", dict(lr=1e-3, momentum=0.9, centered=True)),
    ("Adam", dict(lr=1e-3)),
    ("Adam", dict(lr=1e-3, amsgrad=True, weight_decay=1e-2)),
    ("AdamW", dict(lr=1e-3, amsgrad=True)),
]


def run(name, hyper, steps=4):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N,))
    grads = [rng.normal(size=N) for _ in range(steps)]
    opt = getattr(optim, name)([x], **hyper)
    for g in grads:
        opt.step([g])
    tx = torch.tensor(np.random.default_rng(0).normal(size=(N,)), requires_grad=True)
    topt = getattr(torch.optim, name)([tx], **hyper)
    for g in grads:
        tx.grad = torch.tensor(g)
        topt.step()
    return x, tx.detach().numpy()


@pytest.mark.parametrize("name,hyper", CONFIGS)
def test_blocked_update_matches_torch(name, hyper):
    ours, theirs = run(name, hyper)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name,hyper", CONFIGS)
def test_blocked_update_equals_one_block(name, hyper, monkeypatch):
    blocked, _ = run(name, hyper)
    monkeypatch.setattr(_blocks, "BLOCK", 10 * N)
    whole, _ = run(name, hyper)
    np.testing.assert_array_equal(blocked, whole)


def test_blocks_of_a_non_contiguous_array_are_the_array():
    a = np.zeros((3 * _blocks.BLOCK, 2))[:, 0]
    (views,) = list(_blocks.blocks(a, a, scratch=np.empty(_blocks.BLOCK)))
    assert views[0] is a

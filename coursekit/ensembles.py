r"""Many small ReLU MLPs trained at once, as stacked arrays.

A comparison of schedules over 16 seeds and a few base rates is a few hundred
short training runs of the same small network. Run one at a time through
``train.fit`` each pays Python's per-step overhead; stacked, the weights of
model ``k`` are ``W[k]`` in arrays of shape ``(K, n_in, n_out)`` and one
``np.matmul`` per layer takes the step of every model. :func:`fit_mlps`
trains ``K`` models ``nn.MLP(sizes, rng=seeds[k])`` with SGD and torch-style
momentum (``b <- mu b + g``, ``theta <- theta - lr b``), cross-entropy, and
the minibatches ``train.fit(..., rng=seeds[k])`` draws, so each model's
history equals its own ``train.fit`` run to round-off (tested).
"""

import math

import numpy as np
from threadpoolctl import threadpool_limits

from . import nn


def _forward(params, x):
    """Logits and the hidden activations (with their ReLU masks)."""
    acts = [x]
    h = x
    last = len(params) // 2 - 1
    for i in range(last + 1):
        W, b = params[2 * i], params[2 * i + 1]
        h = np.matmul(h, W) + b[:, None, :]
        if i < last:
            h = np.maximum(h, 0.0)
            acts.append(h)
    return h, acts


def _cross_entropy(z, y):
    """Mean cross-entropy per model, and dL/dz. ``z`` (K, n, C), ``y`` (K, n)."""
    K, n, _ = z.shape
    shifted = z - z.max(axis=2, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=2)
    picked = np.take_along_axis(shifted, y[:, :, None], axis=2)[:, :, 0]
    loss = np.sum(np.log(total) - picked, axis=1) / n
    d = exp / total[:, :, None]
    np.put_along_axis(d, y[:, :, None], np.take_along_axis(d, y[:, :, None], axis=2) - 1.0, axis=2)
    return loss, d / n, z.argmax(axis=2) == y


def _gradients(params, acts, dz):
    grads = [None] * len(params)
    g = dz
    for i in reversed(range(len(params) // 2)):
        W = params[2 * i]
        grads[2 * i] = np.matmul(acts[i].transpose(0, 2, 1), g)
        grads[2 * i + 1] = g.sum(axis=1)
        if i > 0:
            g = np.matmul(g, W.transpose(0, 2, 1)) * (acts[i] > 0)
    return grads


def _evaluate(params, X, y):
    K = params[0].shape[0]
    z, _ = _forward(params, np.broadcast_to(X, (K, *X.shape)))
    loss, _, correct = _cross_entropy(z, np.broadcast_to(y, (K, len(y))))
    return loss, correct.mean(axis=1)


def _rates(schedules, lrs):
    """Per model: a callable ``t -> lr``, a plateau object, or None."""
    kinds = []
    for k, s in enumerate(schedules):
        if s is None:
            kinds.append("constant")
        elif callable(s):
            kinds.append("step")
        elif hasattr(s, "step"):
            kinds.append("plateau")
            lrs[k] = float(getattr(s, "lr", lrs[k]))
        else:
            raise TypeError(f"schedules[{k}] must be None, callable (t -> lr) or have step(metric), got {s!r}")
    return kinds


def _curve(schedule, total):
    """``schedule(t)`` for t = 0, ..., total - 1, by one array call if it takes one."""
    t = np.arange(total)
    try:
        rates = np.asarray(schedule(t), dtype=float)
    except (TypeError, ValueError):
        rates = None
    if rates is None or rates.shape != t.shape:
        rates = np.array([float(schedule(int(i))) for i in t])
    return rates


def fit_mlps(sizes, X, y, lrs, seeds, *, epochs, batch_size, momentum=0.0, schedules=None, val=None, blas_threads=1):
    """Train ``K = len(seeds)`` ReLU MLPs at once; return their histories.

    Model ``k`` starts as ``nn.MLP(sizes, rng=seeds[k])``, draws its epochs'
    permutations from ``np.random.default_rng(seeds[k])`` as ``train.fit``
    does, and takes SGD steps at rate ``lrs[k]``, or ``schedules[k](t)`` with
    ``t`` the steps done (a callable), or after each epoch
    ``schedules[k].step(val_loss)`` (a ``ReduceLROnPlateau``). Seeds may
    repeat (the same initial weights and minibatches at other rates).

    Returns a dict of arrays with one row per model: ``train_loss`` (the mean
    minibatch loss of each epoch, shape (K, epochs)), ``train_acc``, and with
    ``val=(X_val, y_val)`` also ``val_loss`` and ``val_acc`` after each epoch.
    """
    sizes = [int(s) for s in sizes]
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != sizes[0] or len(y) != len(X):
        raise ValueError(f"X must have shape (n, {sizes[0]}) and y n labels, got {X.shape} and {y.shape}")
    seeds = [int(s) for s in seeds]
    K = len(seeds)
    if K == 0:
        raise ValueError("seeds must list at least one seed")
    lrs = np.broadcast_to(np.asarray(lrs, dtype=float), (K,)).copy()
    schedules = [None] * K if schedules is None else list(schedules)
    if len(schedules) != K:
        raise ValueError(f"schedules needs one entry per seed: {len(schedules)} for {K} seeds")
    kinds = _rates(schedules, lrs)
    epochs, batch_size = int(epochs), int(batch_size)
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs and batch_size must be positive, got {epochs} and {batch_size}")
    models = [nn.MLP(sizes, rng=seed) for seed in seeds]
    params = [np.stack([m.parameters()[j].data for m in models]) for j in range(len(models[0].parameters()))]
    buffers = [None] * len(params)
    rngs = [np.random.default_rng(seed) for seed in seeds]
    n = len(X)
    hist = {key: np.zeros((K, epochs)) for key in ("train_loss", "train_acc", "val_loss", "val_acc")}
    total = epochs * math.ceil(len(X) / batch_size)
    stepped = [k for k, kind in enumerate(kinds) if kind == "step"]
    # the rates of every step, computed once (schedules take arrays of t)
    table = np.array([_curve(schedules[k], total) for k in stepped]).reshape(len(stepped), total)
    step = 0
    limits = threadpool_limits(blas_threads) if blas_threads is not None else None
    try:
        for epoch in range(epochs):
            order = np.stack([rng.permutation(n) for rng in rngs])
            for start in range(0, n, batch_size):
                idx = order[:, start : start + batch_size]
                lrs[stepped] = table[:, step]
                step += 1
                z, acts = _forward(params, X[idx])
                loss, dz, correct = _cross_entropy(z, y[idx])
                grads = _gradients(params, acts, dz)
                shape = (K,) + (1,) * 2
                for j, g in enumerate(grads):
                    if momentum:
                        buffers[j] = g if buffers[j] is None else momentum * buffers[j] + g
                        g = buffers[j]
                    params[j] -= lrs.reshape(shape[: g.ndim]) * g
                hist["train_loss"][:, epoch] += loss * idx.shape[1] / n
                hist["train_acc"][:, epoch] += correct.sum(axis=1) / n
            if val is not None:
                loss, acc = _evaluate(params, *map(np.asarray, val))
                hist["val_loss"][:, epoch], hist["val_acc"][:, epoch] = loss, acc
            for k, kind in enumerate(kinds):
                if kind == "plateau":
                    metric = hist["val_loss" if val is not None else "train_loss"][k, epoch]
                    lrs[k] = schedules[k].step(metric)
    finally:
        if limits is not None:
            limits.restore_original_limits()
    if not all(math.isfinite(v) for v in hist["train_loss"].ravel()):
        raise FloatingPointError("a model diverged (non-finite training loss)")
    if val is None:
        del hist["val_loss"], hist["val_acc"]
    return hist

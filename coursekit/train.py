r"""The training loop: minibatch steps, validation, schedules, and a history.

One *step* is the minibatch SGD iteration for a batch :math:`\mathcal B`:

.. math::
    \hat y = f(X_{\mathcal B};\theta),\quad
    L = \tfrac{1}{|\mathcal B|}\textstyle\sum_{i\in\mathcal B}\ell(\hat y_i, y_i),\quad
    g = \nabla_\theta L \ \text{(backprop)},\quad
    \theta \leftarrow \text{optimizer}(\theta, g);

one *epoch* is one pass over a fresh permutation of the training set::

    >>> from coursekit import data, nn, optim, train
    >>> d = data.digits(seed=0)
    >>> model = nn.MLP([64, 32, 10], rng=0)
    >>> opt = optim.SGD(model.parameters(), lr=0.1)
    >>> hist = train.fit(model, nn.cross_entropy, opt, d.X_train, d.y_train, epochs=3,
    ...                  batch_size=32, val=(d.X_val, d.y_val), rng=0)
    >>> len(hist.train_loss), hist.diverged
    (3, False)

**Divergence.** When a minibatch loss (or a gradient) stops being finite, ``fit``
stops *before* that update, keeps the model's last finite parameters, and
records it in the history: ``history.diverged_at = k`` (the ``k``-th minibatch,
counted from 1 over the whole run, so ``k - 1`` updates were made) and
``history.reason = "diverged at step k (epoch e): loss = nan"``. It does not
raise by default, because a lesson wants to plot the curve up to the blow-up;
pass ``on_divergence="raise"`` to get a :class:`DivergenceError` instead.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from . import nn
from .backprop import Tensor, no_grad
from .data import _check_same_length, minibatches, train_val_split

__all__ = ["fit", "evaluate", "History", "DivergenceError"]


class DivergenceError(FloatingPointError):
    """The loss (or a gradient) stopped being finite at minibatch ``step`` of ``epoch``."""

    def __init__(self, step: int, epoch: int, loss: float, history: History):
        self.step, self.epoch, self.loss, self.history = step, epoch, loss, history
        super().__init__(f"diverged at step {step} (epoch {epoch}): loss = {loss}")


@dataclass
class History:
    """What :func:`fit` saw, one entry per completed epoch (``batch_loss``: per step).

    ``train_loss``/``train_acc`` are means over the epoch's minibatches (weighted
    by batch size, measured before each update and in training mode, as
    training logs usually report) unless ``fit(eval_train=True)`` re-evaluates
    the whole training set in eval mode after each epoch. ``val_*`` are
    measured in eval mode after each epoch; ``*_acc`` hold ``None`` when no
    metric applies. ``lr`` is the rate of the first parameter group at the
    start of each epoch.
    """

    epoch: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    batch_loss: list = field(default_factory=list)
    steps: int = 0
    diverged_at: int | None = None
    reason: str = "ran all epochs"

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    def __getitem__(self, key):
        return getattr(self, key)

    def __repr__(self):
        last = f", final train_loss={self.train_loss[-1]:.4g}" if self.train_loss else ""
        return f"History(epochs={len(self.epoch)}, steps={self.steps}{last}, {self.reason})"


def _positive_int(name, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _default_metric(y):
    return nn.accuracy if np.issubdtype(np.asarray(y).dtype, np.integer) else None


def evaluate(model, loss_fn, X, y, metric="auto", batch_size: int = 4096):
    """Loss (and metric) of ``model`` on ``(X, y)`` in eval mode without a graph.

    Returns ``(loss, metric_value)``; ``metric_value`` is ``None`` when there is
    no metric ("auto" means accuracy for integer labels). Large sets are
    evaluated in chunks of ``batch_size`` rows and the mean losses combined.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    n = _check_same_length(X, y)
    if n == 0:
        raise ValueError("evaluate: the dataset is empty")
    metric = _default_metric(y) if metric == "auto" else metric
    was_training = getattr(model, "training", False)
    if hasattr(model, "eval"):
        model.eval()
    total_loss, total_metric = 0.0, 0.0
    try:
        with no_grad():
            for start in range(0, n, batch_size):
                xb, yb = X[start : start + batch_size], y[start : start + batch_size]
                out = model(xb)
                total_loss += float(loss_fn(out, yb).item()) * len(xb)
                if metric is not None:
                    total_metric += float(metric(out.data if isinstance(out, Tensor) else out, yb)) * len(xb)
    finally:
        if was_training and hasattr(model, "train"):
            model.train()
    return total_loss / n, (total_metric / n if metric is not None else None)


def _set_lr(optimizer, lr: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = float(lr)


def fit(
    model,
    loss_fn,
    optimizer,
    X,
    y,
    epochs: int,
    batch_size: int,
    schedule=None,
    *,
    schedule_unit: str = "epoch",
    val=None,
    val_fraction: float | None = None,
    rng=None,
    metric="auto",
    eval_train: bool = False,
    progress=None,
    on_divergence: str = "stop",
    callback=None,
    blas_threads: int | None = 1,
) -> History:
    r"""Train ``model`` by minibatch steps; return a :class:`History`.

    Parameters
    ----------
    model : callable on a batch ``X`` returning a Tensor (an ``nn.Module``).
    loss_fn : ``loss_fn(outputs, y_batch)`` -> one-element Tensor, e.g. ``nn.cross_entropy``.
    optimizer : has ``step()``, ``zero_grad()`` and ``param_groups`` (``coursekit.optim``).
    X, y : training arrays with the same number of rows.
    epochs, batch_size : positive integers.
    schedule : ``None``; a callable ``schedule(t) -> lr`` (``coursekit.schedules``), applied
        before each epoch with ``t`` = epochs done (or before each step with
        ``t`` = steps done if ``schedule_unit="step"``); or an object with
        ``step(metric) -> lr`` such as ``ReduceLROnPlateau``, called after each
        epoch with the validation loss (the training loss if there is no
        validation set).
    val : ``(X_val, y_val)``, or ``val_fraction`` in (0, 1) to hold out that share
        of ``X, y`` (shuffled with ``rng``). Not both.
    rng : seed or numpy Generator for the split and the per-epoch shuffles.
    metric : ``"auto"`` (accuracy for integer labels), a callable
        ``metric(outputs_array, y) -> float``, or ``None``.
    eval_train : re-evaluate the whole training set in eval mode after each epoch.
    progress : ``None`` shows a ``tqdm`` bar only for long runs (at least 5000
        steps), so executed lessons are not flooded; ``True``/``False`` force it.
    on_divergence : ``"stop"`` (record it in the history and return) or ``"raise"``
        (:class:`DivergenceError`).
    callback : ``callback(epoch, model, history)`` after each epoch; return
        ``True`` to stop early.
    blas_threads : BLAS threads while training (threadpoolctl), 1 by default:
        at the book's sizes (a few hundred units, batches of tens) a second
        thread buys little (digits, MLPs 64-128-128-10 and 64-512-512-10, batch 64:
        15-25 % less wall time for twice the CPU time on a 2-core machine), and
        the test suite already runs two notebooks at once. ``None`` leaves the
        BLAS as it is, for bigger models.
    """
    epochs = _positive_int("epochs", epochs)
    batch_size = _positive_int("batch_size", batch_size)
    if blas_threads is not None:
        blas_threads = _positive_int("blas_threads", blas_threads)
    if on_divergence not in ("stop", "raise"):
        raise ValueError(f"on_divergence must be 'stop' or 'raise', got {on_divergence!r}")
    if schedule_unit not in ("epoch", "step"):
        raise ValueError(f"schedule_unit must be 'epoch' or 'step', got {schedule_unit!r}")
    if not hasattr(optimizer, "step") or not hasattr(optimizer, "zero_grad"):
        raise TypeError(f"optimizer must have step() and zero_grad(), got {optimizer!r}")
    if schedule is not None and not hasattr(optimizer, "param_groups"):
        raise TypeError("a schedule sets optimizer.param_groups[i]['lr'], but the optimizer has no param_groups")
    plateau = schedule is not None and not callable(schedule)
    if plateau and not hasattr(schedule, "step"):
        raise TypeError(f"schedule must be callable (t -> lr) or have step(metric), got {schedule!r}")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    n = _check_same_length(X, y)
    if n == 0:
        raise ValueError("the training set is empty (X has 0 examples)")
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    if val is not None and val_fraction is not None:
        raise ValueError("pass either val=(X_val, y_val) or val_fraction, not both")
    if val_fraction is not None:
        X, y, X_val, y_val = train_val_split(X, y, val_fraction, seed=rng)
        n = len(X)
    elif val is not None:
        try:
            X_val, y_val = val
        except (TypeError, ValueError):
            raise ValueError("val must be a pair (X_val, y_val)") from None
        X_val, y_val = np.asarray(X_val, dtype=float), np.asarray(y_val)
        if _check_same_length(X_val, y_val) == 0:
            raise ValueError("the validation set is empty (X_val has 0 examples)")
    else:
        X_val = y_val = None
    metric = _default_metric(y) if metric == "auto" else metric

    steps_per_epoch = math.ceil(n / batch_size)
    show = progress if progress is not None else epochs * steps_per_epoch >= 5000
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=epochs, desc="training", unit="epoch", leave=False)

    hist = History()
    if hasattr(model, "train"):
        model.train()
    if plateau and hasattr(schedule, "lr") and hasattr(optimizer, "param_groups"):
        _set_lr(optimizer, schedule.lr)
    step = 0
    limits = threadpool_limits(blas_threads) if blas_threads is not None else None
    try:
        for epoch in range(epochs):
            if schedule is not None and not plateau and schedule_unit == "epoch":
                _set_lr(optimizer, schedule(epoch))
            lr0 = optimizer.param_groups[0]["lr"] if hasattr(optimizer, "param_groups") else None
            loss_sum, metric_sum, seen = 0.0, 0.0, 0
            for xb, yb in minibatches(X, y, batch_size, rng=rng):
                if schedule is not None and not plateau and schedule_unit == "step":
                    _set_lr(optimizer, schedule(step))
                    if step == epoch * steps_per_epoch:
                        lr0 = optimizer.param_groups[0]["lr"]
                step += 1
                optimizer.zero_grad()
                # a blow-up is reported in the history, so numpy's overflow warnings are noise
                with np.errstate(over="ignore", invalid="ignore"):
                    out = model(xb)
                    loss = loss_fn(out, yb)
                    value = loss.item()
                    bad = not math.isfinite(value)
                    if not bad:
                        loss.backward()
                        try:
                            optimizer.step()
                        except FloatingPointError:  # a non-finite gradient: nothing was updated
                            bad = True
                if bad:
                    hist.steps = step - 1
                    hist.diverged_at = step
                    hist.reason = f"diverged at step {step} (epoch {epoch + 1}): loss = {value}"
                    if on_divergence == "raise":
                        raise DivergenceError(step, epoch + 1, value, hist)
                    return hist
                hist.batch_loss.append(value)
                loss_sum += value * len(xb)
                if metric is not None:
                    metric_sum += float(metric(out.data, yb)) * len(xb)
                seen += len(xb)
            hist.steps = step
            if eval_train:
                train_loss, train_acc = evaluate(model, loss_fn, X, y, metric)
            else:
                train_loss = loss_sum / seen
                train_acc = metric_sum / seen if metric is not None else None
            hist.epoch.append(epoch + 1)
            hist.train_loss.append(train_loss)
            hist.train_acc.append(train_acc)
            hist.lr.append(lr0)
            if X_val is not None:
                val_loss, val_acc = evaluate(model, loss_fn, X_val, y_val, metric)
            else:
                val_loss = val_acc = None
            hist.val_loss.append(val_loss)
            hist.val_acc.append(val_acc)
            if plateau:
                _set_lr(optimizer, schedule.step(val_loss if val_loss is not None else train_loss))
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{train_loss:.4g}")
            if callback is not None and callback(epoch + 1, model, hist):
                hist.reason = f"stopped by callback after epoch {epoch + 1}"
                break
    finally:
        if bar is not None:
            bar.close()
        if limits is not None:
            limits.restore_original_limits()
    return hist

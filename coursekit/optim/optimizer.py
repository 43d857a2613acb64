r"""The base of every optimizer: parameter groups, argument checks, ``step``, ``zero_grad``, state.

:class:`Optimizer` holds what all the algorithms share, as ``torch.optim.Optimizer``
does: ``param_groups`` (a list of dicts, so biases can skip weight decay and a
schedule can set ``lr``), ``state`` (the buffers of each parameter),
``state_dict``/``load_state_dict``, and the checks that run before any
parameter changes. An algorithm subclasses it and writes two methods:
``_check_group`` (its hyperparameters) and ``_update`` (its update rule, one
statement per equation of its algorithm box).

``_number``, ``_betas`` and ``_param_array`` check arguments and raise a
``ValueError``/``TypeError`` naming the argument and its value; the
algorithm modules and :mod:`coursekit.second_order` use them too.
"""

from __future__ import annotations

import copy
import math
import numbers

import numpy as np

from . import _blocks


def _number(name, value, *, low=0.0, low_open=False, high=None, high_open=True):
    """``value`` as a float, or a ValueError/TypeError naming ``name`` and ``value``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if value < low or (low_open and value == low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low:g}, got {value!r}")
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high:g}, got {value!r}")
    return value


def _betas(value):
    try:
        b1, b2 = value
    except (TypeError, ValueError):
        raise TypeError(f"betas must be a pair (beta1, beta2), got {value!r}") from None
    return (_number("betas[0]", b1, high=1.0), _number("betas[1]", b2, high=1.0))


def _param_array(p, where):
    """The float array a parameter (array or object with ``.data``) holds."""
    arr = p if isinstance(p, np.ndarray) else getattr(p, "data", None)
    if not isinstance(arr, np.ndarray):
        raise TypeError(
            f"{where} must be a float numpy array or an object with a .data array (a Tensor), got {type(p).__name__}"
        )
    if arr.dtype.kind != "f":  # float16/32/64 (not int, bool or complex)
        raise TypeError(
            f"{where} has dtype {arr.dtype}; an in-place update would truncate it, "
            f"so pass a float array (e.g. x.astype(float))"
        )
    if not arr.flags.writeable:
        raise ValueError(f"{where} is read-only; pass a writeable array")
    return arr


class Optimizer:
    """Base class: parameter groups, argument checks, ``step``, ``zero_grad``, state.

    ``params`` is an iterable of parameters, or of dicts ``{"params": [...],
    "lr": ...}`` (parameter groups, as in torch): a key a group leaves out takes
    the optimizer's default. ``param_groups`` is then a list of such dicts, and a
    schedule changes the rate with ``opt.param_groups[i]["lr"] = new_lr``.
    ``state[i]`` is the dict of buffers of the ``i``-th parameter (counted over
    all groups in order).
    """

    def __init__(self, params, defaults: dict):
        self.defaults = self._check_group(dict(defaults), "")
        self.param_groups: list[dict] = []
        self.state: dict[int, dict] = {}
        self._scratch: dict = {}  # a flat work array of one block per dtype, reused from step to step
        if isinstance(params, np.ndarray) or hasattr(params, "data"):
            raise TypeError(
                f"params must be an iterable of parameters (e.g. [x]), got a single {type(params).__name__}"
            )
        groups = list(params)
        if not groups:
            raise ValueError("params is an empty list: the optimizer has nothing to optimize")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # subclasses override these two
    def _check_group(self, group: dict, where: str) -> dict:
        return group

    def _update(self, theta: np.ndarray, g: np.ndarray, state: dict, group: dict, w: np.ndarray) -> None:
        """Update ``theta`` in place; ``w`` is a flat scratch array of one block (see ``_blocks``)."""
        raise NotImplementedError

    def add_param_group(self, group: dict) -> None:
        """Add a dict ``{"params": [...], hyperparameter: value, ...}``."""
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"a parameter group must be a dict with a 'params' key, got {group!r}")
        params = group["params"]
        params = [params] if isinstance(params, np.ndarray) or hasattr(params, "data") else list(params)
        if not params:
            raise ValueError("a parameter group has an empty 'params' list")
        where = f"param_groups[{len(self.param_groups)}]"
        new = {**self.defaults, **{k: v for k, v in group.items() if k != "params"}}
        new = self._check_group(new, where + " ")
        seen = {id(_param_array(p, "parameter")) for g in self.param_groups for p in g["params"]}
        start = sum(len(g["params"]) for g in self.param_groups)
        for i, p in enumerate(params):
            arr = _param_array(p, f"parameter {start + i}")
            if id(arr) in seen:
                raise ValueError(f"parameter {start + i} appears more than once in the optimizer")
            seen.add(id(arr))
        new["params"] = params
        self.param_groups.append(new)

    def _params(self):
        return [p for group in self.param_groups for p in group["params"]]

    def _gather(self, grads):
        """Check every gradient before any parameter changes; return (group, i, theta, g)."""
        params = self._params()
        if grads is None:
            grads = []
            for i, p in enumerate(params):
                if isinstance(p, np.ndarray):
                    raise TypeError(
                        "step() without gradients reads each parameter's .grad, but "
                        f"parameter {i} is a numpy array: call step([g1, g2, ...])"
                    )
                grads.append(getattr(p, "grad", None))
        else:
            if isinstance(grads, np.ndarray):
                raise TypeError(
                    "grads must be a list with one gradient per parameter, e.g. opt.step([g]), got a single numpy array"
                )
            grads = list(grads)
            if len(grads) != len(params):
                raise ValueError(f"grads has {len(grads)} gradients but the optimizer has {len(params)} parameters")
        for k, group in enumerate(self.param_groups):  # a schedule may have written a bad lr
            self._check_group(group, f"param_groups[{k}] ")
        work, i = [], 0
        with np.errstate(over="ignore", invalid="ignore"):  # for the checks below
            for group in self.param_groups:
                for p in group["params"]:
                    g = grads[i]
                    theta = _param_array(p, f"parameter {i}")
                    if g is not None:
                        g = np.asarray(g)
                        if g.dtype.kind not in "fiu":
                            raise TypeError(f"grads[{i}] must be a real array, got dtype {g.dtype}")
                        if g.shape != theta.shape:
                            raise ValueError(
                                f"grads[{i}] has shape {g.shape} but parameter {i} has shape {theta.shape}"
                            )
                        # a finite sum of squares (one BLAS dot) is a fast first check; it can
                        # overflow, so look closer then
                        if not np.isfinite(np.vdot(g, g)) and not np.isfinite(g).all():
                            raise FloatingPointError(
                                f"grads[{i}] (the gradient of parameter {i}) contains inf or nan; "
                                "no parameter was changed"
                            )
                        work.append((group, i, theta, g.astype(theta.dtype, copy=False)))
                    i += 1
        return work

    def step(self, grads=None):
        """One update of every parameter that has a gradient.

        ``grads`` is a list with one array per parameter (``None`` skips that
        parameter, as torch skips a parameter whose ``.grad`` is None). Without
        ``grads``, each parameter's ``.grad`` is used. All gradients are checked
        (shape, dtype, finiteness) before any parameter changes.
        """
        with _blocks.one_blas_thread():  # so SciPy's BLAS (axpy) never wakes a second pool
            for group, i, theta, g in self._gather(grads):
                w = self._scratch.get(theta.dtype)
                if w is None or w.size < min(theta.size, _blocks.BLOCK):
                    w = self._scratch[theta.dtype] = np.empty(min(theta.size, _blocks.BLOCK), theta.dtype)
                self._update(theta, g, self.state.setdefault(i, {}), group, w)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the ``.grad`` of every parameter that has one (to None, as torch does)."""
        for p in self._params():
            if not isinstance(p, np.ndarray) and getattr(p, "grad", None) is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad = np.zeros_like(p.grad)

    def state_dict(self) -> dict:
        """A deep copy of the buffers and hyperparameters, with parameters as indices (as torch)."""
        groups, start = [], 0
        for group in self.param_groups:
            n = len(group["params"])
            groups.append(
                {
                    **{k: copy.deepcopy(v) for k, v in group.items() if k != "params"},
                    "params": list(range(start, start + n)),
                }
            )
            start += n
        return {"state": copy.deepcopy(self.state), "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore buffers and hyperparameters saved by :meth:`state_dict` (so a run resumes exactly)."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(
                f"state_dict has {len(groups)} parameter groups, the optimizer has {len(self.param_groups)}"
            )
        for k, (saved, group) in enumerate(zip(groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"param_groups[{k}] has {len(group['params'])} parameters but the "
                    f"saved group has {len(saved['params'])}"
                )
        # parameters are numbered in order over the groups, so saved index j is parameter j
        params = self._params()
        new_state = {}
        for j, buffers in state_dict["state"].items():
            j = int(j)
            if not 0 <= j < len(params):
                raise ValueError(f"state_dict has state for parameter {j}, the optimizer has {len(params)} parameters")
            shape = _param_array(params[j], f"parameter {j}").shape
            for name, value in buffers.items():
                if isinstance(value, np.ndarray) and value.shape != shape:
                    raise ValueError(
                        f"state_dict buffer {name!r} of parameter {j} has shape "
                        f"{value.shape}, the parameter has shape {shape}"
                    )
            new_state[j] = copy.deepcopy(buffers)
        new_groups = []
        for k, (saved, group) in enumerate(zip(groups, self.param_groups)):
            hyper = {key: copy.deepcopy(v) for key, v in saved.items() if key != "params"}
            new_groups.append(self._check_group({**group, **hyper}, f"param_groups[{k}] "))
        self.state = new_state
        self.param_groups = new_groups

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for k, group in enumerate(self.param_groups):
            hyper = ", ".join(f"{key}={v!r}" for key, v in group.items() if key != "params")
            lines.append(f"  group {k}: {len(group['params'])} parameter(s), {hyper}")
        return "\n".join(lines + [")"])

r"""Optimizers: SGD, Adagrad, RMSprop, Adam, AdamW, L-BFGS, and Newton's method.

L-BFGS, its line search and Newton's method are defined in
:mod:`coursekit.second_order` and re-exported here.

The classes take ``torch.optim``'s names, argument names and defaults, and fed
the same gradients they produce torch's iterates (to float64 round-off). They
update float numpy arrays *in place*::

    >>> import numpy as np
    >>> from coursekit import optim
    >>> x = np.array([-1.2, 1.0])
    >>> opt = optim.Adam([x], lr=1e-2)
    >>> opt.step([2 * x])            # one gradient per parameter, same shapes
    >>> x                            # every coordinate moved by lr on the first step
    array([-1.19,  0.99])

They also accept any object with a ``.data`` array and a ``.grad`` array (a
coursekit ``Tensor``): ``opt.step()`` with no argument then reads each ``.grad``
and updates each ``.data``, and ``opt.zero_grad()`` clears the gradients::

    opt = optim.Adam(model.parameters(), lr=1e-3)
    loss.backward(); opt.step(); opt.zero_grad()

Notation (that of the algorithm boxes of many lecture courses; ``book/notation.md``
maps it to the book's :math:`\eta, \mu, m_t, v_t`): parameters :math:`\theta`, gradient :math:`g`,
learning rate :math:`\alpha` (torch's ``lr``), momentum :math:`\beta`, weight
decay :math:`\lambda`, step count :math:`t`. All operations on vectors are
element-wise. Each update rule below is written one equation per line with the
equation in a comment beside it, like an algorithm box.

Where torch (and therefore coursekit) differs from a paper or a common textbook form:

* **SGD momentum** keeps :math:`b \leftarrow \beta b + g`,
  :math:`\theta \leftarrow \theta - \alpha b` and starts with :math:`b_1 = g_1`
  (no dampening on the first step). The velocity form
  :math:`v \leftarrow \beta v - \alpha g,\ \theta \leftarrow \theta + v` is the
  same iteration when :math:`\alpha` is constant (:math:`v = -\alpha b`); see
  :func:`heavy_ball`.
* **Nesterov** in torch evaluates the gradient at the stored parameters and
  steps by :math:`g + \beta b`; the stored parameters are the
  look-ahead points :math:`\theta + \beta v`; see :func:`nesterov_lookahead`.
* **AdaGrad and RMSProp** put :math:`\varepsilon` *outside* the root,
  :math:`g/(\sqrt{r} + \varepsilon)`; some sources write :math:`\sqrt{r + \varepsilon}`.
* **Adam** also adds :math:`\varepsilon` outside the root of :math:`\hat r`
  (Kingma & Ba), starts from :math:`s_0 = r_0 = 0`, and its ``weight_decay`` is
  an L2 term added to the gradient; **AdamW** decays the weights directly
  (decoupled), which is *not* the same for Adam; see :func:`with_l2`.
"""

from __future__ import annotations

import copy
import math
import numbers

import numpy as np

__all__ = [
    "Optimizer",
    "SGD",
    "Adagrad",
    "RMSprop",
    "Adam",
    "AdamW",
    "LBFGS",  # noqa: F822 (from second_order, on first use: __getattr__)
    "newton",  # noqa: F822
    "heavy_ball",
    "nesterov_lookahead",
    "with_l2",
]


# ----------------------------------------------------------------------------
# checking arguments
# ----------------------------------------------------------------------------


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
        self._scratch: dict[int, np.ndarray] = {}  # a work array per parameter, reused from step to step
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
        """Update ``theta`` in place; ``w`` is a scratch array of its shape (not part of the state)."""
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
        with np.errstate(over="ignore", invalid="ignore"):  # for the sums below
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
                        # a finite sum is a fast first check; a sum can overflow, so look closer then
                        if not np.isfinite(np.add.reduce(g, axis=None)) and not np.isfinite(g).all():
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
        for group, i, theta, g in self._gather(grads):
            w = self._scratch.get(i)
            if w is None or w.shape != theta.shape or w.dtype != theta.dtype:
                w = self._scratch[i] = np.empty_like(theta)
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


# ----------------------------------------------------------------------------
# first-order methods
# ----------------------------------------------------------------------------


class SGD(Optimizer):
    r"""Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay.

    With learning rate :math:`\alpha`, momentum :math:`\beta`, dampening
    :math:`\tau` and weight decay :math:`\lambda`, one step is

    .. math::
        g &\leftarrow g + \lambda\theta \\
        b &\leftarrow \beta b + (1-\tau) g \quad (b \leftarrow g \text{ on the first step}) \\
        g &\leftarrow g + \beta b \ \text{(Nesterov)} \quad\text{or}\quad g \leftarrow b \\
        \theta &\leftarrow \theta - \alpha g

    (with ``momentum=0`` just :math:`\theta \leftarrow \theta - \alpha (g + \lambda\theta)`).
    This is torch's convention: the buffer :math:`b` holds a sum of gradients,
    not a velocity, and starts at the first gradient. For a constant rate it is
    the velocity form :math:`v \leftarrow \beta v - \alpha g,\ \theta \leftarrow
    \theta + v` with :math:`v = -\alpha b` (:func:`heavy_ball`). Weight decay
    here is the gradient of :math:`\frac{\lambda}{2}\|\theta\|^2`, so for SGD it
    is the same as an L2 term in the loss.

    Example::

        >>> x = np.array([1.0, -2.0])
        >>> opt = SGD([x], lr=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     opt.step([x.copy()])       # gradient of |x|^2 / 2
        >>> x.round(4)
        array([ 0.72, -1.44])
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        super().__init__(
            params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)
        )

    def _check_group(self, group, where=""):
        group["lr"] = _number(where + "lr", group["lr"])
        group["momentum"] = _number(where + "momentum", group["momentum"])
        group["dampening"] = _number(where + "dampening", group["dampening"], high=1.0, high_open=False)
        group["weight_decay"] = _number(where + "weight_decay", group["weight_decay"])
        if group["nesterov"] not in (True, False):
            raise TypeError(f"{where}nesterov must be True or False, got {group['nesterov']!r}")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"{where}nesterov=True needs momentum > 0 and dampening = 0, got "
                f"momentum={group['momentum']!r}, dampening={group['dampening']!r}"
            )
        return group

    def _update(self, theta, g, state, group, w):
        alpha, beta, lam = group["lr"], group["momentum"], group["weight_decay"]
        tau = group["dampening"]
        # w (scratch) holds the modified gradient, so the caller's g is never written
        if lam != 0:
            g = np.add(g, lam * theta, out=w)  # g <- g + lambda theta
        if beta != 0:
            b = state.get("momentum_buffer")
            if b is None:
                b = state["momentum_buffer"] = g.copy()  # b <- g                     (first step)
            else:
                b *= beta
                b += (1 - tau) * g  # b <- beta b + (1 - tau) g
            if group["nesterov"]:
                g = np.add(g, beta * b, out=w)  # g <- g + beta b            (Nesterov)
            else:
                g = b  # g <- b
        theta -= alpha * g  # theta <- theta - alpha g


class Adagrad(Optimizer):
    r"""AdaGrad (Duchi, Hazan & Singer, 2011): a rate per coordinate, shrinking with the squared gradients seen.

    .. math::
        t &\leftarrow t + 1 \\
        g &\leftarrow g + \lambda\theta \\
        \alpha_t &= \alpha / (1 + (t-1)\,\eta_{\text{decay}}) \\
        r &\leftarrow r + g^2 \\
        \theta &\leftarrow \theta - \alpha_t\, g / (\sqrt{r} + \varepsilon)

    with :math:`r_0` = ``initial_accumulator_value``. **Epsilon sits outside
    the root** (torch); some sources write :math:`\sqrt{r + \varepsilon}`,
    which differs only while :math:`r` is tiny.

    Example::

        >>> x = np.array([1.0, -100.0])
        >>> Adagrad([x], lr=0.5).step([x.copy()])   # both coordinates move by lr on step 1
        >>> x
        array([  0.5, -99.5])
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10):
        super().__init__(
            params,
            dict(
                lr=lr,
                lr_decay=lr_decay,
                weight_decay=weight_decay,
                initial_accumulator_value=initial_accumulator_value,
                eps=eps,
            ),
        )

    def _check_group(self, group, where=""):
        for name in ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            group[name] = _number(where + name, group[name])
        return group

    def _update(self, theta, g, state, group, w):
        alpha, lam, eps = group["lr"], group["weight_decay"], group["eps"]
        if not state:
            state["step"] = 0
            state["sum"] = np.full_like(theta, group["initial_accumulator_value"])
        r = state["sum"]
        state["step"] += 1  # t <- t + 1
        t = state["step"]
        if lam != 0:
            g = g + lam * theta  # g <- g + lambda theta
        alpha_t = alpha / (1 + (t - 1) * group["lr_decay"])  # alpha_t = alpha / (1 + (t-1) decay)
        r += g * g  # r <- r + g^2
        d = np.sqrt(r, out=w)
        d += eps  # d = sqrt(r) + eps   (eps outside the root)
        theta -= alpha_t * np.divide(g, d, out=w)  # theta <- theta - alpha_t g / d


class RMSprop(Optimizer):
    r"""RMSProp (Tieleman & Hinton, 2012): divide by a running root-mean-square of the gradients.

    torch calls the smoothing constant ``alpha`` (:math:`\rho` below and in
    the book; some courses write :math:`\beta`), and the rate ``lr`` (:math:`\alpha`).

    .. math::
        g &\leftarrow g + \lambda\theta \\
        r &\leftarrow \rho r + (1-\rho) g^2 \\
        \bar g &\leftarrow \rho \bar g + (1-\rho) g \quad\text{(centered only)} \\
        d &= \sqrt{r - \bar g^2} + \varepsilon \ \text{(centered)} \quad\text{or}\quad d = \sqrt{r} + \varepsilon \\
        b &\leftarrow \beta b + g / d, \quad \theta \leftarrow \theta - \alpha b \quad\text{(momentum } \beta > 0) \\
        \theta &\leftarrow \theta - \alpha g / d \quad\text{(otherwise)}

    **Epsilon sits outside the root** (torch); Graves (2013), who introduced
    the centered form, writes :math:`\sqrt{r - \bar g^2 + \varepsilon}`.
    ``centered`` divides by an estimate of the standard deviation instead of
    the root mean square. :math:`r_0 = \bar g_0 = b_0 = 0`.

    Example::

        >>> x = np.array([1.0, -1.0])
        >>> RMSprop([x], lr=0.01).step([x.copy()])   # first step is lr / sqrt(1 - rho) = 0.1
        >>> x.round(6)
        array([ 0.9, -0.9])
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False):
        super().__init__(
            params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered)
        )

    def _check_group(self, group, where=""):
        for name in ("lr", "eps", "weight_decay", "momentum"):
            group[name] = _number(where + name, group[name])
        group["alpha"] = _number(where + "alpha", group["alpha"], high=1.0)
        if group["centered"] not in (True, False):
            raise TypeError(f"{where}centered must be True or False, got {group['centered']!r}")
        return group

    def _update(self, theta, g, state, group, w):
        alpha, rho, eps, lam, beta = (
            group["lr"],
            group["alpha"],
            group["eps"],
            group["weight_decay"],
            group["momentum"],
        )
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(theta)
            if beta > 0:
                state["momentum_buffer"] = np.zeros_like(theta)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(theta)
        state["step"] += 1
        r = state["square_avg"]
        if lam != 0:
            g = g + lam * theta  # g <- g + lambda theta
        r *= rho
        r += (1 - rho) * np.multiply(g, g, out=w)  # r <- rho r + (1 - rho) g^2
        if group["centered"]:
            gbar = state["grad_avg"]
            gbar += (1 - rho) * np.subtract(g, gbar, out=w)  # gbar <- rho gbar + (1 - rho) g
            d = np.sqrt(r - gbar * gbar, out=w)  # d = sqrt(r - gbar^2) + eps
        else:
            d = np.sqrt(r, out=w)  # d = sqrt(r) + eps   (eps outside the root)
        d += eps
        if beta > 0:
            if "momentum_buffer" not in state:  # momentum switched on mid-run
                state["momentum_buffer"] = np.zeros_like(theta)
            b = state["momentum_buffer"]
            b *= beta
            b += np.divide(g, d, out=w)  # b <- beta b + g / d
            theta -= alpha * b  # theta <- theta - alpha b
        else:
            theta -= alpha * np.divide(g, d, out=w)  # theta <- theta - alpha g / d


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015): momentum on the gradient and on its square, bias-corrected.

    In the notation of many lecture courses (:math:`s` first moment, :math:`r` second moment):

    .. math::
        t &\leftarrow t + 1 \\
        g &\leftarrow g + \lambda\theta \quad\text{(L2; AdamW instead: } \theta \leftarrow (1-\alpha\lambda)\theta) \\
        s &\leftarrow \beta_1 s + (1-\beta_1) g \\
        r &\leftarrow \beta_2 r + (1-\beta_2) g^2 \\
        \hat s &= s / (1-\beta_1^t), \quad \hat r = r / (1-\beta_2^t) \\
        \hat r &\leftarrow \max(\hat r_{\max}, \hat r) \quad\text{(amsgrad: the running maximum of } r \text{)} \\
        \theta &\leftarrow \theta - \alpha\, \hat s / (\sqrt{\hat r} + \varepsilon)

    :math:`s_0 = r_0 = 0` (a common misstatement starts :math:`r` at 1, which
    would make the first steps tiny).
    **Epsilon sits outside the root** of :math:`\hat r`, as in the paper and
    torch (a common misstatement writes :math:`\sqrt{\hat r + \varepsilon}`,
    which changes the step wherever :math:`\hat r` is small beside :math:`\varepsilon`). torch
    computes :math:`\sqrt{\hat r}` as :math:`\sqrt{r}/\sqrt{1-\beta_2^t}`; so do we.
    ``weight_decay`` adds :math:`\lambda\theta` to the gradient, i.e. an L2
    term in the loss, which Adam then divides by :math:`\sqrt{\hat r}` like the
    rest of the gradient; use :class:`AdamW` for decay that is not rescaled.

    Example::

        >>> x = np.array([-1.2, 1.0])
        >>> opt = Adam([x], lr=1e-2)
        >>> opt.step([np.array([-2.0, 400.0])])   # step 1 moves each coordinate by lr
        >>> x
        array([-1.19,  0.99])
    """

    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad))

    def _check_group(self, group, where=""):
        for name in ("lr", "eps", "weight_decay"):
            group[name] = _number(where + name, group[name])
        try:
            group["betas"] = _betas(group["betas"])
        except (TypeError, ValueError) as err:
            raise type(err)(where + str(err)) from None
        if group["amsgrad"] not in (True, False):
            raise TypeError(f"{where}amsgrad must be True or False, got {group['amsgrad']!r}")
        return group

    def _update(self, theta, g, state, group, w):
        alpha, (beta1, beta2), eps, lam = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(theta)
            state["exp_avg_sq"] = np.zeros_like(theta)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(theta)
        s, r = state["exp_avg"], state["exp_avg_sq"]
        state["step"] += 1  # t <- t + 1
        t = state["step"]
        if self._decoupled and lam != 0:
            theta *= 1 - alpha * lam  # theta <- (1 - alpha lambda) theta   (AdamW)
        elif lam != 0:
            g = g + lam * theta  # g <- g + lambda theta             (Adam: L2)
        s += (1 - beta1) * np.subtract(g, s, out=w)  # s <- beta1 s + (1 - beta1) g   (= s + (1 - beta1)(g - s))
        r *= beta2
        r += (1 - beta2) * np.multiply(g, g, out=w)  # r <- beta2 r + (1 - beta2) g^2
        if group["amsgrad"]:
            r = np.maximum(state["max_exp_avg_sq"], r, out=state["max_exp_avg_sq"])  # r <- max(r_max, r)
        step_size = alpha / (1 - beta1**t)  # alpha s_hat = alpha s / (1 - beta1^t)
        d = np.sqrt(r, out=w)
        d /= (1 - beta2**t) ** 0.5  # sqrt(r_hat) = sqrt(r) / sqrt(1 - beta2^t)
        d += eps  # d = sqrt(r_hat) + eps   (eps outside the root)
        theta -= step_size * np.divide(s, d, out=w)  # theta <- theta - alpha s_hat / d


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay.

    The same as :class:`Adam` except that the decay acts on the weights, not
    through the gradient, so it is not divided by :math:`\sqrt{\hat r}`:

    .. math::
        \theta \leftarrow (1 - \alpha\lambda)\,\theta, \quad\text{then the Adam step with } g \text{ unchanged.}

    As in torch the decay is multiplied by the current rate :math:`\alpha`
    (the paper scales it by the schedule multiplier only). Default
    ``weight_decay=1e-2``.

    Example::

        >>> x = np.array([1.0, -1.0])
        >>> AdamW([x], lr=0.1, weight_decay=0.5).step([np.zeros(2)])   # zero gradient: pure decay
        >>> x
        array([ 0.95, -0.95])
    """

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)


# ----------------------------------------------------------------------------
# the textbook (velocity) forms, as functions (see the tests for their equivalences)
# ----------------------------------------------------------------------------


def heavy_ball(grad, theta0, alpha, beta, steps):
    r"""Momentum in the velocity form; returns the iterates :math:`\theta_0, \dots, \theta_{steps}`.

    .. math:: v \leftarrow \beta v - \alpha \nabla J(\theta), \qquad \theta \leftarrow \theta + v, \qquad v_0 = 0.

    With a constant rate this is ``SGD(lr=alpha, momentum=beta)``: put
    :math:`v = -\alpha b` in torch's :math:`b \leftarrow \beta b + g,\ \theta
    \leftarrow \theta - \alpha b`. (With a changing rate the two differ: torch's
    buffer rescales past steps by the *new* rate.)
    """
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    path = [theta.copy()]
    for _ in range(steps):
        v = beta * v - alpha * grad(theta)  # v <- beta v - alpha grad J(theta)
        theta = theta + v  # theta <- theta + v
        path.append(theta)
    return np.array(path)


def nesterov_lookahead(grad, theta0, alpha, beta, steps):
    r"""Nesterov momentum in the look-ahead (velocity) form; returns :math:`\theta_k` and :math:`v_k`.

    .. math::
        g \leftarrow \nabla J(\theta + \beta v), \qquad
        v \leftarrow \beta v - \alpha g, \qquad
        \theta \leftarrow \theta + v.

    (In the Straka slides the first line *moves* :math:`\theta` to
    :math:`\theta+\beta v`; the last line must then add only :math:`-\alpha g`;
    written as above, with the look-ahead used only for the gradient, it is
    :math:`\theta \leftarrow \theta + v`.) torch's ``SGD(nesterov=True)``
    stores the look-ahead point :math:`\phi = \theta + \beta v` instead and
    updates it by :math:`\phi \leftarrow \phi - \alpha(g + \beta b)` with
    :math:`b \leftarrow \beta b + g`, :math:`v = -\alpha b`: its iterates are
    ``path + beta * velocities`` of this function.
    """
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    path, vel = [theta.copy()], [v.copy()]
    for _ in range(steps):
        g = grad(theta + beta * v)  # g <- grad J(theta + beta v)   (look-ahead)
        v = beta * v - alpha * g  # v <- beta v - alpha g
        theta = theta + v  # theta <- theta + v
        path.append(theta)
        vel.append(v)
    return np.array(path), np.array(vel)


def with_l2(grad, weight_decay):
    r"""The gradient of :math:`J(\theta) + \frac{\lambda}{2}\|\theta\|^2`, given that of :math:`J`.

    For SGD, stepping on this gradient is the same as ``weight_decay=lambda``
    (and as decaying the weights by :math:`(1-\alpha\lambda)` first). For Adam it
    is the same as Adam's own ``weight_decay`` but *not* as AdamW's decoupled
    decay: Adam divides the L2 gradient by :math:`\sqrt{\hat r}` too, so
    parameters with large gradients are barely decayed.
    """
    lam = _number("weight_decay", weight_decay)
    return lambda theta: grad(theta) + lam * np.asarray(theta)


# ----------------------------------------------------------------------------
# Newton's method, the line search and L-BFGS live in coursekit.second_order
# (chapter 11); their names stay importable from here. Imported on first use,
# because second_order builds LBFGS on this module's Optimizer.
# ----------------------------------------------------------------------------

_SECOND_ORDER = ("LBFGS", "newton", "strong_wolfe")


def __getattr__(name):
    if name in _SECOND_ORDER:
        from . import second_order

        return getattr(second_order, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

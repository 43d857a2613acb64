r"""Universal approximation by hand: one-hidden-layer sigmoid networks built
from steep sigmoids, and the sup-norm error they leave.

A one-hidden-layer network with :math:`n` sigmoid units on a scalar input is

.. math:: g(x) = c + \sum_{i=1}^{n} v_i\,\sigma(w_i x + b_i),
          \qquad \sigma(z) = \frac{1}{1+e^{-z}} .

Cybenko's theorem says such sums come uniformly close to any continuous
function on a compact set. The constructions here make that concrete on an
interval :math:`[a, b]`:

* :func:`staircase` — a steep sigmoid is almost a unit step, so :math:`n`
  units with jumps :math:`f(x_i) - f(x_{i-1})` build a staircase through
  :math:`n+1` samples of :math:`f` (error :math:`O(1/n)` for Lipschitz :math:`f`);
* :func:`bumps` — two opposite steps make a bump, so :math:`2m` units place
  :math:`m` bumps of height :math:`f(\text{cell centre})`.

:class:`ShallowNet` also gives the mean-squared-error gradient of its
parameters, so the same network can be trained (tested against finite
differences).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit


def sigmoid(z):
    r""":math:`\sigma(z) = 1/(1+e^{-z})`, evaluated without overflow and with full
    relative precision in both tails (``scipy.special.expit``), since the units
    built here are very steep."""
    return expit(np.asarray(z, dtype=float))


def _domain(domain) -> tuple[float, float]:
    try:
        a, b = (float(t) for t in domain)
    except (TypeError, ValueError):
        raise ValueError(f"domain must be a pair (a, b), got {domain!r}") from None
    if not (np.isfinite(a) and np.isfinite(b) and a < b):
        raise ValueError(f"domain must be a finite interval (a, b) with a < b, got {domain!r}")
    return a, b


def _count(n, name: str) -> int:
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"{name} must be a positive integer, got {n!r}")
    return int(n)


def _steepness(s) -> float:
    if not (np.isfinite(s) and s > 0):
        raise ValueError(f"steepness must be a positive number, got {s!r}")
    return float(s)


@dataclass
class ShallowNet:
    r"""A one-hidden-layer sigmoid network on a scalar input,

    .. math:: g(x) = c + \sum_{i=1}^{n} v_i\,\sigma(w_i x + b_i),

    with input weights ``w``, hidden biases ``b``, output weights ``v`` (all
    shape ``(n,)``) and output bias ``c``.
    """

    w: np.ndarray
    b: np.ndarray
    v: np.ndarray
    c: float = 0.0

    def __post_init__(self):
        self.w, self.b, self.v = (np.asarray(a, dtype=float).reshape(-1) for a in (self.w, self.b, self.v))
        if not (self.w.shape == self.b.shape == self.v.shape):
            raise ValueError(
                f"w, b and v must have the same length, got {self.w.size}, {self.b.size} and {self.v.size}"
            )
        self.c = float(self.c)

    @property
    def n_units(self) -> int:
        return self.w.size

    def hidden(self, x) -> np.ndarray:
        r"""The hidden activations :math:`h_i(x) = \sigma(w_i x + b_i)`, shape ``(len(x), n)``."""
        x = np.asarray(x, dtype=float).reshape(-1, 1)
        return sigmoid(x * self.w + self.b)

    def units(self, x) -> np.ndarray:
        r"""Each unit's contribution :math:`v_i\,\sigma(w_i x + b_i)`, shape ``(len(x), n)``."""
        return self.hidden(x) * self.v

    def __call__(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        # einsum, not @: a matrix-vector product this small gains nothing from BLAS threads
        return (self.c + np.einsum("ki,i->k", self.hidden(x), self.v)).reshape(x.shape)

    # ------------------------------------------------------------ training
    def mse_and_grad(self, x, y) -> tuple[float, dict]:
        r"""The mean squared error :math:`E = \frac1N\sum_k (g(x_k) - y_k)^2`
        and its gradient, by the chain rule (backpropagation by hand):

        .. math::
            r_k = g(x_k) - y_k,\quad
            \frac{\partial E}{\partial c} = \frac2N\sum_k r_k,\quad
            \frac{\partial E}{\partial v_i} = \frac2N\sum_k r_k h_{ki},\\
            \delta_{ki} = \frac2N r_k v_i h_{ki}(1-h_{ki}),\quad
            \frac{\partial E}{\partial w_i} = \sum_k \delta_{ki} x_k,\quad
            \frac{\partial E}{\partial b_i} = \sum_k \delta_{ki}.

        Returns ``(E, {"w": ..., "b": ..., "v": ..., "c": ...})``.
        """
        x = np.asarray(x, dtype=float).reshape(-1)
        y = np.asarray(y, dtype=float).reshape(-1)
        if x.shape != y.shape or x.size == 0:
            raise ValueError(f"x and y must be non-empty and of equal length, got {x.size} and {y.size}")
        h = self.hidden(x)  # h_ki = sigma(w_i x_k + b_i)
        r = self.c + h @ self.v - y  # r_k = g(x_k) - y_k
        n = x.size
        delta = (2.0 / n) * r[:, None] * self.v * h * (1.0 - h)  # dE/d(pre-activation)
        grads = {
            "w": delta.T @ x,  # sum_k delta_ki x_k
            "b": delta.sum(axis=0),  # sum_k delta_ki
            "v": (2.0 / n) * h.T @ r,  # (2/N) sum_k r_k h_ki
            "c": np.array((2.0 / n) * r.sum()),  # (2/N) sum_k r_k
        }
        return float(np.mean(r**2)), grads


def random_net(n: int, scale: float = 5.0, domain=(0.0, 1.0), seed=0) -> ShallowNet:
    r"""An untrained network whose :math:`n` sigmoids sit at random points of
    ``domain`` with random slopes of size about ``scale``: a starting point for training."""
    n = _count(n, "n")
    a, bb = _domain(domain)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    w = rng.normal(0.0, scale / (bb - a), n)
    centres = rng.uniform(a, bb, n)
    return ShallowNet(w=w, b=-w * centres, v=rng.normal(0.0, 1.0 / np.sqrt(n), n), c=0.0)


# ------------------------------------------------------------ constructions
def staircase(f: Callable, n: int, steepness: float = 20.0, domain=(0.0, 1.0)) -> ShallowNet:
    r"""A network with ``n`` sigmoid units that climbs a staircase through
    :math:`f(x_0), \dots, f(x_n)` at the nodes :math:`x_i = a + ih`, :math:`h = (b-a)/n`:

    .. math:: g(x) = f(x_0) + \sum_{i=1}^{n} \bigl(f(x_i) - f(x_{i-1})\bigr)\,
              \sigma\!\Bigl(\frac{s}{h}\,(x - t_i)\Bigr),
              \qquad t_i = \tfrac12(x_{i-1} + x_i).

    Each unit is a step at the midpoint :math:`t_i` between two nodes; the
    ``steepness`` :math:`s` is its slope measured in cells, so the steps stay
    equally sharp *relative to the cell* as ``n`` grows. As :math:`s\to\infty`,
    :math:`g(x) = f(x_i)` for :math:`|x - x_i| < h/2`, so
    :math:`\sup|f-g| \le L h/2` for an :math:`L`-Lipschitz :math:`f`.
    """
    n = _count(n, "n")
    s = _steepness(steepness)
    a, bb = _domain(domain)
    h = (bb - a) / n
    nodes = a + h * np.arange(n + 1)  # x_i = a + i h
    fx = np.asarray(f(nodes), dtype=float)
    t = 0.5 * (nodes[:-1] + nodes[1:])  # t_i, the step positions
    w = np.full(n, s / h)  # slope s per cell
    return ShallowNet(w=w, b=-w * t, v=np.diff(fx), c=fx[0])  # jumps f(x_i) - f(x_{i-1})


def bump(x, left: float, right: float, steepness: float) -> np.ndarray:
    r"""Two opposite sigmoids make a bump, about 1 on ``[left, right]`` and 0 outside:

    .. math:: \sigma\bigl(k(x - \ell)\bigr) - \sigma\bigl(k(x - r)\bigr).
    """
    k = _steepness(steepness)
    x = np.asarray(x, dtype=float)
    return sigmoid(k * (x - left)) - sigmoid(k * (x - right))


def bumps(f: Callable, n_bumps: int, steepness: float = 20.0, domain=(0.0, 1.0)) -> ShallowNet:
    r"""A network of ``2 * n_bumps`` units: one bump per cell of width
    :math:`h=(b-a)/m`, of height :math:`f` at the cell's centre :math:`c_j`,

    .. math:: g(x) = \sum_{j=1}^{m} f(c_j)\,\bigl[\sigma\bigl(\tfrac{s}{h}(x-\ell_j)\bigr)
              - \sigma\bigl(\tfrac{s}{h}(x-r_j)\bigr)\bigr].

    The cells' edges are :math:`\ell_j = a + (j-1)h`, :math:`r_j = a + jh`,
    except that the outermost edges are moved one cell outwards, so that the
    first and last bumps are not half-height at the ends of the domain.
    """
    m = _count(n_bumps, "n_bumps")
    s = _steepness(steepness)
    a, bb = _domain(domain)
    h = (bb - a) / m
    edges = a + h * np.arange(m + 1)
    edges[0] -= h  # keep the end bumps full height
    edges[-1] += h
    heights = np.asarray(f(a + h * (np.arange(m) + 0.5)), dtype=float)  # f(c_j)
    k = s / h
    w = np.full(2 * m, k)
    b = -k * np.concatenate([edges[:-1], edges[1:]])  # up-steps at l_j, down-steps at r_j
    v = np.concatenate([heights, -heights])
    return ShallowNet(w=w, b=b, v=v, c=0.0)


def sup_error(f: Callable, g: Callable, domain=(0.0, 1.0), num: int = 4001) -> float:
    r""":math:`\sup_{x\in[a,b]} |f(x) - g(x)|`, approximated by the maximum over
    ``num`` equally spaced points (the uniform, or sup, norm of the theorem)."""
    a, bb = _domain(domain)
    num = _count(num, "num")
    x = np.linspace(a, bb, num)
    return float(np.max(np.abs(np.asarray(f(x), dtype=float) - np.asarray(g(x), dtype=float))))


def convergence_rate(ns, errors) -> float:
    r"""The exponent :math:`p` in :math:`\text{error} \approx C n^{-p}`: minus the
    slope of the least-squares line through :math:`(\log n, \log \text{error})`."""
    ns, errors = np.asarray(ns, dtype=float), np.asarray(errors, dtype=float)
    if ns.shape != errors.shape or ns.size < 2:
        raise ValueError(
            f"ns and errors must be equal-length arrays of at least 2, got shapes {ns.shape} and {errors.shape}"
        )
    if np.any(ns <= 0) or np.any(errors <= 0):
        raise ValueError("ns and errors must be positive to take logarithms")
    slope = np.polyfit(np.log(ns), np.log(errors), 1)[0]
    return float(-slope)

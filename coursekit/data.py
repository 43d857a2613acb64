"""Seeded datasets for the lessons, and the minibatch iterator.

Every generator takes a ``seed`` (or a ``numpy.random.Generator``) so that a
lesson draws the same data on every run.
"""

from __future__ import annotations

import numpy as np


def _rng(seed):
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def linear_regression(
    n: int = 50, slope: float = 2.0, intercept: float = -1.0, noise: float = 0.5, x_range=(-1.0, 3.0), seed=0
):
    r"""``n`` points :math:`y = \text{slope}\,x + \text{intercept} + \varepsilon`,
    :math:`\varepsilon\sim\mathcal N(0, \text{noise}^2)`, x uniform in ``x_range``.

    Returns ``(x, y)``, both of shape ``(n,)``.
    """
    if int(n) != n or n <= 0:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    rng = _rng(seed)
    x = rng.uniform(*x_range, size=int(n))
    y = slope * x + intercept + noise * rng.standard_normal(int(n))
    return x, y


def design_matrix(x):
    """Stack a column of ones beside ``x`` so that theta = (intercept, slope)."""
    x = np.asarray(x, dtype=float)
    return np.column_stack([np.ones_like(x), x])


# --- 1-D targets for the universal-approximation lesson --------------------
def _sine(x):
    return np.sin(2 * np.pi * np.asarray(x, dtype=float))


def _kink(x):
    return np.abs(2 * np.asarray(x, dtype=float) - 1)


def _wiggle(x):
    x = np.asarray(x, dtype=float)
    return x * np.sin(6 * np.pi * x)


def _square_root(x):
    return np.sqrt(np.clip(np.asarray(x, dtype=float), 0.0, None))


#: Continuous targets on [0, 1] (name -> vectorized function). "sine", "kink"
#: and "wiggle" are Lipschitz (slopes at most 2*pi, 2 and about 19);
#: "square root" is continuous but not Lipschitz at 0 (its slope is unbounded).
#: The square root is clipped at 0, so outside [0, 1] it stays defined.
APPROXIMATION_TARGETS = {
    "sine": _sine,
    "kink": _kink,
    "wiggle": _wiggle,
    "square root": _square_root,
}


def approximation_target(name: str):
    """The target function called ``name`` in :data:`APPROXIMATION_TARGETS`."""
    try:
        return APPROXIMATION_TARGETS[name]
    except KeyError:
        raise ValueError(f"name must be one of {sorted(APPROXIMATION_TARGETS)}, got {name!r}") from None


# --------------------------------------------------------------------------
# datasets for networks (weight decay, classification, digits) and minibatches
# --------------------------------------------------------------------------

from collections import namedtuple  # noqa: E402  (kept beside the code that uses it)


def _check_count(name, value, minimum=1):
    if isinstance(value, bool) or int(value) != value or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _sklearn_seed(seed) -> int:
    """scikit-learn wants an int seed: draw one from a Generator, or pass the int on."""
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(2**31 - 1))
    return int(np.random.default_rng(seed).integers(2**31 - 1)) if seed is None else int(seed)


def weight_decay_regression(n_train: int = 20, n_test: int = 100, d: int = 200, noise: float = 0.01, seed=0):
    r"""The high-dimensional regression of the weight-decay example:

    .. math:: y = 0.05 + \sum_{i=1}^d 0.01\,x_i + \varepsilon,\qquad
              x\sim\mathcal N(0, I_d),\ \varepsilon\sim\mathcal N(0, 0.01^2).

    With ``d = 200`` inputs and only ``n_train = 20`` examples a linear model
    can fit the training set exactly and overfits: the setting in which weight
    decay helps. (The lecture gives the formula; the sizes 20/100/200 are those
    of the usual illustration of it.) Returns ``(X_train, y_train, X_test,
    y_test)`` with ``X`` of shape ``(n, d)`` and ``y`` of shape ``(n, 1)`` (a
    column, as a ``Linear(d, 1)`` model outputs).
    """
    n_train = _check_count("n_train", n_train)
    n_test = _check_count("n_test", n_test, minimum=0)
    d = _check_count("d", d)
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    rng = _rng(seed)
    X = rng.standard_normal((n_train + n_test, d))
    y = 0.05 + X @ np.full(d, 0.01) + noise * rng.standard_normal(n_train + n_test)
    y = y.reshape(-1, 1)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def two_moons(n: int = 200, noise: float = 0.1, seed=0):
    """Two interleaving half circles in 2-D (scikit-learn's ``make_moons``).
    Returns ``X`` of shape ``(n, 2)`` and integer labels ``y`` in {0, 1}."""
    from sklearn.datasets import make_moons

    n = _check_count("n", n, minimum=2)
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    X, y = make_moons(n_samples=n, noise=noise, random_state=_sklearn_seed(_rng(seed)))
    return X.astype(float), y.astype(np.int64)


def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5, seed=0):
    """A small circle (label 1) inside a large one (label 0), radii ratio ``factor``
    (scikit-learn's ``make_circles``). Returns ``(X (n, 2), y (n,))``."""
    from sklearn.datasets import make_circles

    n = _check_count("n", n, minimum=2)
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    if not 0 < factor < 1:
        raise ValueError(f"factor must lie in (0, 1), got {factor!r}")
    X, y = make_circles(n_samples=n, noise=noise, factor=factor, random_state=_sklearn_seed(_rng(seed)))
    return X.astype(float), y.astype(np.int64)


def blobs(n: int = 300, centers: int = 3, std: float = 1.0, seed=0):
    """``centers`` Gaussian clusters in 2-D with standard deviation ``std``
    (scikit-learn's ``make_blobs``). Returns ``(X (n, 2), y (n,))``, y in 0..centers-1."""
    from sklearn.datasets import make_blobs

    n = _check_count("n", n)
    centers = _check_count("centers", centers)
    if std <= 0:
        raise ValueError(f"std must be > 0, got {std!r}")
    X, y = make_blobs(n_samples=n, centers=centers, cluster_std=std, random_state=_sklearn_seed(_rng(seed)))
    return X.astype(float), y.astype(np.int64)


def train_val_split(X, y, val_fraction: float = 0.2, seed=0):
    """Shuffle and split into ``(X_train, y_train, X_val, y_val)``; the validation
    part has ``round(val_fraction * n)`` examples (at least one, at most n - 1)."""
    X, y = np.asarray(X), np.asarray(y)
    n = _check_same_length(X, y)
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must lie in (0, 1), got {val_fraction!r}")
    if n < 2:
        raise ValueError(f"cannot split {n} example(s) into training and validation sets")
    n_val = min(max(int(round(val_fraction * n)), 1), n - 1)
    perm = _rng(seed).permutation(n)
    val, train = perm[:n_val], perm[n_val:]
    return X[train], y[train], X[val], y[val]


DigitsSplit = namedtuple("DigitsSplit", "X_train y_train X_val y_val X_test y_test")
DigitsSplit.__doc__ = "``(X_train, y_train, X_val, y_val, X_test, y_test)``, also by those names."


def digits(val_fraction: float = 0.15, test_fraction: float = 0.15, seed=0, scale: bool = True):
    """scikit-learn's handwritten digits (1797 images of 8x8 pixels, 10 classes;
    shipped inside scikit-learn, so no download), split into training,
    validation and test sets, stratified by class and seeded.

    ``X`` rows are the 64 pixels, scaled from 0..16 to [0, 1] when ``scale``;
    ``y`` are integer labels 0..9. Returns a :class:`DigitsSplit`
    ``(X_train, y_train, X_val, y_val, X_test, y_test)``.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    for name, f in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0 < f < 1:
            raise ValueError(f"{name} must lie in (0, 1), got {f!r}")
    if val_fraction + test_fraction >= 1:
        raise ValueError(f"val_fraction + test_fraction must be < 1, got {val_fraction} + {test_fraction}")
    X, y = load_digits(return_X_y=True)
    X = X.astype(float) / 16.0 if scale else X.astype(float)
    y = y.astype(np.int64)
    state = _sklearn_seed(_rng(seed))
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=test_fraction, stratify=y, random_state=state)
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=val_fraction / (1 - test_fraction), stratify=y_rest, random_state=state
    )
    return DigitsSplit(X_train, y_train, X_val, y_val, X_test, y_test)


def _check_same_length(X, y) -> int:
    if X.ndim == 0:
        raise ValueError(f"X must have at least one axis (examples), got a scalar {X!r}")
    n = len(X)
    if y is not None and len(y) != n:
        raise ValueError(f"X has {n} examples but y has {len(y)}")
    return n


def minibatches(X, y, batch_size: int, rng=None, shuffle: bool = True, drop_last: bool = False):
    """Iterate over one epoch of ``(X_batch, y_batch)`` pairs.

    Each call draws a fresh permutation from ``rng`` (a seed or Generator; pass
    the same Generator every epoch so that epochs differ but runs repeat), then
    yields consecutive slices of ``batch_size`` examples; the last batch is
    smaller unless ``drop_last``. ``y`` may be ``None`` (then only ``X_batch``
    is yielded). With ``shuffle=False`` the order is that of the data.
    """
    X = np.asarray(X)
    y = None if y is None else np.asarray(y)
    n = _check_same_length(X, y)
    if n == 0:
        raise ValueError("the dataset is empty (X has 0 examples)")
    if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    batch_size = int(batch_size)
    order = _rng(rng).permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    if stop == 0:
        raise ValueError(f"drop_last with batch_size {batch_size} > n = {n} leaves no batch")
    return _batches(X, y, order, stop, batch_size)  # checked now, iterated later


def _batches(X, y, order, stop, batch_size):
    for start in range(0, stop, batch_size):
        idx = order[start : start + batch_size]
        yield (X[idx], y[idx]) if y is not None else X[idx]


# --- double descent: random-feature regression ---------------------------------
class RegressionTask:
    """Inputs and noiseless targets of a regression task: ``X_train, f_train, X_test, f_test``
    (add label noise to ``f_train`` with :func:`add_label_noise`)."""

    def __init__(self, X_train, f_train, X_test, f_test):
        self.X_train, self.f_train, self.X_test, self.f_test = X_train, f_train, X_test, f_test

    def __iter__(self):
        return iter((self.X_train, self.f_train, self.X_test, self.f_test))


def teacher_regression(
    n_train: int = 200, n_test: int = 500, d: int = 5, teacher_width: int = 3, seed=0
) -> RegressionTask:
    r"""A small ReLU network as the ground truth: inputs :math:`x\sim\mathcal N(0, I_d/d)` and
    targets :math:`f(x) = \sum_{k=1}^{m} a_k\bigl(\mathrm{relu}(\sqrt d\, v_k^\top x) - 1/\sqrt{2\pi}\bigr)`
    with unit vectors :math:`v_k`, :math:`a_k\sim\mathcal N(0,1)` (``m`` = ``teacher_width``; the
    shift makes each unit's mean zero, since :math:`\sqrt d\,v_k^\top x\sim\mathcal N(0,1)`).
    Seeded; the first ``n`` training points of a larger ``n_train`` are the same points."""
    for name, v in (("n_train", n_train), ("n_test", n_test), ("d", d), ("teacher_width", teacher_width)):
        _check_count(name, v)
    rng = _rng(seed)
    V = rng.standard_normal((d, teacher_width))
    V /= np.linalg.norm(V, axis=0)
    a = rng.standard_normal(teacher_width)
    X_test = rng.standard_normal((n_test, d)) / np.sqrt(d)
    X_train = rng.standard_normal((n_train, d)) / np.sqrt(d)

    def f(X):
        return (np.maximum(np.sqrt(d) * X @ V, 0.0) - 1.0 / np.sqrt(2 * np.pi)) @ a

    return RegressionTask(X_train, f(X_train), X_test, f(X_test))


def add_label_noise(y, noise: float, seed=0):
    r"""Labels :math:`y + \sigma\varepsilon`, :math:`\varepsilon\sim\mathcal N(0, I)` seeded
    (``noise`` = :math:`\sigma`). The same seed gives the same :math:`\varepsilon`, so the noisy
    labels move linearly with ``noise``."""
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    y = np.asarray(y, dtype=float)
    return y + noise * _rng(seed).standard_normal(y.shape)


# --- capacity and regularization: 1-D curve fitting ------------------------------
def curve_target(x):
    r"""The smooth target of the curve-fitting examples,
    :math:`f(x) = \sin(\pi x) + x^2/2` on [-1, 1] (neither odd nor even, so
    every polynomial degree can matter)."""
    x = np.asarray(x, dtype=float)
    return np.sin(np.pi * x) + 0.5 * x**2


def curve_fitting(n: int, noise: float = 0.3, seed=0):
    r"""``n`` points :math:`y = f(x) + \varepsilon` with :math:`f` =
    :func:`curve_target`, :math:`x` uniform on [-1, 1] and
    :math:`\varepsilon\sim\mathcal N(0, \text{noise}^2)`. Seeded; the first
    ``m`` points of a larger ``n`` are the same points, so training sets of
    growing size are nested. Returns ``(x, y)``, both of shape ``(n,)``."""
    n = _check_count("n", n)
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    from scipy.special import ndtri  # the inverse of the normal CDF

    u = _rng(seed).random((n, 2))  # one row per point: nested in n
    x, eps = 2.0 * u[:, 0] - 1.0, ndtri(u[:, 1])  # uniform, N(0, 1)
    return x, curve_target(x) + noise * eps

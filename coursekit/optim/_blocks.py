"""Cache-blocked updates: walk the arrays of one update block by block.

An update such as ``theta -= alpha * g`` on 10^6 coordinates allocates a
temporary of 10^6 floats for ``alpha * g`` and goes over memory twice. Applied
to blocks of ``BLOCK`` coordinates, the same line keeps its temporary in cache,
so the update goes over memory about once, as torch's fused kernels do, with
no second thread pool and no line written differently from its equation::

    for theta_k, g_k, w_k in blocks(theta, g, scratch=w):
        theta_k -= alpha * g_k      # theta <- theta - alpha g, block by block

The scratch ``w`` holds one block only, so that it too stays in cache.
"""

from __future__ import annotations

import contextlib

import numpy as np

BLOCK = 2**15  # 256 KiB of float64 per array: a few arrays fit in a core's L2 cache


def blocks(*arrays: np.ndarray, scratch: np.ndarray):
    """Yield, for each block of coordinates, a tuple of views of ``arrays`` (same shape)
    and last a view of ``scratch`` (a flat work array of ``BLOCK`` or more floats) of
    that shape.

    Writing into a view writes into the array. Arrays that are not C-contiguous
    (their flat view would be a copy) are yielded whole, in one block.
    """
    n = arrays[0].size
    if n <= BLOCK or not all(a.flags.c_contiguous for a in arrays):
        w = scratch[:n].reshape(arrays[0].shape) if n <= scratch.size else np.empty_like(arrays[0])
        yield (*arrays, w)
        return
    flat = [a.reshape(-1) for a in arrays]
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        yield (*(f[start:stop] for f in flat), scratch[: stop - start])


def axpy(a: float, x: np.ndarray, y: np.ndarray) -> None:
    """``y <- y + a x`` in place, in one pass (BLAS axpy, as torch's ``y.add_(x, alpha=a)``).

    numpy's ``y += a * x`` goes twice over the block (the product, then the sum).
    SciPy's BLAS is a second thread pool beside numpy's; :func:`one_blas_thread`
    holds it at one thread while the optimizer steps, so it never wakes.
    Other dtypes, or arrays that are not C-contiguous, take the numpy line.
    """
    blas_axpy = _AXPY.get(y.dtype)
    if blas_axpy is None or x.dtype != y.dtype or not (x.flags.c_contiguous and y.flags.c_contiguous):
        y += a * x
        return
    flat = y.reshape(-1)
    out = blas_axpy(x.reshape(-1), flat, a=a)
    if out is not flat:  # BLAS worked on a copy (y misaligned): write it back
        flat[...] = out


try:
    from scipy.linalg.blas import daxpy, saxpy

    _AXPY = {np.dtype(np.float64): daxpy, np.dtype(np.float32): saxpy}
except ImportError:  # pragma: no cover
    _AXPY = {}

_BLAS_LIBS = None  # threadpoolctl's controllers of the BLAS libraries loaded, found on first use


@contextlib.contextmanager
def one_blas_thread():
    """Hold every BLAS library at one thread inside the block, then restore its count."""
    global _BLAS_LIBS
    if _BLAS_LIBS is None:
        try:
            from threadpoolctl import ThreadpoolController

            _BLAS_LIBS = ThreadpoolController().select(user_api="blas").lib_controllers
        except Exception:  # pragma: no cover - no threadpoolctl, or it cannot read the libraries
            _BLAS_LIBS = []
    counts = [lib.get_num_threads() for lib in _BLAS_LIBS]
    for lib in _BLAS_LIBS:
        lib.set_num_threads(1)
    try:
        yield
    finally:
        for lib, k in zip(_BLAS_LIBS, counts):
            lib.set_num_threads(k)

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

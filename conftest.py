"""pytest settings for the whole repository (the lessons run through nbval).

`make test` gives each notebook cell a timeout and reruns a cell once only when it
timed out (a stalled kernel; never a failing assertion). nbval marks every cell
after a timed-out one as "expected to fail", which would turn a real failure later
in that notebook into an xfail; we switch that off, so every cell is judged as usual.

nbval's kernels talk over IPC (Unix) sockets instead of TCP on loopback
(tools/ipc_kernels.py says why).

Every lesson draws figures, so a lesson (lessons/ or its reader edition notebooks/)
whose run displayed no image has lost them (MPLBACKEND=Agg in the environment, or code
that switched the backend): its last cell fails. Test fixtures need draw nothing. `make test` and `make book` both select the inline backend.
"""

from pathlib import Path

import nbval.kernel
import pytest
from nbval.plugin import IPyNbCell

from tools.ipc_kernels import IPCKernelManager

nbval.kernel.KernelManager = IPCKernelManager  # nbval builds its KernelManager from this name

_last_cell = {}  # notebook file -> its last cell item
_images = set()  # notebook files that displayed an image


_DRAWING = {"lessons", "notebooks"}  # folders whose notebooks must display an image


def pytest_collection_modifyitems(items):
    for item in items:
        if isinstance(item, IPyNbCell) and Path(item.parent.path).parent.name in _DRAWING:
            _last_cell[item.parent] = item


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    if isinstance(item, IPyNbCell):
        if any("image/png" in out.get("data", {}) for out in item.test_outputs or []):
            _images.add(item.parent)
        if _last_cell.get(item.parent) is item and item.parent not in _images:
            raise AssertionError(
                f"{item.parent.name} ran without displaying a single image: is MPLBACKEND set to a "
                "non-inline backend (e.g. Agg)? `make test` selects the inline one"
            )
    return result


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    parent = getattr(item, "parent", None)
    if hasattr(parent, "timed_out"):  # an nbval notebook
        parent.timed_out = False

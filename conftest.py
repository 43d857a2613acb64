"""pytest settings for the whole repository (the lessons run through nbval).

`make test` gives each notebook cell a timeout and reruns a cell once only when it
timed out (a stalled kernel; never a failing assertion). nbval marks every cell
after a timed-out one as "expected to fail", which would turn a real failure later
in that notebook into an xfail; we switch that off, so every cell is judged as usual.

nbval's kernels talk over IPC (Unix) sockets instead of TCP on loopback, as
benchmarks/notebooks.py's do: on this kind of machine a reply over TCP was lost now
and then, and ipykernel warns that TCP carries the messages unencrypted.
"""

import atexit
import os
import shutil
import tempfile
import uuid

import nbval.kernel
import pytest
from jupyter_client.manager import KernelManager

_SOCKETS = tempfile.mkdtemp(prefix="nbval-kernels-")
atexit.register(shutil.rmtree, _SOCKETS, ignore_errors=True)


class IPCKernelManager(KernelManager):
    """A kernel on IPC sockets named ``<dir>/<uuid>-<n>``; jupyter_client removes them at shutdown."""

    def __init__(self, **kwargs):
        super().__init__(transport="ipc", ip=os.path.join(_SOCKETS, uuid.uuid4().hex[:12]), **kwargs)


nbval.kernel.KernelManager = IPCKernelManager  # nbval builds its KernelManager from this name


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    parent = getattr(item, "parent", None)
    if hasattr(parent, "timed_out"):  # an nbval notebook
        parent.timed_out = False

"""Jupyter kernel managers whose kernels talk over IPC (Unix) sockets, not TCP on loopback.

Used by nbval in `make test` (conftest.py), the book build (tools/build_book.py) and
benchmarks/notebooks.py: on this kind of machine a kernel's reply over TCP was lost
now and then, and ipykernel warns that TCP carries the messages unencrypted.
Each kernel's sockets are ``<dir>/<uuid>-<n>`` in one temporary directory, removed at
exit; jupyter_client removes a kernel's own sockets when it shuts down.
"""

import atexit
import os
import shutil
import tempfile
import uuid

from jupyter_client.manager import AsyncKernelManager, KernelManager

_SOCKETS = tempfile.mkdtemp(prefix="kernels-")
atexit.register(shutil.rmtree, _SOCKETS, ignore_errors=True)


class _OverIPC:
    def __init__(self, **kwargs):
        super().__init__(transport="ipc", ip=os.path.join(_SOCKETS, uuid.uuid4().hex[:12]), **kwargs)


class IPCKernelManager(_OverIPC, KernelManager):
    """jupyter_client's KernelManager on IPC sockets (nbval drives kernels synchronously)."""


class AsyncIPCKernelManager(_OverIPC, AsyncKernelManager):
    """jupyter_client's AsyncKernelManager on IPC sockets (nbclient, hence myst-nb, is asynchronous)."""

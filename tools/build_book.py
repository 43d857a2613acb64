"""``jupyter-book`` with the same command line, its lesson kernels on IPC sockets.

    .venv/bin/python tools/build_book.py build . --warningiserror --keep-going

myst-nb executes each lesson through jupyter-cache's ``single_nb_execution``, which
calls ``nbclient.execute``; jupyter-book offers no setting for the kernels' transport,
so this wrapper hands nbclient a kernel manager class on IPC (tools/ipc_kernels.py).
"""

import jupyter_cache.executors.utils as executors
import nbclient
from ipc_kernels import AsyncIPCKernelManager
from jupyter_book.cli.main import main


def execute_over_ipc(nb, **kwargs):
    return nbclient.execute(nb, kernel_manager_class=AsyncIPCKernelManager, **kwargs)


executors.executenb = execute_over_ipc  # the name single_nb_execution calls

if __name__ == "__main__":
    main()

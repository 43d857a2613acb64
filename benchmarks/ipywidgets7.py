"""Run every lesson with ipywidgets 7.7.1 in the kernel, as on Colab, and report.

Colab preinstalls ipywidgets 7.7.1 (with IPython 7.34.0 and ipykernel 6.17.1) and its
frontend speaks the widget protocol of 7.x, so coursekit accepts ipywidgets >= 7.7.
This script checks that on the 7.x line:

1. it makes a throwaway venv (default _build/ipywidgets7/venv, reused when present)
   with Colab's versions of ipywidgets, IPython and ipykernel, then asks pip what
   installing coursekit (what a lesson's install cell does) would change: it must
   leave ipywidgets at 7.7.1 (with ``ipywidgets>=8.0`` it upgraded it inside the
   running Colab kernel, whose frontend stays at 7);
2. it installs coursekit from this repository (``pip install -e``) and executes each
   lesson (lessons/ and, when present, the reader edition notebooks/) headless with
   nbclient in a kernel of that venv, live explorers (no COURSEKIT_STATIC_EXPLORERS),
   the inline backend; a first cell asserts the kernel's ipywidgets is 7.7.1;
3. it counts each notebook's widget views and checks they carry 7.x's protocol
   (version_major 2, version_minor 0).

Run: .venv/bin/python benchmarks/ipywidgets7.py [--venv DIR] [NOTEBOOK ...]
Needs PyPI the first time (about 150 MB of wheels); a failure exits non-zero.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from ipc_kernels import AsyncIPCKernelManager  # noqa: E402  (the kernels of make test and make book)

# What Colab preinstalls (its frontend renders widgets of the 7.x protocol).
COLAB = ["ipywidgets==7.7.1", "ipython==7.34.0", "ipykernel==6.17.1"]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CHECK = "import ipywidgets\nassert ipywidgets.__version__ == '7.7.1', ipywidgets.__version__"


def pip(venv, *args, capture=False):
    cmd = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", *args]
    return subprocess.run(cmd, check=True, text=True, capture_output=capture)


def make_venv(venv):
    """A venv with Colab's widget stack; returns what installing coursekit would change."""
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip(venv, "install", "-q", "--upgrade", "pip")
        pip(venv, "install", "-q", *COLAB)
    # What `pip install <this repository>` would install or upgrade, as the install cell would on Colab.
    report = pip(venv, "install", "--dry-run", "-q", "--report", "-", str(ROOT), capture=True).stdout
    changes = {item["metadata"]["name"].lower(): item["metadata"]["version"] for item in json.loads(report)["install"]}
    pip(venv, "install", "-q", "-e", str(ROOT))
    return changes


def kernelspec(venv, where):
    """A kernelspec named ipywidgets7 that starts the venv's Python; JUPYTER_PATH points to it."""
    spec = where / "kernels" / "ipywidgets7"
    spec.mkdir(parents=True)
    argv = [str(venv / "bin" / "python"), "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "ipywidgets 7", "language": "python"}))
    os.environ["JUPYTER_PATH"] = str(where)


def run(path):
    """Execute one notebook in the venv's kernel: (seconds, widget views, their protocol versions)."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(CHECK))
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="ipywidgets7",
        kernel_manager_class=AsyncIPCKernelManager,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    views = [
        out["data"][WIDGET_VIEW]
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if WIDGET_VIEW in out.get("data", {})
    ]
    versions = {(v.get("version_major"), v.get("version_minor")) for v in views}
    return seconds, len(views), versions


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--venv", type=pathlib.Path, default=ROOT / "_build" / "ipywidgets7" / "venv")
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    args = parser.parse_args()
    venv = args.venv.resolve()
    changes = make_venv(venv)
    print("installing coursekit into Colab's stack would install/upgrade:", ", ".join(sorted(changes)) or "nothing")
    if "ipywidgets" in changes:
        sys.exit(f"FAIL: installing coursekit would change ipywidgets to {changes['ipywidgets']}")
    versions = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import ipywidgets, IPython, ipykernel, numpy, matplotlib; "
            "print(*(m.__name__ + ' ' + m.__version__ for m in (ipywidgets, IPython, ipykernel, numpy, matplotlib)), sep=', ')",
        ],
        check=True,
        text=True,
        capture_output=True,
    ).stdout.strip()
    print("kernel:", versions)
    notebooks = args.notebooks or sorted((ROOT / "lessons").glob("[0-9]*.ipynb")) + sorted(
        (ROOT / "notebooks").glob("[0-9]*.ipynb")
    )
    # The environment of make test: live explorers, inline figures, one BLAS thread.
    os.environ.pop("COURSEKIT_STATIC_EXPLORERS", None)
    os.environ.update(
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        OPENBLAS_NUM_THREADS="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    failed = []
    with tempfile.TemporaryDirectory() as where:
        kernelspec(venv, pathlib.Path(where))
        print(f"{'notebook':<46} {'s':>6} {'widget views':>13}  protocol")
        for path in notebooks:
            path = path.resolve()
            name = str(path.relative_to(ROOT))
            try:
                seconds, n_views, protocols = run(path)
            except Exception as error:  # a failing cell: report it and go on
                failed.append(name)
                print(f"{name:<46} FAILED: {str(error).strip().splitlines()[-1][:200]}")
                continue
            if protocols - {(2, 0)}:
                failed.append(name)
            shown = ", ".join(f"{major}.{minor}" for major, minor in sorted(protocols)) or "-"
            print(f"{name:<46} {seconds:6.1f} {n_views:13d}  {shown}")
    if failed:
        sys.exit(f"FAIL with ipywidgets 7.7.1: {', '.join(failed)}")
    print(f"all {len(notebooks)} notebooks ran with ipywidgets 7.7.1")


if __name__ == "__main__":
    main()

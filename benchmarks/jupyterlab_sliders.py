"""Slider latency in a live JupyterLab: keypress to new figure, per lesson.

Starts a JupyterLab server on this repository (a free port, a random token),
opens each lesson in headless Chromium, runs all its cells, then presses the
arrow key on the first slider of each explorer (the main control) several times
and times, in the browser, from the keydown to the moment the explorer's new
figure is decoded and in the page. Prints the median and the worst step per
lesson, and the median over the lessons. The issue's budget: median <= 150 ms,
none over 250 ms.

Also checks the prose (``--myst``): every rendered markdown cell of every lesson
is scanned for raw MyST (``{eq}``, ``{cite}``, ``:::{``, ```` ```{ ````), which
shows when jupyterlab-myst is missing.

Needs: jupyterlab, jupyterlab-myst (requirements.txt), selenium
(``pip install selenium``) and Chromium with its driver (Debian: ``apt-get install
chromium chromium-driver``). Not part of ``make bench``'s budget checks: it
needs a browser.

Compare versions of coursekit in one session (the machine is noisy: interleave):
``--pythonpath DIR`` once per version (``-`` for this repository's coursekit). One
JupyterLab server per version; each lesson runs under every version in turn (the
order alternating), ``--repeat`` rounds. Besides the wall times, the kernel's CPU
time per step (psutil, the server's child processes) is printed.

Run: .venv/bin/python benchmarks/jupyterlab_sliders.py [--myst] [--presses N] [--repeat R]
     [--pythonpath DIR ...] [lessons/NN_x.ipynb ...]
"""

import argparse
import os
import pathlib
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parent.parent
RAW_MYST = ("{eq}`", "{cite}`", ":::{", "```{", "{ref}`", "{numref}`", "{prf:")

# Calls done(ms), ms from the keydown to the explorer's figure changing (decoded).
ARM = """function (box, done) {
  const images = () => Array.from(box.querySelectorAll('img'));
  const before = images().map(i => i.src);
  let t0 = null;
  document.addEventListener('keydown', () => { t0 = performance.now(); },
                            {capture: true, once: true});
  const obs = new MutationObserver(() => {
    const now = images();
    const fresh = now.find((img, k) => img.src !== before[k]) ||
                  (now.length !== before.length ? now[now.length - 1] : null);
    if (fresh && t0 !== null) {
      obs.disconnect();
      fresh.decode().catch(() => null).then(() => done(performance.now() - t0));
    }
  });
  obs.observe(box, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
  setTimeout(() => { obs.disconnect(); done(-1); }, 20000);
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(port: int, token: str, root: pathlib.Path, pythonpath: str | None = None):
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    if pythonpath and pythonpath != "-":
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [pythonpath, env.get("PYTHONPATH")]))
    env.pop("COURSEKIT_STATIC_EXPLORERS", None)  # a live notebook, as on Binder
    # Render every cell (JupyterLab 4 renders only the visible ones by default).
    settings = root / ".lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    env["JUPYTERLAB_SETTINGS_DIR"] = str(root / ".lab-settings")
    cmd = [
        str(ROOT / ".venv/bin/jupyter"),
        "lab",
        "--no-browser",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        "--ServerApp.ip=127.0.0.1",
        "--allow-root",
        "--LabApp.expose_app_in_browser=True",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    log = open(f"/tmp/jupyterlab_sliders_{port}.log", "w")  # noqa: SIM115 (lives with the server)
    proc = subprocess.Popen(
        cmd,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
            return proc
        except OSError:
            time.sleep(1)
    proc.terminate()
    sys.exit(f"JupyterLab did not start: see /tmp/jupyterlab_sliders_{port}.log")


def browser():
    opts = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
    ):
        opts.add_argument(arg)
    if pathlib.Path("/usr/bin/chromium").exists():
        opts.binary_location = "/usr/bin/chromium"
    service = Service("/usr/bin/chromedriver") if pathlib.Path("/usr/bin/chromedriver").exists() else Service()
    drv = webdriver.Chrome(options=opts, service=service)
    drv.set_script_timeout(120)
    return drv


def open_notebook(drv, port, token, path):
    drv.get(f"http://127.0.0.1:{port}/lab/tree/lessons/{path.name}?token={token}&reset")
    WebDriverWait(drv, 120).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell"))
    WebDriverWait(drv, 120).until(
        lambda d: d.execute_script(
            "return !!(window.jupyterapp && jupyterapp.shell.currentWidget"
            " && jupyterapp.shell.currentWidget.sessionContext)"
        )
    )
    drv.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const w = jupyterapp.shell.currentWidget;"
        "Promise.all([w.context.ready, w.sessionContext.ready]).then(() => done(true));"
    )
    time.sleep(3)


def run_command(drv, command):
    """Run a JupyterLab command (the app is exposed: expose_app_in_browser)."""
    drv.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.jupyterapp.commands.execute(arguments[0]).then(() => done(true),"
        " e => done(String(e)));",
        command,
    )


def busy(drv) -> bool:
    return drv.execute_script(
        "return Array.from(document.querySelectorAll('.jp-InputArea-prompt')).some(p => p.textContent.includes('*'))"
    )


def raw_myst_cells(drv) -> list[str]:
    """Rendered markdown cells whose text still shows MyST markup."""
    texts = drv.execute_script(
        "return Array.from(document.querySelectorAll('.jp-MarkdownCell .jp-MarkdownOutput')).map(e => e.innerText)"
    )
    return [t[:70].replace("\n", " ") for t in texts if any(m in t for m in RAW_MYST)]


def kernel_cpu(lab) -> float:
    """CPU seconds used so far by the server's child processes (the kernels)."""
    try:
        import psutil
    except ImportError:
        return float("nan")
    total = 0.0
    for child in psutil.Process(lab.pid).children(recursive=True):
        try:
            t = child.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def time_lesson(drv, presses: int, lab=None) -> tuple[list[float], float]:
    """Milliseconds per step (keydown to new figure), and the kernels' CPU ms per step."""
    boxes = drv.find_elements(
        By.XPATH,
        "//div[contains(@class,'widget-vbox')][.//div[contains(@class,'noUi-handle')]][.//img]",
    )
    times, cpu = [], 0.0
    for box in boxes[:1] if boxes else []:
        handle = box.find_element(By.CSS_SELECTOR, ".noUi-handle")
        drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
        for k in range(presses + 1):
            at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            key = "\ue012" if (k % 2 or at_max) else "\ue014"  # left / right arrow
            drv.execute_script(
                "window.__step = null; (" + ARM + ")(arguments[0], ms => { window.__step = ms; });",
                box,
            )
            c0 = kernel_cpu(lab) if lab is not None else 0.0
            handle.send_keys(key)
            WebDriverWait(drv, 30).until(lambda d: d.execute_script("return window.__step") is not None)
            result = drv.execute_script("return window.__step")
            time.sleep(0.5)
            if k > 0:  # the first press warms up
                times.append(result)
                cpu += (kernel_cpu(lab) - c0) if lab is not None else 0.0
    return times, 1e3 * cpu / max(len(times), 1)


def run_lesson(drv, port, token, path, presses, myst, lab):
    open_notebook(drv, port, token, path)
    raw = raw_myst_cells(drv) if myst else []
    n_md = len(drv.find_elements(By.CSS_SELECTOR, ".jp-MarkdownCell"))
    run_command(drv, "notebook:run-all-cells")
    t0 = time.time()
    try:
        WebDriverWait(drv, 600, poll_frequency=2).until(lambda d, t0=t0: not busy(d) and time.time() - t0 > 5)
        WebDriverWait(drv, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".widget-vbox img"))
    except TimeoutException:
        pass
    if myst:
        raw = raw_myst_cells(drv)  # after the run, all rendered
    times, cpu = time_lesson(drv, presses, lab)
    times = [t for t in times if t >= 0]
    run_command(drv, "kernelmenu:shutdown")
    time.sleep(1)
    run_command(drv, "docmanager:save")  # scratch copy: no unload prompt
    time.sleep(1)
    return times, cpu, n_md, raw


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebooks", nargs="*")
    ap.add_argument("--presses", type=int, default=6)
    ap.add_argument("--repeat", type=int, default=1, help="rounds over the lessons (and versions)")
    ap.add_argument(
        "--pythonpath",
        action="append",
        help="prepended to the kernels' PYTHONPATH; once per version to compare ('-': this repository)",
    )
    ap.add_argument(
        "--myst",
        action="store_true",
        help="also scan the markdown cells for raw MyST",
    )
    args = ap.parse_args()
    names = [pathlib.Path(p).name for p in args.notebooks] or [
        p.name for p in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
    ]
    variants = args.pythonpath or ["-"]
    labs, scratches = [], []
    drv = None
    results = {(v, n): ([], []) for v in variants for n in names}  # times, cpu per step
    try:
        for v in variants:
            # JupyterLab saves what it runs: serve a scratch copy, never the repository's lessons.
            scratch = pathlib.Path(tempfile.mkdtemp(prefix="jl_sliders_"))
            shutil.copytree(ROOT / "lessons", scratch / "lessons")
            shutil.copytree(ROOT / "book", scratch / "book")
            port, token = free_port(), secrets.token_hex(16)
            labs.append((port, token, start_lab(port, token, scratch, v)))
            scratches.append(scratch)
        drv = browser()
        for r in range(args.repeat):
            for i, name in enumerate(names):
                order = list(range(len(variants)))
                if (i + r) % 2:
                    order.reverse()
                for j in order:
                    port, token, lab = labs[j]
                    path = scratches[j] / "lessons" / name
                    times, cpu, n_md, raw = run_lesson(drv, port, token, path, args.presses, args.myst, lab)
                    results[variants[j], name][0].extend(times)
                    results[variants[j], name][1].append(cpu)
                    med = f"{statistics.median(times):7.0f}" if times else "      -"
                    worst = f"{max(times):7.0f}" if times else "      -"
                    tag = f"  [{variants[j]}]" if len(variants) > 1 else ""
                    print(
                        f"{name:40s} {med} {worst}  steps {len(times)}  kernel cpu {cpu:5.0f} ms/step{tag}"
                        + (f"  markdown cells {n_md}, raw MyST {len(raw)}" if args.myst else ""),
                        flush=True,
                    )
                    for line in raw[:5]:
                        print("      raw:", line)
    finally:
        if drv is not None:
            drv.quit()
        for _, _, lab in labs:
            os.killpg(lab.pid, signal.SIGTERM)
            lab.wait(timeout=30)
        for scratch in scratches:
            shutil.rmtree(scratch, ignore_errors=True)
    if args.repeat > 1 or len(variants) > 1:
        print(f"\n{'lesson':40s}" + "".join(f" {'median':>7s} {'worst':>6s} {'cpu':>5s}" for _ in variants))
        for name in names:
            cells = []
            for v in variants:
                t, c = results[v, name]
                cells.append(
                    f" {statistics.median(t):7.0f} {max(t):6.0f} {statistics.median(c):5.0f}" if t else " " * 21
                )
            print(f"{name:40s}" + "".join(cells))
    for v in variants:
        rows = [results[v, n][0] for n in names if results[v, n][0]]
        if rows:
            tag = f" [{v}]" if len(variants) > 1 else ""
            print(
                f"median over lessons {statistics.median(statistics.median(t) for t in rows):.0f} ms, worst step "
                f"{max(max(t) for t in rows):.0f} ms{tag}"
            )


if __name__ == "__main__":
    main()

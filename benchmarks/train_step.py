"""One training step (forward, backward, SGD update) of an MLP: coursekit against
the same model in torch on the CPU, at three sizes; and the peak memory of a
digits run.

    .venv/bin/python benchmarks/train_step.py

Each library runs with 1 and 2 BLAS threads and is credited with its faster
setting. The variants take turns (interleaved rounds), so a busy machine slows
them alike; the ratio column is what to read. A last column times only the
matrix products of the step (numpy against torch at the same shapes): since
coursekit's step is mostly those products, their ratio is the floor that the
step's ratio can reach with the BLAS numpy ships. Prints numbers only.
"""

import resource
import time
import tracemalloc

import numpy as np
from _machine import reference_ms
from threadpoolctl import threadpool_limits

from coursekit import data, nn, optim, train

# (layer widths, batch size, steps per timed round)
SIZES = [([64, 128, 10], 64, 200), ([256, 512, 512, 10], 256, 10), ([784, 1024, 1024, 10], 512, 3)]
ROUNDS = 7


def interleaved_times(variants, repeat, rounds=ROUNDS):
    """Median over ``rounds`` of the mean wall time per step (ms) of each variant, and
    of its CPU time (``time.process_time``: what the process ran, all threads);
    the variants take turns within each round."""
    times = {name: [] for name in variants}
    cpu = {name: [] for name in variants}
    for step, setup in variants.values():  # warm up
        with setup():
            step()
            step()
    for _ in range(rounds):
        for name, (step, setup) in variants.items():
            with setup():
                t0, c0 = time.perf_counter(), time.process_time()
                for _ in range(repeat):
                    step()
                times[name].append((time.perf_counter() - t0) / repeat * 1e3)
                cpu[name].append((time.process_time() - c0) / repeat * 1e3)
    median = {name: float(np.median(t)) for name, t in times.items()}
    return median, {name: float(np.median(t)) for name, t in cpu.items()}


def batch(sizes, n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, sizes[0])), rng.integers(0, sizes[-1], size=n)


def coursekit_step(sizes, n):
    X, y = batch(sizes, n)
    model = nn.MLP(sizes, rng=0)
    opt = optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss = nn.cross_entropy(model(X), y)
        loss.backward()
        opt.step()

    return step


def torch_step(torch, sizes, n, dtype):
    X, y = batch(sizes, n)
    X, y = torch.tensor(X, dtype=dtype), torch.tensor(y)
    layers = []
    for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers += [torch.nn.Linear(a, b).to(dtype)] + [torch.nn.ReLU()] * (k < len(sizes) - 2)
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(X), y)
        loss.backward()
        opt.step()

    return step


def products(sizes, n, matmul, array):
    """The matrix products of one step: X W forward; G W^T and H^T G backward."""
    rng = np.random.default_rng(1)
    shapes = list(zip(sizes[:-1], sizes[1:]))
    H = [array(rng.normal(size=(n, a))) for a, _ in shapes]
    W = [array(rng.normal(size=(a, b))) for a, b in shapes]
    G = [array(rng.normal(size=(n, b))) for _, b in shapes]

    def step():
        for k in range(len(shapes)):
            matmul(H[k], W[k])
            matmul(H[k].T, G[k])
            if k > 0:  # no gradient for the input
                matmul(G[k], W[k].T)

    return step


def numpy_threads(k):
    return lambda: threadpool_limits(k)


def main():
    try:
        import torch
    except ImportError:
        torch = None
        print("torch is not installed: coursekit's times only")
    print(f"machine reference: {reference_ms():.1f} ms (about 16 ms on a quiet 2-core machine)")
    print("ms per step (forward, backward, SGD update), median of 7 interleaved rounds, each")
    print("library at its faster of 1 and 2 BLAS threads; float64 unless stated\n")
    print("cpu ratio: CPU ms per step of coursekit / torch, both at one thread\n")
    head = f"{'MLP':<22} {'batch':>5} {'coursekit':>10} {'torch':>10} {'ratio':>6}   {'products only':>13} {'cpu ratio':>9}"
    print(head)
    rows = [(sizes, n, rep, "float64") for sizes, n, rep in SIZES]
    rows.append((SIZES[1][0], SIZES[1][1], SIZES[1][2], "float32"))
    for sizes, n, repeat, dtype in rows:
        variants = {f"ck{k}": (coursekit_step(sizes, n), numpy_threads(k)) for k in (1, 2)}
        if torch is not None:
            tdtype = getattr(torch, dtype)
            for k in (1, 2):

                def setup(k=k):
                    torch.set_num_threads(k)
                    return threadpool_limits(1)

                variants[f"th{k}"] = (torch_step(torch, sizes, n, tdtype), setup)
                variants[f"npmm{k}"] = (products(sizes, n, np.matmul, np.asarray), numpy_threads(k))
                variants[f"thmm{k}"] = (products(sizes, n, torch.mm, lambda a: torch.tensor(a, dtype=tdtype)), setup)
        t, cpu = interleaved_times(variants, repeat)
        ours = min(t["ck1"], t["ck2"])
        name = "-".join(map(str, sizes)) + (" (f32)" if dtype == "float32" else "")
        if torch is None:
            print(f"{name:<22} {n:>5} {ours:>10.2f}")
            continue
        theirs = min(t["th1"], t["th2"])
        mm = min(t["npmm1"], t["npmm2"]) / min(t["thmm1"], t["thmm2"])
        cpu_ratio = cpu["ck1"] / cpu["th1"]
        print(f"{name:<22} {n:>5} {ours:>10.2f} {theirs:>10.2f} {ours / theirs:>6.2f}   {mm:>13.2f} {cpu_ratio:>9.2f}")
    if torch is not None:
        print("\n(f32): torch in float32; coursekit computes in float64 only.")
        torch.set_num_threads(1)

    peak, seconds, hist = digits_memory()
    print(
        f"\ndigits run (MLP 64-128-10, 20 epochs, batch 32, {hist.steps} steps): "
        f"{seconds:.2f} s, val accuracy {hist.val_acc[-1]:.3f}"
    )
    print(f"  peak traced Python/numpy memory (tracemalloc): {peak / 2**20:.2f} MiB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak resident set size of this process (incl. torch if loaded): {rss:.0f} MiB")


def digits_memory(epochs=20):
    d = data.digits(seed=0)
    tracemalloc.start()
    model = nn.MLP([64, 128, 10], rng=0)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    t0 = time.perf_counter()
    hist = train.fit(
        model,
        nn.cross_entropy,
        opt,
        d.X_train,
        d.y_train,
        epochs=epochs,
        batch_size=32,
        val=(d.X_val, d.y_val),
        rng=0,
        progress=False,
    )
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, seconds, hist


if __name__ == "__main__":
    main()

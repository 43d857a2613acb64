"""One training step (forward, backward, SGD update) of an MLP 64-128-10 at batch 64:
coursekit vs the same model in torch on CPU; and the peak memory of a digits run.

Prints numbers only (no assertions). Run: .venv/bin/python benchmarks/train_step.py
"""
import resource
import time
import tracemalloc

import numpy as np

from coursekit import data, nn, optim, train

SIZES, BATCH, REPEAT = [64, 128, 10], 64, 300


def interleaved_times(variants, repeat=REPEAT, rounds=7):
    """Median over ``rounds`` of the mean time per step (microseconds) of each
    variant. The variants take turns within each round, so a busy machine
    slows them alike and the ratios stay meaningful."""
    times = {name: [] for name in variants}
    for name, (step, setup) in variants.items():     # warm up
        setup()
        for _ in range(100):
            step()
    for _ in range(rounds):
        for name, (step, setup) in variants.items():
            setup()
            t0 = time.perf_counter()
            for _ in range(repeat):
                step()
            times[name].append((time.perf_counter() - t0) / repeat * 1e6)
    return {name: float(np.median(t)) for name, t in times.items()}


def coursekit_step():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(BATCH, SIZES[0])), rng.integers(0, SIZES[-1], size=BATCH)
    model = nn.MLP(SIZES, rng=0)
    opt = optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss = nn.cross_entropy(model(X), y)
        loss.backward()
        opt.step()
    return step


def torch_step(torch, dtype):
    g = torch.Generator().manual_seed(0)
    X = torch.randn(BATCH, SIZES[0], generator=g, dtype=dtype)
    y = torch.randint(0, SIZES[-1], (BATCH,), generator=g)
    model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(),
                                torch.nn.Linear(128, 10)).to(dtype)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.functional.cross_entropy

    def step():
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
    return step


def digits_memory(epochs=20):
    d = data.digits(seed=0)
    tracemalloc.start()
    model = nn.MLP([64, 128, 10], rng=0)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    t0 = time.perf_counter()
    hist = train.fit(model, nn.cross_entropy, opt, d.X_train, d.y_train, epochs=epochs,
                     batch_size=32, val=(d.X_val, d.y_val), rng=0, progress=False)
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, seconds, hist


def main():
    print(f"one SGD step (forward, backward, update), MLP {'-'.join(map(str, SIZES))}, batch {BATCH}")
    print(f"(median over 7 interleaved rounds of {REPEAT} steps)")
    variants = {"coursekit (float64, numpy)": (coursekit_step(), lambda: None)}
    try:
        import torch
    except ImportError:
        torch = None
        print("  torch is not installed: no comparison")
    if torch is not None:
        default_threads = torch.get_num_threads()
        for threads in sorted({1, default_threads}):
            for dtype in (torch.float32, torch.float64):
                name = (f"torch {torch.__version__} ({str(dtype)[6:]}, {threads} "
                        f"thread{'s' * (threads > 1)})")
                variants[name] = (torch_step(torch, dtype),
                                  lambda n=threads: torch.set_num_threads(n))
    times = interleaved_times(variants)
    ours = times["coursekit (float64, numpy)"]
    for name, t in times.items():
        ratio = "" if t == ours else f"   coursekit/torch = {ours / t:.2f}"
        print(f"  {name:<38} {t:8.1f} us/step{ratio}")
    if torch is not None:
        torch.set_num_threads(default_threads)
    peak, seconds, hist = digits_memory()
    print(f"digits run (MLP 64-128-10, 20 epochs, batch 32, {hist.steps} steps): {seconds:.2f} s, "
          f"val accuracy {hist.val_acc[-1]:.3f}")
    print(f"  peak traced Python/numpy memory (tracemalloc): {peak / 2**20:.2f} MiB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak resident set size of this process (incl. torch if loaded): {rss:.0f} MiB")


if __name__ == "__main__":
    main()

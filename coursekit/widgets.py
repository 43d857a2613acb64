"""ipywidgets explorers of the lessons: sliders wired to coursekit's math and plots (no math here).

Every explorer is an :class:`~coursekit.explorer.Explorer` (the mechanism, live
and kernel-free, is in :mod:`coursekit.explorer`).
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from .explorer import Explorer


def gradient_descent_explorer(
    landscape, extent, theta0=(0.0, 0.0), lr_range=(1e-3, 1.0), max_steps: int = 200
) -> Explorer:
    """Gradient descent on a 2-D ``landscape``: learning rate, number of steps and
    start point as sliders; contours with the path on the left, the loss gap on the right."""
    from . import plots
    from .landscapes import gradient_descent

    fig, (ax_path, ax_loss) = plt.subplots(1, 2, figsize=(10, 4))
    x0, x1, y0, y1 = extent
    controls = {
        "lr": W.FloatLogSlider(
            value=0.1, base=10, min=np.log10(lr_range[0]), max=np.log10(lr_range[1]), step=0.05, description="η (rate)"
        ),
        "steps": W.IntSlider(value=50, min=1, max=max_steps, description="steps"),
        "start_x": W.FloatSlider(value=theta0[0], min=x0, max=x1, step=0.1, description="θ₀[0]"),
        "start_y": W.FloatSlider(value=theta0[1], min=y0, max=y1, step=0.1, description="θ₀[1]"),
    }
    # The contours and axes never change: draw them once, then only move the lines
    # (clearing the log axis each move rebuilt its ticks: most of a move's time).
    plots.contour_paths(landscape, {}, extent, ax=ax_path)
    (path_line,) = ax_path.plot([], [], "r.-", ms=3, lw=1)
    status = ax_path.set_title("")
    (gap_line,) = ax_loss.semilogy([0], [1])
    ax_loss.set(xlabel="step $k$", ylabel=r"$J(\theta_k) - J(\theta^\star)$")

    def draw(fig, lr, steps, start_x, start_y):
        traj = gradient_descent(landscape, [start_x, start_y], lr, steps)
        path_line.set_data(*plots.visible_part(traj, extent).T)
        status.set_text(f"η = {lr:.3g}: {traj.reason}")
        gap = plots.loss_gap(traj, landscape.minimum)
        gap_line.set_data(np.arange(len(gap)), gap)
        ax_loss.set(xlim=(0, steps), ylim=(gap.min() / 3, gap.max() * 3))
        return traj

    return Explorer(fig, draw, controls)


def maximum_likelihood_explorer(x, y) -> Explorer:
    """Fit a model by hand: a Gaussian (μ, σ sliders) to the real sample ``x`` or a
    Bernoulli (p slider) to the 0/1 sample ``y``. Left: the data under the model;
    right: the mean NLL landscape with the current guess (dot) and the MLE (star).
    ``update`` returns ``{"model", "nll", "mle", "nll_mle"}``."""
    from . import likelihood, plots

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    mu_hat, sigma_hat = likelihood.gaussian_mle(x)
    p_hat = likelihood.bernoulli_mle(y)
    spread = x.std()
    lo, hi = x.min() - spread, x.max() + spread
    s_lo, s_hi = 0.25 * sigma_hat, 3.0 * sigma_hat

    # Everything that does not depend on the sliders is computed once here.
    grid = np.linspace(lo, hi, 300)
    mu_g, sigma_g = np.meshgrid(np.linspace(lo, hi, 80), np.linspace(s_lo, s_hi, 80))
    nll_grid = likelihood.gaussian_nll(x, mu_g, sigma_g)
    p_grid = np.linspace(0.005, 0.995, 199)
    nll_p = likelihood.bernoulli_nll(y, p_grid)

    fig, (ax_data, ax_nll) = plt.subplots(1, 2, figsize=(10, 3.8))
    controls = {
        "model": W.Dropdown(options=["Gaussian", "Bernoulli"], value="Gaussian", description="model"),
        "mu": W.FloatSlider(
            value=round(lo + 0.3 * (hi - lo), 2), min=round(lo, 2), max=round(hi, 2), step=0.01, description="μ"
        ),
        "sigma": W.FloatSlider(
            value=round(2 * sigma_hat, 2), min=round(s_lo, 2), max=round(s_hi, 2), step=0.01, description="σ"
        ),
        "p": W.FloatSlider(value=0.5, min=0.01, max=0.99, step=0.01, description="p"),
    }
    state = {"model": None}
    artists = {}

    def setup(model):
        ax_data.clear()
        ax_nll.clear()
        if model == "Gaussian":
            plots.sample_and_models(x, grid, {}, ax=ax_data)
            (artists["curve"],) = ax_data.plot(grid, np.zeros_like(grid), lw=2, color="C0", label="your model")
            plots.nll_contours(mu_g, sigma_g, nll_grid, ax=ax_nll, mle=(mu_hat, sigma_hat))
        else:
            plots.sample_and_models(y, [0, 1], {}, ax=ax_data, discrete=True)
            (artists["curve"],) = ax_data.plot([0, 1], [0.5, 0.5], "o", ms=9, color="C0", label="your model")
            ax_data.set_ylim(0, 1)
            plots.nll_curve(
                p_grid, nll_p, ax=ax_nll, mle=(p_hat, float(likelihood.bernoulli_nll(y, p_hat))), xlabel="$p$"
            )
        (artists["point"],) = ax_nll.plot([], [], "o", ms=9, color="C0", label="your guess")
        ax_data.legend(fontsize=8)
        ax_nll.legend(fontsize=8, loc="upper right")
        artists["title"] = ax_nll.set_title("")
        state["model"] = model

    def draw(fig, model, mu, sigma, p):
        if model != state["model"]:
            setup(model)
        if model == "Gaussian":
            nll = float(likelihood.gaussian_nll(x, mu, sigma))
            nll_mle = float(likelihood.gaussian_nll(x, mu_hat, sigma_hat))
            artists["curve"].set_ydata(likelihood.gaussian_density(grid, mu, sigma))
            artists["point"].set_data([mu], [sigma])
            mle = (mu_hat, sigma_hat)
            ax_data.set_ylim(0, max(1.05 * float(likelihood.gaussian_density(mu, mu, sigma)), ax_data.dataLim.y1))
        else:
            nll = float(likelihood.bernoulli_nll(y, p))
            nll_mle = float(likelihood.bernoulli_nll(y, p_hat))
            artists["curve"].set_ydata([1 - p, p])
            artists["point"].set_data([p], [nll])
            mle = (p_hat,)
        artists["title"].set_text(f"NLL = {nll:.3f}   (at the MLE: {nll_mle:.3f})")
        return {"model": model, "nll": nll, "mle": mle, "nll_mle": nll_mle}

    return Explorer(fig, draw, controls)


def adam_bias_explorer(max_steps: int = 1000, signal: float = 1.0, seed: int = 0) -> Explorer:
    """Adam's moments over a noisy gradient stream ``g_t = signal + noise * xi_t``
    (``xi_t`` standard normal, drawn once): sliders for beta1, beta2, the noise and
    the number of steps. Left: the stream, m_t and m^_t, sqrt(v_t) and sqrt(v^_t);
    right: Adam's step per unit rate with and without the bias correction, and the
    stationary limit E g / sqrt(E g^2). ``update`` returns ``{"t", "g", "moments",
    "corrected", "uncorrected", "limit"}``."""
    from . import moments, plots

    if int(max_steps) != max_steps or max_steps < 10:
        raise ValueError(f"max_steps must be an integer >= 10, got {max_steps!r}")
    xi = np.random.default_rng(seed).standard_normal(int(max_steps))  # one noise draw, rescaled by the slider
    fig, (ax_m, ax_u) = plt.subplots(1, 2, figsize=(11, 4))
    controls = {
        "beta1": W.SelectionSlider(options=[0.0, 0.5, 0.8, 0.9, 0.95, 0.99], value=0.9, description="β₁"),
        "beta2": W.SelectionSlider(options=[0.9, 0.99, 0.995, 0.999, 0.9999], value=0.999, description="β₂"),
        "noise": W.FloatSlider(value=1.0, min=0.0, max=5.0, step=0.1, description="noise σ"),
        "steps": W.IntSlider(value=min(200, int(max_steps)), min=10, max=int(max_steps), step=10, description="steps"),
    }
    # Lines are drawn once; a slider move only replaces their data.
    empty = np.zeros(0)
    (g_pts,) = ax_m.plot(empty, empty, ".", ms=2, color="0.6", label="$g_t$")
    plots.adam_steps(
        empty,
        {"$m_t$": empty, r"$\hat m_t$": empty, r"$\sqrt{v_t}$": empty, r"$\sqrt{\hat v_t}$": empty},
        ax=ax_m,
        ylabel="moment estimate",
    )
    lines_m = ax_m.get_lines()[1:]
    for line, style in zip(lines_m, ["--", "-", "--", "-"]):
        line.set_linestyle(style)
    plots.adam_steps(
        empty,
        {"corrected": empty, "uncorrected": empty},
        reference={r"limit $\mathbb{E}g/\sqrt{\mathbb{E}g^2}$": 1.0},
        ax=ax_u,
    )
    line_c, line_u, line_ref = ax_u.get_lines()
    ax_m.legend(fontsize=8, loc="upper right")
    title = ax_u.set_title("", fontsize=10)

    def draw(fig, beta1, beta2, noise, steps):
        t = np.arange(1, steps + 1)
        g = signal + noise * xi[:steps]
        mo = moments.adam_moments(g, (beta1, beta2))
        corrected = moments.adam_step(g, (beta1, beta2))
        uncorrected = moments.adam_step(g, (beta1, beta2), correct_m=False, correct_v=False)
        limit = moments.stationary_step(signal, noise)
        g_pts.set_data(t, g)
        for line, y in zip(lines_m, (mo.m, mo.m_hat, np.sqrt(mo.v), np.sqrt(mo.v_hat))):
            line.set_data(t, y)
        line_c.set_data(t, corrected)
        line_u.set_data(t, uncorrected)
        line_ref.set_ydata([limit, limit])
        lo, hi = np.percentile(g, [1, 99])
        ax_m.set(xlim=(0, steps), ylim=(min(lo, 0.0) - 0.1, max(hi, np.sqrt(mo.v_hat).max()) + 0.1))
        top = max(np.abs(uncorrected).max(), np.abs(corrected).max(), 1.0)
        ax_u.set(xlim=(0, steps), ylim=(min(corrected.min(), uncorrected.min(), 0.0) - 0.1, 1.05 * top))
        title.set_text(f"mean corrected step {corrected.mean():.2f}, limit {limit:.2f}")
        return {"t": t, "g": g, "moments": mo, "corrected": corrected, "uncorrected": uncorrected, "limit": limit}

    return Explorer(fig, draw, controls)


# --- SGD convergence ----------------------------------------------------------
#: the step-size schedules of the SGD explorer (decays start after about ``SGD_T0`` steps)
SGD_SCHEDULES = ("constant", "1/√t", "1/t")
SGD_T0 = 30.0


def sgd_schedule(name: str, lr: float):
    """The explorer's schedule ``name`` with base rate ``lr``: constant η0,
    η0/√(1 + t/t0) or η0/(1 + t/t0), with t0 = ``SGD_T0``."""
    from . import schedules

    if name == "constant":
        return schedules.ConstantLR(lr, factor=1.0, total_iters=0)
    if name == "1/√t":
        return schedules.InverseTimeLR(lr, t0=SGD_T0, power=0.5)
    if name == "1/t":
        return schedules.InverseTimeLR(lr, t0=SGD_T0, power=1.0)
    raise ValueError(f"name must be one of {SGD_SCHEDULES}, got {name!r}")


def sgd_convergence_explorer(
    x, y, x0=(2.0, -1.0), steps: int = 300, runs: int = 100, seed: int = 0, paths: int = 5
) -> Explorer:
    """Minibatch SGD fitting a line to ``(x, y)`` (least squares, parameters
    (intercept, slope)), ``runs`` seeded runs from ``x0``: step size η0, schedule
    (:func:`sgd_schedule`) and batch size as controls. Left: a few paths over
    the loss contours; right: the mean loss gap of the last and of the averaged iterate."""
    from . import plots
    from .data import design_matrix
    from .sgd_theory import FiniteSum, sgd_runs

    problem = FiniteSum(design_matrix(x), y)
    n = problem.n
    sizes = sorted({b for b in (1, 2, 4, 8, 16, 32, 64, 128) if b < n} | {n})
    controls = {
        "lr": W.FloatLogSlider(value=0.05, base=10, min=-3, max=np.log10(0.15), step=0.05, description="η0 (step)"),
        "schedule": W.Dropdown(options=list(SGD_SCHEDULES), value="constant", description="schedule"),
        "batch_size": W.SelectionSlider(options=sizes, value=sizes[0], description="batch B"),
    }
    fig, (ax_path, ax_gap) = plt.subplots(1, 2, figsize=(10, 4))
    # The contours never change: draw them once, then move only the paths' lines.
    xs = problem.minimizer
    a, b = np.meshgrid(np.linspace(xs[0] - 3.5, xs[0] + 3.5, 80), np.linspace(xs[1] - 3.5, xs[1] + 3.5, 80))
    plots.parameter_paths(a, b, problem.value(np.stack([a, b], axis=-1)), [], minimizer=xs, ax=ax_path)
    lines = [ax_path.plot([], [], "-", lw=0.7)[0] for _ in range(paths)]
    ax_path.set(xlabel="intercept", ylabel="slope")
    title = ax_path.set_title("", fontsize=10)
    k = np.arange(1, steps + 2)
    plots.gaps_and_bounds(
        {r"$\mathbb{E}F(x_k)-F^\star$": np.ones(steps), r"$\mathbb{E}F(\bar x_k)-F^\star$": np.ones(steps)},
        ax=ax_gap,
        ylabel=f"mean gap ({runs} runs)",
    )
    gap_line, avg_line = ax_gap.get_lines()
    ax_gap.set_xlim(1, steps)
    fig.subplots_adjust(wspace=0.3)

    def draw(fig, lr, schedule, batch_size):
        rates = sgd_schedule(schedule, lr)(np.arange(steps))
        result = sgd_runs(
            problem, x0, rates, batch_size=batch_size, runs=runs, replace=False, seed=seed, keep_paths=paths
        )
        for line, path in zip(lines, result.paths):
            line.set_data(path[:, 0], path[:, 1])
        title.set_text(f"{schedule}, η0 = {lr:.3g}, B = {batch_size}")
        # Move the two curves instead of clearing the Axes (rebuilding them is slow).
        gap_line.set_data(k[:-1], np.maximum(result.gap[:-1], 1e-300))
        avg_line.set_data(k[:-1], np.maximum(result.gap_avg, 1e-300))
        both = np.concatenate([result.gap[:-1], result.gap_avg])
        both = both[np.isfinite(both) & (both > 0)]
        if both.size:
            ax_gap.set_ylim(max(both.min(), 1e-12) / 1.5, both.max() * 1.5)
        return result

    return Explorer(fig, draw, controls)


# --- double descent -------------------------------------------------------------
#: the ridge values the double-descent explorer offers (0 is the minimum-norm fit)
DD_RIDGES = (0.0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)


def double_descent_explorer(sweep, f_train, f_test, sample_sizes=(50, 100, 150), noise_max: float = 1.0) -> Explorer:
    """Random-feature regression over all widths of ``sweep`` (a
    :class:`~coursekit.random_features.WidthSweep`): label noise σ, ridge λ and the number of
    training samples n as controls. Draws the test and training errors, averaged exactly over
    the label noise (:meth:`~coursekit.random_features.WidthSweep.expected_errors`), against the
    number of features, with the threshold p = n marked. Every n is prepared up front."""
    from . import plots

    for n in sample_sizes:
        sweep.prepare(n)
    controls = {
        "noise": W.FloatSlider(value=0.25, min=0.0, max=noise_max, step=0.05, description="noise σ"),
        "ridge": W.SelectionSlider(options=list(DD_RIDGES), value=0.0, description="ridge λ"),
        "n": W.SelectionSlider(
            options=list(sample_sizes), value=sample_sizes[len(sample_sizes) // 2], description="samples n"
        ),
    }
    fig, ax = plt.subplots(figsize=(7, 4))
    ones = np.ones(len(sweep.widths))
    plots.risk_curves(sweep.widths, {"": ones}, {"": ones}, threshold=sample_sizes[0], ax=ax)
    test_line, train_line, threshold = ax.get_lines()
    test_line.set_label("test error")
    train_line.set_label("training error")
    ax.legend(fontsize=8, loc="upper right")
    title = ax.set_title("", fontsize=10)

    def draw(fig, noise, ridge, n):
        errs = sweep.expected_errors(f_train, f_test, noise=noise, ridge=ridge, n=n)
        test_line.set_ydata(errs.test)
        train_line.set_ydata(np.maximum(errs.train, 1e-6))
        threshold.set_xdata([n, n])
        ax.set_ylim(1e-3, max(10.0, 2 * errs.test.max()))
        title.set_text(f"σ = {noise:.2f}, λ = {ridge:g}, n = {n}: test error peaks at p = {errs.peak_width}")
        return errs

    return Explorer(fig, draw, controls)


def universal_approximation_explorer(n_max: int = 64, domain=(0.0, 1.0), max_units_drawn: int = 16) -> Explorer:
    """A one-hidden-layer sigmoid network built by hand (a staircase of ``n`` steep
    sigmoids, :func:`coursekit.approximation.staircase`) for a target from
    :data:`coursekit.data.APPROXIMATION_TARGETS`. Left: target, network and (for
    small ``n``) each unit's contribution; right: the sup error against ``n`` at the
    current steepness. ``update`` returns ``{"net", "sup_error", "ns", "errors"}``."""
    from . import approximation, plots
    from .data import APPROXIMATION_TARGETS

    a, b = domain
    x = np.linspace(a, b, 1001)
    targets = {name: f(x) for name, f in APPROXIMATION_TARGETS.items()}  # computed once
    ns = np.unique(np.geomspace(1, n_max, 16).round().astype(int))
    cache = {}

    def error_curve(target, steepness):
        key = (target, round(float(steepness), 6))
        if key not in cache:
            f = APPROXIMATION_TARGETS[target]
            cache[key] = np.array(
                [
                    approximation.sup_error(f, approximation.staircase(f, n, steepness, domain), domain, num=x.size)
                    for n in ns
                ]
            )
        return cache[key]

    fig, (ax_fit, ax_err) = plt.subplots(1, 2, figsize=(10, 3.8))
    controls = {
        "target": W.Dropdown(options=list(APPROXIMATION_TARGETS), value="sine", description="target"),
        "n": W.IntSlider(value=8, min=1, max=n_max, description="units n"),
        "steepness": W.FloatLogSlider(value=10.0, base=10, min=0, max=2, step=0.05, description="steepness"),
    }
    plots.approximation_fit(x, targets["sine"], {}, ax=ax_fit)
    target_line = ax_fit.get_lines()[-1]
    (net_line,) = ax_fit.plot(x, np.zeros_like(x), lw=1.5, color="C0", label="network $g$")
    unit_lines = ax_fit.plot(x, np.zeros((x.size, max_units_drawn)), color="0.6", lw=0.8, alpha=0.7)
    ax_fit.legend(fontsize=8, loc="lower left")
    title = ax_fit.set_title("")
    state = {}

    def draw(fig, target, n, steepness):
        f = APPROXIMATION_TARGETS[target]
        net = approximation.staircase(f, n, steepness, domain)
        g = net(x)
        err = float(np.max(np.abs(targets[target] - g)))  # the sup error on the grid
        target_line.set_ydata(targets[target])
        net_line.set_ydata(g)
        units = net.units(x) if n <= max_units_drawn else None
        for i, line in enumerate(unit_lines):
            line.set_visible(units is not None and i < n)
            if units is not None and i < n:
                line.set_ydata(units[:, i])
        lo, hi = min(targets[target].min(), g.min()), max(targets[target].max(), g.max())
        if units is not None:
            lo, hi = min(lo, units.min()), max(hi, units.max())
        pad = 0.08 * (hi - lo)
        ax_fit.set_ylim(lo - pad, hi + pad)
        title.set_text(f"{n} sigmoid units: sup error {err:.3g}")
        errors = error_curve(target, steepness)
        if state.get("curve") != (target, steepness):
            ax_err.clear()
            plots.error_vs_n(
                ns, {f"staircase, steepness {steepness:.3g}": errors}, ax=ax_err, slopes={r"$\propto 1/n$": 1.0}
            )
            (state["mark"],) = ax_err.loglog([], [], "o", ms=9, color="C3")
            state["curve"] = (target, steepness)
        state["mark"].set_data([n], [err])
        return {"net": net, "sup_error": err, "ns": ns, "errors": errors}

    return Explorer(fig, draw, controls)


def dropout_explorer(histories: dict, activation: float = 1.0, samples: int = 5000, seed: int = 0) -> Explorer:
    """Dropout probability ``p`` and hidden width as sliders over a grid of trained runs.

    ``histories`` maps ``(p, width)`` to a :class:`~coursekit.train.History` (trained
    beforehand: a slider move only looks one up). Left: the running mean of
    ``samples`` inverted-dropout copies of one ``activation`` (``nn.Dropout`` in
    training mode, the same uniform draws for every ``p``) with a band of two
    standard errors; right: that run's training and validation loss.
    ``update`` returns ``{"masked", "running_mean", "band", "history"}``."""
    from . import moments, nn, plots

    if not histories:
        raise ValueError("histories is empty: pass {(p, width): History, ...}")
    ps = sorted({p for p, _ in histories})
    widths = sorted({w for _, w in histories})
    missing = [(p, w) for p in ps for w in widths if (p, w) not in histories]
    if missing:
        raise ValueError(f"histories must cover the grid of p and width; missing {missing}")
    fig, (ax_mc, ax_fit) = plt.subplots(1, 2, figsize=(11, 4))
    controls = {
        "p": W.SelectionSlider(options=ps, value=ps[len(ps) // 2], description="p (drop)"),
        "width": W.SelectionSlider(options=widths, value=widths[-1], description="width"),
    }
    k = np.arange(1, samples + 1)
    ones = np.full(samples, float(activation))
    first = histories[ps[0], widths[0]]
    plots.running_mean(k, ones, float(activation), band=np.zeros(samples), ax=ax_mc)
    mean_line = ax_mc.get_lines()[0]
    ax_mc.set_ylim(0.5 * activation, 1.5 * activation)
    plots.train_val_curves({"run": first}, ax=ax_fit)
    train_line, val_line = ax_fit.get_lines()
    # One scale for every run: the runs compare at a glance, and the axes (most of
    # the drawing) stay as they are from move to move.
    top = max(max(max(h.train_loss), max(h.val_loss)) for h in histories.values())
    ax_fit.set(xlim=(0, max(max(h.epoch) for h in histories.values())), ylim=(0, 1.05 * top))
    title = ax_fit.set_title("", fontsize=10)
    band_area = ax_mc.collections[0]
    # Above the axis (zorder 1.5), so that the canvas keeps the ticks and labels drawn
    # below it as pixels while the band changes; still below the lines (2).
    band_area.set_zorder(1.6)

    def draw(fig, p, width):
        layer = nn.Dropout(p, rng=seed)  # the same uniforms for every p
        masked = layer(ones).data  # a r_j / (1 - p), j = 1..samples
        means = moments.running_mean(masked)
        band = 2 * moments.dropout_std(activation, p) / np.sqrt(k)
        mean_line.set_data(k, means)
        band_area.set_data(k, activation - band, activation + band)
        ax_mc.set_title(f"p = {p}: mean of {samples} masks = {means[-1]:.3f}", fontsize=10)
        h = histories[p, width]
        train_line.set_data(h.epoch, h.train_loss)
        val_line.set_data(h.epoch, h.val_loss)
        title.set_text(f"p = {p}, width {width}: final gap {h.val_loss[-1] - h.train_loss[-1]:.3f}")
        return {"masked": masked, "running_mean": means, "band": band, "history": h}

    return Explorer(fig, draw, controls)


def second_order_explorer(landscape=None, extent=(-2.0, 2.0, -1.0, 3.0), theta0=(-1.2, 1.0)) -> Explorer:
    """Newton, damped Newton, L-BFGS (memory ``m``) and GD on a 2-D landscape
    (Rosenbrock by default): method, start point and ``m`` as controls; the path
    on the contours (left) and the error ``|theta_t - theta*|`` on a log scale
    (right). ``update`` returns ``{"trajectory", "error"}``."""
    from . import plots
    from .landscapes import Rosenbrock
    from .second_order import METHODS, run_method

    landscape = Rosenbrock() if landscape is None else landscape
    x0, x1, y0, y1 = extent
    fig, (ax_path, ax_err) = plt.subplots(1, 2, figsize=(10, 4))
    controls = {
        "method": W.Dropdown(options=list(METHODS), value="Newton", description="method"),
        "start_x": W.FloatSlider(value=theta0[0], min=x0, max=x1, step=0.2, description="θ₀[0]"),
        "start_y": W.FloatSlider(value=theta0[1], min=y0, max=y1, step=0.2, description="θ₀[1]"),
        "m": W.SelectionSlider(options=[1, 2, 3, 5, 10, 20], value=10, description="m (L-BFGS)"),
    }
    plots.contour_paths(landscape, {}, extent, ax=ax_path)
    (path_line,) = ax_path.plot([], [], "r.-", ms=3, lw=1)
    (start_dot,) = ax_path.plot([], [], "ro", ms=6)
    title = ax_path.set_title("", fontsize=10)
    plots.error_curves({}, ax=ax_err)
    (err_line,) = ax_err.semilogy([], [], "r.-", ms=3, lw=1)
    ax_err.set_ylim(1e-16, 1e3)

    def draw(fig, method, start_x, start_y, m):
        traj = run_method(method, landscape, [start_x, start_y], m=m)
        error = np.linalg.norm(traj.path - landscape.minimizer, axis=1)
        path_line.set_data(*plots.visible_part(traj, extent).T)
        start_dot.set_data([start_x], [start_y])
        err_line.set_data(np.arange(len(error)), np.maximum(error, 1e-16))
        ax_err.set_xlim(0, max(len(error) - 1, 1))
        name = f"L-BFGS, m = {m}" if method == "L-BFGS" else method
        title.set_text(f"{name}: {traj.reason}")
        return {"trajectory": traj, "error": error}

    return Explorer(fig, draw, controls)


# --- backpropagation (lesson 02) ---------------------------------------------
def backprop_explorer(
    X,
    y,
    width: int = 16,
    depths=(2, 4, 8, 16),
    scales=(0.5, 1.0, 2.0, 4.0),
    lr: float = 0.5,
    steps: int = 60,
    seed: int = 0,
    static=None,
) -> Explorer:
    """Depth, activation and initial weight scale of an MLP with ``width`` units
    per hidden layer, trained by full-batch gradient descent (binary
    cross-entropy on ``(X, y)``, rate ``lr``, ``steps`` steps, hand-written
    backward pass of :mod:`coursekit.manual_backprop`). Left: the per-layer
    gradient norms at initialisation (log scale); right: the loss curve, or
    "diverged". Runs are cached. ``update`` returns ``{"run", "norms", "loss",
    "diverged"}``. In the HTML book the kernel-free figure is precomputed
    over depth x activation (``static``) at the initial scale 1."""
    from . import manual_backprop, plots

    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1, 1)
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError(f"X must be (N, d) with one label per row, got {X.shape} and {y.shape}")
    depths, scales = [int(d) for d in depths], [float(s) for s in scales]
    if min(depths) < 1:
        raise ValueError(f"depths must be >= 1, got {depths}")
    controls = {
        "depth": W.SelectionSlider(
            options=depths,
            value=depths[len(depths) // 2],
            description="depth L",
        ),
        "activation": W.Dropdown(
            options=list(manual_backprop.ACTIVATIONS),
            value="sigmoid",
            description="activation",
        ),
        "scale": W.SelectionSlider(
            options=scales,
            value=1.0 if 1.0 in scales else scales[0],
            description="init scale",
        ),
    }
    cache = {}

    def run_for(depth, activation, scale):
        key = (depth, activation, scale)
        if key not in cache:
            sizes = [X.shape[1]] + [width] * (depth - 1) + [1]
            cache[key] = manual_backprop.train_mlp(
                sizes,
                X,
                y,
                activation,
                scale,
                lr=lr,
                steps=steps,
                loss="bce",
                seed=seed,
            )
        return cache[key]

    fig, (ax_norm, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
    plots.gradient_norms_by_layer({"at initialisation": np.ones(max(depths))}, ax=ax_norm)
    (norm_line,) = ax_norm.get_lines()
    ax_norm.get_legend().remove()
    (loss_line,) = ax_loss.plot([], [], lw=1.5)
    ax_loss.axhline(
        np.log(2),
        color="0.5",
        ls=":",
        lw=1,
        label="ln 2 (always predicting 1/2)",
    )
    ax_loss.set(
        xlabel="gradient-descent step",
        ylabel="training loss (cross-entropy)",
        xlim=(0, steps),
    )
    ax_loss.legend(fontsize=8, loc="upper right")
    title_norm = ax_norm.set_title("", fontsize=10)
    title_loss = ax_loss.set_title("", fontsize=10)

    def draw(fig, depth, activation, scale):
        run = run_for(depth, activation, scale)
        norms = run.norms
        norm_line.set_data(np.arange(1, depth + 1), np.maximum(norms, 1e-300))
        finite = norms[np.isfinite(norms) & (norms > 0)]
        lo, hi = (finite.min(), finite.max()) if finite.size else (1e-3, 1.0)
        ax_norm.set(xlim=(0.5, max(depths) + 0.5), ylim=(lo / 5, hi * 5))
        title_norm.set_text(
            f"{activation}, L = {depth}, scale {scale:g}: layer 1 / layer L = {norms[0] / norms[-1]:.2g}"
        )
        loss = np.asarray(run.loss)
        loss_line.set_data(np.arange(loss.size), loss)
        top = max(loss.max() if loss.size else 1.0, np.log(2))
        ax_loss.set_ylim(0, 1.1 * min(top, 10.0))
        if run.diverged:
            title_loss.set_text(f"diverged at step {run.diverged_at}")
        else:
            title_loss.set_text(f"loss {loss[0]:.3f} -> {loss[-1]:.3f} in {steps} steps")
        return {
            "run": run,
            "norms": norms,
            "loss": loss,
            "diverged": run.diverged,
        }

    if static is None:
        acts = list(manual_backprop.ACTIVATIONS)
        static = {"depth": depths, "activation": acts}
    return Explorer(fig, draw, controls, static=static)


# --- chapter 07: momentum -------------------------------------------------------
#: the condition numbers of the momentum explorer
MOMENTUM_KAPPAS = (1, 3, 10, 30, 100, 300, 1000)


def momentum_explorer(
    steps: int = 300, angle: float = np.pi / 6, theta0=(1.5, 1.0), extent=(-2.0, 2.0, -2.0, 2.0)
) -> Explorer:
    """Gradient descent, heavy ball and Nesterov on the 2-D quadratic with Hessian
    eigenvalues 1/kappa and 1 (axes turned by ``angle``), minimum at 0. Controls: the
    condition number kappa, the rate eta and the momentum mu (GD uses the same eta).
    Left: the three paths on the contours; right: the error norms on a log scale with
    dashed lines of the predicted rates. ``update`` returns ``{"kappa", "lam", "runs"
    (method -> momentum.Errors), "theory", "measured" (method -> rate per step)}``."""
    from . import momentum as mom
    from . import plots
    from .landscapes import Quadratic

    if int(steps) != steps or steps < 10:
        raise ValueError(f"steps must be an integer >= 10, got {steps!r}")
    steps = int(steps)
    fig, (ax_path, ax_err) = plt.subplots(1, 2, figsize=(11, 4.2))
    controls = {
        "kappa": W.SelectionSlider(options=list(MOMENTUM_KAPPAS), value=100, description="κ"),
        "lr": W.FloatSlider(value=1.0, min=0.1, max=4.0, step=0.1, description="η (rate)"),
        "momentum": W.FloatSlider(value=0.8, min=0.0, max=0.99, step=0.01, description="μ"),
    }
    c, s = np.cos(angle), np.sin(angle)
    Q = np.array([[c, -s], [s, c]])  # columns: eigenvectors (1/kappa, 1)
    e0 = Q.T @ np.asarray(theta0, dtype=float)
    names = {"gd": "GD", "heavy_ball": "heavy ball", "nesterov": "Nesterov"}
    lines = {m: ax_path.plot([], [], ".-", ms=2, lw=0.9, color=f"C{i}", label=names[m])[0] for i, m in enumerate(names)}
    ax_path.plot(0, 0, "k*", ms=9)
    ax_path.set(xlim=extent[:2], ylim=extent[2:])
    ax_path.legend(fontsize=8, loc="lower right")
    drawn = {"kappa": None, "contours": None}
    # The error panel's lines are made once (a solid curve and a dashed predicted slope
    # per method); a move only replaces their data and the legend's texts.
    dummy = np.ones(5)
    plots.error_norm_curves({m: dummy for m in names}, ax=ax_err, rates={m: 1.0 for m in names})
    err_lines = ax_err.get_lines()
    solid, dashed = err_lines[0::2], err_lines[1::2]
    legend_texts = ax_err.get_legend().get_texts()
    ax_err.set(xlim=(0, steps), ylim=(1e-16, 1e3))

    def draw(fig, kappa, lr, momentum):
        lam = np.array([1.0 / kappa, 1.0])
        if drawn["kappa"] != kappa:  # contours change only with kappa
            if drawn["contours"] is not None:
                drawn["contours"].remove()
            land = Quadratic(Q @ np.diag(lam) @ Q.T)
            a, b = np.meshgrid(np.linspace(*extent[:2], 90), np.linspace(*extent[2:], 90))
            z = land.value(np.stack([a, b], axis=-1))
            drawn["contours"] = ax_path.contour(
                a, b, z, levels=np.geomspace(1e-4, z.max(), 18), cmap="viridis", linewidths=0.6
            )
            drawn["kappa"] = kappa
        mu_of = {"gd": 0.0, "heavy_ball": momentum, "nesterov": momentum}
        runs = {m: mom.quadratic_errors(lam, e0, lr, mu_of[m], steps, m) for m in names}
        theory = {m: float(mom.worst_rate(lam, lr, mu_of[m], m)) for m in names}
        measured = {m: (None if r.diverged else mom.measured_rate(r.norms)) for m, r in runs.items()}
        for m, r in runs.items():
            path = r.errors @ Q.T
            if r.diverged:  # stop at the frame, not at 1e6
                out = np.any(np.abs(path) > 2 * max(map(abs, extent)), axis=1)
                path = path[: np.argmax(out) + 1] if out.any() else path
            lines[m].set_data(path[:, 0], path[:, 1])
        K, ks = np.arange(steps + 1), np.arange(steps // 4, steps + 1)
        for i, (m, r) in enumerate(runs.items()):
            norms = np.maximum(r.norms, 1e-300)
            solid[i].set_data(K[: len(norms)], norms)
            if r.diverged:
                legend_texts[i].set_text(f"{names[m]}: diverged at step {r.diverged_at}")
                dashed[i].set_data([], [])
                continue
            legend_texts[i].set_text(f"{names[m]}: ρ = {theory[m]:.3f} (theory), {measured[m]:.3f} (measured)")
            if theory[m] > 0:
                dashed[i].set_data(ks, norms[-1] * theory[m] ** (ks - steps))
            else:
                dashed[i].set_data([], [])
        ax_path.set_title(f"κ = {kappa}, η = {lr:.2f}, μ = {momentum:.2f}", fontsize=10)
        return {"kappa": kappa, "lam": lam, "runs": runs, "theory": theory, "measured": measured}

    static = {"momentum": [0.0, 0.5, 0.7, 0.8, 0.9, 0.95], "kappa": [10, 100, 1000]}
    return Explorer(fig, draw, controls, static=static)


# --- learning-rate schedules ------------------------------------------------------
def schedule_explorer(
    train,
    val,
    x0=None,
    steps: int = 300,
    batch_size: int = 4,
    runs: int = 20,
    seed: int = 0,
    lrs=(0.01, 0.03, 0.1, 0.2),
    warmups=(0, 15, 30, 60),
    end_factors=(0.1, 0.01, 0.001),
) -> Explorer:
    """Minibatch SGD on the least-squares problem ``train`` (a
    :class:`~coursekit.sgd_theory.FiniteSum`) under a schedule from
    :func:`coursekit.schedules.by_name`: family, base rate η0, warm-up steps and the end
    ratio η_T/η0 as controls. Left: the schedule η_t; right: the mean training loss and
    the mean loss on ``val`` over ``runs`` seeded runs (the same minibatches for every
    schedule), beside the constant rate η0 (grey). ``update`` returns ``{"schedule",
    "rates", "train_loss", "val_loss", "diverged_at", "constant"}``; ``diverged_at`` is the
    first step whose mean loss is not finite (or passes 1e6 times the start), else None."""
    from . import plots, schedules
    from .sgd_theory import sgd_iterates, values

    x0 = np.zeros(train.dim) if x0 is None else np.asarray(x0, dtype=float)
    t = np.arange(steps)
    k = np.arange(steps + 1)

    def run(rates):
        paths = sgd_iterates(train, x0, rates, batch_size=batch_size, runs=runs, seed=seed)
        tr, va = values(train, paths).mean(axis=0), values(val, paths).mean(axis=0)
        bad = ~np.isfinite(tr) | ~np.isfinite(va) | (tr > 1e6 * tr[0])
        return tr, va, (int(np.argmax(bad)) if bad.any() else None)

    constant = {lr: run(np.full(steps, float(lr))) for lr in lrs}  # the grey reference, once
    controls = {
        "family": W.Dropdown(options=list(schedules.FAMILIES), value="cosine", description="schedule"),
        "lr": W.SelectionSlider(options=list(lrs), value=lrs[len(lrs) // 2], description="η0"),
        "warmup": W.SelectionSlider(options=list(warmups), value=warmups[0], description="warm-up"),
        "end_factor": W.SelectionSlider(
            options=list(end_factors), value=end_factors[len(end_factors) // 2], description="η_T / η0"
        ),
    }
    fig, (ax_lr, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
    plots.schedule_curves(t, {"schedule": np.ones(steps), r"constant $\eta_0$": np.ones(steps)}, ax=ax_lr)
    lr_line, lr_ref = ax_lr.get_lines()
    lr_ref.set(color="0.6", ls="--")
    ax_lr.legend(fontsize=8, loc="upper right")
    ones = np.ones(steps + 1)
    plots.schedule_curves(
        k,
        {"training": ones, "validation": ones, "constant: training": ones, "constant: validation": ones},
        ax=ax_loss,
        logy=True,
        ylabel="mean loss",
    )
    tr_line, va_line, ref_tr, ref_va = ax_loss.get_lines()
    va_line.set_linestyle("--")
    ref_tr.set(color="0.6", lw=1)
    ref_va.set(color="0.6", lw=1, ls="--")
    ax_loss.axhline(train.minimum, color="k", lw=0.8, ls=":", label="training minimum")
    ax_loss.legend(fontsize=8, loc="upper right")
    title = ax_loss.set_title("", fontsize=10)

    def draw(fig, family, lr, warmup, end_factor):
        sched = schedules.by_name(family, lr, steps, warmup=warmup, end_factor=end_factor)
        rates = sched(t)
        tr, va, diverged = run(rates)
        lr_line.set_data(t, rates)
        lr_ref.set_data(t, np.full(steps, lr))
        ax_lr.set(xlim=(0, steps), ylim=(0, 1.08 * max(lrs)))
        stop = steps + 1 if diverged is None else diverged
        tr_line.set_data(k[:stop], tr[:stop])
        va_line.set_data(k[:stop], va[:stop])
        c_tr, c_va, c_div = constant[lr]
        c_stop = steps + 1 if c_div is None else c_div
        ref_tr.set_data(k[:c_stop], c_tr[:c_stop])
        ref_va.set_data(k[:c_stop], c_va[:c_stop])
        shown = np.concatenate([tr[:stop], va[:stop], c_tr[:c_stop], c_va[:c_stop], [train.minimum]])
        shown = shown[np.isfinite(shown) & (shown > 0)]
        ax_loss.set(xlim=(0, steps), ylim=(0.8 * shown.min(), 1.2 * shown.max()))
        if diverged is None:
            title.set_text(f"{family}: final training loss {tr[-1]:.3f}, validation {va[-1]:.3f}")
        else:
            title.set_text(f"{family}, η0 = {lr}: diverged at step {diverged}")
        return {
            "schedule": sched,
            "rates": rates,
            "train_loss": tr,
            "val_loss": va,
            "diverged_at": diverged,
            "constant": constant[lr],
        }

    return Explorer(fig, draw, controls)


# --- adaptive step sizes (lesson 08) ---------------------------------------------
def adaptive_explorer(
    kappas=(1, 10, 100, 1000), theta0=(-1.0, 0.6), steps: int = 200, extent=(-1.3, 1.3, -0.8, 0.8)
) -> Explorer:
    """SGD, momentum, AdaGrad, RMSProp or Adam (PyTorch's defaults apart from η;
    momentum 0.9) on the bowl ``J = ½ θᵀHθ`` with eigenvalues 1 and κ, its axes
    along the coordinates or turned by 45°. Controls: optimizer, η, κ, turn.
    Left: the path over the contours; right: each coordinate's effective rate
    (:func:`coursekit.adaptive.effective_rates`) and diagonal Newton's 1/H_jj.
    ``update`` returns ``{"trajectory", "rates", "landscape"}``."""
    from . import adaptive, optim, plots
    from .landscapes import Quadratic, run

    makers = {
        "SGD": (optim.SGD, {}),
        "momentum": (optim.SGD, {"momentum": 0.9}),
        "AdaGrad": (optim.Adagrad, {}),
        "RMSProp": (optim.RMSprop, {}),
        "Adam": (optim.Adam, {}),
    }
    turns = {"along the axes": 0.0, "turned 45°": 45.0}
    bowls = {(k, a): Quadratic.with_condition_number(k, angle=np.deg2rad(a)) for k in kappas for a in turns.values()}
    x0, x1, y0, y1 = extent
    a, b = np.meshgrid(np.linspace(x0, x1, 100), np.linspace(y0, y1, 100))
    grid = np.stack([a, b], axis=-1)
    surfaces = {key: q.value(grid) for key, q in bowls.items()}  # contours computed once
    controls = {
        "method": W.Dropdown(options=list(adaptive.METHODS), value="AdaGrad", description="optimizer"),
        "lr": W.FloatLogSlider(value=0.1, base=10, min=-3, max=0.5, step=0.25, description="η (rate)"),
        "kappa": W.SelectionSlider(options=list(kappas), value=kappas[len(kappas) // 2], description="κ (scaling)"),
        "turn": W.Dropdown(options=list(turns.items()), value=0.0, description="axes"),
    }
    fig, (ax_path, ax_rate) = plt.subplots(1, 2, figsize=(11, 4))
    (path_line,) = ax_path.plot([], [], "r.-", ms=3, lw=1)
    ax_path.plot(0.0, 0.0, "k*", ms=10)
    ax_path.set(xlim=(x0, x1), ylim=(y0, y1), xlabel=r"$\theta_1$", ylabel=r"$\theta_2$")
    title = ax_path.set_title("", fontsize=10)
    rate_lines = [ax_rate.loglog([], [], color=f"C{j}", label=f"coordinate {j + 1}")[0] for j in range(2)]
    ref_lines = [
        ax_rate.axhline(1.0, color=f"C{j}", ls="--", lw=1, label=rf"$1/H_{{{j + 1}{j + 1}}}$") for j in range(2)
    ]
    ax_rate.set(xlabel="step $t$", ylabel="effective rate", xlim=(1, steps))
    ax_rate.legend(fontsize=8, loc="lower left")
    rate_title = ax_rate.set_title("", fontsize=10)
    state = {"key": None, "contours": None}
    adaptive.effective_rates(np.ones((2, 2)), "RMSProp", 1.0)  # import scipy.signal now, not on a move

    def draw(fig, method, lr, kappa, turn):
        q = bowls[kappa, turn]
        if state["key"] != (kappa, turn):  # redraw the contours only when the bowl changes
            if state["contours"] is not None:
                state["contours"].remove()
            z = surfaces[kappa, turn]
            state["contours"] = ax_path.contour(
                a, b, z, levels=np.geomspace(1e-3, z.max(), 20), cmap="viridis", linewidths=0.7
            )
            state["key"] = (kappa, turn)
        cls, hyper = makers[method]
        traj = run(cls, q, theta0, steps, lr=lr, **hyper)
        path_line.set_data(*plots.visible_part(traj, extent).T)
        title.set_text(f"{method}, η = {lr:.3g}, κ = {kappa}: {traj.reason}, J = {traj.losses[-1]:.2g}")
        if traj.steps > 0:
            rates = adaptive.effective_rates(q.grad(traj.path[:-1]), method, lr)
        else:
            rates = np.empty((0, 2))
        t = np.arange(1, len(rates) + 1)
        for j in range(2):
            rate_lines[j].set_data(t, rates[:, j])
            ref_lines[j].set_ydata([1 / q.A[j, j]] * 2)
        values = np.concatenate([rates.ravel(), 1 / np.diag(q.A)])
        values = values[np.isfinite(values) & (values > 0)]
        ax_rate.set_ylim(values.min() / 3, values.max() * 3)
        rate_title.set_text("per-coordinate rates; dashed: diagonal Newton")
        return {"trajectory": traj, "rates": rates, "landscape": q}

    return Explorer(fig, draw, controls)


# --- capacity and regularization ------------------------------------------
#: the ridge values λ the capacity explorer offers (0: plain least squares)
CAPACITY_RIDGES = (0.0, 1e-4, 1e-3, 1e-2, 1e-1, 1.0)


def capacity_explorer(
    x_pool,
    y_pool,
    val,
    test,
    max_degree: int = 15,
    sizes=(20, 40, 80, 160),
    noise: float | None = None,
) -> Explorer:
    """Polynomial ridge regression (:mod:`coursekit.capacity`, Legendre
    features, the target :func:`coursekit.data.curve_target`) with the degree
    ``k``, the ridge λ and the training-set size N (the first N points of
    ``x_pool, y_pool``) as controls. Left: the training points and the fit of
    degree ``k``; right: training, validation and test errors against the
    degree for this λ and N (``val`` and ``test`` are ``(x, y)`` pairs), with
    ``k`` marked and ``noise**2`` drawn as the floor. ``update`` returns
    ``{"sweep", "fit", "errors"}``: the
    :class:`~coursekit.capacity.CapacitySweep` over all degrees, the fitted
    curve on the plotting grid, and the three errors at ``k``."""
    from . import capacity, plots
    from .data import curve_target

    x_pool, y_pool = (
        np.asarray(x_pool, dtype=float),
        np.asarray(y_pool, dtype=float),
    )
    if max(sizes) > len(x_pool):
        raise ValueError(f"sizes must be at most len(x_pool) = {len(x_pool)}, got {sizes!r}")
    Phi_pool = capacity.legendre_features(x_pool, max_degree)  # computed once
    evals = {
        name: (
            capacity.legendre_features(np.asarray(x, dtype=float), max_degree),
            np.asarray(y, dtype=float),
        )
        for name, (x, y) in (("validation", val), ("test", test))
    }
    grid = np.linspace(-1, 1, 300)
    Phi_grid = capacity.legendre_features(grid, max_degree)
    degrees = np.arange(max_degree + 1)
    cache = {}

    def sweep_for(lam, n):
        # all degrees at once: a move of the degree slider only looks up
        if (lam, n) not in cache:
            cache[lam, n] = capacity.capacity_sweep(Phi_pool[:n], y_pool[:n], evals, degrees, lam)
        return cache[lam, n]

    controls = {
        "degree": W.IntSlider(value=3, min=0, max=max_degree, description="degree k"),
        "ridge": W.SelectionSlider(options=list(CAPACITY_RIDGES), value=0.0, description="ridge λ"),
        "n": W.SelectionSlider(options=list(sizes), value=sizes[0], description="samples N"),
    }
    fig, (ax_fit, ax_err) = plt.subplots(1, 2, figsize=(11, 4))
    plots.curve_fit(
        x_pool[: sizes[0]],
        y_pool[: sizes[0]],
        grid,
        curve_target(grid),
        {"fit": np.zeros_like(grid)},
        ax=ax_fit,
    )
    _, fit_line, points = ax_fit.get_lines()
    fit_title = ax_fit.set_title("", fontsize=10)
    ones = np.ones(len(degrees))
    plots.capacity_curves(
        degrees,
        ones,
        {"validation": ones, "test": ones},
        ax=ax_err,
        mark=0,
        floor=None if noise is None else noise**2,
    )
    lines = ax_err.get_lines()
    train_line, val_line, test_line, mark = (
        lines[0],
        lines[1],
        lines[2],
        lines[-1],
    )
    ax_err.set_ylim(0.03, 30)
    err_title = ax_err.set_title("", fontsize=10)

    def draw(fig, degree, ridge, n):
        sweep = sweep_for(ridge, n)
        w, b = sweep.fits[degree]
        fit = capacity.predict(Phi_grid, w, b)
        points.set_data(x_pool[:n], y_pool[:n])
        fit_line.set_ydata(fit)
        train_line.set_ydata(sweep.train)
        val_line.set_ydata(sweep.errors["validation"])
        test_line.set_ydata(sweep.errors["test"])
        mark.set_xdata([degree, degree])
        errors = {
            "training": sweep.train[degree],
            **{name: e[degree] for name, e in sweep.errors.items()},
        }
        fit_title.set_text(f"degree {degree}, λ = {ridge:g}, N = {n}")
        err_title.set_text(
            f"at k = {degree}: training {errors['training']:.3g}, validation "
            f"{errors['validation']:.3g}, test {errors['test']:.3g}\n"
            f"the validation set picks k = {sweep.best()}"
        )
        return {"sweep": sweep, "fit": fit, "errors": errors}

    return Explorer(fig, draw, controls)

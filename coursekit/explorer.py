"""The explorer mechanism: controls wired to a figure, live or kernel-free.

An :class:`Explorer` holds a figure, a ``draw`` function and its controls. Its
``update(**values)`` recomputes and redraws for one setting of the controls; the
sliders call it, and so do the tests (over the sliders' ranges) and the
benchmarks (to time a slider move). With a kernel the figure is a PNG in an
``Image`` widget, drawn on a layered canvas that keeps each Axes' unchanged
ticks and labels between moves; in the built book (``COURSEKIT_STATIC_EXPLORERS``)
the same explorer is HTML frames over a grid of its main controls.
The lessons' explorers are in :mod:`coursekit.explorers`, one module per chapter.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import os
from collections.abc import Callable

import ipywidgets as W
import matplotlib
import matplotlib.axis
import matplotlib.image
import matplotlib.legend
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg

#: ``make book`` sets this environment variable (to 1): an explorer then shows as
#: kernel-free HTML, frames precomputed over a grid of its main control(s) with a
#: range slider that swaps them. Unset (JupyterLab, Binder, Colab, nbval), the same
#: cell shows the live ipywidgets explorer and no frame is rendered.
STATIC_ENV = "COURSEKIT_STATIC_EXPLORERS"

_SLIDERS = (W.IntSlider, W.FloatSlider, W.FloatLogSlider, W.SelectionSlider)
_CHOICES = (W.Dropdown, W.ToggleButtons, W.RadioButtons, W.Select, W.SelectionSlider)


def static_mode() -> bool:
    """Whether explorers render as kernel-free HTML (``COURSEKIT_STATIC_EXPLORERS``)."""
    return os.environ.get(STATIC_ENV, "").strip() not in ("", "0")


def control_values(widget) -> list:
    """Every value ``widget`` can take, in order: a choice widget's options, a
    slider's values from min to max by step, a checkbox's False and True.
    An empty list for a widget with no finite set of values (text, ...)."""
    if isinstance(widget, _CHOICES):
        return list(widget._options_values)
    if isinstance(widget, W.Checkbox):
        return [False, True]
    if isinstance(widget, W.IntSlider):
        return list(range(widget.min, widget.max + 1, max(int(widget.step), 1)))
    if isinstance(widget, (W.FloatSlider, W.FloatLogSlider)) and widget.step > 0:
        k = int(np.floor((widget.max - widget.min) / widget.step + 1e-9))
        decimals = max(0, -int(np.floor(np.log10(widget.step)))) + 6
        points = np.round(widget.min + widget.step * np.arange(k + 1), decimals)
        if isinstance(widget, W.FloatLogSlider):
            return [float(widget.base**e) for e in points]
        return [float(v) for v in points]
    return []


def control_label(widget, value) -> str:
    """How ``widget`` shows ``value`` (its option label or its readout format)."""
    if isinstance(widget, _CHOICES):
        return widget._options_labels[list(widget._options_values).index(value)]
    try:
        return format(value, getattr(widget, "readout_format", "") or "")
    except (TypeError, ValueError):
        return str(value)


def _nearest(values, value) -> int:
    if value in values:
        return values.index(value)
    return int(np.argmin([abs(float(v) - float(value)) for v in values]))


def subsample(values: list, count: int, keep) -> list:
    """At most ``count`` of ``values``, evenly spread, first and last and the
    one nearest ``keep`` (the control's current value) included."""
    if count < 1:
        raise ValueError(f"count must be >= 1, got {count!r}")
    if len(values) <= count:
        return list(values)
    k = _nearest(values, keep)
    if count == 1:
        return [values[k]]
    picked = list(np.unique(np.round(np.linspace(0, len(values) - 1, count)).astype(int)))
    if k not in picked:  # swap the nearest inner point for the current value
        inner = [i for i in picked[1:-1]] or picked
        picked[picked.index(min(inner, key=lambda i: abs(i - k)))] = k
    return [values[i] for i in sorted(set(picked))]


class _LayeredCanvas(FigureCanvasAgg):
    """An Agg canvas that keeps each Axes' static layer between draws.

    Most of a redraw goes to the axes' furniture: ticks, tick labels and axis labels
    (60-90 % of the Agg draw of an explorer's figure), which a slider move seldom
    changes. While :attr:`layered` is set (:meth:`Explorer.png` sets it for a fixed
    crop), a draw splits each Axes, in matplotlib's own drawing order, into its layer
    up to and including the axis objects (patch, anything below them, ticks, labels)
    and the rest (lines, contours, spines, texts, legend, ...). The layers are drawn
    by matplotlib (each Axes' ``draw`` with the rest skipped) and kept as pixels,
    with the pixels each one changed; an Axes' layer is drawn again only when its
    limits, geometry, scales, ticks, tick labels or axis labels change or one of its
    other artists is stale (with any layer it shares pixels with, in order). Then the
    rest of every Axes is drawn on top, in order. The pixels are those of a plain
    draw, but for at most :attr:`MAX_SHARED` pixels where what an Axes draws on top
    touches a later Axes' layer (drawn the other way round there); more, and this
    canvas makes plain draws for good. No layout engine, no subfigures, no child
    axes: plain draws.
    """

    #: pixels an Axes may draw on top of a later Axes' layer (where one Axes' spine
    #: touches the next one's tick or axis label, the two are stacked the other way
    #: round there); beyond it, plain draws
    MAX_SHARED = 64

    def __init__(self, figure):
        super().__init__(figure)
        self.layered = False
        self._ck_plain = False  # the layers proved to overlap: plain draws from now on
        self._ck_cache = None

    def print_png(self, filename_or_obj, *, metadata=None, pil_kwargs=None, **_print_figure_kwargs):
        # (print_figure passes dpi, facecolor, ... to a third-party print method: already applied)
        if not self.layered:
            return super().print_png(filename_or_obj, metadata=metadata, pil_kwargs=pil_kwargs)
        self.draw()  # as FigureCanvasAgg.print_png, with this canvas' draw
        matplotlib.image.imsave(
            filename_or_obj,
            self.buffer_rgba(),
            format="png",
            origin="upper",
            dpi=self.figure.dpi,
            metadata=metadata,
            pil_kwargs=pil_kwargs,
        )

    def draw(self):
        fig = self.figure
        if not self.layered or self._ck_plain or fig.get_layout_engine() is not None or fig.subfigs:
            self._ck_cache = None
            return super().draw()
        renderer = self.get_renderer()
        self.renderer = renderer
        artists = sorted((a for a in fig.get_children() if a is not fig.patch), key=lambda a: a.get_zorder())
        axes = [a for a in artists if isinstance(a, plt.Axes)]
        if artists[: len(axes)] != axes or any(ax.child_axes or not ax.get_visible() for ax in axes):
            self._ck_cache = None
            return super().draw()
        others = artists[len(axes) :]
        splits = [self._ck_split(ax) for ax in axes]
        keys = [self._ck_key(ax, renderer) for ax in axes]
        buf = np.asarray(renderer.buffer_rgba())
        pixels = buf.view(np.uint32)[..., 0]
        cache = self._ck_cache
        if cache is not None and (
            cache["renderer"] is not renderer or cache["figure"] != self._ck_figure_key() or cache["axes"] != axes
        ):
            cache = None

        def overlap(j, k):  # Axes j's layer and Axes k's share pixels
            return (cache["covers"][k] & cache["masks"][j]).any() or (cache["covers"][j] & cache["masks"][k]).any()

        if cache is not None:
            changed = {
                k
                for k, (ax, (back, _)) in enumerate(zip(axes, splits))
                if keys[k] != cache["keys"][k] or any(a.stale for a in back if not isinstance(a, matplotlib.axis.Axis))
            }
            masks, covers = cache["masks"], cache["covers"]
            # Layers that share pixels are drawn again together, in order.
            while True:
                more = {j for j in range(len(axes)) if j not in changed and any(overlap(j, k) for k in changed)}
                if not more:
                    break
                changed |= more
            buf[...] = cache["layers"]
            for k in changed:  # wipe the old layers back to the empty figure
                buf[masks[k]] = cache["empty"][masks[k]]
        else:
            changed = set(range(len(axes)))
            renderer.clear()
            fig.patch.draw(renderer)
            cache = self._ck_cache = {
                "renderer": renderer,
                "figure": self._ck_figure_key(),
                "empty": buf.copy(),
                "keys": [None] * len(axes),
                "masks": [None] * len(axes),  # the pixels each Axes' layer changed
                "covers": [None] * len(axes),  # and its patch, which paints over what is below
                "axes": axes,
            }
            masks, covers = cache["masks"], cache["covers"]
        for k in sorted(changed):
            ax, (_, front) = axes[k], splits[k]
            before = pixels.copy()
            # Axes.draw with the rest skipped (not hidden: a hidden title is placed wrong)
            for a in front:
                a.draw = _skip_draw
            try:
                ax.draw(renderer)
            finally:
                for a in front:
                    del a.draw
            masks[k] = pixels != before
            covers[k] = masks[k].copy()
            if ax.patch.get_visible():
                _fill_box(covers[k], ax.patch.get_window_extent(renderer))
            cache["keys"][k] = keys[k]
        if any(overlap(j, k) for k in changed for j in range(len(axes)) if j not in changed):
            self._ck_cache = None  # a layer drawn again now shares pixels with one kept: draw them all
            return self.draw()
        cache["layers"] = buf.copy()
        for k, (ax, (_, front)) in enumerate(zip(axes, splits)):
            before = pixels.copy() if k < len(axes) - 1 else None
            ax._stale = True  # as Axes.draw: no stale callbacks while drawing
            for a in front:
                a.draw(renderer)
            ax.stale = False
            if before is not None:
                drawn = pixels != before
                for a in front:  # what paints over without changing a pixel here (a white legend box)
                    patch = (
                        a.legendPatch if isinstance(a, matplotlib.legend.Legend) else getattr(a, "_bbox_patch", None)
                    )
                    if patch is not None and a.get_visible() and patch.get_visible():
                        _fill_box(drawn, patch.get_window_extent(renderer))
                shared = sum(int(np.count_nonzero(drawn & covers[j])) for j in range(k + 1, len(axes)))
                if shared > self.MAX_SHARED:
                    return self._plain_draw()  # drawn over a later Axes' layer: the order matters
        for a in others:
            a.draw(renderer)
        fig.stale = False

    def _plain_draw(self):
        self._ck_plain = True  # for good: this figure's layout does not keep its Axes apart
        self._ck_cache = None
        return super().draw()

    def _ck_figure_key(self):
        fig = self.figure
        return (fig.dpi, tuple(fig.bbox.bounds), tuple(fig.patch.get_facecolor()), tuple(fig.patch.get_edgecolor()))

    @staticmethod
    def _ck_split(ax):
        """``ax``'s artists in ``Axes.draw``'s order: (the layer up to and including
        the axis objects, with the patch; the rest)."""
        artists = ax.get_children()
        artists.remove(ax.patch)
        axis = list(ax._axis_map.values())
        if not (ax.axison and ax._frameon):
            artists = [a for a in artists if a not in ax.spines.values()]
        if not ax.axison:
            artists = [a for a in artists if a not in axis]
        artists = sorted(artists, key=lambda a: a.get_zorder())
        last = max((i for i, a in enumerate(artists) if a in axis), default=-1)
        return [ax.patch, *artists[: last + 1]], artists[last + 1 :]

    @staticmethod
    def _ck_key(ax, renderer):
        """What an Axes' static layer depends on besides its artists' staleness."""
        titles = [t.get_text() for t in (ax.title, ax._left_title, ax._right_title)]
        offset = ax.yaxis.offsetText.get_text()
        axes = []  # an Axis is stale after any set_xlim: its ticks, labels and settings say whether it changed
        for axis in ax._axis_map.values():
            ticks = []
            for which in (axis.major, axis.minor):
                locs = np.asarray(which.locator())
                ticks.append((locs.tobytes(), tuple(which.formatter.format_ticks(locs)), which.formatter.get_offset()))
            label = axis.label
            axes.append(
                (
                    *ticks,
                    axis.get_visible(),
                    repr(axis._major_tick_kw),
                    repr(axis._minor_tick_kw),
                    label.get_text(),
                    label.get_visible(),
                    repr(label.get_color()),
                    label.get_fontsize(),
                    axis.get_label_position(),
                )
            )
        return (
            *axes,
            tuple(ax.viewLim.bounds),
            tuple(ax.bbox.bounds),
            ax.get_xscale(),
            ax.get_yscale(),
            ax.axison,
            ax._frameon,
            offset,
            tuple(titles) if offset else None,  # a title moves up over an offset text
            tuple(ax._twinned_axes.get_siblings(ax)),
        )


def _skip_draw(renderer):
    pass


def _fill_box(mask, bbox, pad: int = 2):
    """Set ``mask`` (rows from the top) over a display-space Bbox, padded by ``pad`` pixels."""
    height = len(mask)
    x0, y0, x1, y1 = bbox.extents
    r0, r1 = max(int(np.floor(height - y1)) - pad, 0), max(int(np.ceil(height - y0)) + pad, 0)
    c0, c1 = max(int(np.floor(x0)) - pad, 0), max(int(np.ceil(x1)) + pad, 0)
    mask[r0:r1, c0:c1] = True


class Explorer:
    """A figure redrawn by ``update`` whenever a control moves.

    ``draw(fig, **values)`` redraws ``fig`` for the given control values;
    ``controls`` maps each keyword of ``draw`` to its widget.

    With a kernel the explorer shows live: the controls above a PNG of the figure
    (an ``Image`` widget, so a move ships only the new PNG's bytes). In the built
    book (:data:`STATIC_ENV` set) it shows as kernel-free HTML: the figure rendered
    at build time over a grid of its main control(s) (``static``: one or two names
    of ``controls``, or a dict of name to the values to precompute; by default
    :meth:`static_grid` picks them), a range slider per control swapping frames,
    the other controls fixed at their values and named under the figure.
    """

    #: at most this many frames per explorer (page size and build time)
    MAX_FRAMES = 36
    #: at most this many values of a main control precomputed alone
    MAX_VALUES = 21
    #: a second precomputed control has at most this many values
    MAX_SECOND = 6
    #: resolution of the precomputed frames (the live figure keeps ``fig.dpi``)
    STATIC_DPI = 90
    #: draw a fixed crop through :class:`_LayeredCanvas` (the same pixels, faster);
    #: False: a plain Agg draw every time (tests compare the two)
    layered = True

    def __init__(self, fig, draw: Callable, controls: dict[str, W.ValueWidget], static=None):
        self.fig = fig
        self._draw = draw
        self.controls = controls
        self.static = static
        self.output = W.Image(format="png")
        self._box = None
        for widget in controls.values():
            widget.observe(self._on_change, names="value")
        plt.close(fig)  # shown through self.output only, never twice
        # One Agg canvas for the explorer's life: its renderer, and with it the
        # text-layout caches, are reused by every move (a fresh canvas per PNG
        # costs a third to a half of the render time).
        # A layered canvas: the axes' ticks and labels are drawn again only when
        # they change (see _LayeredCanvas).
        _LayeredCanvas(fig)

    @property
    def values(self) -> dict:
        return {name: w.value for name, w in self.controls.items()}

    def update(self, **values):
        """Redraw for ``values`` (missing ones are read from the controls) and
        return what ``draw`` returned (its computed result, for tests)."""
        return self._draw(self.fig, **{**self.values, **values})

    def tight_box(self):
        """The figure's tight bounding box (inches, padded as ``savefig`` pads it)
        for the current values: frames cropped to one box keep one size."""
        self.fig.draw_without_rendering()
        return self.fig.get_tightbbox().padded(plt.rcParams["savefig.pad_inches"])

    def png(self, dpi=None, box=None, colors=None) -> bytes:
        """The figure as PNG bytes: ``fig.dpi`` unless ``dpi``, cropped to ``box``
        (one Agg draw; default: tight, as the inline backend crops, two draws),
        reduced to a palette of ``colors`` if given (smaller frames)."""
        buf = io.BytesIO()
        canvas = self.fig.canvas
        layered = isinstance(canvas, _LayeredCanvas) and box is not None and self.layered
        if layered:
            canvas.layered = True
        try:
            self.fig.savefig(
                buf,
                format="png",
                dpi=dpi or self.fig.dpi,
                bbox_inches=box or "tight",
                facecolor=self.fig.get_facecolor(),
                edgecolor=self.fig.get_edgecolor(),
                pil_kwargs={"compress_level": 1 if colors is None else 6},
            )
        finally:
            if layered:
                canvas.layered = False
        if colors is None:
            return buf.getvalue()
        from PIL import Image

        buf.seek(0)
        image = Image.open(buf).convert("RGB").quantize(colors, method=Image.Quantize.FASTOCTREE)
        out = io.BytesIO()
        image.save(out, format="png", optimize=True)
        return out.getvalue()

    def _on_change(self, _change):
        self.update()
        self.output.value = self.png(box=self._box)

    @property
    def ui(self):
        self.update()
        self._box = self.tight_box()  # one crop for every move: one draw per move, no jumps
        self._on_change(None)
        return W.VBox([W.HBox(list(self.controls.values())), self.output])

    def _ipython_display_(self):
        if static_mode():
            display({"text/html": self.static_html(), "text/plain": self._summary()}, raw=True)
        else:
            display(self.ui)

    def _summary(self) -> str:
        return "Explorer(" + ", ".join(self.controls[n].description or n for n in self.controls) + ")"

    # --- kernel-free HTML ---------------------------------------------------
    def static_grid(self) -> dict:
        """The controls precomputed for the HTML book and their values:
        ``{name: [values]}`` (one or two names, at most ``MAX_FRAMES`` frames).

        Default (``static=None``): the main control is the first slider (else the
        first control with a finite set of values), with up to ``MAX_VALUES`` values;
        a second control joins it if it has at most ``MAX_SECOND`` values and the
        main one keeps at least 5 values (or all it has) within ``MAX_FRAMES`` frames."""
        if isinstance(self.static, dict):
            grid = {n: list(v) for n, v in self.static.items()}
        else:
            finite = {n: control_values(w) for n, w in self.controls.items()}
            finite = {n: v for n, v in finite.items() if len(v) >= 2}
            if self.static is not None:
                names = [self.static] if isinstance(self.static, str) else list(self.static)
            else:
                sliders = [n for n in finite if isinstance(self.controls[n], _SLIDERS)]
                main = (sliders or list(finite) or [None])[0]
                names = [main] if main is not None else []
                for n in finite:
                    if (
                        n != main
                        and len(finite[n]) <= self.MAX_SECOND
                        and self.MAX_FRAMES // len(finite[n]) >= min(len(finite[main]), 5)
                    ):
                        names.append(n)
                        break
            unknown = [n for n in names if n not in finite]
            if unknown:
                raise ValueError(f"static must name controls with a finite set of values, got {unknown}")
            if len(names) > 2:
                raise ValueError(f"static names at most two controls, got {names}")
            counts = [self.MAX_VALUES]
            if len(names) == 2:
                second = min(len(finite[names[1]]), self.MAX_SECOND)
                counts = [max(self.MAX_FRAMES // second, 1), second]
            grid = {n: subsample(finite[n], c, self.controls[n].value) for n, c in zip(names, counts)}
        if np.prod([len(v) for v in grid.values()]) > 4 * self.MAX_FRAMES:
            raise ValueError(f"static grid has too many frames: {[len(v) for v in grid.values()]}")
        return grid

    def render_frames(self, grid=None, dpi=None) -> list[bytes]:
        """PNG frames over ``grid`` (default :meth:`static_grid`), last control
        fastest, the other controls at their current values. Leaves the figure
        drawn for the current values."""
        grid = self.static_grid() if grid is None else grid
        names = list(grid)
        frames = []
        try:
            self.update()
            box = self.tight_box()
            for combo in itertools.product(*grid.values()):
                self.update(**dict(zip(names, combo)))
                frames.append(self.png(dpi=dpi or self.STATIC_DPI, box=box, colors=256))
        finally:
            self.update()
        return frames

    def static_html(self, grid=None, dpi=None) -> str:
        """Self-contained HTML (no CDN, no kernel): the precomputed frames, a
        labelled range input per precomputed control with its value shown, and a
        line naming the controls held fixed."""
        grid = self.static_grid() if grid is None else grid
        names = list(grid)
        frames = self.render_frames(grid, dpi)
        unique, index = {}, []
        for f in frames:  # identical frames are stored once
            index.append(unique.setdefault(f, len(unique)))
        uris = ["data:image/png;base64," + base64.b64encode(f).decode() for f in unique]
        uid = "ckx-" + hashlib.sha1(b"".join(frames)).hexdigest()[:10]
        start = [_nearest(grid[n], self.controls[n].value) for n in names]
        labels = [[control_label(self.controls[n], v) for v in grid[n]] for n in names]
        descr = [self.controls[n].description or n for n in names]
        flat = 0
        for n, s in zip(names, start):
            flat = flat * len(grid[n]) + s
        alt = ", ".join(f"{d} = {lab[s]}" for d, lab, s in zip(descr, labels, start))
        esc = html.escape
        inputs = []
        for i, (n, d) in enumerate(zip(names, descr)):
            cid = f"{uid}-{i}"
            inputs.append(
                '<span style="display:inline-block;white-space:nowrap;margin-right:1.5em">'
                f'<label for="{cid}" style="margin-right:0.4em">{esc(d)}</label>'
                f'<input type="range" id="{cid}" min="0" max="{len(grid[n]) - 1}" step="1" '
                f'value="{start[i]}" aria-valuetext="{esc(labels[i][start[i]])}" '
                f'style="vertical-align:middle;width:11em">'
                f'<output for="{cid}" style="margin-left:0.4em;'
                f'font-family:monospace">{esc(labels[i][start[i]])}</output></span>'
            )
        fixed = [
            f"{self.controls[n].description or n} = {control_label(self.controls[n], w.value)}"
            for n, w in self.controls.items()
            if n not in grid
        ]
        note = (
            f"Precomputed for {len(frames)} settings"
            + (f"; fixed: {', '.join(fixed)}" if fixed else "")
            + ". Every control is live in a notebook (Binder or Colab)."
        )
        data = json.dumps(
            {"frames": uris, "index": index, "sizes": [len(grid[n]) for n in names], "labels": labels, "names": descr},
            ensure_ascii=False,
        )
        data = data.replace("</", "<\\/")  # JSON inside a <script> element
        return (
            f'<div class="coursekit-explorer" id="{uid}">\n'
            f'<div role="group" aria-label="explorer controls">{"".join(inputs)}</div>\n'
            f'<img id="{uid}-img" src="{uris[index[flat]]}" alt="{esc("figure for " + alt)}" '
            f'style="max-width:100%;height:auto">\n'
            f'<p style="font-size:0.85em;color:#555">{esc(note)}</p>\n'
            f'<script type="application/json" id="{uid}-data">{data}</script>\n'
            "<script>(function () {\n"
            f'  var uid = "{uid}";\n'
            '  var d = JSON.parse(document.getElementById(uid + "-data").textContent);\n'
            '  var img = document.getElementById(uid + "-img");\n'
            "  var inputs = d.sizes.map(function (_, i) { return document.getElementById(uid + \"-\" + i); });\n"
            "  function show() {\n"
            "    var flat = 0, alt = [];\n"
            "    inputs.forEach(function (el, i) {\n"
            "      var k = parseInt(el.value, 10), text = d.labels[i][k];\n"
            "      flat = flat * d.sizes[i] + k;\n"
            "      el.setAttribute(\"aria-valuetext\", text);\n"
            "      el.nextElementSibling.textContent = text;\n"
            "      alt.push(d.names[i] + \" = \" + text);\n"
            "    });\n"
            "    img.src = d.frames[d.index[flat]];\n"
            "    img.alt = \"figure for \" + alt.join(\", \");\n"
            "  }\n"
            "  inputs.forEach(function (el) { el.addEventListener(\"input\", show); });\n"
            "})();</script>\n"
            "</div>"
        )

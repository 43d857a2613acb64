"""ipywidgets explorers: sliders wired to coursekit's math and plots (no math here).

Every explorer is an :class:`Explorer`. Its ``update(**values)`` recomputes and
redraws for one setting of the controls; the sliders call it, and so do the
tests (over the sliders' ranges) and the benchmarks (to time a slider move).
"""
from __future__ import annotations

from typing import Callable

import ipywidgets as W
import matplotlib.pyplot as plt
from IPython.display import display


class Explorer:
    """A figure redrawn by ``update`` whenever a control moves.

    ``draw(fig, **values)`` redraws ``fig`` for the given control values;
    ``controls`` maps each keyword of ``draw`` to its widget.
    """

    def __init__(self, fig, draw: Callable, controls: dict[str, W.ValueWidget]):
        self.fig = fig
        self._draw = draw
        self.controls = controls
        self.output = W.Output()
        for widget in controls.values():
            widget.observe(self._on_change, names="value")
        plt.close(fig)  # shown through self.output only, never twice

    @property
    def values(self) -> dict:
        return {name: w.value for name, w in self.controls.items()}

    def update(self, **values):
        """Redraw for ``values`` (missing ones are read from the controls)."""
        self._draw(self.fig, **{**self.values, **values})
        return self.fig

    def _on_change(self, _change):
        self.update()
        with self.output:
            self.output.clear_output(wait=True)
            display(self.fig)

    @property
    def ui(self):
        self._on_change(None)
        return W.VBox([W.HBox(list(self.controls.values())), self.output])

    def _ipython_display_(self):
        display(self.ui)

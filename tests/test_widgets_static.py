"""Explorer's two faces: the live widget (a kernel) and the kernel-free HTML of
the built book (frames precomputed over a grid of the main controls)."""

import base64
import json
import re
from unittest import mock

import ipywidgets as W
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from coursekit import explorer


def toy(static=None, calls=None):
    """A line y = a x (+ offset for b == "up"); c changes only the title."""
    x = np.linspace(0, 1, 5)
    fig, ax = plt.subplots(figsize=(3, 2))
    (line,) = ax.plot(x, x)
    ax.set_ylim(-1, 3)
    title = ax.set_title("")
    controls = {
        "a": W.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.1, description="slope a"),
        "b": W.Dropdown(options=["flat", "up"], value="flat", description="shift"),
        "c": W.IntSlider(value=3, min=0, max=100, description="c"),
    }

    def draw(fig, a, b, c):
        if calls is not None:
            calls.append((a, b, c))
        y = a * x + (1.0 if b == "up" else 0.0)
        line.set_ydata(y)
        title.set_text(f"c = {c}")
        return y

    return explorer.Explorer(fig, draw, controls, static=static)


def test_control_values_cover_each_kind_of_widget():
    assert explorer.control_values(W.IntSlider(min=10, max=50, step=10)) == [
        10,
        20,
        30,
        40,
        50,
    ]
    assert np.allclose(
        explorer.control_values(W.FloatSlider(min=0, max=1, step=0.25)),
        [0, 0.25, 0.5, 0.75, 1],
    )
    assert np.allclose(
        explorer.control_values(W.FloatLogSlider(base=10, min=-2, max=0, step=1)),
        [0.01, 0.1, 1.0],
    )
    assert explorer.control_values(W.SelectionSlider(options=[0.9, 0.99])) == [
        0.9,
        0.99,
    ]
    assert explorer.control_values(W.Dropdown(options=[("one", 1), ("two", 2)])) == [1, 2]
    assert explorer.control_values(W.Checkbox()) == [False, True]
    assert explorer.control_values(W.Text()) == []


def test_subsample_keeps_the_ends_and_the_current_value():
    values = list(range(100))
    picked = explorer.subsample(values, 7, keep=42)
    assert len(picked) == 7 and picked[0] == 0 and picked[-1] == 99 and 42 in picked
    assert picked == sorted(picked)
    assert explorer.subsample([1, 2, 3], 10, keep=2) == [1, 2, 3]
    with pytest.raises(ValueError, match="count"):
        explorer.subsample(values, 0, keep=1)


def test_default_grid_is_the_first_slider_and_a_small_second_control():
    grid = toy().static_grid()
    assert list(grid) == ["a", "b"]
    assert np.allclose(grid["a"], np.linspace(0, 1, 11)) and grid["b"] == [
        "flat",
        "up",
    ]


def test_static_override_and_errors():
    assert list(toy(static="c").static_grid()) == ["c"]
    assert len(toy(static="c").static_grid()["c"]) == explorer.Explorer.MAX_VALUES
    assert toy(static={"a": [0.0, 1.0]}).static_grid() == {"a": [0.0, 1.0]}
    with pytest.raises(ValueError, match="finite"):
        toy(static=["zzz"]).static_grid()
    with pytest.raises(ValueError, match="at most two"):
        toy(static=["a", "b", "c"]).static_grid()


def test_frames_are_rendered_over_the_grid_and_the_figure_is_restored():
    calls = []
    ex = toy(calls=calls)
    grid = {"a": [0.0, 0.5, 1.0], "b": ["flat", "up"]}
    frames = ex.render_frames(grid)
    assert len(frames) == 6 and all(f.startswith(b"\x89PNG") for f in frames)
    drawn = [(a, b) for a, b, _ in calls]
    for a in grid["a"]:
        for b in grid["b"]:
            assert (a, b) in drawn
    assert len(set(frames)) == 6  # each setting draws a different figure
    assert calls[-1] == (0.5, "flat", 3)  # back to the controls' values


def test_static_html_is_self_contained_with_a_labelled_slider_per_control():
    ex = toy()
    html = ex.static_html(grid={"a": [0.0, 0.5, 1.0], "b": ["flat", "up"]})
    assert html.count('<input type="range"') == 2
    assert 'aria-valuetext="0.50"' in html and "slope a" in html and "shift" in html
    assert re.search(r"fixed: c = 3", html)
    assert "http" not in html  # no CDN, no remote image
    data = json.loads(
        re.search(r'type="application/json"[^>]*>(.*?)</script>', html, re.DOTALL).group(1).replace("<\\/", "</")
    )
    assert data["sizes"] == [3, 2] and len(data["index"]) == 6 and len(data["frames"]) == 6
    png = base64.b64decode(data["frames"][0].split(",", 1)[1])
    assert png.startswith(b"\x89PNG")
    # identical frames are stored once: c changes nothing but the title here
    ex2 = toy(static={"b": ["flat", "flat", "up"]})
    data2 = json.loads(
        re.search(
            r'type="application/json"[^>]*>(.*?)</script>',
            ex2.static_html(),
            re.DOTALL,
        )
        .group(1)
        .replace("<\\/", "</")
    )
    assert data2["index"] == [0, 0, 1] and len(data2["frames"]) == 2


def test_env_switch_picks_the_face(monkeypatch):
    ex = toy()
    monkeypatch.delenv(explorer.STATIC_ENV, raising=False)
    assert not explorer.static_mode()
    with (
        mock.patch.object(explorer, "display") as shown,
        mock.patch.object(explorer.Explorer, "render_frames") as frames,
    ):
        ex._ipython_display_()
    frames.assert_not_called()  # nbval and Binder pay for no frames
    (box,), _ = shown.call_args
    assert isinstance(box, W.VBox) and ex.output in box.children
    assert bytes(ex.output.value).startswith(b"\x89PNG")

    monkeypatch.setenv(explorer.STATIC_ENV, "1")
    assert explorer.static_mode()
    with mock.patch.object(explorer, "display") as shown:
        ex._ipython_display_()
    (bundle,), kwargs = shown.call_args
    assert kwargs == {"raw": True} and "coursekit-explorer" in bundle["text/html"]
    assert "0x" not in bundle["text/plain"]  # no stray repr
    monkeypatch.setenv(explorer.STATIC_ENV, "0")
    assert not explorer.static_mode()


def test_a_live_move_ships_a_new_png():
    ex = toy()
    assert ex.ui is not None
    first = bytes(ex.output.value)
    ex.controls["a"].value = 1.0
    assert bytes(ex.output.value) != first and bytes(ex.output.value).startswith(b"\x89PNG")

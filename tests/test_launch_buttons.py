"""A lesson page's launch buttons open its reader edition; Binder installs only a reader's tools.

The launch links are built as in the book: sphinx-book-theme's own add_launch_buttons
with the theme options jupyter-book derives from _config.yml, then the handler of
tools/launch_notebooks.py (the full HTML build is not run here).
"""

import pathlib
from types import SimpleNamespace

import pytest
import yaml
from jupyter_book.config import get_final_config
from packaging.requirements import Requirement
from sphinx_book_theme.header_buttons.launch import add_launch_buttons

from tools import launch_notebooks

try:
    import tomllib
except ImportError:  # Python 3.10: pytest depends on tomli there
    import tomli as tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
LESSONS = sorted(p.stem for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def theme_options():
    config, _ = get_final_config(
        user_yaml=ROOT / "_config.yml", cli_config={"latex_individualpages": False}, sourcedir=ROOT
    )
    return config["html_theme_options"]


def launch_links(pagename, options):
    """{button text: url} of a notebook page, as the theme and then our extension leave them."""
    org, repo = options["repository_url"].removeprefix("https://github.com/").split("/")
    app = SimpleNamespace(
        config={"html_theme_options": options},
        env=SimpleNamespace(
            doc2path=lambda name: str(ROOT / f"{name}.ipynb"),
            metadata={pagename: {"kernelspec": {"name": "python3"}}},
        ),
        outdir=str(ROOT / "_build" / "html"),
        srcdir=str(ROOT),
    )
    context = {
        "header_buttons": [],
        "pagename": pagename,
        "sourcename": f"{pagename}.ipynb",
        "page_source_suffix": ".ipynb",
        "github_url": "https://github.com",
        "github_user": org,
        "github_repo": repo,
    }
    add_launch_buttons(app, pagename, "page.html", context, None)
    launch_notebooks.point_launch_buttons_to_notebooks(app, pagename, "page.html", context, None)
    (group,) = [g for g in context["header_buttons"] if g.get("label") == "launch-buttons"]
    return {b["text"]: b["url"] for b in group["buttons"] if b["type"] == "link"}


def test_config_enables_the_extension_and_jupyterlab():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert "launch_notebooks" in config["sphinx"]["local_extensions"]
    assert config["launch_buttons"]["notebook_interface"] == "jupyterlab"


def test_lesson_buttons_open_the_reader_edition():
    options = theme_options()
    assert LESSONS, "no lessons found"
    for name in LESSONS:
        links = launch_links(f"lessons/{name}", options)
        assert links == {
            "Binder": f"https://mybinder.org/v2/gh/training-neural-networks/book/main"
            f"?urlpath=lab/tree/notebooks/{name}.ipynb",
            "Colab": f"https://colab.research.google.com/github/training-neural-networks/book"
            f"/blob/main/notebooks/{name}.ipynb",
        }


def test_other_pages_keep_their_links():
    links = launch_links("book/intro", theme_options())
    assert links["Binder"].endswith("?urlpath=lab/tree/book/intro.ipynb")
    assert links["Colab"].endswith("/blob/main/book/intro.ipynb")


def test_edition_of():
    assert launch_notebooks.edition_of("lessons/07_momentum") == "notebooks/07_momentum.ipynb"
    assert launch_notebooks.edition_of("book/intro") is None
    assert launch_notebooks.edition_of("lessons/sub/07_momentum") is None
    with pytest.raises(ValueError, match="url"):
        launch_notebooks.retarget("x/lessons/a.ipynb/lessons/a.ipynb", "lessons/a")


def test_runs_after_the_theme_builds_the_links():
    calls = []
    app = SimpleNamespace(connect=lambda event, handler, priority=500: calls.append((event, priority)))
    launch_notebooks.setup(app)
    # sphinx-book-theme connects add_launch_buttons to html-page-context at priority 501
    assert calls == [("html-page-context", 600)]


@pytest.mark.skipif(not (ROOT / "notebooks").is_dir(), reason="the reader edition (make notebooks) is not there yet")
def test_every_lesson_has_the_notebook_its_buttons_open():
    missing = [name for name in LESSONS if not (ROOT / "notebooks" / f"{name}.ipynb").exists()]
    assert not missing


def requirements(path):
    lines = (ROOT / path).read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def test_binder_installs_what_a_reader_needs_only():
    lines = requirements("binder/requirements.txt")
    names = {Requirement(line).name.lower() for line in lines if not line.startswith("-")}
    assert {"numpy", "scipy", "matplotlib", "ipywidgets", "scikit-learn", "tqdm"} <= names
    for tool in ("jupyter-book", "sphinx", "pytest", "ruff", "nbval", "hypothesis", "torch"):
        assert not any(name.startswith(tool) for name in names), tool
    # coursekit from the repository; repo2docker installs a file with a local line from the root
    assert "-e ." in lines
    # a runtime.txt with another Python would split the kernel from JupyterLab's environment
    assert not (ROOT / "binder" / "runtime.txt").exists()


def test_ipywidgets_7_7_is_accepted():
    # Colab preinstalls 7.7.1 (benchmarks/ipywidgets7.py runs the lessons with it)
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    listed = [Requirement(d) for d in dependencies] + [
        Requirement(line) for line in requirements("requirements.txt") if not line.startswith("-")
    ]
    specs = [r.specifier for r in listed if r.name == "ipywidgets"]
    assert len(specs) == 2
    for spec in specs:
        assert spec.contains("7.7.1") and spec.contains("8.1.5") and not spec.contains("7.6.5"), spec


def test_book_without_solutions_config():
    from tools.book_without_solutions import config_without_solutions

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    changed = config_without_solutions(config)
    assert changed["sphinx"]["config"]["hide_solutions"] is True
    for path in changed["sphinx"]["local_extensions"].values():
        assert pathlib.Path(path).is_absolute() and pathlib.Path(path).is_dir()
    # the rest is _config.yml's, and _config.yml itself is untouched
    assert changed["sphinx"]["extra_extensions"] == config["sphinx"]["extra_extensions"]
    assert "hide_solutions" not in config["sphinx"]["config"]

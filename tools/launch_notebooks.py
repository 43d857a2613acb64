"""Sphinx extension: a lesson page's launch buttons open its reader edition.

sphinx-book-theme builds the Binder, Colab (and JupyterHub, Deepnote, JupyterLite)
links from the page's own source, so the page of ``lessons/07_momentum.ipynb`` would
open the MyST source, which Colab and plain Jupyter do not render. The reader edition
``notebooks/07_momentum.ipynb`` (``make notebooks``, DESIGN.md "One source, four
editions") is the notebook to run there. This extension runs after the theme's
``add_launch_buttons`` (an ``html-page-context`` handler at priority 501) and points
each launch link of a lesson page to ``notebooks/<same name>.ipynb``. Binder opens it
in JupyterLab because ``_config.yml`` sets ``notebook_interface: jupyterlab``
(``?urlpath=lab/tree/notebooks/...``). The Thebe button ("Live Code") runs the page's
own cells and is left alone.

Enabled in ``_config.yml`` under ``sphinx.local_extensions``.
"""

from pathlib import Path, PurePosixPath

from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

SOURCE_DIR = "lessons"  # where the lessons are written (MyST notebooks)
EDITION_DIR = "notebooks"  # the generated reader edition, same file names


def edition_of(pagename):
    """The reader-edition notebook of a page, relative to the book's root, or None for a page that is no lesson.

    >>> edition_of("lessons/07_momentum")
    'notebooks/07_momentum.ipynb'
    """
    path = PurePosixPath(pagename)
    if len(path.parts) != 2 or path.parts[0] != SOURCE_DIR:
        return None
    return f"{EDITION_DIR}/{path.name}.ipynb"


def retarget(url, pagename):
    """The launch URL ``url`` of page ``pagename`` pointed at the page's reader edition (unchanged for other pages).

    The theme ends a Binder link with ``?urlpath=<ui>/<path>`` and a Colab link with
    ``/blob/<branch>/<path>``, ``<path>`` being the source's path in the repository.
    """
    target = edition_of(pagename)
    source = f"{pagename}.ipynb"
    if target is None or source not in url:
        return url
    if url.count(source) != 1:
        raise ValueError(f"url {url!r}: names {source!r} more than once, cannot retarget it")
    return url.replace(source, target)


def point_launch_buttons_to_notebooks(app, pagename, templatename, context, doctree):
    """html-page-context handler: rewrite the launch links the theme put in context["header_buttons"]."""
    if edition_of(pagename) is None:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            if button.get("type") == "link":
                button["url"] = retarget(button["url"], pagename)
    srcdir = getattr(app, "srcdir", None)
    if srcdir is not None and not (Path(srcdir) / edition_of(pagename)).exists():
        # `make notebooks` writes the edition; the links are right once it is committed.
        LOGGER.info(f"{pagename}: launch buttons point to {edition_of(pagename)}, which `make notebooks` writes")


def setup(app):
    # After sphinx-book-theme's add_launch_buttons (priority 501) has built the links.
    app.connect("html-page-context", point_launch_buttons_to_notebooks, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension for the PDF book (tools/pdf_book.py): each explorer as a figure.

In the LaTeX build the explorers' kernel-free HTML (``COURSEKIT_STATIC_EXPLORERS``) is
kept as a raw HTML node (tools/pdf_book.py gives text/html a priority for the latex
builder). A read-phase transform replaces each such node by an unnumbered figure (an image and
a line of text, no LaTeX ``figure``: the HTML numbers no explorer): the explorer's
default frame (the image the HTML page shows first) written as a PNG under
``_build/pdf/explorer_frames``, with a caption naming its controls and the values shown. Any
other raw HTML node is dropped from the LaTeX output by Sphinx as usual.
"""

import base64
import hashlib
import html
import pathlib
import re

from docutils import nodes
from sphinx.transforms import SphinxTransform

FRAMES = "_build/pdf/explorer_frames"
IMG = re.compile(r'<img id="[^"]*" src="data:image/png;base64,([^"]+)" alt="figure for ([^"]*)"')
NOTE = re.compile(r'<p style="[^"]*">([^<]*)</p>')


def explorer_caption(text):
    """The caption of an explorer's static HTML ``text``: controls and values shown."""
    alt = html.unescape(IMG.search(text).group(2))
    note = NOTE.search(text)
    fixed = ""
    if note:
        match = re.search(r"fixed: (.*?)\. Every control", html.unescape(note.group(1)))
        if match:
            fixed = f"; held at {match.group(1)}"
    return f"Explorer, default frame: {alt}{fixed}. In a notebook every control is live."


class ExplorerFigures(SphinxTransform):
    default_priority = 200

    def apply(self):
        if self.app.builder.format != "latex":
            return
        outdir = pathlib.Path(self.env.srcdir) / FRAMES
        for node in list(self.document.findall(nodes.raw)):
            text = node.astext()
            if "coursekit-explorer" not in text or not IMG.search(text):
                continue
            png = base64.b64decode(IMG.search(text).group(1))
            outdir.mkdir(parents=True, exist_ok=True)
            name = hashlib.sha1(png).hexdigest()[:12] + ".png"
            (outdir / name).write_bytes(png)
            # No figure node and no \caption: the HTML gives explorers no "Fig." number,
            # so a numbered LaTeX figure would shift every later figure's number.
            figure = nodes.container("", classes=["coursekit-explorer"])
            figure += nodes.image(uri=f"/{FRAMES}/{name}", width="90%", align="center")
            figure += nodes.paragraph("", "", nodes.emphasis("", explorer_caption(text)))
            node.replace_self(figure)


def setup(app):
    app.add_transform(ExplorerFigures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

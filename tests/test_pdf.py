"""The printable book (tools/pdf_book.py, tools/pdf_explorers.py, tools/pdf_solutions.py).

By default (``make test``) the LaTeX source is built without a TeX engine and without
executing anything (``--tex-only --cached-only``: the lessons' outputs come from
``make book``'s execution cache where it has them, the other lessons are built without
outputs), in about 15 seconds, and checked for what broke the first PDF. The PDF
itself (about 3 more minutes, needs latexmk) is built only with ``COURSEKIT_PDF_TESTS=1``.
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import pdf_book  # noqa: E402
import pdf_explorers  # noqa: E402
import pdf_solutions  # noqa: E402

BUILD = os.environ.get("COURSEKIT_PDF_TESTS", "") not in ("", "0")


def test_config_names_the_book_and_defines_its_macros():
    config = pdf_book.pdf_config(yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8")))
    assert config["latex"]["use_jupyterbook_latex"] is False
    assert config["latex"]["latex_documents"]["targetname"] == "book.tex"
    sphinx = config["sphinx"]["config"]
    assert sphinx["project"] == "Training Neural Networks"
    preamble = sphinx["latex_elements"]["preamble"]
    assert "\\providecommand{\\R}{\\mathbb{R}}" in preamble
    assert "\\providecommand{\\E}{\\mathbb{E}}" in preamble


def test_html_build_never_loads_the_pdf_extensions():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    html = set(config["sphinx"].get("local_extensions") or {}) | set(config["sphinx"].get("extra_extensions") or [])
    assert not {"pdf_explorers", "pdf_solutions"} & html
    assert {"pdf_explorers", "pdf_solutions"} <= set(pdf_book.pdf_config(config)["sphinx"]["local_extensions"])
    assert pdf_solutions.SolutionsAppendix.builders == ("latex",)
    assert pdf_solutions.ChapterTitleNames.builders == ("latex",)


def test_proof_labels_get_their_document():
    tex = "\\label{\\detokenize{lessons/07_m::doc}} \\label{None:thm-a} see {\\hyperref[\\detokenize{lessons/07_m:thm-a}]{Thm}}"
    assert "\\label{\\detokenize{lessons/07_m:thm-a}} see" in pdf_book.fix_proof_labels(tex)


def test_proof_boxes_get_a_title():
    tex = "\\begin{sphinxadmonition}{note}\n\\sphinxAtStartPar\nProof. Expand.\n\\end{sphinxadmonition}"
    assert pdf_book.fix_proof_boxes(tex).startswith(
        "\\begin{sphinxadmonition}{note}{Proof}\n\\sphinxAtStartPar\nExpand."
    )


def test_explorer_caption_names_controls_and_values():
    text = (
        '<div class="coursekit-explorer"><img id="x-img" src="data:image/png;base64,AAAA" '
        'alt="figure for rate = 0.1, steps = 20">'
        '<p style="font-size:0.85em">Precomputed for 9 settings; fixed: seed = 0. Every control is live.</p>'
    )
    caption = pdf_explorers.explorer_caption(text)
    assert "rate = 0.1, steps = 20" in caption and "seed = 0" in caption


# The math macros LaTeX, amsmath and amssymb define that the book uses; any other macro
# in the math (a MathJax-only one like \\R) must be defined in the preamble.
STANDARD = set(
    """Big Bigl Bigr Delta Gamma Lambda Longleftrightarrow Omega Phi Pi Psi Sigma Theta
    alpha approx arg bar begin beta big bigl bigr binom boldsymbol cdot cdots checkmark chi cos
    ddots delta det dfrac diag dot dots ell end epsilon eta exp frac gamma ge geq gg hat
    in infty int iota kappa lVert label lambda langle lceil ldots le left leftarrow leq
    lfloor lim limits liminf limsup ll ln log longrightarrow lvert mapsto mathbb mathbf
    mathcal mathrm mathsf mathtt max mid min mu nabla ne neq nolimits nonumber nu odot
    omega operatorname otimes partial phi pi pm preceq prime prod propto protect psi
    qquad quad rVert rangle rceil rfloor rho right rightarrow rvert sigma sim sin sqrt
    star succ succeq sum sup tan tanh tau text textbf textit tfrac theta tilde times to
    top underbrace upsilon varepsilon varphi varrho varsigma vartheta vdots vee wedge widehat
    widetilde xi zeta Xi Upsilon""".split()
)
MATH = re.compile(
    r"\\\((.*?)\\\)|\\\[(.*?)\\\]|\\begin\{(equation|align|gather|multline)\*?\}(.*?)\\end\{\3\*?\}", re.S
)


def solutions_in_sources():
    count = 0
    for notebook in sorted((ROOT / "lessons").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        count += sum("".join(c["source"]).count(":::{solution}") for c in cells if c["cell_type"] == "markdown")
    return count


@pytest.fixture(scope="module")
def tex(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "pdf_book.py"), "--tex-only", "--cached-only", "--path-output", str(out)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Executing notebook" not in run.stdout + run.stderr  # outputs only from the cache
    uncached = re.search(r"Without outputs \(not in the execution cache\): (.*)", run.stdout).group(1)
    return out / "_build" / "latex" / "book.tex", [] if uncached == "none" else uncached.split(", ")


def test_tex_defines_every_macro_its_math_uses(tex):
    text = tex[0].read_text(encoding="utf-8")
    preamble, body = text.split("\\begin{document}", 1)
    defined = set(re.findall(r"\\(?:provide|new|renew)command\{?\\([A-Za-z]+)", preamble))
    used = {
        name for m in MATH.finditer(body) for part in m.groups() if part for name in re.findall(r"\\([A-Za-z]+)", part)
    }
    assert {"R", "E"} <= defined
    assert used - STANDARD - defined == set()


def test_tex_has_no_myst_no_explorer_text_and_the_project_name(tex):
    text = tex[0].read_text(encoding="utf-8")
    for raw in ("```{", "{eq}`", ":::{", "{prf:ref}`", "{cite}`", "{numref}`", "Explorer(", "projectnamenotset"):
        assert raw not in text, raw
    assert "\\label{None:" not in text
    assert not re.search(r"\\begin\{sphinxadmonition\}\{note\}\n", text)  # every box has a title
    if not tex[1]:  # every lesson's outputs were in the cache: each explorer is a figure
        assert text.count("Explorer, default frame") == 13
        assert text.count("\\sphinxincludegraphics") >= 38


def test_only_the_htmls_numbered_figures_are_latex_figures(tex):
    # Explorers are images with a line of text, not LaTeX figures: the HTML numbers no
    # explorer, and a captioned figure would shift the "Fig. N.M" of every later one.
    text = tex[0].read_text(encoding="utf-8")
    sources = [*(ROOT / "lessons").glob("*.ipynb"), *(ROOT / "book").glob("*.md")]
    directives = sum(p.read_text(encoding="utf-8").count("{figure}") for p in sources)
    assert text.count("\\begin{figure}") == directives


def test_title_page_names_title_authors_version_and_date(tex):
    text = tex[0].read_text(encoding="utf-8")
    assert "\\title{Training Neural Networks}" in text
    assert re.search(r"\\author\{[^}]*authors\}", text)
    assert re.search(r"\\release\{[0-9a-f]{7}", text)
    assert re.search(r"\\date\{\w{3} \d{2}, \d{4}\}", text)


def test_solutions_only_in_the_appendix_each_linked_both_ways(tex):
    text = tex[0].read_text(encoding="utf-8")
    chapters, appendix = text.split("\\chapter{Solutions to the exercises}")
    assert "\\appendix" in chapters[-300:]
    assert "Solution to" not in chapters
    count = solutions_in_sources()
    assert count >= 45
    assert appendix.count("\\begin{sphinxadmonition}{note}{Solution to \\hyperref[exercise:") == count
    assert chapters.count("Solution on page") == count
    for label in re.findall(r"\\hyperref\[solution:([^\]]+)\]", chapters):
        assert f"\\label{{solution:{label}}}" in appendix


def test_front_matter_unnumbered_and_the_three_parts(tex):
    text = tex[0].read_text(encoding="utf-8")
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    parts = re.findall(r"\\part\{([^}]*)\}", text)
    assert parts == [part["caption"] for part in toc["parts"]]
    intro = text.index("\\chapter{Introduction}")
    assert text[:intro].endswith("\\setcounter{secnumdepth}{-1}\n")
    assert "\\chapter{" not in text[:intro]
    assert text[intro : text.index("\\part{")].count("\\chapter{") == 1
    numbered = text.index("\\part{Foundations}")
    assert "\\setcounter{chapter}{0}" in text[numbered : numbered + 200]


@pytest.mark.skipif(not BUILD or shutil.which("latexmk") is None, reason="set COURSEKIT_PDF_TESTS=1 (needs latexmk)")
def test_pdf(tex):
    latex = tex[0].parent
    subprocess.run(["latexmk", "-xelatex", "-interaction=nonstopmode", "book.tex"], cwd=latex, check=False)
    pages = subprocess.run(["pdfinfo", str(latex / "book.pdf")], capture_output=True, text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", pages).group(1)) >= 100
    words = subprocess.run(["pdftotext", str(latex / "book.pdf"), "-"], capture_output=True, text=True).stdout
    assert words.count("??") == 0
    assert "Missing character" not in (latex / "book.log").read_text(encoding="utf-8", errors="replace")

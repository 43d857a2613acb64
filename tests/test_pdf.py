"""The printable book (tools/pdf_book.py, tools/pdf_explorers.py).

The unit tests always run. Building the LaTeX source takes about 2 minutes even from
the execution cache (the LaTeX writer over 13 lessons), and the PDF about 1 more, so
the builds run only with ``COURSEKIT_PDF_TESTS=1`` (the PDF also needs latexmk).
"""

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


def test_proof_labels_get_their_document():
    tex = "\\label{None:thm-a} see {\\hyperref[\\detokenize{lessons/07_m:thm-a}]{Theorem 7.1}}"
    assert "\\label{\\detokenize{lessons/07_m:thm-a}}" in pdf_book.fix_proof_labels(tex)


def test_explorer_caption_names_controls_and_values():
    text = (
        '<div class="coursekit-explorer"><img id="x-img" src="data:image/png;base64,AAAA" '
        'alt="figure for rate = 0.1, steps = 20">'
        '<p style="font-size:0.85em">Precomputed for 9 settings; fixed: seed = 0. Every control is live.</p>'
    )
    caption = pdf_explorers.explorer_caption(text)
    assert "rate = 0.1, steps = 20" in caption and "seed = 0" in caption


@pytest.fixture(scope="module")
def tex(tmp_path_factory):
    if not BUILD:
        pytest.skip("set COURSEKIT_PDF_TESTS=1 to build the LaTeX source (about 2 minutes)")
    out = tmp_path_factory.mktemp("pdf")
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "pdf_book.py"), "--tex-only", "--path-output", str(out)], check=True
    )
    return out / "_build" / "latex" / "book.tex"


def test_tex_has_no_explorer_text_and_the_project_name(tex):
    text = tex.read_text(encoding="utf-8")
    assert "Explorer(" not in text
    assert "projectnamenotset" not in text
    assert "\\label{None:" not in text
    assert text.count("\\includegraphics") >= 38
    for macro in ("R", "E"):
        assert f"\\providecommand{{\\{macro}}}" in text


@pytest.mark.skipif(shutil.which("latexmk") is None, reason="latexmk not installed")
def test_pdf(tex):
    latex = tex.parent
    subprocess.run(["latexmk", "-xelatex", "-interaction=nonstopmode", "book.tex"], cwd=latex, check=False)
    pages = subprocess.run(["pdfinfo", str(latex / "book.pdf")], capture_output=True, text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", pages).group(1)) >= 100
    words = subprocess.run(["pdftotext", str(latex / "book.pdf"), "-"], capture_output=True, text=True).stdout
    assert words.count("??") == 0

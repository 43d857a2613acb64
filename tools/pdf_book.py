"""Build the book as one PDF: ``make pdf`` runs this.

    .venv/bin/python tools/pdf_book.py [--tex-only] [--path-output DIR]

Jupyter Book 1's LaTeX builder with a copy of ``_config.yml`` (written to
``<out>/_config.yml``, default out ``_build/pdf``): the file name ``book.tex``, title and
authors on the title page, the book's macros (``\\R``, ``\\E``, from the MathJax
macros) in the preamble, xelatex with FreeSerif (fonts-freefont-otf), and
``use_jupyterbook_latex: false``: sphinx-jupyterbook-latex's class needs ``bbm.sty``,
which Debian ships only in texlive-fonts-extra (1.4 GB); Sphinx's own ``sphinxmanual``
class needs none of it. Explorers become figures (tools/pdf_explorers.py). The
notebooks' outputs come from ``make book``'s execution cache when it is filled.
Then latexmk turns ``<out>/_build/latex/book.tex`` into ``<out>/book.pdf``.
"""

import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
TOOLS = ["latexmk", "xelatex"]
APT = (
    "sudo apt-get install texlive-latex-recommended texlive-latex-extra "
    "texlive-fonts-recommended texlive-xetex latexmk fonts-freefont-otf fonts-dejavu-core"
)
FONTS = ["FreeSerif", "DejaVu Sans Mono"]
# FreeSerif for the text; DejaVu Sans Mono for code, which has the code cells' ᵀ ⊙ ∂ ∇ ≤
# (FreeMono lacks ᵀ); its one gap there, ℓ, is typeset as the math \ell.
FONTPKG = r"""
\setmainfont{FreeSerif}[Extension=.otf, UprightFont=*, ItalicFont=*Italic,
  BoldFont=*Bold, BoldItalicFont=*BoldItalic]
\setsansfont{FreeSans}[Extension=.otf, UprightFont=*, ItalicFont=*Oblique,
  BoldFont=*Bold, BoldItalicFont=*BoldOblique]
\setmonofont{DejaVu Sans Mono}[Scale=MatchLowercase]
\usepackage{newunicodechar}
\newunicodechar{ℓ}{\ensuremath{\ell}}
"""


def missing_tools():
    """The TeX programs and fonts ``make pdf`` needs that are not installed."""
    missing = [t for t in TOOLS if shutil.which(t) is None]
    fc = shutil.which("fc-list")
    for font in FONTS if fc else []:
        if not subprocess.run([fc, font], capture_output=True, text=True).stdout.strip():
            missing.append(f"the {font} font")
    return missing


def latex_macros(config):
    """``\\newcommand`` lines for the book's MathJax macros in ``config``."""
    sphinx_config = (config.get("sphinx") or {}).get("config") or {}
    macros = ((sphinx_config.get("mathjax3_config") or {}).get("tex") or {}).get("macros") or {}
    lines = []
    for name, body in macros.items():
        if isinstance(body, list):
            body, nargs = body[0], body[1]
            lines.append(f"\\providecommand{{\\{name}}}[{nargs}]{{{body}}}")
        else:
            lines.append(f"\\providecommand{{\\{name}}}{{{body}}}")
    return "\n".join(lines)


def pdf_config(config):
    """The jupyter-book configuration ``config`` (from _config.yml) for the PDF."""
    config = dict(config)
    config["latex"] = {
        "latex_engine": "xelatex",
        "use_jupyterbook_latex": False,
        "latex_documents": {"targetname": "book.tex"},
    }
    sphinx = dict(config.get("sphinx") or {})
    local = {n: str((ROOT / p).resolve()) for n, p in (sphinx.get("local_extensions") or {}).items()}
    local["pdf_explorers"] = str(ROOT / "tools")
    local["pdf_solutions"] = str(ROOT / "tools")
    sphinx["local_extensions"] = local
    version = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
    preamble = "\n".join(
        [
            "\\usepackage{amsmath,amssymb}",
            latex_macros(config),
            # Code cells keep their 79 columns: a smaller font for verbatim.
            "\\fvset{fontsize=\\footnotesize}",
        ]
    )
    sphinx["config"] = {
        **(sphinx.get("config") or {}),
        "project": config.get("title", "book"),
        "release": version.stdout.strip() or "unknown",
        "version": version.stdout.strip() or "unknown",
        "latex_elements": {
            "preamble": preamble,
            "fontpkg": FONTPKG,
            "papersize": "a4paper",
            "pointsize": "10pt",
            "printindex": "",
        },
        "latex_domain_indices": False,
        # text/html after the images, before text/plain: the explorers' HTML reaches
        # tools/pdf_explorers.py, which turns it into a figure.
        "nb_mime_priority_overrides": [["latex", "text/html", 15]],
        "latex_show_urls": "footnote",
    }
    config["sphinx"] = sphinx
    return config


def fix_proof_labels(tex):
    """sphinx-proof 0.4 writes its boxes' labels as ``\\label{None:name}`` (no document
    name), so every {prf:ref} printed "??": give each the document it stands in (the
    last ``\\label{...::doc}`` before it), the name its references use."""
    pieces, doc, last = [], "", 0
    for match in re.finditer(r"\\label\{\\detokenize\{([^}]+)::doc\}\}|\\label\{None:([^}]+)\}", tex):
        if match.group(1) is not None:
            doc = match.group(1)
            continue
        pieces += [tex[last : match.start()], f"\\label{{\\detokenize{{{doc}:{match.group(2)}}}}}"]
        last = match.end()
    return "".join(pieces) + tex[last:]


def fix_proof_boxes(tex):
    """sphinx-proof 0.4 opens a proof's box with no title argument, so the box took its
    first token (``\\sphinxAtStartPar``) as the title and printed an empty title bar
    above "Proof. ...": title the box "Proof" instead."""
    tex = re.sub(
        r"\\begin\{sphinxadmonition\}\{note\}\n\\sphinxAtStartPar\nProof\. ",
        lambda m: "\\begin{sphinxadmonition}{note}{Proof}\n\\sphinxAtStartPar\n",
        tex,
    )
    return re.sub(r"\\begin\{sphinxadmonition\}\{note\}(?=\n)", lambda m: m.group(0) + "{}", tex)


def front_matter(tex, root, title="Introduction"):
    """The root document (``book/intro``) opens the book as one unnumbered chapter
    ``title``: Sphinx makes its sections numbered chapters (1-3) before the first part;
    they become its sections, and the numbering starts at the first part."""
    start = tex.find(f"\\label{{\\detokenize{{{root}::doc}}}}")
    end = tex.find("\\part{", start)
    if start < 0 or end < 0:
        return tex
    start = tex.index("\n", start) + 1
    body = tex[start:end]
    for lower, upper in (("subsubsection", "subsection"), ("subsection", "section"), ("section", "chapter")):
        body = body.replace(f"\\{upper}{{", f"\\{lower}{{")
    head = f"\\setcounter{{secnumdepth}}{{-1}}\n\\chapter{{{title}}}\n"
    return tex[:start] + head + body + tex[end:]


def add_parts(tex, toc):
    """Sphinx's LaTeX writer drops the toctree's captions: put back ``\\part`` for each
    part of ``toc`` (the _toc.yml dict) before its first chapter, leave "Getting
    started" unnumbered and number the lessons from 1 as the HTML does."""
    tex = tex.replace("\\renewcommand{\\contentsname}{Getting started}", "\\renewcommand{\\contentsname}{Contents}")
    numbered = False
    for part in toc["parts"]:
        first = part["chapters"][0]["file"]
        anchor = re.search(r"\\chapter\{[^\n]*\}\n[^\n]*\\label\{\\detokenize\{" + re.escape(first) + r"::doc\}\}", tex)
        if anchor is None:
            continue
        head = f"\\part{{{part['caption']}}}\n"
        head += "\\setcounter{secnumdepth}{2}\n" if part.get("numbered") else ""
        if part.get("numbered") and not numbered:
            head += "\\setcounter{chapter}{0}\n"
            numbered = True
        head += "" if part.get("numbered") else "\\setcounter{secnumdepth}{-1}\n"
        tex = tex[: anchor.start()] + head + tex[anchor.start() :]
    return tex


def uncached_notebooks(config):
    """The lessons with no up-to-date outputs in the execution cache (``make book``'s)."""
    import nbformat
    from jupyter_cache import get_cache

    path = ROOT / ((config.get("execute") or {}).get("cache") or "_build/.jupyter_cache")
    cache = get_cache(str(path)) if path.exists() else None
    missing = []
    for notebook in sorted((ROOT / "lessons").glob("*.ipynb")):
        try:
            cache.match_cache_notebook(nbformat.read(notebook, as_version=4))
        except (AttributeError, KeyError):  # no cache, or no record of this notebook
            missing.append(notebook.relative_to(ROOT).as_posix())
    return missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--path-output", type=pathlib.Path, default=ROOT / "_build" / "pdf")
    parser.add_argument("--tex-only", action="store_true", help="stop after the LaTeX source")
    parser.add_argument("--no-execute", action="store_true", help="execution off (tests)")
    parser.add_argument(
        "--cached-only",
        action="store_true",
        help="outputs from the execution cache where it has them, no execution (tests)",
    )
    args = parser.parse_args()
    if not args.tex_only:
        missing = missing_tools()
        if missing:
            sys.exit(f"make pdf needs {', '.join(missing)}. Install them with:\n  {APT}")
    out = args.path_output.resolve()
    out.mkdir(parents=True, exist_ok=True)
    # First drop a stale cache (coursekit changed), then ask it what it holds.
    env = dict(os.environ, COURSEKIT_STATIC_EXPLORERS="1", MPLBACKEND="module://matplotlib_inline.backend_inline")
    subprocess.run([sys.executable, str(ROOT / "tools" / "cache_key.py")], check=True, env=env, cwd=ROOT)
    config = pdf_config(yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8")))
    if args.no_execute:
        config["execute"] = {**config.get("execute", {}), "execute_notebooks": "off"}
    elif args.cached_only:
        uncached = uncached_notebooks(config)
        print(f"Without outputs (not in the execution cache): {', '.join(uncached) or 'none'}")
        config["execute"] = {**config.get("execute", {}), "exclude_patterns": uncached}
    (out / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    command = [sys.executable, str(ROOT / "tools" / "build_book.py"), "build", str(ROOT), "--builder", "latex"]
    command += ["--config", str(out / "_config.yml"), "--path-output", str(out)]
    subprocess.run(command, check=True, env=env, cwd=ROOT)
    tex = out / "_build" / "latex"
    source = tex / "book.tex"
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    text = add_parts(fix_proof_labels(source.read_text(encoding="utf-8")), toc)
    text = fix_proof_boxes(front_matter(text, toc["root"]))
    source.write_text(text, encoding="utf-8")
    print(f"LaTeX source: {tex / 'book.tex'}")
    if args.tex_only:
        return
    subprocess.run(
        ["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error", "book.tex"], cwd=tex, check=True
    )
    shutil.copy(tex / "book.pdf", out / "book.pdf")
    print(f"The book as PDF: {out / 'book.pdf'}")


if __name__ == "__main__":
    main()

"""The reader edition (notebooks/) and the student edition (_build/student/) of the lessons.

    .venv/bin/python tools/reader_edition.py              # make notebooks: writes notebooks/NN_slug.ipynb
    .venv/bin/python tools/reader_edition.py --student    # make student: writes _build/student/NN_slug.ipynb

The lessons are MyST notebooks; Colab, GitHub's viewer and plain Jupyter render only CommonMark and
``$`` math. This script rewrites each lesson's markdown into that, with every number taken from the
book's own Sphinx build: it runs Sphinx with jupyter-book's configuration (``_config.yml``, ``_toc.yml``),
notebook execution off and the ``dummy`` builder (no pages written), into ``_build/numbers``, and reads
the environment that the HTML build would use: ``env.toc_fignumbers`` (equations, theorems, algorithms,
exercises, numbered by chapter as the book's pages show them), sphinxcontrib-bibtex's domain (the
author-year text of each ``{cite}``, resolved by the domain itself, and each lesson's reference list,
formatted by the same pybtex style) and the documents' titles. A second run reuses Sphinx's pickled
environment and rereads only the lessons that changed.

The markdown is parsed with markdown-it-py and mdit-py-plugins (the parser MyST itself uses): a directive
fence becomes a titled block (``**Theorem 7.1** (title)``, ``**Exercise 7.2**``), a solution a
``<details>`` block (dropped in the student edition), an admonition a blockquote, a labelled display
equation ``$$ ... \\tag{7.3} $$``; then the roles: ``{eq}`` as ``(7.3)``, ``{cite}`` as the book's
author-year text linked to its entry on the book's page, ``{doc}`` as a link to the book's page; the
book's MathJax macros (``_config.yml``) are expanded. An unknown role or directive is an error, never
left as raw text.

Cells tagged ``remove-cell`` (the lessons' hidden test cells) are left out, except the install cell,
which is shown first, with what to do when pip fails. A code exercise (DESIGN.md, "Code exercises": the
lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION``) keeps its solution in the reader edition,
with its source folded (``jupyter.source_hidden``); the student edition replaces the marked lines with
``raise NotImplementedError``.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
ROLE = re.compile(r"\{([a-z][a-z0-9:+-]*)\}`([^`]*)`")
ADMONITIONS = {
    "admonition": None,
    "note": "Note",
    "warning": "Warning",
    "tip": "Tip",
    "hint": "Hint",
    "important": "Important",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
}
INSTALL_HELP = """\
# Installs coursekit, the book's package, when it is missing (on Colab, say).
# If pip fails (no network, a proxy, a locked-down machine), install it
# yourself and restart the kernel: in a terminal,
#   pip install git+{repo}
# or, in a clone of the repository, pip install -e .
"""


def parser():
    """The CommonMark parser with MyST's block syntax for ``$$`` math and ``:::`` fences."""
    md = MarkdownIt("commonmark").use(colon_fence_plugin).use(amsmath_plugin)
    return md.use(dollarmath_plugin, allow_labels=True, allow_space=True, allow_digits=True)


# ---------------------------------------------------------------- the book's numbers, from Sphinx


def book_config():
    with open(ROOT / "_config.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def book_url(config):
    """The published book's address: ``html.baseurl``, else the repository's GitHub Pages address."""
    base = (config.get("html") or {}).get("baseurl")
    if not base:
        repo = config["repository"]["url"].rstrip("/")
        owner, name = repo.split("/")[-2:]
        base = f"https://{owner}.github.io/{name}/"
    return base.rstrip("/") + "/"


def cite_targets(docnames):
    """Every ``{cite}``/``{cite:X}`` role of these lessons, as (docname, type, target)."""
    found = set()
    for doc in docnames:
        nb = json.loads((ROOT / f"{doc}.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                for role, target in ROLE.findall("".join(cell["source"])):
                    if role == "cite" or role.startswith("cite:"):
                        typ = role.partition(":")[2] or "p"
                        found.add((doc, typ, target))
    return sorted(found)


def _inline_markdown(node, url):
    """A resolved citation node as markdown: its text, each entry a link to the book's reference."""
    from docutils import nodes

    out = []
    for child in node.children:
        if isinstance(child, nodes.reference):
            text = child.astext().replace("[", "\\[").replace("]", "\\]")
            out.append(f"[{text}]({url}#{child['refid']})")
        elif isinstance(child, nodes.Text):
            out.append(child.astext().replace("[", "\\[").replace("]", "\\]"))
        else:
            out.append(_inline_markdown(child, url))
    return "".join(out)


def collect(build_dir=None, quiet=True):
    """Run the numbering-only Sphinx build and return what the editions need, as plain data."""
    from docutils import nodes
    from jupyter_book.config import get_final_config
    from pybtex.plugin import find_plugin
    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    build_dir = Path(build_dir or ROOT / "_build" / "numbers")
    config = book_config()
    url = book_url(config)
    sphinx_config, _ = get_final_config(
        user_yaml=ROOT / "_config.yml",
        cli_config={"latex_individualpages": False},
        sourcedir=ROOT,
        use_external_toc=True,
    )
    sphinx_config["nb_execution_mode"] = "off"  # numbers only: nothing is executed
    with patch_docutils(None), docutils_namespace():
        app = Sphinx(
            srcdir=str(ROOT),
            confdir=None,
            outdir=str(build_dir / "dummy"),
            doctreedir=str(build_dir / ".doctrees"),
            buildername="dummy",
            confoverrides=sphinx_config,
            status=None if quiet else sys.stdout,
            warning=sys.stderr,
            freshenv=False,
        )
        if app.config["use_multitoc_numbering"]:
            app.setup_extension("sphinx_multitoc_numbering")
        app.build(False, [])
        if app.statuscode:
            raise RuntimeError("the numbering build of the book failed")
        env = app.env
        lessons = sorted(d for d in env.found_docs if d.startswith("lessons/"))
        data = {"url": url, "docs": {}, "numbers": {}, "labels": {}, "cites": {}, "bib": {}}
        for doc in sorted(env.found_docs):
            data["docs"][doc] = {
                "title": env.titles[doc].astext(),
                "chapter": ".".join(map(str, env.toc_secnumbers.get(doc, {}).get("", ()))),
            }
        for doc in lessons:
            for figtype, numbers in env.toc_fignumbers.get(doc, {}).items():
                for ident, number in numbers.items():
                    label = ident.removeprefix("equation-") if figtype == "displaymath" else ident
                    kind = "equation" if figtype == "displaymath" else figtype
                    data["numbers"][label] = [doc, kind, ".".join(map(str, number))]
        std = env.get_domain("std")
        for label, (doc, anchor, title) in std.labels.items():
            data["labels"][label] = [doc, anchor, title]
        cite = env.get_domain("cite")
        for doc, typ, target in cite_targets(lessons):
            node = cite.resolve_xref(env, doc, app.builder, typ, target, pending_xref(), nodes.inline())
            data["cites"][f"{doc}|{typ}|{target}"] = _inline_markdown(node, url + doc + ".html")
        md = find_plugin("pybtex.backends", "markdown")()
        for citation in cite.citations:
            doc = citation.bibliography_key.docname
            text = citation.formatted_entry.text.render(md).replace("\n", " ")
            entry = [citation.formatted_entry.label, citation.citation_id, text]
            data["bib"].setdefault(doc, []).append(entry)
    macros = config["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    data["macros"] = {}
    for name, value in macros.items():
        if not isinstance(value, str):
            raise ValueError(f"macro \\{name}: only macros without arguments can be expanded")
        data["macros"][name] = value
    data["repo"] = config["repository"]["url"].rstrip("/")
    data["branch"] = config["repository"].get("branch", "main")
    return data


# ---------------------------------------------------------------- markdown


class Edition:
    """The transformation of one lesson's markdown, with the book's numbers in ``data``."""

    def __init__(self, data, doc, student=False):
        self.data, self.doc, self.student = data, doc, student
        self.md = parser()
        names = "|".join(map(re.escape, data["macros"]))
        self.macro = re.compile(rf"\\({names})(?![A-Za-z])") if names else None

    # -- helpers
    def page(self, doc):
        return self.data["url"] + doc + ".html"

    def expand_macros(self, text):
        if self.macro is None:
            return text
        return self.macro.sub(lambda m: self.data["macros"][m.group(1)], text)

    def number(self, label, kind=None):
        if label not in self.data["numbers"]:
            raise ValueError(f"{self.doc}: no number for label {label!r}")
        doc, found, number = self.data["numbers"][label]
        if kind is not None and found != kind:
            raise ValueError(f"{self.doc}: {label!r} is a {found}, not a {kind}")
        return doc, found, number

    def resolve_doc(self, target):
        if target.startswith("/"):
            return target.lstrip("/")
        base = self.doc.rpartition("/")[0]
        return f"{base}/{target}" if base else target

    # -- roles
    def role(self, match):
        name, content = match.group(1), match.group(2)
        text, _, target = content.partition("<")
        explicit = bool(target) and content.endswith(">")
        target = target[:-1].strip() if explicit else content.strip()
        text = text.strip() if explicit else None
        if name == "eq":
            doc, _, number = self.number(target, "equation")
            shown = f"({number})"
            if doc != self.doc:
                return f"[{shown}]({self.page(doc)}#equation-{target})"
            return shown
        if name == "cite" or name.startswith("cite:"):
            typ = name.partition(":")[2] or "p"
            return self.data["cites"][f"{self.doc}|{typ}|{content}"]
        if name == "doc":
            doc = self.resolve_doc(target)
            title = text or self.data["docs"][doc]["title"]
            return f"[{title}]({self.page(doc)})"
        if name in ("prf:ref", "ref", "numref"):
            if target in self.data["numbers"]:
                doc, kind, number = self.number(target)
                shown = text or f"{kind.capitalize()} {number}"
            elif target in self.data["labels"]:
                doc, anchor, title = self.data["labels"][target]
                shown = text or title
            else:
                raise ValueError(f"{self.doc}: unknown reference target {target!r}")
            if doc != self.doc:
                return f"[{shown}]({self.page(doc)}#{target})"
            return shown
        raise ValueError(f"{self.doc}: role {{{name}}} has no plain-markdown form")

    def inline(self, text):
        return self.expand_macros(ROLE.sub(self.role, text))

    # -- blocks
    def transform(self, text):
        """CommonMark for one markdown source (a cell, or a directive's body)."""
        lines = text.split("\n")
        tokens = [t for t in self.md.parse(text) if t.map is not None and t.nesting >= 0]
        blocks = []
        for tok in tokens:
            if tok.type in ("fence", "colon_fence", "math_block_label", "math_block", "amsmath", "code_block"):
                if tok.level != 0 and tok.info.startswith("{"):
                    raise ValueError(f"{self.doc}: a nested {tok.type} is not supported: {tok.content[:60]!r}")
                if tok.level == 0 or tok.type == "math_block_label":
                    blocks.append(tok)
        out, pos = [], 0
        for tok in blocks:
            start, end = tok.map
            out.append(self.inline("\n".join(lines[pos:start])))
            out.append(self.block(tok, lines[start:end]))
            pos = end
        out.append(self.inline("\n".join(lines[pos:])))
        result = "\n".join(out)
        result = re.sub(r"^\(([\w.-]+)\)=[ \t]*$\n?", "", result, flags=re.M)  # MyST targets
        return re.sub(r"\n{3,}", "\n\n", result).strip("\n")

    def block(self, tok, lines):
        if tok.type in ("fence", "colon_fence") and tok.info.startswith("{"):
            name, _, argument = tok.info[1:].partition("}")
            options, body = self.options(tok.content)
            return self.directive(name, argument.strip(), options, body)
        if tok.type == "math_block_label":
            _, _, number = self.number(tok.info, "equation")
            indent = re.match(r"\s*", lines[0]).group(0)
            body = [line.removeprefix(indent) for line in tok.content.strip("\n").split("\n")]
            math = ["$$", *map(self.expand_macros, body), f"\\tag{{{number}}}", "$$"]
            return "\n".join(indent + line if line else line for line in math)
        if tok.type in ("math_block", "amsmath"):
            return self.expand_macros("\n".join(lines))
        return "\n".join(lines)  # code: verbatim

    @staticmethod
    def options(content):
        options, lines = {}, content.split("\n")
        while lines and (m := re.match(r"^:([\w-]+):\s*(.*)$", lines[0])):
            options[m.group(1)] = m.group(2).strip()
            lines.pop(0)
        return options, "\n".join(lines)

    def directive(self, name, argument, options, body):
        label = options.get("label")
        if name == "exercise":
            _, _, number = self.number(label, "exercise")
            title = f"**Exercise {number}**" + (f" ({self.inline(argument)})" if argument else "")
            return f"{title}\n\n{self.transform(body)}"
        if name == "solution":
            if self.student:
                return ""
            _, _, number = self.number(argument, "exercise")
            return (
                f"<details>\n<summary><b>Solution to Exercise {number}</b> (click to show)</summary>\n\n"
                f"{self.transform(body)}\n\n</details>"
            )
        if name == "prf:proof":
            body = self.transform(body)
            end = "\n\n∎" if body.rstrip().endswith("$$") else " ∎"
            return f"*Proof.* {body}{end}" if not body.startswith(("$$", "-", "1.")) else f"*Proof.*\n\n{body}{end}"
        if name.startswith("prf:"):
            kind = name[4:]
            head = kind.capitalize()
            if label and label in self.data["numbers"]:
                head += " " + self.number(label, kind)[2]
            title = f"**{head}**" + (f" ({self.inline(argument)})" if argument else "")
            return f"{title}\n\n{self.transform(body)}"
        if name in ADMONITIONS:
            title = self.inline(argument) if name == "admonition" else ADMONITIONS[name]
            return self.blockquote(f"**{title}**\n\n{self.transform(body)}")
        if name == "bibliography":
            entries = self.data["bib"].get(self.doc, [])
            if not entries:
                raise ValueError(f"{self.doc}: a bibliography without entries")
            return "\n".join(f"- \\[{lab}\\] {text}" for lab, _, text in entries)
        raise ValueError(f"{self.doc}: directive {{{name}}} has no plain-markdown form")

    @staticmethod
    def blockquote(text):
        """Quote ``text``, one line per paragraph or list item, so no ``$...$`` spans a ``>``."""
        out = []
        for para in text.split("\n\n"):
            items = []
            for line in para.split("\n"):
                if not items or re.match(r"^\s*([-*+]|\d+[.)])\s", line):
                    items.append(line.rstrip())
                else:
                    items[-1] += " " + line.strip()
            out.append("\n".join("> " + item for item in items))
        return "\n>\n".join(out)


# ---------------------------------------------------------------- cells and notebooks


def is_install_cell(cell):
    return cell["cell_type"] == "code" and 'find_spec("coursekit")' in "".join(cell["source"])


def stub_solution(source, where):
    """The code with every BEGIN/END SOLUTION block replaced by ``raise NotImplementedError``."""
    out, inside = [], False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"{where}: nested {BEGIN}")
            indent = line[: len(line) - len(line.lstrip())]
            if not indent:
                raise ValueError(f"{where}: {BEGIN} must be inside a function body (indented)")
            out += [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError"]
            inside = True
        elif stripped == END:
            if not inside:
                raise ValueError(f"{where}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{where}: {BEGIN} without {END}")
    return "\n".join(out)


def source_lines(text):
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def edition(nb, data, doc, student=False):
    """The reader (or student) edition of one lesson notebook ``nb`` (not modified)."""
    ed = Edition(data, doc, student)
    out = copy.deepcopy(nb)
    cells = []
    for cell in nb["cells"]:
        cell = copy.deepcopy(cell)
        meta = cell.get("metadata", {})
        tags = meta.get("tags", [])
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            source = ed.transform(source)
            if not source.strip():
                continue
        elif cell["cell_type"] == "code":
            if is_install_cell(cell):
                body = source.split("\n")
                while body and body[0].startswith("#"):
                    body.pop(0)  # the lesson's own comment, replaced by the longer one
                source = INSTALL_HELP.format(repo=data["repo"]) + "\n".join(body)
                tags = [t for t in tags if t != "remove-cell"]
            elif "remove-cell" in tags:
                continue
            if BEGIN in source:
                if student:
                    source = stub_solution(source, f"{doc}, cell {cell.get('id')}")
                else:
                    meta.setdefault("jupyter", {})["source_hidden"] = True
            cell["outputs"], cell["execution_count"] = [], None
        if tags:
            meta["tags"] = tags
        else:
            meta.pop("tags", None)
        cell["metadata"] = meta
        cell["source"] = source_lines(source)
        cells.append(cell)
    first = next(c for c in cells if c["cell_type"] == "markdown")
    page = ed.page(doc)
    source_url = f"{data['repo']}/blob/{data['branch']}/{doc}.ipynb"
    what = "Student edition (no solutions)" if student else "Reader edition"
    make = "make student" if student else "make notebooks"
    note = (
        f"*{what}, generated from [`{doc}.ipynb`]({source_url}) by `{make}`: edit that file, not this one. "
        f"Numbers, references and citations are the [book's]({page}).*\n\n"
    )
    chapter = data["docs"][doc]["chapter"]
    text = "".join(first["source"])
    if chapter and text.startswith("# "):
        text = f"# {chapter}. " + text[2:]
    first["source"] = source_lines(note + text)
    # the install cell first among the code cells
    install = [c for c in cells if is_install_cell(c)]
    if install:
        cells.remove(install[0])
        index = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
        cells.insert(index, install[0])
    out["cells"] = cells
    out.setdefault("metadata", {})["coursekit_edition"] = {"source": f"{doc}.ipynb", "student": student}
    return out


def dumps(nb):
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def lesson_docs():
    return sorted(f"lessons/{p.stem}" for p in LESSONS.glob("[0-9][0-9]_*.ipynb"))


def build(out_dir, student=False, data=None, build_dir=None):
    """Write the edition of every lesson into ``out_dir``; return the written paths."""
    data = data or collect(build_dir)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for doc in lesson_docs():
        nb = json.loads((ROOT / f"{doc}.ipynb").read_text(encoding="utf-8"))
        path = out_dir / (doc.rpartition("/")[2] + ".ipynb")
        path.write_text(dumps(edition(nb, data, doc, student)), encoding="utf-8")
        written.append(path)
    for stale in set(out_dir.glob("*.ipynb")) - set(written):
        stale.unlink()
    return written


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--student", action="store_true", help="the student edition (no solutions, code stubbed)")
    ap.add_argument("--out", help="output folder (default notebooks/, or _build/student/ with --student)")
    ap.add_argument("--build-dir", help="the numbering build's folder (default _build/numbers)")
    args = ap.parse_args(argv)
    out = args.out or (ROOT / "_build" / "student" if args.student else ROOT / "notebooks")
    paths = build(out, student=args.student, build_dir=args.build_dir)
    print(f"wrote {len(paths)} notebooks to {out}")


if __name__ == "__main__":
    main()

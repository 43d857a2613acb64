"""The reader edition (notebooks/, `make notebooks`) and the student edition (`make student`).

Each edition notebook is checked as Colab, GitHub and plain Jupyter read it: its markdown parsed by
markdown-it-py as CommonMark with ``$`` math, with no MyST construct left (roles, directives, ``:::``
fences, option lines, ``$$ (label)``, targets, the book's own macros); every ``{eq}`` of its lesson
shown as the book's number; every solution inside ``<details>``; no hidden test cell; the install cell
first and visible. The student edition has no solution at all, and its code exercises are stubs. The
committed reader edition must equal a fresh `make notebooks`. The reader notebooks themselves run
through nbval in `make test` (``notebooks`` is among its paths); here a student notebook is executed
when its code differs from the reader's (a code exercise), and so is the code-exercise fixture.
"""

import json
import re
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import reader_edition as ed  # noqa: E402
from ipc_kernels import IPCKernelManager  # noqa: E402

LESSONS = sorted(p.stem for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
FIXTURE = ROOT / "tests" / "fixtures" / "code_exercise.ipynb"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """The book's numbers, from a numbering-only Sphinx build of its own (about 10 s)."""
    return ed.collect(tmp_path_factory.mktemp("numbers"))


@pytest.fixture(scope="module")
def editions(data):
    out = {}
    for name in LESSONS:
        nb = json.loads((ROOT / "lessons" / f"{name}.ipynb").read_text(encoding="utf-8"))
        doc = f"lessons/{name}"
        out[name] = (nb, ed.edition(nb, data, doc), ed.edition(nb, data, doc, student=True))
    return out


def text(cell):
    return "".join(cell["source"])


def markdown(nb):
    return [text(c) for c in nb["cells"] if c["cell_type"] == "markdown"]


def myst_constructs(source, macros=("R", "E")):
    """The MyST constructs a CommonMark + ``$`` math reader would show as raw text, found by parsing."""
    md = MarkdownIt("commonmark").use(dollarmath_plugin, allow_labels=True, allow_space=True, allow_digits=True)
    macro = re.compile(r"\\(" + "|".join(macros) + r")(?![A-Za-z])")
    found = []
    tokens = md.parse(source)
    for tok in tokens:
        if tok.type == "fence" and tok.info.startswith("{"):
            found.append(f"directive {tok.info}")
        if tok.type == "math_block_label":
            found.append(f"$$ ({tok.info})")
        if tok.type.startswith("math") and macro.search(tok.content):
            found.append(f"macro in {tok.content[:40]!r}")
        children = tok.children or []
        for i, child in enumerate(children):
            if child.type == "text":
                if re.search(r"\{[a-z][\w:+-]*\}$", child.content) and i + 1 < len(children):
                    if children[i + 1].type == "code_inline":
                        found.append(f"role {child.content[-20:]}`{children[i + 1].content}`")
            if child.type.startswith("math") and macro.search(child.content):
                found.append(f"macro in {child.content[:40]!r}")
        if tok.type == "inline":
            for line in tok.content.split("\n"):
                if line.startswith(":::") or re.match(r"^:[\w-]+:", line) or re.match(r"^\([\w.-]+\)=$", line):
                    found.append(f"line {line[:40]!r}")
    return found


def test_the_detector_finds_the_lessons_myst():
    total = sum(len(myst_constructs(s)) for n in LESSONS for s in markdown(load(f"lessons/{n}.ipynb")))
    assert total > 500  # the roles, fences, labels and macros of the MyST sources


def load(rel):
    return json.loads((ROOT / rel).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", LESSONS)
def test_no_myst_left(editions, name):
    _, reader, student = editions[name]
    for nb in (reader, student):
        left = [c for s in markdown(nb) for c in myst_constructs(s)]
        assert left == [], left[:5]


@pytest.mark.parametrize("name", LESSONS)
def test_equations_carry_the_books_numbers(editions, data, name):
    lesson, reader, _ = editions[name]
    src = "\n".join(markdown(lesson))
    out = "\n".join(markdown(reader))
    chapter = data["docs"][f"lessons/{name}"]["chapter"]
    labels = re.findall(r"^\s*\$\$ *\(([\w-]+)\)", src, re.M)
    tags = re.findall(r"\\tag\{([\d.]+)\}", out)
    assert tags == [data["numbers"][label][2] for label in labels]
    assert all(t.startswith(chapter + ".") for t in tags)
    for label in re.findall(r"\{eq\}`([\w-]+)`", src):
        doc, kind, number = data["numbers"][label]
        assert kind == "equation" and f"({number})" in out, label


@pytest.mark.parametrize("name", LESSONS)
def test_citations_resolve_to_the_books_references(editions, data, name):
    lesson, reader, _ = editions[name]
    cites = re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", "\n".join(markdown(lesson)))
    out = "\n".join(markdown(reader))
    page = data["url"] + f"lessons/{name}.html#"
    links = re.findall(r"\]\(" + re.escape(page) + r"(id\d+)\)", out)
    ids = {cid for _, cid, _ in data["bib"][f"lessons/{name}"]}
    assert len(links) == sum(len(c.split(",")) for c in cites)  # every key resolved, to this page
    assert set(links) <= ids
    assert len(re.findall(r"^- \\\[[^\\]+\\\] ", out, re.M)) == len(ids)  # the reference list


@pytest.mark.parametrize("name", LESSONS)
def test_solutions_folded_exercises_numbered(editions, data, name):
    lesson, reader, student = editions[name]
    src = "\n".join(markdown(lesson))
    exercises = re.findall(r"^:::\{exercise\}.*\n:label: ([\w-]+)", src, re.M)
    solutions = re.findall(r"^:::\{solution\} ([\w-]+)", src, re.M)
    assert len(solutions) == len(re.findall(r"^(?::::|```)\{solution\}", src, re.M))
    numbers = [data["numbers"][label][2] for label in exercises]
    for nb, student_edition in ((reader, False), (student, True)):
        out = "\n".join(markdown(nb))
        assert re.findall(r"^\*\*Exercise ([\d.]+)\*\*", out, re.M) == numbers
        outside = re.sub(r"<details>.*?</details>", "", out, flags=re.S)
        assert "Solution" not in outside
        if student_edition:
            assert "<details>" not in out
        else:
            shown = re.findall(r"<details>\n<summary><b>Solution to Exercise ([\d.]+)</b>", out)
            assert shown == [data["numbers"][label][2] for label in solutions]


@pytest.mark.parametrize("name", LESSONS)
def test_no_test_cells_and_the_install_cell_first(editions, name):
    lesson, reader, student = editions[name]
    visible = [text(c) for c in lesson["cells"] if "remove-cell" not in c["metadata"].get("tags", [])]
    for nb, stubbed in ((reader, False), (student, True)):
        assert not any("remove-cell" in c["metadata"].get("tags", []) for c in nb["cells"])
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert ed.is_install_cell(code[0]) and "If pip fails" in text(code[0])
        assert all(not ed.is_install_cell(c) for c in code[1:])
        # the student edition has the code exercises' solutions stubbed
        shown = [ed.stub_solution(s, name) if stubbed and ed.BEGIN in s else s for s in visible]
        lesson_code = [s for s in shown if s in {text(c) for c in code}]
        assert len(code) == 1 + len(lesson_code)
        assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
        first = text(nb["cells"][0]).split("\n")[0]
        assert f"lessons/{name}.ipynb" in first and "edit that file" in first


@pytest.mark.parametrize("name", LESSONS)
def test_student_notebook_executes_when_it_differs(editions, name):
    _, reader, student = editions[name]
    code = [[text(c) for c in nb["cells"] if c["cell_type"] == "code"] for nb in (reader, student)]
    if code[0] == code[1]:
        return  # no code exercise: the same code as the reader notebook, which nbval runs
    run(student)


def test_committed_reader_edition_is_current(data, tmp_path):
    ed.build(tmp_path, data=data)
    fresh = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.ipynb")}
    committed = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert sorted(committed) == sorted(fresh) == [f"{n}.ipynb" for n in LESSONS]
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert stale == [], f"notebooks/ is stale: run `make notebooks` ({stale})"


def run(nb):
    node = nbformat.reads(json.dumps(nb), as_version=4)
    nbclient.execute(node, cwd=str(ROOT), kernel_manager_class=IPCKernelManager, timeout=300)
    return ["".join(o.get("text", "")) for c in node.cells if c.cell_type == "code" for o in c.outputs]


FIXTURE_DATA = {
    "url": "https://example.org/book/",
    "repo": "https://github.com/example/book",
    "branch": "main",
    "docs": {"lessons/fx": {"title": "A code exercise", "chapter": "14"}},
    "numbers": {"fx-square": ["lessons/fx", "equation", "14.1"], "fx-ex-square": ["lessons/fx", "exercise", "14.1"]},
    "labels": {},
    "cites": {},
    "bib": {},
    "macros": {"R": r"\mathbb{R}"},
}


def test_code_exercise_markers_on_a_fixture():
    nb = json.loads(FIXTURE.read_text(encoding="utf-8"))
    reader = ed.edition(nb, FIXTURE_DATA, "lessons/fx")
    student = ed.edition(nb, FIXTURE_DATA, "lessons/fx", student=True)
    cell = next(c for c in reader["cells"] if ed.BEGIN in text(c))
    assert cell["metadata"]["jupyter"]["source_hidden"] is True  # folded, still runnable
    assert "y = x * x" in text(cell)
    stub = next(c for c in student["cells"] if "def square" in text(c))
    assert text(stub) == "def square(x):\n    # YOUR CODE HERE\n    raise NotImplementedError"
    assert "<details>" in "".join(markdown(reader)) and "Solution" not in "".join(markdown(student))
    assert r"\mathbb{R}" in text(reader["cells"][0]) and r"\tag{14.1}" in text(reader["cells"][0])
    assert "# 14. A code exercise" in text(reader["cells"][0])
    assert not any("assert square" in text(c) for c in student["cells"])
    assert [c for s in markdown(student) + markdown(reader) for c in myst_constructs(s)] == []
    reader_out, student_out = "".join(run(reader)), "".join(run(student))
    assert "\u2713 square(3.0) = 9.0" in reader_out
    assert "square: not implemented yet" in student_out and "9.0" in student_out  # and the notebook goes on


@pytest.mark.parametrize(
    "source",
    ["def f():\n# BEGIN SOLUTION\n    return 1\n# END SOLUTION", "def f():\n    # BEGIN SOLUTION\n    return 1"],
)
def test_bad_markers_are_errors(source):
    with pytest.raises(ValueError, match="SOLUTION"):
        ed.stub_solution(source, "here")


def test_unknown_role_is_an_error():
    with pytest.raises(ValueError, match="role"):
        ed.Edition(FIXTURE_DATA, "lessons/fx").transform("see {footcite}`x`")


def test_exercise_checkers_cite_the_books_equation_numbers(data):
    """A checker's "Reread (9.6)" names the number the book gives that equation's label."""
    from coursekit import exercises

    for name in sorted(n for n in dir(exercises) if n.startswith("check_")):
        for m in getattr(exercises, name).misconceptions:
            if m.label is None:
                continue
            assert m.label in data["numbers"], f"{name}: no equation labelled {m.label}"
            number = data["numbers"][m.label][2]
            assert f"({number})" in m.reread, f"{name}: {m.reread!r} but {m.label} is ({number})"

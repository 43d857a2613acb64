"""The book's conventions, checked: lessons stored without outputs, the table of
contents in step with lessons/, and every lesson's Colab install cell in step
with the one repository URL in _config.yml."""

import json
import pathlib
import re

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
LESSONS = sorted(p for p in (ROOT / "lessons").glob("*.ipynb"))


def _config():
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def _toc_files(node):
    """Every `file:` entry of _toc.yml, depth first."""
    if isinstance(node, dict):
        if "file" in node:
            yield node["file"]
        for key in ("root",):
            if key in node:
                yield node[key]
        for value in node.values():
            if isinstance(value, (list, dict)):
                yield from _toc_files(value)
    elif isinstance(node, list):
        for item in node:
            yield from _toc_files(item)


def _code_cells(path):
    nb = json.loads(path.read_text())
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def install_cell_source(url: str) -> str:
    """The first code cell every lesson starts with (Colab has no coursekit)."""
    return (
        "# On Colab, install coursekit from the book's repository.\n"
        "import importlib.util\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        'if importlib.util.find_spec("coursekit") is None:\n'
        f'    url = "git+{url}"\n'
        '    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", url])'
    )


def test_there_are_lessons():
    assert LESSONS, "lessons/ holds no notebook"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    for cell in _code_cells(path):
        assert not cell.get("outputs"), f"{path.name} stores outputs: clear them before committing"
        assert cell.get("execution_count") is None, f"{path.name} stores execution counts"


def test_toc_lists_exactly_the_lessons():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    listed = {f for f in _toc_files(toc) if f.startswith("lessons/")}
    on_disk = {p.relative_to(ROOT).with_suffix("").as_posix() for p in LESSONS}
    assert {pathlib.PurePosixPath(f).with_suffix("").as_posix() for f in listed} == on_disk


def test_toc_files_exist():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    for f in _toc_files(toc):
        candidates = [ROOT / f, *(ROOT / (f + ext) for ext in (".md", ".ipynb"))]
        assert any(c.is_file() for c in candidates), f"_toc.yml names {f}, which does not exist"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_first_code_cell_installs_coursekit_from_the_repository(path):
    url = _config()["repository"]["url"]
    first = "".join(_code_cells(path)[0]["source"]).strip()
    assert first == install_cell_source(url)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_has_title_exercises_and_references(path):
    nb = json.loads(path.read_text())
    md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert md.lstrip().startswith("# "), f"{path.name} does not open with a title"
    assert ":::{exercise}" in md or "```{exercise}" in md, f"{path.name} has no exercise"
    assert ":::{solution}" in md or "```{solution}" in md, f"{path.name} has no solution"
    assert "{cite" in md, f"{path.name} cites nothing"


def test_requirements_pin_jupyter_book_1():
    req = (ROOT / "requirements.txt").read_text()
    assert "jupyter-book>=1" in req and "<2" in req


def test_parity_tests_get_torch_through_import_torch():
    """pytest.importorskip on torch would skip silently in CI; tests/_torch.py's
    import_torch() fails there instead (COURSEKIT_REQUIRE_TORCH=1)."""
    offenders = [
        p.name
        for p in sorted((ROOT / "tests").glob("*.py"))
        if p.name != "_torch.py" and re.search(r"importorskip\(\s*[\"']torch", p.read_text())
    ]
    assert not offenders, f"use _torch.import_torch() in {offenders}"


_BLOCK_START = re.compile(r"^\s*([-+*]|\d+[.)]|>|#{1,6})\s")


def _lines_that_break_inline_math(source):
    """Lines inside an open $...$ span that Markdown would read as a new block
    (a "+ 2b" at the start of a line opens a list and cuts the formula in two)."""
    bad, open_math, fenced, display = [], False, False, False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        if stripped.startswith("$$"):
            display = not display and not stripped.endswith("$$", 2)
            continue
        if display:
            continue
        if not stripped:
            open_math = False
            continue
        if open_math and _BLOCK_START.match(line):
            bad.append(line)
        singles = re.sub(r"\\\$|\$\$", "", line).count("$")
        open_math ^= singles % 2 == 1
    return bad


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_no_line_inside_inline_math_starts_a_block(path):
    nb = json.loads(path.read_text())
    bad = [
        line
        for cell in nb["cells"]
        if cell["cell_type"] == "markdown"
        for line in _lines_that_break_inline_math("".join(cell["source"]))
    ]
    assert not bad, f"move the operator to the previous line: {bad}"


def test_the_inline_math_check_finds_a_broken_formula():
    broken = "for the hidden layers $a = 4Wg\n+ 2b$, and the output"
    assert _lines_that_break_inline_math(broken) == ["+ 2b$, and the output"]
    assert _lines_that_break_inline_math(broken.replace("\n+ ", " +\n")) == []

"""coursekit's layout rules (DESIGN.md, "coursekit"), read from the source with ast:
no import circle (imports inside functions count), no module over 600 lines, and
no math module that reaches matplotlib or ipywidgets, directly or through the
coursekit modules it imports."""

import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "coursekit"
MAX_LINES = 600

# The presentation code, the only place that may draw: the shared drawing primitives,
# the Explorer mechanism, and the chapters' explorers (the package and its modules).
PRESENTATION = ("coursekit.plots", "coursekit.explorer", "coursekit.explorers")
DRAWING_LIBRARIES = ("matplotlib", "ipywidgets")


def _name(path: pathlib.Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_presentation(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in PRESENTATION)


def imports(module: str, source: str | None = None) -> list[tuple[str, int]]:
    """(imported module, line) for every import statement in ``module``, at any depth
    (inside functions too), relative forms resolved; ``from X import a`` counts as
    importing ``X.a`` when that is a module, else ``X``."""
    path = MODULES.get(module)
    tree = ast.parse(path.read_text() if source is None else source)
    package = module if path is not None and path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.append((sub if sub in MODULES else target, node.lineno))
    return found


def graph() -> dict[str, list[tuple[str, int]]]:
    """coursekit module -> the coursekit modules it imports (with the line)."""
    return {m: [(t, line) for t, line in imports(m) if t in MODULES] for m in MODULES}


def find_circle(edges: dict[str, list[tuple[str, int]]]) -> list[str] | None:
    """One import circle as ['a (line n) -> b', ...], or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    stack: list[tuple[str, int]] = []

    def visit(m):
        state[m] = 1
        for t, line in edges.get(m, []):
            stack.append((m, line))
            if state.get(t) == 1:
                start = next(i for i, (s, _) in enumerate(stack) if s == t)
                steps = stack[start:]
                names = [s for s, _ in steps[1:]] + [t]
                return [f"{s} (line {n}) -> {nxt}" for (s, n), nxt in zip(steps, names)]
            if t not in state:
                circle = visit(t)
                if circle:
                    return circle
            stack.pop()
        state[m] = 2
        return None

    for m in edges:
        if m not in state:
            circle = visit(m)
            if circle:
                return circle
    return None


def test_the_modules_are_found():
    assert {"coursekit.optim.adam", "coursekit.backprop.tensor", "coursekit.explorers.momentum"} <= set(MODULES)
    assert "coursekit.optim.optimizer" in [t for t, _ in imports("coursekit.optim.sgd")]
    assert "coursekit.moments" in [t for t, _ in imports("coursekit.explorers.adam")]  # inside a function


def test_no_import_circle():
    circle = find_circle(graph())
    assert circle is None, "import circle among coursekit modules:\n  " + "\n  ".join(circle)


def test_a_circle_is_found_when_there_is_one():
    """The check itself: a lazy import inside a function closes a circle."""
    edges = graph()
    lazy = "def f():\n    from .. import second_order\n"
    edges["coursekit.optim.lbfgs"] = edges["coursekit.optim.lbfgs"] + [
        (t, line) for t, line in imports("coursekit.optim.lbfgs", lazy) if t in MODULES
    ]
    circle = find_circle(edges)
    assert circle is not None and any("coursekit.second_order" in step for step in circle)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_over_600_lines(module):
    n = len(MODULES[module].read_text().splitlines())
    assert n <= MAX_LINES, f"{MODULES[module].relative_to(ROOT.parent)} has {n} lines (> {MAX_LINES}): split it by idea"


def _reaches_drawing(module, edges):
    """The import chain from ``module`` to matplotlib/ipywidgets or presentation code, or None."""
    seen, todo = {module}, [(module, [module])]
    while todo:
        m, chain = todo.pop()
        for t, line in imports(m):
            if t.split(".")[0] in DRAWING_LIBRARIES:
                return chain + [f"{t} (line {line} of {m})"]
        for t, line in edges[m]:
            if _is_presentation(t):
                return chain + [f"{t} (line {line} of {m})"]
            if t not in seen:
                seen.add(t)
                todo.append((t, chain + [t]))
    return None


MATH = sorted(m for m in MODULES if not _is_presentation(m))


def test_the_presentation_modules_are_the_listed_ones():
    assert "coursekit.optim" in MATH and "coursekit.explorers.momentum" not in MATH
    drawing = {m for m in MODULES if any(t.split(".")[0] in DRAWING_LIBRARIES for t, _ in imports(m))}
    assert drawing, "no module imports matplotlib or ipywidgets: the check reads nothing"
    assert all(_is_presentation(m) for m in drawing), sorted(m for m in drawing if not _is_presentation(m))


def test_a_math_module_reaching_drawing_code_is_found():
    """The check itself: a math module importing one that draws, two steps away."""
    edges = graph()
    edges["coursekit.stats"] = edges["coursekit.stats"] + [("coursekit.plots", 1)]
    chain = _reaches_drawing("coursekit.sgd_theory", {**edges, "coursekit.sgd_theory": [("coursekit.stats", 1)]})
    assert chain == ["coursekit.sgd_theory", "coursekit.stats", "coursekit.plots (line 1 of coursekit.stats)"]


@pytest.mark.parametrize("module", MATH)
def test_math_module_does_not_reach_matplotlib_or_ipywidgets(module):
    chain = _reaches_drawing(module, graph())
    assert chain is None, f"{module} reaches drawing code: " + " -> ".join(chain)


def test_importing_every_math_module_loads_no_drawing_library():
    """At run time too (third-party imports included), in a fresh interpreter."""
    code = (
        "import importlib, sys\n"
        f"for m in {MATH!r}: importlib.import_module(m)\n"
        f"print(sorted({{k.split('.')[0] for k in sys.modules}} & set({DRAWING_LIBRARIES!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"importing the math modules loaded {out.strip()}"


def _chapter_map():
    import coursekit

    rows = {}
    for line in coursekit.__doc__.splitlines():
        parts = line.split()
        if parts and len(parts[0]) == 2 and parts[0].isdigit():
            title, math = line[8:55].strip(), line[55:87]
            rows[parts[0]] = (title, [m.strip() for m in math.split(",")], parts[-1])
    return rows


def test_the_package_docstring_maps_every_chapter_to_modules_that_exist():
    import json

    rows = _chapter_map()
    lessons = sorted((ROOT.parent / "lessons").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(rows) == [p.name[:2] for p in lessons]
    for p in lessons:
        cells = json.loads(p.read_text())["cells"]
        heading = next(c for c in cells if c["cell_type"] == "markdown")["source"][0]
        title, math, explorers = rows[p.name[:2]]
        assert heading.strip() == f"# {title}", p.name
        for m in math:
            assert f"coursekit.{m}" in MODULES, f"chapter {p.name[:2]}: no module coursekit.{m}"
        assert f"coursekit.explorers.{explorers}" in MODULES, f"chapter {p.name[:2]}: no explorers.{explorers}"


def test_the_package_docstring_names_every_module():
    import coursekit

    top = {m.split(".")[1] for m in MODULES if m.count(".") >= 1}
    missing = sorted(m for m in top if m not in coursekit.__doc__)
    assert not missing, f"coursekit/__init__.py does not say where these belong: {missing}"


def test_the_readme_layout_lists_coursekits_files():
    """README.md's Layout names only files that exist, and every module of coursekit."""
    import re

    readme = (ROOT.parent / "README.md").read_text()
    block = readme.split("## Layout", 1)[1].split("```")[1]
    lines = block.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("coursekit/"))
    stop = next(i for i in range(start + 1, len(lines)) if lines[i][:1] not in (" ", ""))
    text = "\n".join(lines[start:stop])
    names = set(re.findall(r"\b\w+\.py\b|\b\w+/", text))
    files = {p.name for p in ROOT.rglob("*.py")} | {p.name + "/" for p in ROOT.iterdir() if p.is_dir()}
    assert names - {"coursekit/"} <= files, sorted(names - files - {"coursekit/"})
    top = {p.name + ("/" if p.is_dir() else "") for p in ROOT.iterdir() if p.name != "__init__.py"}
    top = {n for n in top if not n.startswith("__")}
    assert top <= names, f"README.md's Layout leaves out {sorted(top - names)}"

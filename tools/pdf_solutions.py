"""Sphinx extension for the PDF book (tools/pdf_book.py): the solutions in an appendix.

The HTML book prints each ``{solution}`` under its exercise. In the LaTeX build only
(a post-transform restricted to the latex builder, so the HTML build never runs it)
every solution moves to an appendix "Solutions to the exercises" at the end of the
book, one section per chapter. Each solution is titled "Solution to Exercise N.M" with
a link to the exercise and its page, and each exercise, which stays where it is, ends
with a link "Solution on page X". Also for the LaTeX build only: ChapterTitleNames, so
that sphinx-proof numbers the boxes of every chapter.
"""

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_exercise.nodes import is_exercise_node, solution_node

APPENDIX = "Solutions to the exercises"


def latex(text):
    return nodes.raw("", text, format="latex")


def exercise_number(exercise):
    """``"1.2"`` from an exercise whose LaTeX title sphinx-exercise resolved to "Exercise 1.2 (...)"."""
    words = exercise.children[0].astext().split()
    return words[1] if len(words) > 1 else ""


class SolutionsAppendix(SphinxPostTransform):
    builders = ("latex",)
    default_priority = 900  # after sphinx-exercise's titles (20-22)

    def run(self):
        files = list(self.document.findall(addnodes.start_of_file))
        if not files:
            return
        exercises = {n.get("label"): n for n in self.document.findall(is_exercise_node)}
        chapters = {}
        # Sphinx inlines each chapter as a start_of_file node whose child document has no
        # parent set, so a solution's chapter is found from the chapter, not upwards.
        for chapter in files:
            for solution in chapter.findall(solution_node):
                exercise = exercises.get(solution.get("target_label"))
                if exercise is not None:  # a solution without its exercise stays put
                    chapters.setdefault(chapter["docname"], []).append((solution, exercise))
        appendix = nodes.section("", ids=["solutions-to-the-exercises"], names=[APPENDIX.lower()])
        appendix += nodes.title("", APPENDIX)
        appendix += nodes.paragraph(
            "",
            "Each solution names its exercise and the page it is on; the exercise links back here.",
        )
        for docname, pairs in chapters.items():
            title = self.env.titles[docname].astext() if docname in self.env.titles else docname
            number = exercise_number(pairs[0][1]).split(".")[0]
            section = nodes.section("", ids=[f"solutions-{docname.replace('/', '-')}"])
            section += nodes.title("", f"Chapter {number}: {title}" if number.isdigit() else title)
            appendix += section
            for solution, exercise in pairs:
                label = exercise.get("label")
                number = exercise_number(exercise)
                solution.parent.remove(solution)
                title = nodes.title("")
                title += latex(
                    f"Solution to \\hyperref[exercise:{label}]{{Exercise {number}}}"
                    f" (page~\\pageref*{{exercise:{label}}})"
                )
                solution.children[0] = title
                title.parent = solution
                section += latex(f"\\phantomsection\\label{{solution:{label}}}")
                section += solution
                exercise += nodes.paragraph(
                    "",
                    "",
                    latex(f"\\hfill\\hyperref[solution:{label}]{{Solution on page~\\pageref*{{solution:{label}}}}}"),
                )
        last = files[-1]
        last.parent.insert(
            last.parent.index(last) + 1,
            [
                latex(
                    "\\cleardoublepage\\phantomsection\\addcontentsline{toc}{part}{Appendix}\n"
                    "\\appendix\\setcounter{secnumdepth}{0}"
                ),
                appendix,
            ],
        )


class ChapterTitleNames(SphinxPostTransform):
    """sphinx-proof numbers a LaTeX box by the chapter whose section ``names`` hold the
    chapter's title; Sphinx's titles have curly quotes (smartquotes), the names the
    source's straight ones, so the boxes of "Nesterov's ..." and "Newton's ..." chapters
    printed "Theorem  (...)" with no number. Give each chapter's section its title's
    name too (the labels and links come from ``ids``, which stay as they are)."""

    builders = ("latex",)
    default_priority = 901

    def run(self):
        for chapter in self.document.findall(addnodes.start_of_file):
            title = self.env.titles.get(chapter["docname"])
            section = next(iter(chapter.findall(nodes.section)), None)
            if title is not None and section is not None:
                name = title.astext().lower()
                if name not in section["names"]:
                    section["names"].append(name)


def setup(app):
    app.setup_extension("sphinx_exercise")
    app.add_post_transform(SolutionsAppendix)
    app.add_post_transform(ChapterTitleNames)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

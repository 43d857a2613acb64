"""Check the built book (run by `make book` after the build): every lesson page
shows at least one figure from its executed code, and no page with its images
weighs 5 MB or more.

A build can lose its figures without a warning: with MPLBACKEND=Agg in the
environment, for instance, the kernels draw nothing inline. This check makes that
a failure.
"""

import pathlib
import re
import sys

import yaml

root = pathlib.Path(__file__).resolve().parent.parent
html = root / "_build" / "html"
LIMIT = 5_000_000  # bytes per page, HTML plus the images it loads


def lessons(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from lessons(value)
        if str(node.get("file", "")).startswith("lessons/"):
            yield node["file"]
    elif isinstance(node, list):
        for item in node:
            yield from lessons(item)


problems = []
toc = yaml.safe_load((root / "_toc.yml").read_text())
for name in sorted(lessons(toc)):
    page = html / (pathlib.PurePosixPath(name).with_suffix(".html"))
    if not page.is_file():
        problems.append(f"{page.relative_to(root)}: missing")
        continue
    text = page.read_text(encoding="utf-8")
    outputs = text.split('class="cell_output')[1:]
    figures = sum(out.split("</div>\n</div>")[0].count("<img") for out in outputs)
    srcs = set(re.findall(r'<img[^>]*\ssrc="(?!data:)([^"]+)"', text))
    size = page.stat().st_size + sum((page.parent / s).stat().st_size for s in srcs if (page.parent / s).is_file())
    print(f"{name}: {figures} figure{'s' * (figures != 1)} in cell outputs, {size / 1e6:.2f} MB")
    if figures == 0:
        problems.append(f"{name}: no figure in any cell output (was MPLBACKEND set?)")
    if size >= LIMIT:
        problems.append(f"{name}: {size / 1e6:.1f} MB with its images (limit 5 MB)")

if problems:
    sys.exit("check_book failed:\n  " + "\n  ".join(problems))

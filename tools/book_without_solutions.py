"""Build the HTML book without the exercises' solutions, for instructors.

    .venv/bin/python tools/book_without_solutions.py [--path-output DIR] [jupyter-book build options]

sphinx-exercise drops every ``{solution}`` directive when its Sphinx option
``hide_solutions`` is true; the exercises keep their numbers (Exercise 7.2 is the same
in every edition). This writes a copy of ``_config.yml`` with that option into the
output folder (default ``_build/nosolutions``; the local extensions' paths made
absolute, since jupyter-book reads them relative to the configuration file) and runs
``tools/build_book.py build . --config <copy> --path-output <folder>`` as ``make book``
would (kernel-free explorers, inline figures). The book is then in ``<folder>/_build/html``;
its executed notebooks come from ``make book``'s execution cache (``tools/cache_key.py``
first, as there).
"""

import argparse
import os
import pathlib
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent


def config_without_solutions(config):
    """The jupyter-book configuration ``config`` (a dict from _config.yml) with the solutions hidden."""
    config = dict(config)
    sphinx = dict(config.get("sphinx") or {})
    sphinx["config"] = {**(sphinx.get("config") or {}), "hide_solutions": True}
    sphinx["local_extensions"] = {
        name: str((ROOT / path).resolve()) for name, path in (sphinx.get("local_extensions") or {}).items()
    }
    config["sphinx"] = sphinx
    return config


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--path-output", type=pathlib.Path, default=ROOT / "_build" / "nosolutions")
    args, build_options = parser.parse_known_args()
    out = args.path_output.resolve()
    out.mkdir(parents=True, exist_ok=True)
    config = config_without_solutions(yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8")))
    (out / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    env = dict(os.environ, COURSEKIT_STATIC_EXPLORERS="1", MPLBACKEND="module://matplotlib_inline.backend_inline")
    # As make book: drop the execution cache first if coursekit changed since it was filled.
    subprocess.run([sys.executable, str(ROOT / "tools" / "cache_key.py")], check=True, env=env, cwd=ROOT)
    command = [sys.executable, str(ROOT / "tools" / "build_book.py"), "build", str(ROOT)]
    command += ["--config", str(out / "_config.yml"), "--path-output", str(out), *build_options]
    subprocess.run(command, check=True, env=env, cwd=ROOT)
    print(f"The book without solutions: file://{out}/_build/html/index.html")


if __name__ == "__main__":
    main()

"""Drop the book's execution cache when coursekit changed.

Jupyter Book's cache keys on the notebooks' code cells only, so editing coursekit
would leave stale outputs in the book. We hash coursekit's sources and, when the
hash differs from the one stored beside it, clear the cache and Sphinx's saved
environment: Sphinx re-reads (and so re-executes) only the sources that changed, so
without the second step the other lessons would keep their old outputs. Force a
full re-execution with ``make clean``.
"""

import hashlib
import os
import pathlib
import shutil

root = pathlib.Path(__file__).resolve().parent.parent
cache = root / "_build" / ".jupyter_cache"
doctrees = root / "_build" / ".doctrees"  # Sphinx's environment: which sources it has read
stamp = root / "_build" / ".coursekit-hash"

digest = hashlib.sha256()
for path in sorted((root / "coursekit").rglob("*.py")):
    digest.update(path.relative_to(root).as_posix().encode())
    digest.update(path.read_bytes())
# Explorers render differently for the book (make book sets this): part of the key.
digest.update(os.environ.get("COURSEKIT_STATIC_EXPLORERS", "").encode())
current = digest.hexdigest()

if not stamp.exists() or stamp.read_text() != current:
    if cache.exists() or doctrees.exists():
        print("coursekit changed: clearing the execution cache and Sphinx's environment")
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(doctrees, ignore_errors=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current)

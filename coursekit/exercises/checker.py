"""What every code-exercise checker shares: cases, known mistakes, one verdict.

A code exercise asks the reader to write a function coursekit also has. Its
checker is a :class:`Checker`: it calls the reader's function on seeded
:class:`Case` s (keyword arguments, fresh copies each call), compares each
result with the reference's, and prints one line of verdict::

    check_adam_step(adam_step)
    # ✓ adam_step: matches the reference on 5 cases:
    #   - first step from m = v = 0
    #   ...

When a result differs, the verdict shows the first failing case (inputs,
expected, got). If the reader's results equal, on every case, those of a
known wrong version (a :class:`Misconception`), it names that mistake and
the equation to reread. A function that raises ``NotImplementedError`` is
"not implemented yet"; any other exception is reported in two lines. Nothing
is raised, so a notebook goes on. ``Checker.verdict`` returns the
:class:`Verdict` instead of printing it (the tests use it).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

PASS, FAIL, MISTAKE, ERROR, STUB = "pass", "fail", "misconception", "error", "stub"


@dataclass(frozen=True)
class Case:
    """One call of the exercise's function: a short label and its arguments."""

    label: str
    kwargs: dict


@dataclass(frozen=True)
class Misconception:
    """A known wrong version of the function and what it gets wrong.

    ``wrong`` has the exercise's signature and makes exactly this mistake;
    ``reread`` names the equation or box to reread as the book numbers it,
    e.g. ``"(9.6), the bias-corrected moments"``; ``label`` is that
    equation's MyST label, so a test can check the number is the book's.
    """

    name: str
    wrong: Callable
    reread: str
    label: str | None = None


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: a status, the text shown, the mistake named."""

    status: str
    text: str
    misconception: str | None = None

    @property
    def passed(self):
        return self.status == PASS

    def __str__(self):
        return self.text


def _as_parts(value):
    """A result as a list of arrays (a tuple or list is several results)."""
    if isinstance(value, (tuple, list)):
        return [np.asarray(v) for v in value]
    return [np.asarray(value)]


def mismatch(expected, got, rtol, atol):
    """Why ``got`` differs from ``expected`` (a short phrase), or None."""
    if got is None:
        return "the function returned None (a missing return?)"
    want, have = _as_parts(expected), _as_parts(got)
    if len(want) != len(have):
        return f"expected {len(want)} returned value(s), got {len(have)}"
    for i, (w, h) in enumerate(zip(want, have)):
        which = f"value {i + 1}: " if len(want) > 1 else ""
        if h.dtype == object or not np.issubdtype(h.dtype, np.number):
            return f"{which}expected numbers, got {h.dtype} values"
        if w.shape != h.shape:
            return f"{which}expected shape {w.shape}, got {h.shape}"
        if not np.all(np.isfinite(h)) and np.all(np.isfinite(w)):
            return f"{which}the result is not finite"
        if not np.allclose(h, w, rtol=rtol, atol=atol):
            err = float(np.max(np.abs(h - w)))
            return f"{which}values differ (largest difference {err:.3g})"
    return None


def show(value):
    """A compact, readable form of an input or a result."""
    if callable(value):
        return getattr(value, "__name__", "a function")
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(show(v) for v in value) + ")"
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=4, threshold=8, edgeitems=3)
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def _named(text, m):
    """The verdict ``text`` with misconception ``m`` named after it."""
    text = f"{text}\n  This is the mistake of {m.name}.\n  Reread {m.reread}."
    return Verdict(MISTAKE, text, m.name)


class Checker:
    """The checker of one code exercise.

    Parameters
    ----------
    name : the exercise's function name, as the reader writes it.
    signature : the call the checker makes, e.g. ``"adam_step(theta, m, v,
        t, g, lr, beta1, beta2, eps)"`` (shown when the call fails).
    reference : a correct function with that signature (coursekit's).
    cases : ``cases(rng) -> list[Case]``, built with ``np.random.
        default_rng(seed)``; random and edge cases.
    misconceptions : the known wrong versions this checker recognises.
    rtol, atol : the tolerance of the comparison (``np.allclose``).
    chapter : the lesson's number, ``"09"``.
    """

    def __init__(
        self,
        name,
        signature,
        reference,
        cases,
        misconceptions=(),
        *,
        rtol=1e-6,
        atol=1e-9,
        seed=0,
        chapter=None,
    ):
        self.name = name
        self.chapter = chapter
        self.signature = signature
        self.reference = reference
        self.make_cases = cases
        self.misconceptions = tuple(misconceptions)
        self.rtol, self.atol, self.seed = rtol, atol, seed
        self.__doc__ = f"Check the reader's ``{signature}``; print one verdict."

    def cases(self):
        return self.make_cases(np.random.default_rng(self.seed))

    def _run(self, fn, case):
        return fn(**copy.deepcopy(case.kwargs))

    def _same_as(self, wrong, cases, results):
        """True when ``results`` equal ``wrong``'s on every case."""
        for case, got in zip(cases, results):
            try:
                theirs = self._run(wrong, case)
            except Exception:
                return False
            if mismatch(theirs, got, self.rtol, self.atol) is not None:
                return False
        return True

    def recognise(self, fn):
        """A misconception recognised by its pattern, or None.

        Some mistakes have many spellings or give NaN, so no single wrong
        function matches them; a subclass names them here. It is asked only
        when ``fn`` fails or raises and no misconception matched.
        """
        return None

    def verdict(self, fn):
        """The :class:`Verdict` on the reader's function ``fn``."""
        v = self._compare(fn)
        if v.status in (FAIL, ERROR) and callable(fn):
            m = self.recognise(fn)
            if m is not None:
                return _named(v.text, m)
        return v

    def _compare(self, fn):
        if not callable(fn):
            text = f"✗ {self.name}: expected a function, got {type(fn).__name__}"
            return Verdict(ERROR, text)
        cases = self.cases()
        results = []
        for case in cases:
            try:
                results.append(self._run(fn, case))
            except NotImplementedError:
                return Verdict(STUB, f"{self.name}: not implemented yet")
            except Exception as exc:
                text = (
                    f"✗ {self.name} raised {type(exc).__name__}: {exc}\n"
                    f"  on case '{case.label}'; the check calls "
                    f"{self.signature}"
                )
                return Verdict(ERROR, text)
        for case, got in zip(cases, results):
            want = self._run(self.reference, case)
            why = mismatch(want, got, self.rtol, self.atol)
            if why is None:
                continue
            args = ", ".join(f"{k}={show(v)}" for k, v in case.kwargs.items())
            lines = [
                f"✗ {self.name}: case '{case.label}': {why}",
                f"  inputs:   {args}",
                f"  expected: {show(want)}",
                f"  got:      {show(got)}",
            ]
            text = "\n".join(lines)
            for m in self.misconceptions:
                if self._same_as(m.wrong, cases, results):
                    return _named(text, m)
            return Verdict(FAIL, text)
        # one case per line: the book shows about 80 columns
        labels = "".join(f"\n  - {c.label}" for c in cases)
        text = f"✓ {self.name}: matches the reference on {len(cases)} cases:{labels}"
        return Verdict(PASS, text)

    def __call__(self, fn):
        """Print the verdict on ``fn`` (returns nothing, never raises)."""
        print(self.verdict(fn).text)

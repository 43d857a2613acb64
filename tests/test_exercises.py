"""The code-exercise checkers (coursekit.exercises).

The machinery on a toy exercise, then every registered ``check_*``: it accepts
its own reference, and rejects each misconception it claims to recognise with
that diagnosis. Each chapter's tests (tests/test_exercises_<chapter>.py) add an
independently written correct version and at least three other wrong ones;
a stub is checked here, for every checker.
"""

import numpy as np
import pytest

from coursekit import exercises
from coursekit.exercises.checker import Case, Checker, Misconception


def reference_step(theta, g, lr):
    return theta - lr * g


def plus_step(theta, g, lr):
    return theta + lr * g


def toy_cases(rng):
    return [
        Case("random 3-vector", dict(theta=rng.normal(size=3), g=rng.normal(size=3), lr=0.1)),
        Case("zero gradient", dict(theta=np.ones(2), g=np.zeros(2), lr=0.5)),
    ]


TOY = Checker(
    "step",
    "step(theta, g, lr)",
    reference_step,
    toy_cases,
    [Misconception("the wrong sign", plus_step, "(1.2), the update")],
)


def test_toy_pass_prints_a_tick(capsys):
    assert TOY.verdict(reference_step).passed
    TOY(lambda theta, g, lr: theta - g * lr)
    out = capsys.readouterr().out
    assert out.startswith("✓ step: matches the reference on 2 cases")
    assert out.endswith("cases:\n  - random 3-vector\n  - zero gradient\n")


def test_toy_names_the_misconception():
    v = TOY.verdict(plus_step)
    assert v.status == "misconception" and v.misconception == "the wrong sign"
    assert "Reread (1.2), the update." in v.text
    assert "inputs:" in v.text and "expected:" in v.text and "got:" in v.text


def test_toy_other_wrong_version_shows_the_case():
    v = TOY.verdict(lambda theta, g, lr: theta - 2 * lr * g)
    assert v.status == "fail" and v.misconception is None
    assert "case 'random 3-vector'" in v.text and "values differ" in v.text


def test_toy_partial_match_is_not_the_misconception():
    # agrees with the wrong sign on the first case only: not named
    def half(theta, g, lr):
        return theta + lr * g if theta.size == 3 else theta - 1.0

    assert TOY.verdict(half).status == "fail"


@pytest.mark.parametrize(
    "fn, phrase",
    [
        (lambda theta, g, lr: (theta - lr * g)[:, None], "expected shape (3,), got (3, 1)"),
        (lambda theta, g, lr: None, "returned None"),
        (lambda theta, g, lr: (theta, g), "expected 1 returned value(s), got 2"),
        (lambda theta, g, lr: np.full_like(theta, np.nan), "not finite"),
    ],
)
def test_toy_shape_none_and_count(fn, phrase):
    v = TOY.verdict(fn)
    assert v.status == "fail" and phrase in v.text


def test_toy_stub_and_error_do_not_raise(capsys):
    def stub(theta, g, lr):
        raise NotImplementedError

    TOY(stub)
    assert capsys.readouterr().out == "step: not implemented yet\n"
    v = TOY.verdict(lambda theta, grad, lr: theta)
    assert v.status == "error" and len(v.text.splitlines()) == 2
    assert "TypeError" in v.text and "step(theta, g, lr)" in v.text
    assert TOY.verdict(3).status == "error"


def test_toy_inputs_are_fresh_copies():
    def in_place(theta, g, lr):
        theta -= lr * g
        return theta

    assert TOY.verdict(in_place).passed
    assert TOY.verdict(in_place).passed


CHECKERS = sorted(n for n in dir(exercises) if n.startswith("check_"))


def test_every_chapter_has_two_code_exercises():
    chapters = {getattr(exercises, n).chapter for n in CHECKERS}
    per = {c: sum(getattr(exercises, n).chapter == c for n in CHECKERS) for c in chapters}
    assert sorted(chapters) == [f"{i:02d}" for i in range(1, 14)], per
    assert min(per.values()) >= 2, per


@pytest.mark.parametrize("name", CHECKERS)
def test_checker_accepts_its_reference(name):
    checker = getattr(exercises, name)
    assert isinstance(checker, Checker)
    assert checker.verdict(checker.reference).passed


@pytest.mark.parametrize(
    "name, index",
    [(n, i) for n in CHECKERS for i in range(len(getattr(exercises, n).misconceptions))],
)
def test_checker_names_each_misconception(name, index):
    checker = getattr(exercises, name)
    m = checker.misconceptions[index]
    v = checker.verdict(m.wrong)
    assert v.status == "misconception" and v.misconception == m.name, v.text


@pytest.mark.parametrize("name", CHECKERS)
def test_checker_reports_a_stub_as_not_implemented_yet(name, capsys):
    def stub(*args, **kwargs):
        raise NotImplementedError

    checker = getattr(exercises, name)
    assert checker.verdict(stub).status == "stub"
    checker(stub)
    assert capsys.readouterr().out.strip().endswith("not implemented yet")

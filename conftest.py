"""pytest settings for the whole repository (the lessons run through nbval).

`make test` gives each notebook cell a timeout and reruns a cell once only when it
timed out (a stalled kernel; never a failing assertion). nbval marks every cell
after a timed-out one as "expected to fail", which would turn a real failure later
in that notebook into an xfail; we switch that off, so every cell is judged as usual.
"""

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    parent = getattr(item, "parent", None)
    if hasattr(parent, "timed_out"):  # an nbval notebook
        parent.timed_out = False

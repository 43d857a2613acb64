"""torch for the parity tests: skipped where torch is absent (a reader's machine),
required where COURSEKIT_REQUIRE_TORCH=1 (CI sets it), so that the tests against
torch can never vanish silently from CI."""

import os

import pytest


def import_torch():
    if os.environ.get("COURSEKIT_REQUIRE_TORCH") == "1":
        try:
            import torch
        except ImportError as err:  # fail, do not skip
            pytest.fail(
                f"COURSEKIT_REQUIRE_TORCH=1 but torch cannot be imported ({err}): the parity tests would not run",
                pytrace=False,
            )
        return torch
    return pytest.importorskip("torch")

import numpy as np
import pytest

from coursekit.stats import (
    first_below,
    mean_and_se,
    paired_difference,
    steps_to_stay_below,
)


def test_stay_below_counts_the_last_exit_not_the_first_crossing():
    # crosses at step 2, comes back at step 4, stays below from step 6
    curve = [5.0, 2.0, 0.5, 0.8, 1.5, 1.2, 0.7, 0.4, 0.3]
    assert first_below(curve, 1.0) == 2
    assert steps_to_stay_below(curve, 1.0) == 6


def test_stay_below_edge_cases():
    assert steps_to_stay_below([0.1, 0.05], 1.0) == 0
    assert steps_to_stay_below([3.0, 0.5, 2.0], 1.0) is None
    assert steps_to_stay_below([3.0, 0.5, np.nan], 1.0) is None
    # equal to the level is not below it
    assert steps_to_stay_below([2.0, 1.0, 0.5], 1.0) == 2
    assert first_below([2.0, 3.0], 1.0) is None


def test_stay_below_matches_a_brute_force_count():
    rng = np.random.default_rng(0)
    for _ in range(200):
        curve = rng.uniform(0, 2, size=rng.integers(1, 30))
        want = None
        for t in range(len(curve)):
            if np.all(curve[t:] < 1.0):
                want = t
                break
        assert steps_to_stay_below(curve, 1.0) == want


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="values"):
        steps_to_stay_below([], 1.0)
    with pytest.raises(ValueError, match="level"):
        steps_to_stay_below([1.0], np.inf)
    with pytest.raises(ValueError, match="samples"):
        mean_and_se([1.0])
    with pytest.raises(ValueError, match="a and b"):
        paired_difference([1.0, 2.0], [1.0, 2.0, 3.0])


def test_paired_difference_against_a_closed_form():
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = np.array([0.5, 1.0, 2.5, 3.0])
    d = a - b
    mean, se, t = paired_difference(a, b)
    assert mean == pytest.approx(d.mean())
    assert se == pytest.approx(d.std(ddof=1) / 2.0)
    assert t == pytest.approx(mean / se)
    m, s = mean_and_se(a)
    assert m == pytest.approx(2.5)
    assert s == pytest.approx(np.sqrt(5.0 / 3.0) / 2.0)
    assert paired_difference([1.0, 2.0], [1.0, 2.0]) == (0.0, 0.0, 0.0)
    assert paired_difference([2.0, 3.0], [1.0, 2.0])[2] == np.inf

"""Window weights: values by hand, and their integer form divides back exactly."""

from __future__ import annotations

import numpy as np
import pytest

from wordvec.counting.windows import _integer_weights, window_weights


def test_window_weights_by_hand() -> None:
    np.testing.assert_allclose(window_weights(3, "uniform"), [1, 1, 1])
    np.testing.assert_allclose(window_weights(3, "harmonic"), [1, 1 / 2, 1 / 3])
    np.testing.assert_allclose(window_weights(3, "dynamic"), [1, 2 / 3, 1 / 3])


@pytest.mark.parametrize("weighting", ["uniform", "harmonic", "dynamic"])
@pytest.mark.parametrize("window", [1, 2, 5, 10, 16])
def test_integer_weights_divide_back_exactly(window: int, weighting: str) -> None:
    ints, scale = _integer_weights(window, weighting)
    assert np.array_equal(ints, np.round(ints)) and ints.min() >= 1
    np.testing.assert_allclose(ints / scale, window_weights(window, weighting), rtol=1e-15)


def test_integer_weights_by_hand() -> None:
    ints, scale = _integer_weights(4, "harmonic")  # lcm(1..4) = 12
    assert ints.tolist() == [12, 6, 4, 3] and scale == 12
    ints, scale = _integer_weights(4, "dynamic")
    assert ints.tolist() == [4, 3, 2, 1] and scale == 4


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match="window"):
        window_weights(0, "dynamic")
    with pytest.raises(ValueError, match="window_weighting"):
        window_weights(3, "linear")

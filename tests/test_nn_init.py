"""nn.init: PyTorch's formulas for gains, fans, bounds and standard deviations, checked on
large tensors; everything in place, under no_grad, repeatable with a seed or a generator."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
import nn
from nn import init


def big(*shape, requires_grad=True):
    return nn.Parameter(ag.empty(*shape), requires_grad=requires_grad)


def test_calculate_gain_values():
    assert init.calculate_gain("linear") == 1.0
    assert init.calculate_gain("sigmoid") == 1.0
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", math.sqrt(5)) == pytest.approx(math.sqrt(1 / 3))
    assert init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swishy")


def test_fan_in_and_fan_out():
    assert init._calculate_fan_in_and_fan_out(ag.empty(5, 3)) == (3, 5)
    assert init._calculate_fan_in_and_fan_out(ag.empty(8, 4, 3, 3)) == (36, 72)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(ag.empty(5))
    with pytest.raises(ValueError, match="Mode fan_middle not supported"):
        init.kaiming_uniform_(ag.empty(3, 3), mode="fan_middle")


def test_uniform_bounds_and_moments():
    w = init.uniform_(big(400, 500), -2.0, 3.0)
    assert w._array.min() >= -2.0 and w._array.max() < 3.0
    assert abs(w._array.mean() - 0.5) < 0.02
    assert abs(w._array.var() - 25 / 12) < 0.03


def test_normal_and_constants():
    w = init.normal_(big(400, 500), mean=1.0, std=0.5)
    assert abs(w._array.mean() - 1.0) < 0.005 and abs(w._array.std() - 0.5) < 0.005
    np.testing.assert_array_equal(init.constant_(big(3, 2), 0.25)._array, 0.25)
    np.testing.assert_array_equal(init.ones_(big(3, 2))._array, 1.0)
    np.testing.assert_array_equal(init.zeros_(big(3, 2))._array, 0.0)
    np.testing.assert_array_equal(init.eye_(big(2, 3))._array, np.eye(2, 3))


def test_xavier():
    fan_in, fan_out = 300, 200
    bound = 1.5 * math.sqrt(6 / (fan_in + fan_out))
    w = init.xavier_uniform_(big(fan_out, fan_in), gain=1.5)
    assert w._array.min() >= -bound and w._array.max() <= bound
    assert w._array.max() > 0.99 * bound
    assert abs(w._array.std() - bound / math.sqrt(3)) < 0.01 * bound
    w = init.xavier_normal_(big(fan_out, fan_in), gain=2.0)
    assert abs(w._array.std() - 2.0 * math.sqrt(2 / (fan_in + fan_out))) < 0.003


@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
def test_kaiming(mode):
    w = big(250, 400)
    fan = 400 if mode == "fan_in" else 250
    init.kaiming_uniform_(w, a=0, mode=mode, nonlinearity="relu")
    bound = math.sqrt(2) * math.sqrt(3 / fan)
    assert w._array.min() >= -bound and w._array.max() <= bound and w._array.max() > 0.99 * bound
    init.kaiming_normal_(w, mode=mode, nonlinearity="relu")
    assert abs(w._array.std() - math.sqrt(2 / fan)) < 0.01 * math.sqrt(2 / fan)


def test_linear_default_init_is_pytorchs():
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        assert p._array.min() >= -bound and p._array.max() <= bound
        assert p._array.max() > 0.95 * bound and p._array.min() < -0.95 * bound
    assert abs(layer.weight._array.std() - bound / math.sqrt(3)) < 0.01 * bound
    assert layer.weight.shape == (300, 400) and layer.bias.shape == (300,)
    assert layer.weight.dtype == ag.float32
    assert nn.Linear(2, 2, dtype=ag.float64).weight.dtype == ag.float64


def test_in_place_on_parameters_keeps_identity_and_records_nothing():
    w = big(3, 4)
    data = w._array
    out = init.xavier_uniform_(w)
    assert out is w and w._array is data and w.grad_fn is None and w.requires_grad


def test_seed_and_generator_make_it_repeatable():
    ag.manual_seed(5)
    a = init.kaiming_uniform_(big(10, 10))._array.copy()
    ag.manual_seed(5)
    b = init.kaiming_uniform_(big(10, 10))._array.copy()
    np.testing.assert_array_equal(a, b)
    g1, g2 = ag.Generator().manual_seed(9), ag.Generator().manual_seed(9)
    np.testing.assert_array_equal(init.normal_(big(4, 4), generator=g1)._array,
                                  init.normal_(big(4, 4), generator=g2)._array)
    ag.manual_seed(5)
    l1 = nn.Linear(3, 3)
    ag.manual_seed(5)
    l2 = nn.Linear(3, 3)
    np.testing.assert_array_equal(l1.weight._array, l2.weight._array)


def test_zero_element_tensor_warns():
    with pytest.warns(UserWarning, match="no-op"):
        init.kaiming_uniform_(ag.empty(0, 3))

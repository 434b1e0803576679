"""PyTorch's names that ported tutorials use: tensor ops (masked_fill, tril, triu, diag, atan2,
exp2, scatter, var_mean, median, unfold), tensor hooks, Size, legacy tensor types, type
strings, default device, formatting and ``ag.accelerator``.

Each op: values against numpy or PyTorch's documented formula, gradcheck in float64, and,
where PyTorch is installed, values and gradients against it; then the errors PyTorch raises.
"""

from __future__ import annotations

import math
import warnings

import fake_cuda
import numpy as np
import pytest

import autograd as ag
from autograd import backend


def t64(x, requires_grad=True):
    return ag.tensor(np.asarray(x, dtype=np.float64), requires_grad=requires_grad)


def torch_or_skip():
    return pytest.importorskip("torch")


def compare_with_torch(ours, theirs, arrays, grad_out_seed=0, atol=1e-10):
    """Run ``ours(ag tensors)`` and ``theirs(torch tensors)`` on the same float64 arrays and
    assert equal values and equal gradients under a random upstream gradient."""
    torch = torch_or_skip()
    a = [t64(x) for x in arrays]
    b = [torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True) for x in arrays]
    ya, yb = ours(*a), theirs(*b)
    np.testing.assert_allclose(ya.detach().numpy(), yb.detach().numpy(), atol=atol, rtol=1e-9)
    g = np.random.default_rng(grad_out_seed).standard_normal(tuple(yb.shape))
    ya.backward(ag.tensor(g))
    yb.backward(torch.tensor(g))
    for x, y in zip(a, b):
        np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), atol=atol, rtol=1e-9)


# --- every name exists ----------------------------------------------------------------------------

TOP_LEVEL = ["masked_fill", "tril", "triu", "diag", "atan2", "arctan2", "scatter", "var_mean",
             "median", "exp2", "accelerator", "FloatTensor", "DoubleTensor", "LongTensor",
             "IntTensor", "BoolTensor", "ByteTensor", "HalfTensor", "set_default_device",
             "get_default_device", "set_default_tensor_type", "Size"]
METHODS = ["masked_fill", "masked_fill_", "tril", "triu", "diag", "atan2", "arctan2", "scatter",
           "scatter_", "median", "exp2", "unfold", "register_hook", "type", "size", "__format__"]


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_top_level_name_exists(name):
    assert hasattr(ag, name)


@pytest.mark.parametrize("name", METHODS)
def test_tensor_method_exists(name):
    assert callable(getattr(ag.Tensor, name))


# --- masked_fill ----------------------------------------------------------------------------------

def test_masked_fill_values_broadcast_and_dtype():
    x = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    mask = ag.tensor([True, False, True])  # broadcast over the rows
    out = x.masked_fill(mask, -1.0)
    np.testing.assert_array_equal(out.numpy(), [[-1, 2, -1], [-1, 5, -1]])
    assert ag.masked_fill(x, mask, 0.5).dtype == ag.float32
    ints = ag.arange(3).masked_fill(ag.tensor([True, False, False]), 2.7)
    assert ints.dtype == ag.int64 and ints.tolist() == [2, 1, 2]  # the input's dtype, as PyTorch
    grown = ag.masked_fill(ag.arange(3.0), ag.tensor([[True], [False]]), 9.0)
    assert grown.shape == (2, 3)  # out of place, input and mask broadcast together


def test_masked_fill_gradcheck_input_and_value():
    rng = np.random.default_rng(0)
    mask = ag.tensor(rng.random((3, 4)) > 0.5)
    x, v = t64(rng.standard_normal((3, 4))), t64(1.5)
    assert ag.gradcheck(lambda a, b: a.masked_fill(mask, b), [x, v])
    y = x.masked_fill(mask, v)
    y.sum().backward()
    assert v.grad.item() == pytest.approx(float(mask.numpy().sum()))
    np.testing.assert_array_equal(x.grad.numpy(), ~mask.numpy())


def test_masked_fill_matches_torch():
    torch = torch_or_skip()
    rng = np.random.default_rng(1)
    m = rng.random((2, 3)) > 0.4
    compare_with_torch(lambda x, v: x.masked_fill(ag.tensor(m), v),
                       lambda x, v: x.masked_fill(torch.tensor(m), v),
                       [rng.standard_normal((2, 3)), np.float64(0.25)])


def test_masked_fill_in_place():
    x = ag.zeros(2, 3)
    out = x.masked_fill_(ag.tensor([False, True, False]), 4.0)
    assert out is x and x.tolist() == [[0, 4, 0], [0, 4, 0]]
    leaf = ag.zeros(3, requires_grad=True)
    y = leaf * 2
    y.masked_fill_(ag.tensor([True, False, False]), 1.0)
    y.sum().backward()
    assert leaf.grad.tolist() == [0.0, 2.0, 2.0]
    with pytest.raises(RuntimeError, match="leaf Variable"):
        leaf.masked_fill_(ag.tensor([True, False, False]), 1.0)


def test_masked_fill_errors():
    x = ag.arange(3.0)
    with pytest.raises(RuntimeError, match="only supports boolean masks"):
        x.masked_fill(ag.ones(3), 1.0)
    with pytest.raises(RuntimeError, match="0-dimensional value tensor"):
        x.masked_fill(ag.tensor([True, False, True]), ag.ones(1))
    with pytest.raises(RuntimeError, match=r"doesn't match the broadcast shape \[2, 3\]"):
        x.masked_fill_(ag.tensor([[True, False, True], [False, False, True]]), 5.0)


# --- tril, triu, diag -----------------------------------------------------------------------------

@pytest.mark.parametrize("k", [-2, -1, 0, 1, 3])
def test_tril_triu_values_and_gradcheck(k):
    rng = np.random.default_rng(2)
    a = rng.standard_normal((2, 3, 4))  # batched: the last two dims
    np.testing.assert_array_equal(ag.tril(ag.tensor(a), k).numpy(), np.tril(a, k))
    np.testing.assert_array_equal(ag.tensor(a).triu(diagonal=k).numpy(), np.triu(a, k))
    assert ag.gradcheck(lambda x: x.tril(k), [t64(a)])
    assert ag.gradcheck(lambda x: ag.triu(x, k), [t64(a)])
    assert ag.gradgradcheck(lambda x: (x.tril(k) ** 2), [t64(a[0])])


def test_tril_triu_match_torch():
    torch = torch_or_skip()
    a = np.random.default_rng(3).standard_normal((4, 5))
    compare_with_torch(lambda x: x.tril(1), lambda x: x.tril(1), [a])
    compare_with_torch(lambda x: ag.triu(x, -1), lambda x: torch.triu(x, -1), [a])


def test_tril_needs_two_dims():
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        ag.tril(ag.ones(3))


@pytest.mark.parametrize("k", [-2, 0, 1])
def test_diag_both_ways(k):
    v = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(ag.diag(ag.tensor(v), k).numpy(), np.diag(v, k))
    m = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(ag.tensor(m).diag(k).numpy(), np.diag(m, k))
    assert ag.gradcheck(lambda x: ag.diag(x, k), [t64(v)])
    assert ag.gradcheck(lambda x: x.diag(k), [t64(m)])
    assert ag.gradgradcheck(lambda x: ag.diag(x, k) ** 2, [t64(m)])
    assert ag.gradgradcheck(lambda x: ag.diag(x, k) ** 2, [t64(v)])


def test_diag_matches_torch_and_errors():
    torch = torch_or_skip()
    compare_with_torch(lambda x: x.diag(-1), lambda x: x.diag(-1), [np.ones((3, 2)) * 2])
    compare_with_torch(lambda x: ag.diag(x, 2), lambda x: torch.diag(x, 2), [[1.0, -2.0]])
    with pytest.raises(RuntimeError, match="1D or 2D"):
        ag.diag(ag.ones(2, 2, 2))


# --- atan2, exp2 ----------------------------------------------------------------------------------

def test_atan2_values_dtypes_and_gradcheck():
    y, x = np.array([1.0, -1.0, 0.5, -2.0]), np.array([1.0, -3.0, -0.2, 2.0])
    np.testing.assert_allclose(ag.atan2(ag.tensor(y), ag.tensor(x)).numpy(),
                               np.arctan2(y, x).astype(np.float32))
    assert ag.atan2(ag.tensor([1, 2]), ag.tensor([3, 4])).dtype == ag.float32
    assert ag.arctan2 is ag.atan2 and ag.Tensor.arctan2 is ag.Tensor.atan2
    np.testing.assert_allclose(ag.tensor(y).atan2(2.0).numpy(), np.arctan2(y, 2.0), rtol=1e-6)
    assert ag.gradcheck(ag.atan2, [t64(y), t64(x)])
    assert ag.gradcheck(ag.atan2, [t64(y[:, None]), t64(x)])  # broadcasting
    assert ag.gradgradcheck(ag.atan2, [t64(y), t64(x)])


def test_atan2_exp2_match_torch():
    torch = torch_or_skip()
    rng = np.random.default_rng(4)
    compare_with_torch(ag.atan2, torch.atan2, [rng.standard_normal((3, 1)),
                                              rng.standard_normal(4)])
    compare_with_torch(lambda x: x.exp2(), torch.exp2, [rng.standard_normal(5)])


def test_exp2():
    x = np.array([-1.0, 0.0, 3.0, 0.5])
    np.testing.assert_allclose(ag.exp2(ag.tensor(x)).numpy(), 2.0 ** x, rtol=1e-6)
    assert ag.exp2(ag.tensor([1, 2])).dtype == ag.float32
    assert ag.gradcheck(ag.exp2, [t64(x)])
    assert ag.gradgradcheck(lambda a: a.exp2(), [t64(x)])


# --- scatter --------------------------------------------------------------------------------------

def test_scatter_values_as_documented():
    src = ag.arange(1, 11).reshape(2, 5).float()
    index = ag.tensor([[0, 1, 2, 0]])
    out = ag.zeros(3, 5).scatter(0, index, src)
    assert out.tolist() == [[1, 0, 0, 4, 0], [0, 2, 0, 0, 0], [0, 0, 3, 0, 0]]
    index = ag.tensor([[0, 1, 2], [0, 1, 4]])
    out = ag.zeros(3, 5).scatter(1, index, src)
    assert out.tolist() == [[1, 2, 3, 0, 0], [6, 7, 0, 0, 8], [0, 0, 0, 0, 0]]
    filled = ag.full((2, 4), 2.0).scatter(1, ag.tensor([[2], [3]]), value=1.23)
    np.testing.assert_allclose(filled.numpy(), [[2, 2, 1.23, 2], [2, 2, 2, 1.23]], rtol=1e-6)


def test_scatter_gradients():
    rng = np.random.default_rng(5)
    index = ag.tensor(np.array([[0, 2, 1], [1, 0, 2]]))  # a permutation per row: no repeats
    x, src = t64(rng.standard_normal((2, 4))), t64(rng.standard_normal((3, 3)))
    assert ag.gradcheck(lambda a, s: a.scatter(1, index, s), [x, src])  # src larger than index
    assert ag.gradcheck(lambda a: ag.scatter(a, 1, index, value=0.5), [x])
    assert ag.gradgradcheck(lambda a, s: a.scatter(1, index, s) ** 2, [x, src])
    y = x.scatter(1, index, src)
    y.sum().backward()
    assert x.grad.tolist() == [[0, 0, 0, 1], [0, 0, 0, 1]]  # overwritten entries get none
    assert src.grad.tolist() == [[1, 1, 1], [1, 1, 1], [0, 0, 0]]


def test_scatter_matches_torch():
    torch = torch_or_skip()
    idx = np.array([[1, 0], [0, 2], [2, 1]])
    compare_with_torch(lambda x, s: x.scatter(0, ag.tensor(idx), s),
                       lambda x, s: x.scatter(0, torch.tensor(idx), s),
                       [np.ones((3, 3)), np.arange(6.0).reshape(3, 2)])
    # (PyTorch's own backward refuses a src larger than index; ours pads its gradient with 0)


def test_scatter_in_place():
    x = ag.zeros(2, 3)
    out = x.scatter_(1, ag.tensor([[2], [0]]), ag.tensor([[5.0], [6.0]]))
    assert out is x and x.tolist() == [[0, 0, 5], [6, 0, 0]]
    base = ag.ones(2, 3, requires_grad=True)
    y = base * 3
    y.scatter_(1, ag.tensor([[0], [1]]), value=0.0)
    y.sum().backward()
    assert base.grad.tolist() == [[0, 3, 3], [3, 0, 3]]


def test_scatter_errors():
    x = ag.zeros(2, 3)
    with pytest.raises(RuntimeError, match="Expected dtype int64 for index"):
        x.scatter(0, ag.tensor([[0]], dtype=ag.int32), ag.ones(1, 1))
    with pytest.raises(RuntimeError, match="out of bounds"):
        x.scatter(0, ag.tensor([[2]]), ag.ones(1, 1))
    with pytest.raises(RuntimeError, match="does not fit input"):
        x.scatter(0, ag.tensor([0, 1]), ag.ones(2))
    with pytest.raises(RuntimeError, match="larger than src"):
        x.scatter(1, ag.tensor([[0, 1, 2]]), ag.ones(1, 2))
    with pytest.raises(RuntimeError, match="self.dtype to be equal to src.dtype"):
        x.scatter(1, ag.tensor([[0]]), ag.ones(1, 1, dtype=ag.float64))


# --- var_mean, median -----------------------------------------------------------------------------

def test_var_mean_overloads():
    a = np.arange(6.0).reshape(2, 3) ** 1.5
    x = ag.tensor(a)
    v, m = ag.var_mean(x, 1)
    np.testing.assert_allclose(v.numpy(), a.var(1, ddof=1), rtol=1e-6)
    np.testing.assert_allclose(m.numpy(), a.mean(1), rtol=1e-6)
    v, m = ag.var_mean(x, 1, False, True)  # (dim, unbiased, keepdim)
    assert v.shape == (2, 1)
    np.testing.assert_allclose(v.numpy()[:, 0], a.var(1), rtol=1e-6)
    v, _ = ag.var_mean(x, False)  # the (input, unbiased) overload
    assert v.item() == pytest.approx(a.var(), rel=1e-6)
    v, _ = ag.var_mean(x, (0, 1), correction=2)
    assert v.item() == pytest.approx(((a - a.mean()) ** 2).sum() / 4, rel=1e-6)
    assert ag.gradcheck(lambda t: ag.var_mean(t, 0)[0] + ag.var_mean(t, 0)[1], [t64(a)])


def test_var_mean_matches_torch():
    torch = torch_or_skip()
    a = np.random.default_rng(6).standard_normal((3, 4))
    for i in (0, 1):
        compare_with_torch(lambda x, i=i: ag.var_mean(x, 1, keepdim=True)[i],
                           lambda x, i=i: torch.var_mean(x, 1, keepdim=True)[i], [a])


def test_median_all_and_along_dim():
    x = ag.tensor([[1.0, 5.0, 3.0, 2.0], [4.0, 0.0, 7.0, 6.0]])
    assert x.median().item() == 3.0  # the lower of the two middle values of all 8
    values, indices = ag.median(x, 1)
    assert values.tolist() == [2.0, 4.0] and indices.tolist() == [3, 0]
    out = x.median(dim=0, keepdim=True)
    assert out.values.shape == (1, 4) and out.indices.tolist() == [[0, 1, 0, 0]]
    nan = ag.tensor([[1.0, math.nan, 3.0], [4.0, 2.0, 2.5]]).median(1)
    assert math.isnan(nan.values[0].item()) and nan.indices.tolist() == [1, 2]
    assert math.isnan(ag.tensor([1.0, math.nan]).median().item())
    assert ag.tensor([3, 1, 2]).median().item() == 2  # integers too (no gradient)


def test_median_gradients():
    rng = np.random.default_rng(7)
    a = rng.permutation(12).reshape(3, 4) * 0.5  # distinct: a unique median per row
    assert ag.gradcheck(lambda t: t.median(), [t64(a)])
    assert ag.gradcheck(lambda t: t.median(1).values, [t64(a)])
    assert ag.gradcheck(lambda t: ag.median(t, 0, keepdim=True)[0], [t64(a)])
    tied = t64([1.0, 2.0, 2.0, 3.0])
    tied.median().backward()
    assert tied.grad.tolist() == [0.0, 0.5, 0.5, 0.0]  # shared among ties, as PyTorch


def test_median_matches_torch():
    torch = torch_or_skip()
    a = np.random.default_rng(8).permutation(15).reshape(3, 5) * 1.0
    compare_with_torch(lambda x: x.median(), lambda x: x.median(), [a])
    compare_with_torch(lambda x: x.median(1).values, lambda x: x.median(1).values, [a])
    assert ag.tensor(a).median(0).indices.tolist() == torch.tensor(a).median(0).indices.tolist()
    with pytest.raises(RuntimeError, match="cannot be empty"):
        ag.zeros(0).median()


# --- unfold ---------------------------------------------------------------------------------------

def test_unfold_windows():
    x = ag.arange(1.0, 8.0)
    assert x.unfold(0, 2, 1).tolist() == [[1, 2], [2, 3], [3, 4], [4, 5], [5, 6], [6, 7]]
    assert x.unfold(0, 2, 2).tolist() == [[1, 2], [3, 4], [5, 6]]
    y = ag.arange(24.0).reshape(2, 3, 4).unfold(2, 3, 1)
    assert y.shape == (2, 3, 2, 3)
    assert y[1, 2, 1].tolist() == [21.0, 22.0, 23.0]
    assert ag.arange(24.0).reshape(2, 3, 4).unfold(-2, 2, 1).shape == (2, 2, 4, 2)
    assert ag.arange(5.0).unfold(0, 0, 1).shape == (6, 0)  # as PyTorch: six empty windows
    assert ag.tensor(2.0).unfold(0, 1, 1).tolist() == [2.0]
    assert ag.tensor(2.0).unfold(0, 0, 1).shape == (0,)


def test_unfold_gradients_add_over_overlaps():
    a = np.random.default_rng(9).standard_normal((3, 7))
    assert ag.gradcheck(lambda t: t.unfold(1, 3, 2), [t64(a)])
    assert ag.gradcheck(lambda t: t.unfold(0, 2, 1), [t64(a)])
    assert ag.gradgradcheck(lambda t: t.unfold(1, 3, 1) ** 2, [t64(a)])
    x = t64(np.ones(5))
    x.unfold(0, 3, 1).sum().backward()
    assert x.grad.tolist() == [1, 2, 3, 2, 1]


def test_unfold_matches_torch_and_errors():
    torch_or_skip()
    compare_with_torch(lambda x: x.unfold(1, 2, 3), lambda x: x.unfold(1, 2, 3),
                       [np.random.default_rng(10).standard_normal((2, 8))])
    x = ag.ones(4)
    with pytest.raises(RuntimeError, match="maximum size for tensor at dimension 0 is 4"):
        x.unfold(0, 5, 1)
    with pytest.raises(RuntimeError, match="step is 0 but must be > 0"):
        x.unfold(0, 2, 0)


# --- register_hook --------------------------------------------------------------------------------

def test_hook_on_leaf_sees_and_replaces_the_whole_gradient():
    x = t64([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    handle = x.register_hook(lambda g: g * 10)
    (x * x + x).sum().backward()  # x reaches the loss along two paths
    assert seen == [[3.0, 5.0]]  # called once, with the sum
    assert x.grad.tolist() == [30.0, 50.0]
    handle.remove()
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    assert seen[-1] == [3.0, 3.0]


def test_hook_on_non_leaf_changes_what_flows_on():
    x = t64([1.0, 2.0, 3.0])
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g + 1)
    (y * y).sum().backward()
    assert y.grad.tolist() == [5.0, 9.0, 13.0]  # 2y + 1: retain_grad keeps the hooked one
    assert x.grad.tolist() == [10.0, 18.0, 26.0]


def test_hook_matches_torch():
    torch = torch_or_skip()
    a = np.array([0.5, -1.0, 2.0])
    x, xt = t64(a), torch.tensor(a, requires_grad=True)
    for t, lib in ((x, ag), (xt, torch)):
        h = t.exp()
        h.register_hook(lambda g, h=h: g * h.detach())
        t.register_hook(lambda g: g.clamp(-1.0, 3.0))
        lib.sin(h).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


def test_hooks_in_autograd_grad_and_create_graph():
    x = t64([1.0, 2.0])
    y = x ** 3
    y.register_hook(lambda g: g * 2)
    (g,) = ag.grad(y.sum(), x, create_graph=True)
    assert g.tolist() == [6.0, 24.0]  # 2 * 3x^2
    (h,) = ag.grad(g.sum(), x)
    assert h.tolist() == [12.0, 24.0]  # 2 * 6x


def test_hook_errors():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        ag.ones(2).register_hook(lambda g: g)
    x = t64([1.0, 2.0])
    x.register_hook(lambda g: g.sum())
    with pytest.raises(RuntimeError, match="changed the size"):
        (x * 2).sum().backward()


# --- Size, legacy types, type strings, formatting ------------------------------------------------

def test_size():
    s = ag.zeros(3, 28, 28).size()
    assert isinstance(s, ag.Size) and isinstance(ag.ones(2).shape, ag.Size)
    assert repr(s) == str(s) == "autograd.Size([3, 28, 28])"
    assert s == (3, 28, 28) and s.numel() == 2352 and ag.Size([]).numel() == 1
    assert isinstance(s[1:], ag.Size) and s[0] == 3 and isinstance(s + (1,), ag.Size)
    assert ag.zeros(2, 3).size(1) == 3


def test_legacy_constructors_and_isinstance():
    f = ag.FloatTensor([1, 2])
    assert f.dtype == ag.float32 and f.tolist() == [1.0, 2.0]
    assert ag.FloatTensor(2, 3).shape == (2, 3)
    assert ag.DoubleTensor(ag.Size([4])).dtype == ag.float64
    assert ag.LongTensor([1.5]).tolist() == [1]
    assert ag.FloatTensor().shape == (0,)
    assert ag.IntTensor([1]).dtype == ag.int32 and ag.BoolTensor([1, 0]).dtype == ag.bool
    assert ag.ByteTensor(2).dtype == ag.uint8 and ag.HalfTensor([1]).dtype == ag.float16
    assert isinstance(ag.zeros(2), ag.FloatTensor)
    assert not isinstance(ag.zeros(2, dtype=ag.float64), ag.FloatTensor)
    assert not isinstance([1.0], ag.FloatTensor)


def test_type_strings_and_conversion():
    x = ag.zeros(2)
    assert x.type() == "torch.FloatTensor" and x.long().type() == "torch.LongTensor"
    assert x.type(ag.float64).dtype == ag.float64
    assert x.type("torch.IntTensor").dtype == ag.int32
    assert x.type(ag.DoubleTensor).dtype == ag.float64
    assert x.type(ag.float32) is x
    with pytest.raises(ValueError, match="invalid type"):
        x.type("torch.NoSuchTensor")


def test_type_strings_match_torch():
    torch = torch_or_skip()
    for dtype in ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8",
                  "bool"):
        ours = ag.zeros(1, dtype=getattr(ag, dtype if dtype != "bool" else "bool_")).type()
        assert ours == torch.zeros(1, dtype=getattr(torch, dtype)).type()


def test_format_spec():
    w = ag.tensor(0.123456)
    assert f"{w:+.2f}" == "+0.12" and "{:.3e}".format(w) == "1.235e-01"  # noqa: UP032
    assert f"{ag.tensor(3):04d}" == "0003"
    assert f"{ag.tensor([1.0, 2.0])}" == str(ag.tensor([1.0, 2.0]))  # empty spec: str()
    with pytest.raises(TypeError, match="unsupported format string passed to Tensor.__format__"):
        f"{ag.tensor([1.0, 2.0]):.2f}"


def test_dtype_prints_like_torch():
    assert repr(ag.float32) == "autograd.float32" and str(ag.int64) == "autograd.int64"


# --- default device and dtype, accelerator --------------------------------------------------------

def test_default_device_flows_into_creation():
    assert ag.get_default_device() == ag.device("cpu")
    with fake_cuda.installed():
        ag.set_default_device("cuda")
        try:
            made = [ag.zeros(2), ag.ones(2), ag.tensor([1.0]), ag.randn(2), ag.arange(3),
                    ag.full((2,), 1.0), ag.empty(1), ag.eye(2), ag.linspace(0, 1, 3),
                    ag.FloatTensor([1.0])]
            assert all(t.device.type == "cuda" for t in made)
            assert ag.from_numpy(np.ones(2)).device.type == "cpu"
            assert ag.zeros(1, device="cpu").device.type == "cpu"
        finally:
            ag.set_default_device(None)
    assert ag.zeros(1).device.type == "cpu"


def test_set_default_tensor_type():
    with pytest.warns(UserWarning, match="deprecated"):
        ag.set_default_tensor_type(ag.DoubleTensor)
    assert ag.get_default_dtype() == ag.float64 and ag.tensor([1.5]).dtype == ag.float64
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ag.set_default_tensor_type("torch.FloatTensor")
        assert ag.get_default_dtype() == ag.float32
        with pytest.raises(TypeError, match="floating-point"):
            ag.set_default_tensor_type(ag.LongTensor)


def test_accelerator():
    if not backend.cuda_is_available():
        assert not ag.accelerator.is_available()
        assert ag.accelerator.current_accelerator() is None
        assert ag.accelerator.device_count() == 0
    with fake_cuda.installed(devices=2):
        assert ag.accelerator.is_available()
        assert ag.accelerator.current_accelerator() == ag.device("cuda")
        assert ag.accelerator.device_count() == 2
        device = ag.accelerator.current_accelerator() or "cpu"
        assert ag.ones(2, device=device).device.type == "cuda"


# --- the new ops on the (fake) GPU ----------------------------------------------------------------

def test_new_ops_on_the_gpu():
    a = np.random.default_rng(11).standard_normal((3, 4))
    with fake_cuda.installed():
        x = ag.tensor(a, device="cuda", requires_grad=True)
        outs = [x.tril(), x.triu(1), x.diag(), ag.diag(x[0]), x.atan2(x + 3), x.exp2(),
                x.masked_fill(x > 0, 0.0), x.unfold(1, 2, 1),
                x.scatter(1, ag.tensor([[1], [0], [3]], device="cuda"), value=2.0),
                x.median(), x.median(1).values, ag.var_mean(x, 0)[0]]
        total = sum(o.sum() for o in outs)
        total.backward()
        assert x.grad.device.type == "cuda"
        grad_gpu = x.grad.cpu().numpy()
    x = ag.tensor(a, requires_grad=True)
    outs = [x.tril(), x.triu(1), x.diag(), ag.diag(x[0]), x.atan2(x + 3), x.exp2(),
            x.masked_fill(x > 0, 0.0), x.unfold(1, 2, 1),
            x.scatter(1, ag.tensor([[1], [0], [3]]), value=2.0),
            x.median(), x.median(1).values, ag.var_mean(x, 0)[0]]
    sum(o.sum() for o in outs).backward()
    np.testing.assert_allclose(grad_gpu, x.grad.numpy(), rtol=1e-12)

"""In-place updates of tensors that require grad, and of their views, as PyTorch does them:
values seen through views, ``detach()`` and ``.data``; gradients through the base and the
views (PyTorch's CopySlices and regenerated view nodes); saved values refused after an
update; and the errors where PyTorch raises too or where the library cannot follow."""

import fake_cuda
import numpy as np
import pytest

import autograd as ag


def _t(lib, values):
    return lib.tensor(np.array(values, dtype=np.float64), requires_grad=True)


def update_a_slice_view(L):
    x = _t(L, [1.0, 2.0, 3.0, 4.0])
    y = x * 1
    v = y[0:2]
    v.mul_(2)
    (y * y).sum().backward()
    return y, x.grad


def update_the_base_then_use_a_view(L):
    x = _t(L, [1.0, 2.0, 3.0])
    y = x * 1
    v = y.view(3, 1)
    y.mul_(2)
    (v * v).sum().backward()
    return v, x.grad


def view_used_before_the_update(L):
    x = _t(L, [1.0, 2.0, 3.0])
    y = x * 1
    v = y[0:2]
    loss = (v * 3).sum()
    y.mul_(5)
    loss.backward()
    return y, x.grad


def detach_and_data_see_the_update(L):
    x = _t(L, [1.0, 2.0, 3.0])
    y = x * 1
    d, e = y.detach(), y.data
    y.mul_(2)
    return d, e


def view_of_a_view_and_transpose(L):
    x = _t(L, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    y = x * 1
    r = y.t()
    c = r[1]
    c.add_(x[:, 0] * x[:, 0])
    w = y.reshape(6)
    (y.sum() + (w * w).sum() + (r * r).sum()).backward()
    return y, x.grad


def a_view_of_a_tensor_without_grad_gains_it(L):
    x = _t(L, [1.0, 2.0, 3.0])
    a = L.zeros(3, dtype=L.float64)
    v = a[0:2]
    v.add_(x[0:2] * 2)
    w = a[1:]
    (a * a).sum().backward()
    return a, w, x.grad


def base_without_grad_gains_it_with_old_views(L):
    x = _t(L, [1.0, 2.0, 3.0])
    a = L.zeros(3, dtype=L.float64)
    v = a[0:2]
    a.add_(x)
    (v * v).sum().backward()
    return v, x.grad


def slice_update_idiom(L):
    a = _t(L, [1.0, 1.0, 1.0])
    x = a * L.tensor([1.0, 2.0, 3.0], dtype=L.float64)
    x[0:2] += a[1:]
    x[1:] *= 3
    x.sum().backward()
    return x, a.grad


def setitem_loop(L):
    x = _t(L, [1.0, 2.0, 3.0])
    h = L.zeros(4, dtype=L.float64)
    for i in range(3):
        h[i + 1] = h[i] * 0.5 + x[i]
    h.sum().backward()
    return h, x.grad


def relu_in_place_on_a_reshaped_output(L):
    x = _t(L, [[1.0, -2.0], [3.0, -4.0]])
    y = (x * 2).reshape(4)
    L.nn.functional.relu(y, inplace=True)
    (y * y).sum().backward()
    return y, x.grad


def pow_in_place_keeps_what_it_saves(L):
    x = _t(L, [1.0, 2.0, 3.0])
    y = x * 1
    y.pow_(3)
    y.sum().backward()
    return y, x.grad


def views_of_a_detached_alias_first(L):
    x = _t(L, [1.0, 2.0, 3.0])
    y = x * 1
    d = y.detach()
    first = d[0:1]
    v = y[0:2]
    v.mul_(2)
    (y * y).sum().backward()
    return y, first, x.grad


CASES = [views_of_a_detached_alias_first, update_a_slice_view, update_the_base_then_use_a_view,
         view_used_before_the_update,
         detach_and_data_see_the_update, view_of_a_view_and_transpose,
         a_view_of_a_tensor_without_grad_gains_it, base_without_grad_gains_it_with_old_views,
         slice_update_idiom, setitem_loop, relu_in_place_on_a_reshaped_output,
         pow_in_place_keeps_what_it_saves]

# the same programs' results by hand: values and gradients PyTorch gives
EXPECTED = {
    "update_a_slice_view": ([2, 4, 3, 4], [8, 16, 6, 8]),
    "update_the_base_then_use_a_view": ([[2], [4], [6]], [8, 16, 24]),
    "view_used_before_the_update": ([5, 10, 15], [3, 3, 0]),
    "detach_and_data_see_the_update": ([2, 4, 6], [2, 4, 6]),
    "slice_update_idiom": ([2, 9, 9], [1, 7, 12]),
    "setitem_loop": ([0, 1, 2.5, 4.25], [1.75, 1.5, 1]),
    "pow_in_place_keeps_what_it_saves": ([1, 8, 27], [3, 12, 27]),
}


def _numbers(results):
    return [np.asarray(r.detach().numpy() if hasattr(r, "detach") else r).tolist()
            for r in results]


@pytest.mark.parametrize("case", CASES, ids=lambda f: f.__name__)
def test_matches_pytorch(case):
    torch = pytest.importorskip("torch")
    import autograd.nn as agnn
    ag.nn = agnn  # the case reaches F through L.nn.functional
    ours, theirs = _numbers(case(ag)), _numbers(case(torch))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matches_the_expected_numbers(name):
    case = next(c for c in CASES if c.__name__ == name)
    got = _numbers(case(ag))
    for a, b in zip(got, EXPECTED[name]):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_regenerated_views_have_pytorchs_nodes():
    x = _t(ag, [1.0, 2.0, 3.0])
    y = x * 1
    v = y[0:2]
    v.mul_(2)
    assert y.grad_fn.name() == "CopySlices" and v.grad_fn.name() == "SliceBackward0"
    a = ag.zeros(3, dtype=ag.float64)
    w = a[1:]
    a.add_(x)
    assert w.requires_grad and w.grad_fn.name() == "AsStridedBackward0"


def test_saved_values_changed_by_an_update_are_refused():
    x = _t(ag, [1.0, 2.0, 3.0])
    y = x.exp()  # saves its output
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    y = x * 1
    z = y * y
    y[0:2].mul_(2)  # through a view: the base's memory changed too
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_higher_order_gradients_through_an_updated_view():
    x = _t(ag, [1.0, 2.0, 3.0])
    y = x * x
    y[1:].mul_(3)
    v = y.view(3, 1)
    (g,) = ag.grad(v.sum(), x, create_graph=True)
    assert g.tolist() == [2.0, 12.0, 18.0]
    (h,) = ag.grad(g.sum(), x)
    assert h.tolist() == [2.0, 6.0, 6.0]


def test_errors_pytorch_raises_too():
    x = _t(ag, [1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match="view of a leaf Variable"):
        x[0:2].mul_(2)
    y = x * 1
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        y.add_(ag.ones(2, 3, dtype=ag.float64))
    with pytest.raises(RuntimeError, match="single memory location"):
        y[0:1].expand(3).add_(x)
    n = ag.zeros(3, dtype=ag.int64)
    with pytest.raises(RuntimeError, match="can't be cast"):
        n.add_(x)


def test_a_view_of_non_contiguous_memory_is_refused_with_the_workaround():
    x = ag.tensor(np.asfortranarray(np.ones((2, 3))), requires_grad=True)
    y = x * 1  # numpy keeps the Fortran order
    with pytest.raises(RuntimeError, match="not contiguous.*clone"):
        y[0].mul_(2)
    v = y[0].clone()
    v.mul_(2)  # the workaround
    assert v.tolist() == [2.0, 2.0, 2.0]


def test_updates_without_grad_write_through_views():
    a = ag.zeros(2, 2)
    a.view(4)[0] = 5
    a.t()[1].add_(1)
    assert a.tolist() == [[5.0, 1.0], [0.0, 1.0]]


def test_views_on_a_gpu_array():
    with fake_cuda.installed():
        x = ag.tensor([1.0, 2.0, 3.0, 4.0], dtype=ag.float64, requires_grad=True, device="cuda")
        y = x * 1
        v = y[1:3]
        v.mul_(3)
        w = y.view(2, 2)
        (w * w).sum().backward()
        assert y.device.type == "cuda" and y.tolist() == [1.0, 6.0, 9.0, 4.0]
        assert x.grad.tolist() == [2.0, 36.0, 54.0, 8.0]

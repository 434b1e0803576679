"""nn.Module, Parameter and the containers: registration, state_dict, modes, devices, repr."""

from __future__ import annotations

import copy
from collections import OrderedDict

import numpy as np
import pytest

import autograd as ag
import nn


def lecture_net() -> nn.Sequential:
    """The lecture's 2-3-1 network: 2 inputs, 3 hidden sigmoid neurons, 1 output."""
    return nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(2, 3)
        self.scale = nn.Parameter(ag.ones(1))
        self.blocks = nn.ModuleList([nn.Linear(3, 3), nn.Tanh()])
        self.out = nn.Linear(3, 1)
        self.register_buffer("steps", ag.zeros(1))

    def forward(self, x):
        h = self.hidden(x).sigmoid()
        for block in self.blocks:
            h = block(h)
        return self.out(h) * self.scale


# --- Parameter -----------------------------------------------------------------------------------

def test_parameter_is_a_leaf_tensor_that_requires_grad():
    p = nn.Parameter(ag.tensor([1.0, 2.0]))
    assert isinstance(p, ag.Tensor) and p.requires_grad and p.is_leaf
    assert repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    assert type(p * 2) is ag.Tensor
    assert not nn.Parameter(ag.zeros(2), requires_grad=False).requires_grad


def test_parameter_shares_the_tensors_array():
    t = ag.zeros(3)
    p = nn.Parameter(t)
    with ag.no_grad():
        p.add_(1.0)
    np.testing.assert_array_equal(t._array, [1.0, 1.0, 1.0])


def test_deepcopy_of_a_module_copies_parameters():
    net = lecture_net()
    twin = copy.deepcopy(net)
    assert isinstance(twin[0].weight, nn.Parameter)
    assert twin[0].weight is not net[0].weight
    np.testing.assert_array_equal(twin[0].weight._array, net[0].weight._array)
    with ag.no_grad():
        twin[0].weight.fill_(0.0)
    assert not np.all(net[0].weight._array == 0)


# --- registration and traversal ------------------------------------------------------------------

def test_sequential_names_and_state_dict_keys_are_pytorchs():
    net = lecture_net()
    assert [name for name, _ in net.named_parameters()] == ["0.weight", "0.bias", "2.weight",
                                                            "2.bias"]
    assert list(net.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert [p.shape for p in net.parameters()] == [(3, 2), (3,), (1, 3), (1,)]
    assert [name for name, _ in net.named_children()] == ["0", "1", "2"]
    assert [name for name, _ in net.named_modules()] == ["", "0", "1", "2"]


def test_nested_module_order_and_prefix():
    net = Net()
    names = [name for name, _ in net.named_parameters()]
    assert names == ["scale", "hidden.weight", "hidden.bias", "blocks.0.weight",
                     "blocks.0.bias", "out.weight", "out.bias"]
    assert [n for n, _ in net.named_parameters(prefix="model")][0] == "model.scale"
    assert [n for n, _ in net.named_parameters(recurse=False)] == ["scale"]
    assert list(net.state_dict())[:2] == ["scale", "steps"]
    assert [n for n, _ in net.named_modules()] == ["", "hidden", "blocks", "blocks.0",
                                                   "blocks.1", "out"]
    assert net.get_submodule("blocks.0") is net.blocks[0]
    assert net.get_parameter("blocks.0.bias") is net.blocks[0].bias


def test_shared_parameters_are_listed_once():
    shared = nn.Linear(2, 2)
    net = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(net.parameters())) == 2
    assert list(net.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_assigning_tensors_and_none_to_registered_names():
    lin = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'weight'"):
        lin.weight = ag.zeros(2, 2)
    lin.bias = None
    assert lin.bias is None and "bias" in lin._parameters
    assert [n for n, _ in lin.named_parameters()] == ["weight"]
    assert repr(lin) == "Linear(in_features=2, out_features=2, bias=False)"
    lin.extra = nn.Parameter(ag.zeros(1))
    assert [n for n, _ in lin.named_parameters()] == ["weight", "extra"]
    del lin.extra
    assert [n for n, _ in lin.named_parameters()] == ["weight"]


def test_registration_errors():
    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(ag.zeros(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()
    m = nn.Module()
    with pytest.raises(KeyError, match="contain"):
        m.register_parameter("a.b", nn.Parameter(ag.zeros(1)))
    with pytest.raises(TypeError, match="nn.Parameter or None"):
        m.register_parameter("w", ag.zeros(1))
    with pytest.raises(TypeError, match="is not a Module subclass"):
        m.add_module("x", 3)
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        m.nothing  # noqa: B018
    with pytest.raises(NotImplementedError, match="forward"):
        m(ag.zeros(1))


def test_buffers_are_saved_but_not_trained():
    net = Net()
    assert [n for n, _ in net.named_buffers()] == ["steps"]
    assert "steps" in net.state_dict()
    net.register_buffer("scratch", ag.zeros(2), persistent=False)
    assert "scratch" not in net.state_dict()
    assert all(b is not net.steps for b in net.parameters())


# --- state_dict and load_state_dict -------------------------------------------------------------

def test_state_dict_is_detached_and_shares_memory():
    net = lecture_net()
    sd = net.state_dict()
    assert isinstance(sd, OrderedDict)
    assert not sd["0.weight"].requires_grad
    assert sd["0.weight"]._array is net[0].weight._array


def test_load_state_dict_copies_in_place():
    src, dst = lecture_net(), lecture_net()
    weight = dst[0].weight
    result = dst.load_state_dict(src.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert dst[0].weight is weight  # the same Parameter: an optimizer keeps working
    for a, b in zip(src.parameters(), dst.parameters(), strict=True):
        np.testing.assert_array_equal(a._array, b._array)
    with ag.no_grad():
        src[0].weight.fill_(3.0)
    assert not np.all(dst[0].weight._array == 3.0)  # copied, not aliased


def test_load_state_dict_errors_name_every_bad_entry():
    net = lecture_net()
    sd = net.state_dict()
    del sd["2.bias"]
    sd["3.weight"] = ag.zeros(1)
    sd["0.weight"] = ag.zeros(4, 2)
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(sd)
    message = str(info.value)
    assert "Error(s) in loading state_dict for Sequential" in message
    assert 'Missing key(s) in state_dict: "2.bias"' in message
    assert 'Unexpected key(s) in state_dict: "3.weight"' in message
    assert "size mismatch for 0.weight: copying a param with shape (4, 2) from checkpoint, " \
           "the shape in current model is (3, 2)" in message


def test_load_state_dict_non_strict_reports_keys_but_still_checks_shapes():
    net = lecture_net()
    sd = net.state_dict()
    del sd["2.bias"]
    sd["extra"] = ag.zeros(1)
    result = net.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["2.bias"] and result.unexpected_keys == ["extra"]
    sd["0.bias"] = ag.zeros(5)
    with pytest.raises(RuntimeError, match="size mismatch for 0.bias"):
        net.load_state_dict(sd, strict=False)


def test_state_dict_round_trips_through_ag_save(tmp_path):
    net = Net()
    path = tmp_path / "net.npz"
    ag.save(net.state_dict(), path)
    other = Net()
    other.load_state_dict(ag.load(path))
    x = ag.randn(4, 2)
    np.testing.assert_array_equal(net(x)._array, other(x)._array)


# --- modes, gradients, devices --------------------------------------------------------------------

def test_train_and_eval_switch_dropout():
    ag.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5))
    assert net.training and net[1].training
    x = ag.ones(50, 4)
    assert net(x)._array.shape == (50, 4)
    net.eval()
    assert not net.training and not net[1].training
    np.testing.assert_array_equal(net(x)._array, net[0](x)._array)
    assert net.train() is net and net[1].training
    with pytest.raises(ValueError, match="boolean"):
        net.train("yes")


def test_dropout_is_inverted_seeded_and_differentiable():
    drop = nn.Dropout(p=0.25)
    x = ag.ones(200, 50, requires_grad=True)
    ag.manual_seed(1)
    y = drop(x)
    ag.manual_seed(1)
    np.testing.assert_array_equal(drop(x)._array, y._array)
    values = np.unique(y._array)
    np.testing.assert_allclose(values, [0.0, 1 / 0.75], rtol=1e-6)
    assert abs((y._array == 0).mean() - 0.25) < 0.02
    y.sum().backward()
    np.testing.assert_array_equal(x.grad._array, y._array)  # d(mask * x / 0.75)/dx = mask / 0.75
    assert repr(drop) == "Dropout(p=0.25, inplace=False)"
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)
    np.testing.assert_array_equal(nn.functional.dropout(x, 1.0)._array, 0.0)


def test_zero_grad_and_requires_grad_():
    net = lecture_net()
    net(ag.randn(5, 2)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(np.all(p.grad._array == 0) for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net[0].requires_grad_(False)
    net(ag.randn(5, 2)).sum().backward()
    assert net[0].weight.grad is None and net[2].weight.grad is not None


def test_to_double_and_float_replace_arrays_in_place():
    net = lecture_net()
    params = list(net.parameters())
    assert net.double() is net
    assert [p for p in net.parameters()] == params
    assert all(p.dtype == ag.float64 for p in net.parameters())
    assert net(ag.randn(3, 2, dtype=ag.float64)).dtype == ag.float64
    net.to(ag.float32)
    assert all(p.dtype == ag.float32 for p in net.parameters())
    assert net.to("cpu") is net and net.cpu() is net
    with pytest.raises(TypeError, match="floating point"):
        net.to(ag.int64)


def test_apply_visits_every_module():
    net = Net()
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Linear", "Tanh", "ModuleList", "Linear", "Net"]

    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.weight)

    net.apply(init_weights)
    assert all(np.all(m.weight._array == 0) for m in net.modules() if isinstance(m, nn.Linear))


# --- containers ----------------------------------------------------------------------------------

def test_sequential_indexing_len_iteration_append():
    net = lecture_net()
    assert len(net) == 3 and isinstance(net[-1], nn.Linear)
    assert [type(m).__name__ for m in net] == ["Linear", "Sigmoid", "Linear"]
    head = net[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[0] is net[0]
    net.append(nn.Sigmoid())
    assert list(net.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert [n for n, _ in net.named_children()] == ["0", "1", "2", "3"]
    del net[1]
    assert [n for n, _ in net.named_children()] == ["0", "1", "2"]
    assert list(net.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    with pytest.raises(IndexError, match="out of range"):
        net[7]
    named = nn.Sequential(OrderedDict(hidden=nn.Linear(2, 3), act=nn.Sigmoid()))
    assert list(named.state_dict()) == ["hidden.weight", "hidden.bias"]
    assert named.hidden is named[0]


def test_module_dict():
    heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 2)})
    assert list(heads) == ["a", "b"] and "a" in heads and len(heads) == 2
    assert list(heads.state_dict()) == ["a.weight", "a.bias", "b.weight", "b.bias"]
    heads["c"] = nn.Identity()
    assert list(heads.keys()) == ["a", "b", "c"]
    heads.pop("a")
    assert list(heads.keys()) == ["b", "c"]


def test_reprs():
    assert repr(lecture_net()) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): Sigmoid()\n"
        "  (2): Linear(in_features=3, out_features=1, bias=True)\n"
        ")"
    )
    assert repr(Net()) == (
        "Net(\n"
        "  (hidden): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (blocks): ModuleList(\n"
        "    (0): Linear(in_features=3, out_features=3, bias=True)\n"
        "    (1): Tanh()\n"
        "  )\n"
        "  (out): Linear(in_features=3, out_features=1, bias=True)\n"
        ")"
    )
    assert repr(nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.ReLU()])) == \
        "ModuleList(\n  (0-2): 3 x ReLU()\n)"
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    assert repr(nn.Identity()) == "Identity()"


def test_flatten_and_identity():
    x = ag.randn(2, 3, 4)
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0, 1)(x).shape == (6, 4)
    assert nn.Identity(54, unused="ok")(x) is x


def test_import_nn_reaches_functional_and_init():
    import importlib

    fresh = importlib.import_module("nn")
    assert fresh.functional.relu is not None and fresh.init.xavier_uniform_ is not None
    import nn.functional as F

    assert F is fresh.functional


# --- against PyTorch -----------------------------------------------------------------------------

def _torch_twin(torch, ours):
    """A torch copy of one of our modules built from the same layer list (Linear/activations)."""
    layers = []
    for m in ours:
        if isinstance(m, nn.Linear):
            layer = torch.nn.Linear(m.in_features, m.out_features, bias=m.bias is not None,
                                    dtype=torch.float64)
            with torch.no_grad():
                layer.weight.copy_(torch.tensor(m.weight._array))
                if m.bias is not None:
                    layer.bias.copy_(torch.tensor(m.bias._array))
            layers.append(layer)
        else:
            layers.append(getattr(torch.nn, type(m).__name__)())
    return torch.nn.Sequential(*layers)


def test_structure_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 1))
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    lists = (nn.ModuleList([nn.Linear(1, 1), nn.Linear(1, 1), nn.Tanh()]),
             torch.nn.ModuleList([torch.nn.Linear(1, 1), torch.nn.Linear(1, 1), torch.nn.Tanh()]))
    assert repr(lists[0]) == repr(lists[1])


def test_linear_forward_and_gradients_match_pytorch():
    torch = pytest.importorskip("torch")
    ag.manual_seed(0)
    ours = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3)).double()
    theirs = _torch_twin(torch, ours)
    x = np.random.default_rng(0).standard_normal((7, 4))
    a = ag.tensor(x, dtype=ag.float64, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    ya, yt = ours(a), theirs(t)
    np.testing.assert_allclose(ya._array, yt.detach().numpy(), rtol=1e-13)
    (ya ** 2).sum().backward()
    (yt ** 2).sum().backward()
    np.testing.assert_allclose(a.grad._array, t.grad.numpy(), rtol=1e-12)
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters(),
                                      strict=True):
        assert name == tname
        np.testing.assert_allclose(p.grad._array, tp.grad.numpy(), rtol=1e-12)


def test_state_dict_loads_across_libraries():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)  # unseeded, an output near 0 now and then failed the relative bound
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 1))
    ours = lecture_net()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((4, 2)).astype(np.float32)
    np.testing.assert_allclose(ours(ag.tensor(x))._array,
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-6, atol=1e-7)


def test_a_hook_registered_after_calls_on_the_fast_path_runs_and_removing_it_restores_it(
        monkeypatch):
    """Module.__call__ skips the hook dicts while no forward hook is registered anywhere:
    a registration turns the check on, for modules already called too; removing the last
    hook turns it off again."""
    import nn.module as module_py

    monkeypatch.setattr(module_py, "forward_hooks", 0)
    monkeypatch.setattr(module_py, "custom_call", False)
    net = lecture_net()
    net(ag.randn(1, 2))  # the fast path
    seen = []
    handle = net[0].register_forward_hook(lambda m, args, out: seen.append(out.shape))
    pre = net[1].register_forward_pre_hook(lambda m, args: None)
    assert module_py.forward_hooks == 2
    net(ag.randn(4, 2))
    assert seen == [(4, 3)]
    handle.remove()
    handle.remove()  # a second remove() changes nothing
    assert module_py.forward_hooks == 1
    pre.remove()
    assert module_py.forward_hooks == 0
    net(ag.randn(5, 2))
    assert seen == [(4, 3)]


def test_sequential_calls_forward_directly_only_while_that_is_the_same(monkeypatch):
    """Sequential skips Module.__call__ while no hook exists and no module class has a
    __call__ of its own: defining one (or registering a hook) turns the skip off."""
    import nn.module as module_py
    from nn.module import Module

    monkeypatch.setattr(module_py, "forward_hooks", 0)
    monkeypatch.setattr(module_py, "custom_call", False)
    calls = []

    class Logged(nn.Linear):  # a user module that adds behaviour in __call__
        def __call__(self, *args, **kwargs):
            calls.append(args[0].shape)
            return super().__call__(*args, **kwargs)

    assert module_py.custom_call and not module_py.forward_hooks
    net = nn.Sequential(Logged(2, 3), nn.Sigmoid())
    net(ag.randn(4, 2))
    assert calls == [(4, 2)]
    monkeypatch.setattr(module_py, "custom_call", False)  # as if no such class existed
    seq = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid())
    monkeypatch.setattr(Module, "__call__", lambda *a, **k: pytest.fail("went through __call__"))
    out = seq.forward(ag.randn(4, 2))  # each layer's forward, called directly
    assert out.shape == (4, 3) and out.grad_fn.name() == "SigmoidBackward0"


def test_forward_hooks_see_and_may_replace_outputs():
    net = lecture_net()
    seen = []
    handle = net[1].register_forward_hook(lambda m, args, out: seen.append(out.shape))
    net(ag.randn(5, 2))
    assert seen == [(5, 3)]
    handle.remove()
    net(ag.randn(5, 2))
    assert seen == [(5, 3)]
    with net.register_forward_pre_hook(lambda m, args: (args[0] * 0,)):
        out = net(ag.randn(2, 2))
    np.testing.assert_allclose(out._array, net(ag.zeros(2, 2))._array)
    with net[2].register_forward_hook(lambda m, args, out: out * 0):
        np.testing.assert_array_equal(net(ag.randn(2, 2))._array, 0.0)


def test_parameters_order_equals_named_parameters_order():
    net = Net()
    shared = nn.Sequential(net, nn.Linear(1, 1), net.hidden)
    assert [id(p) for p in shared.parameters()] == [id(p) for _, p in shared.named_parameters()]
    assert len(list(shared.parameters(recurse=False))) == 0


def _nested(lib, ag_or_torch):
    """The same nested network in either library (lib is nn or torch.nn)."""

    class Block(lib.Module):
        def __init__(self):
            super().__init__()
            self.scale = lib.Parameter(ag_or_torch.ones(1))
            self.inner = lib.Sequential(lib.Linear(3, 3), lib.Tanh(), lib.Linear(3, 3))
            self.register_buffer("count", ag_or_torch.zeros(1))

        def forward(self, x):
            return self.inner(x) * self.scale

    class Model(lib.Module):
        def __init__(self):
            super().__init__()
            self.first = lib.Linear(2, 3)
            self.blocks = lib.ModuleList([Block(), Block()])
            self.heads = lib.ModuleDict({"a": lib.Linear(3, 1), "b": lib.Linear(3, 2)})
            self.drop = lib.Dropout(0.1)
            self.flat = lib.Flatten()

        def forward(self, x):
            h = self.first(x)
            for block in self.blocks:
                h = block(h)
            return self.heads["a"](self.drop(h))

    return Model()


def test_nested_names_orders_and_repr_match_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = _nested(nn, ag), _nested(torch.nn, torch)
    assert repr(ours) == repr(theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_parameters(prefix="net")] == \
        [n for n, _ in theirs.named_parameters(prefix="net")]
    assert [p.shape for p in ours.parameters()] == \
        [tuple(p.shape) for p in theirs.parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    ours.eval()
    theirs.eval()
    x = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    np.testing.assert_allclose(ours(ag.tensor(x))._array, theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    ours.requires_grad_(False)
    theirs.requires_grad_(False)
    assert [p.requires_grad for p in ours.parameters()] == \
        [p.requires_grad for p in theirs.parameters()]


def test_parameter_list_and_dict():
    weights = nn.ParameterList([nn.Parameter(ag.zeros(2, 3)), ag.ones(4)])
    assert len(weights) == 2 and isinstance(weights[1], nn.Parameter)
    assert [n for n, _ in weights.named_parameters()] == ["0", "1"]
    weights.append(ag.zeros(1))
    assert [p.shape for p in weights] == [(2, 3), (4,), (1,)]
    assert repr(weights).splitlines()[1] == \
        "    (0): Parameter containing: [autograd.float32 of size 2x3]"
    table = nn.ParameterDict({"w": ag.zeros(2), "b": nn.Parameter(ag.ones(1))})
    assert list(table) == ["b", "w"]  # a plain dict is sorted, as PyTorch does
    assert list(table.state_dict()) == ["b", "w"] and "w" in table
    owner = nn.Module()
    owner.weights = weights
    owner.table = table
    assert [n for n, _ in owner.named_parameters()] == ["weights.0", "weights.1", "weights.2",
                                                         "table.b", "table.w"]


def test_parameter_containers_match_pytorch():
    torch = pytest.importorskip("torch")
    ours = nn.ParameterList([nn.Parameter(ag.zeros(2, 3)), ag.ones(4)])
    theirs = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(2, 3)), torch.ones(4)])
    assert repr(ours).replace("autograd.", "torch.") == repr(theirs)
    d1 = nn.ParameterDict({"w": ag.zeros(2), "b": ag.ones(1), "a": ag.ones(3)})
    d2 = torch.nn.ParameterDict({"w": torch.zeros(2), "b": torch.ones(1), "a": torch.ones(3)})
    assert list(d1.state_dict()) == list(d2.state_dict())

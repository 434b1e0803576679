"""grad_fn names and next_functions as PyTorch shows them, for one table of expressions.

Each row builds the same expression with ``ag`` and (where installed) ``torch``; the node's
name and the names listed by ``next_functions`` (one entry per Tensor input, a Python number
of + - * / as ``None``) must be PyTorch's. Without PyTorch the expected strings written here
are checked.
"""

import numpy as np
import pytest

import autograd as ag
import nn.functional as F

X = np.arange(12, dtype=np.float64).reshape(3, 4) / 10 + 0.1
Y = np.arange(12, dtype=np.float64).reshape(3, 4)[::-1].copy() / 7 + 0.2
IDX = [0, 1, 3]
ACC = "AccumulateGrad"
ANY = "any"  # Linear's weight: PyTorch lists a TBackward0 node for W^T, we the weight's own

# name, expression (lib, nn.functional, x, y), grad_fn.name(), next_functions' names
CASES = [
    ("x + y", lambda L, f, x, y: x + y, "AddBackward0", [ACC, ACC]),
    ("x + 2", lambda L, f, x, y: x + 2, "AddBackward0", [ACC, None]),
    ("2 + x", lambda L, f, x, y: 2 + x, "AddBackward0", [ACC, None]),
    ("x - 2", lambda L, f, x, y: x - 2, "SubBackward0", [ACC, None]),
    ("2 - x", lambda L, f, x, y: 2 - x, "RsubBackward1", [ACC]),
    ("2 * x", lambda L, f, x, y: 2 * x, "MulBackward0", [ACC, None]),
    ("x / 2", lambda L, f, x, y: x / 2, "DivBackward0", [ACC, None]),
    ("x ** 2", lambda L, f, x, y: x ** 2, "PowBackward0", [ACC]),
    ("x ** y", lambda L, f, x, y: x ** y, "PowBackward1", [ACC, ACC]),
    ("2 ** x", lambda L, f, x, y: 2 ** x, "PowBackward2", [ACC]),
    ("square", lambda L, f, x, y: x.square(), "PowBackward0", [ACC]),
    ("x % 2", lambda L, f, x, y: x % 2, "RemainderBackward0", [ACC]),
    ("x % y", lambda L, f, x, y: x % y, "RemainderBackward1", [ACC, ACC]),
    ("floor", lambda L, f, x, y: x.floor(), "FloorBackward0", [ACC]),
    ("ceil", lambda L, f, x, y: x.ceil(), "CeilBackward0", [ACC]),
    ("trunc", lambda L, f, x, y: x.trunc(), "TruncBackward0", [ACC]),
    ("round", lambda L, f, x, y: x.round(), "RoundBackward0", [ACC]),
    ("exp", lambda L, f, x, y: x.exp(), "ExpBackward0", [ACC]),
    ("clamp", lambda L, f, x, y: x.clamp(0.2, 0.5), "ClampBackward1", [ACC]),
    ("clamp_min", lambda L, f, x, y: x.clamp_min(0.2), "ClampMinBackward0", [ACC]),
    ("clamp_max", lambda L, f, x, y: x.clamp_max(0.2), "ClampMaxBackward0", [ACC]),
    ("where", lambda L, f, x, y: L.where(x > 0.5, x, y), "WhereBackward0", [ACC, ACC]),
    ("masked_fill", lambda L, f, x, y: x.masked_fill(x > 0.5, 0.0), "MaskedFillBackward0", [ACC]),
    ("sum", lambda L, f, x, y: x.sum(), "SumBackward0", [ACC]),
    ("sum(dim)", lambda L, f, x, y: x.sum(0), "SumBackward1", [ACC]),
    ("sum(dim, keepdim)", lambda L, f, x, y: x.sum(1, keepdim=True), "SumBackward1", [ACC]),
    ("mean", lambda L, f, x, y: x.mean(), "MeanBackward0", [ACC]),
    ("mean(dim)", lambda L, f, x, y: x.mean(1), "MeanBackward1", [ACC]),
    ("prod", lambda L, f, x, y: x.prod(), "ProdBackward0", [ACC]),
    ("prod(dim)", lambda L, f, x, y: x.prod(0), "ProdBackward1", [ACC]),
    ("max", lambda L, f, x, y: x.max(), "MaxBackward1", [ACC]),
    ("min", lambda L, f, x, y: x.min(), "MinBackward1", [ACC]),
    ("norm", lambda L, f, x, y: x.norm(), "LinalgVectorNormBackward0", [ACC]),
    ("logsumexp", lambda L, f, x, y: x.logsumexp(1), "LogsumexpBackward0", [ACC]),
    ("softmax", lambda L, f, x, y: x.softmax(1), "SoftmaxBackward0", [ACC]),
    ("x @ y.t()", lambda L, f, x, y: x @ y.t(), "MmBackward0", [ACC, "TBackward0"]),
    ("dot", lambda L, f, x, y: x[0] @ y[1], "DotBackward0", ["SelectBackward0"] * 2),
    ("mv", lambda L, f, x, y: x @ y[0], "MvBackward0", [ACC, "SelectBackward0"]),
    ("bmm", lambda L, f, x, y: L.bmm(x.view(1, 3, 4), y.view(1, 4, 3)), "BmmBackward0",
     ["ViewBackward0"] * 2),
    ("reshape", lambda L, f, x, y: x.reshape(4, 3), "ViewBackward0", [ACC]),
    ("view", lambda L, f, x, y: x.view(-1), "ViewBackward0", [ACC]),
    ("flatten", lambda L, f, x, y: x.flatten(), "ViewBackward0", [ACC]),
    ("t", lambda L, f, x, y: x.t(), "TBackward0", [ACC]),
    ("transpose", lambda L, f, x, y: x.transpose(0, 1), "TransposeBackward0", [ACC]),
    ("mT", lambda L, f, x, y: x.mT, "TransposeBackward0", [ACC]),
    ("permute", lambda L, f, x, y: x.permute(1, 0), "PermuteBackward0", [ACC]),
    ("T", lambda L, f, x, y: x.T, "PermuteBackward0", [ACC]),
    ("unsqueeze", lambda L, f, x, y: x.unsqueeze(0), "UnsqueezeBackward0", [ACC]),
    ("squeeze", lambda L, f, x, y: x[0:1].squeeze(), "SqueezeBackward0", ["SliceBackward0"]),
    ("squeeze(dim)", lambda L, f, x, y: x[0:1].squeeze(0), "SqueezeBackward1", ["SliceBackward0"]),
    ("expand", lambda L, f, x, y: x[0:1].expand(3, 4), "ExpandBackward0", ["SliceBackward0"]),
    ("x[0]", lambda L, f, x, y: x[0], "SelectBackward0", [ACC]),
    ("x[..., 1]", lambda L, f, x, y: x[..., 1], "SelectBackward0", [ACC]),
    ("x[1:3]", lambda L, f, x, y: x[1:3], "SliceBackward0", [ACC]),
    ("x[:, ::2]", lambda L, f, x, y: x[:, ::2], "SliceBackward0", [ACC]),
    ("x[None]", lambda L, f, x, y: x[None], "UnsqueezeBackward0", [ACC]),
    ("x[[0, 2]]", lambda L, f, x, y: x[[0, 2]], "IndexBackward0", [ACC]),
    ("x[mask]", lambda L, f, x, y: x[x > 0.5], "IndexBackward0", [ACC]),
    ("narrow", lambda L, f, x, y: x.narrow(0, 1, 2), "SliceBackward0", [ACC]),
    ("split", lambda L, f, x, y: x.split(2)[1], "SplitBackward0", [ACC]),
    ("chunk", lambda L, f, x, y: x.chunk(2)[0], "SplitBackward0", [ACC]),
    ("unbind", lambda L, f, x, y: x.unbind()[2], "UnbindBackward0", [ACC]),
    ("index_select", lambda L, f, x, y: x.index_select(0, L.tensor([0, 2])),
     "IndexSelectBackward0", [ACC]),
    ("masked_select", lambda L, f, x, y: x.masked_select(x > 0.5), "MaskedSelectBackward0", [ACC]),
    ("gather", lambda L, f, x, y: x.gather(1, L.tensor([[0], [1], [2]])), "GatherBackward0", [ACC]),
    ("cat", lambda L, f, x, y: L.cat([x, y]), "CatBackward0", [ACC, ACC]),
    ("stack", lambda L, f, x, y: L.stack([x, y], 1), "StackBackward0", [ACC, ACC]),
    ("tril", lambda L, f, x, y: x.tril(), "TrilBackward0", [ACC]),
    ("triu", lambda L, f, x, y: x.triu(1), "TriuBackward0", [ACC]),
    ("diag of a vector", lambda L, f, x, y: x[0].diag(), "DiagEmbedBackward0",
     ["SelectBackward0"]),
    ("diagonal", lambda L, f, x, y: x.diagonal(1), "DiagonalBackward0", [ACC]),
    ("select", lambda L, f, x, y: x.select(1, 2), "SelectBackward0", [ACC]),
    ("movedim", lambda L, f, x, y: x.movedim(0, 1), "PermuteBackward0", [ACC]),
    ("index_add", lambda L, f, x, y: x.index_add(0, L.tensor([0, 0]), y[:2]),
     "IndexAddBackward0", [ACC, "SliceBackward0"]),
    ("flip", lambda L, f, x, y: x.flip(0), "FlipBackward0", [ACC]),
    ("double", lambda L, f, x, y: x.float(), "ToCopyBackward0", [ACC]),
    ("clone", lambda L, f, x, y: x.clone(), "CloneBackward0", [ACC]),
    ("linear", lambda L, f, x, y: f.linear(x, y[:2], y[2, :2]), "AddmmBackward0",
     ["SliceBackward0", ACC, ANY]),
    ("linear, no bias", lambda L, f, x, y: f.linear(x, y), "MmBackward0", [ACC, ANY]),
    ("relu", lambda L, f, x, y: f.relu(x), "ReluBackward0", [ACC]),
    ("leaky_relu", lambda L, f, x, y: f.leaky_relu(x, 0.1), "LeakyReluBackward0", [ACC]),
    ("gelu", lambda L, f, x, y: f.gelu(x), "GeluBackward0", [ACC]),
    ("elu", lambda L, f, x, y: f.elu(x), "EluBackward0", [ACC]),
    ("selu", lambda L, f, x, y: f.selu(x), "EluBackward0", [ACC]),
    ("softplus", lambda L, f, x, y: f.softplus(x), "SoftplusBackward0", [ACC]),
    ("hardtanh", lambda L, f, x, y: f.hardtanh(x), "HardtanhBackward0", [ACC]),
    ("log_softmax", lambda L, f, x, y: f.log_softmax(x, 1), "LogSoftmaxBackward0", [ACC]),
    ("mse_loss", lambda L, f, x, y: f.mse_loss(x, y.detach()), "MseLossBackward0", [ACC, None]),
    ("smooth_l1_loss", lambda L, f, x, y: f.smooth_l1_loss(x, y.detach()),
     "SmoothL1LossBackward0", [ACC, None]),
    ("huber_loss", lambda L, f, x, y: f.huber_loss(x, y.detach()), "HuberLossBackward0",
     [ACC, None]),
    ("bce_with_logits", lambda L, f, x, y: f.binary_cross_entropy_with_logits(x, y.detach() / 3),
     "BinaryCrossEntropyWithLogitsBackward0", [ACC, None]),
    ("cross_entropy", lambda L, f, x, y: f.cross_entropy(x, L.tensor(IDX)), "NllLossBackward0",
     ["LogSoftmaxBackward0"]),
    ("nll_loss", lambda L, f, x, y: f.nll_loss(x, L.tensor(IDX)), "NllLossBackward0", [ACC]),
    ("embedding", lambda L, f, x, y: f.embedding(L.tensor([0, 2]), x), "EmbeddingBackward0",
     [ACC]),
    ("dropout", lambda L, f, x, y: f.dropout(x, 0.5), "MulBackward0", [ACC, None]),
    ("conv2d", lambda L, f, x, y: f.conv2d(x.view(1, 1, 3, 4), y.view(1, 1, 3, 4)),
     "ConvolutionBackward0", ["ViewBackward0", "ViewBackward0", None]),
    ("conv2d + bias", lambda L, f, x, y: f.conv2d(x.view(1, 1, 3, 4), y.view(1, 1, 3, 4), y[0, :1]),
     "ConvolutionBackward0", ["ViewBackward0", "ViewBackward0", "SliceBackward0"]),
    ("max_pool2d", lambda L, f, x, y: f.max_pool2d(x.view(1, 1, 3, 4), 2),
     "MaxPool2DWithIndicesBackward0", ["ViewBackward0"]),
    ("avg_pool2d", lambda L, f, x, y: f.avg_pool2d(x.view(1, 1, 3, 4), 2), "AvgPool2DBackward0",
     ["ViewBackward0"]),
    ("batch_norm", lambda L, f, x, y: f.batch_norm(x, None, None, y[0], y[1], training=True),
     "NativeBatchNormBackward0", [ACC, "SelectBackward0", "SelectBackward0"]),
    ("layer_norm", lambda L, f, x, y: f.layer_norm(x, (4,)), "NativeLayerNormBackward0",
     [ACC, None, None]),
    ("pad", lambda L, f, x, y: f.pad(x, (1, 1)), "ConstantPadNdBackward0", [ACC]),
]


def _names(lib, functional, expression):
    x = lib.tensor(X, requires_grad=True)
    y = lib.tensor(Y, requires_grad=True)
    node = expression(lib, functional, x, y).grad_fn
    nexts = [None if n is None else n.name().split("::")[-1] for n, _ in node.next_functions]
    return node.name(), nexts


def _match(got, name, nexts):
    assert got[0] == name
    assert len(got[1]) == len(nexts)
    assert [g for g, n in zip(got[1], nexts) if n != ANY] == [n for n in nexts if n != ANY]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_grad_fn_name_and_next_functions(case):
    _, expression, name, nexts = case
    ag.manual_seed(0)
    _match(_names(ag, F, expression), name, nexts)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_names_are_pytorchs(case):
    torch = pytest.importorskip("torch")
    _, expression, name, nexts = case
    _match(_names(torch, torch.nn.functional, expression), name, nexts)


def test_next_functions_pairs_and_leaf_variable():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * 3).sum()
    ((mul, index),) = loss.grad_fn.next_functions
    assert index == 0 and mul.name() == "MulBackward0"
    acc, number = mul.next_functions
    assert acc[0].variable is w and number == (None, 0)


def test_a_tensor_that_needs_no_grad_is_listed_as_none():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0])
    assert [n for n, _ in (c * w).grad_fn.next_functions][0] is None
    assert (c * w).grad_fn.next_functions[1][0].variable is w


def test_cross_entropy_shows_pytorchs_log_softmax_step():
    x = ag.tensor(X, requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor(IDX))
    step = loss.grad_fn.next_functions[0][0]
    assert step.name() == "LogSoftmaxBackward0"
    assert step.next_functions[0][0].variable is x

"""The floor of a pure-Python design for W2: an autograd with nothing but the maths.

Written the way the engine is used (modules called on tensors, a loss module, an
optimizer, ``loss.backward()``, the same array calls as the engine's ops), but
without what the engine does besides the maths: no version counters (an in-place
update between forward and backward goes unnoticed), no saved-value sources (no
``create_graph``), no dtype rules, no shape or device checks and their error
messages, no hooks, no grad mode, no anomaly mode, no ``retain_graph``, no
``Function``/ctx API for users. Its time against the engine's is what those
features cost on a tiny network; against numpy, what any Python engine costs.

Only W2's three ops exist here. It is a yardstick, not a library: only the benchmarks and
their test import it.
"""

from __future__ import annotations

import heapq
import itertools
from typing import Any

import numpy as np
import xor
from scipy.special import expit

_order = itertools.count()


class Tensor:
    __slots__ = ("data", "grad", "node")

    def __init__(self, data: np.ndarray, node: Node | None = None):
        self.data, self.grad, self.node = data, None, node

    def backward(self) -> None:
        backward(self)


class Parameter(Tensor):
    __slots__ = ()


class Node:
    """One op of the graph: its inputs, what its rule needs, the rule, its creation order."""

    __slots__ = ("inputs", "saved", "rule", "order")

    def __init__(self, inputs: tuple, saved: tuple, rule: Any):
        self.inputs, self.saved, self.rule, self.order = inputs, saved, rule, next(_order)


def _linear_rule(saved: tuple, grad: np.ndarray) -> tuple:
    x, weight = saved
    return grad.dot(weight), grad.T.dot(x), np.add.reduce(grad, axis=0)


def _sigmoid_rule(saved: tuple, grad: np.ndarray) -> tuple:
    (y,) = saved
    return (grad * (1 - y) * y,)


def _mse_rule(saved: tuple, grad: np.ndarray) -> tuple:
    (diff,) = saved
    return diff * (2.0 / diff.size) * grad, None


def linear(x: Tensor, weight: Tensor, bias: Tensor) -> Tensor:
    out = x.data.dot(weight.data.T)
    out += bias.data
    return Tensor(out, Node((x, weight, bias), (x.data, weight.data), _linear_rule))


def sigmoid(x: Tensor) -> Tensor:
    y = expit(x.data)
    return Tensor(y, Node((x,), (y,), _sigmoid_rule))


def mse_loss(x: Tensor, target: Tensor) -> Tensor:
    diff = x.data - target.data
    loss = np.asarray((diff * diff).sum() / diff.size)
    return Tensor(loss, Node((x, target), (diff,), _mse_rule))


def backward(root: Tensor) -> None:
    """Newest node first from a heap, gradients in a dict dropped once used, as the engine."""
    grads = {id(root): np.array(1, root.data.dtype)}
    heap = [(-root.node.order, id(root), root)]
    while heap:
        tensor = heapq.heappop(heap)[2]
        grad = grads.pop(id(tensor))
        node = tensor.node
        if node is None:  # a parameter
            tensor.grad = grad if tensor.grad is None else tensor.grad + grad
            continue
        for inp, g in zip(node.inputs, node.rule(node.saved, grad)):
            if g is None or (inp.node is None and type(inp) is not Parameter):
                continue
            key = id(inp)
            if key in grads:
                grads[key] = grads[key] + g
            else:
                grads[key] = g
                order = inp.node.order if inp.node is not None else -1
                heapq.heappush(heap, (-order, key, inp))
        tensor.node = None  # the graph is freed as it is walked


class Module:
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)


class Linear(Module):
    def __init__(self, weight: np.ndarray, bias: np.ndarray):
        self.weight, self.bias = Parameter(weight.copy()), Parameter(bias.copy())

    def forward(self, x: Tensor) -> Tensor:
        return linear(x, self.weight, self.bias)


class Sigmoid(Module):
    def forward(self, x: Tensor) -> Tensor:
        return sigmoid(x)


class Sequential(Module):
    def __init__(self, *modules: Module):
        self.modules = modules

    def forward(self, x: Tensor) -> Tensor:
        for module in self.modules:
            x = module(x)
        return x


class MSELoss(Module):
    def forward(self, x: Tensor, target: Tensor) -> Tensor:
        return mse_loss(x, target)


class SGD:
    def __init__(self, params: list[Parameter], lr: float):
        self.params, self.lr = params, lr

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        for p in self.params:
            if p.grad is not None:
                p.data -= p.grad * self.lr


class BareXOR(xor.StudentStep):
    """W2 as EngineXOR writes it, on the bare engine above."""

    def __init__(self, weights: list[np.ndarray]):
        w1, b1, w2, b2 = weights
        first, second = Linear(w1, b1), Linear(w2, b2)
        self.model = Sequential(first, Sigmoid(), second, Sigmoid())
        self.loss_fn = MSELoss()
        self.opt = SGD([first.weight, first.bias, second.weight, second.bias], xor.LR)
        self.samples = [(Tensor(xor.INPUTS[i:i + 1].copy()), Tensor(xor.TARGETS[i:i + 1].copy()))
                        for i in range(4)]

    def weights(self) -> list[np.ndarray]:
        return [p.data for p in self.opt.params]

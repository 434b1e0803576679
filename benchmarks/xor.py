"""W2: the lecture's 2-3-1 network (sigmoid hidden and output), MSE, SGD lr 0.5, XOR.

One sample per step (batch 1): the arrays are tiny, so the time is the
per-op overhead of each implementation, not arithmetic.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from harness import SEED
from scipy.special import expit

LR = 0.5
INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
TARGETS = np.array([[0], [1], [1], [0]], dtype=np.float32)


def make_weights(seed: int = SEED) -> list[np.ndarray]:
    """W1 (3x2), b1 (3), W2 (1x3), b2 (1), drawn as PyTorch's nn.Linear draws them."""
    rng = np.random.default_rng(seed)
    out = []
    for n_in, n_out in ((2, 3), (3, 1)):
        bound = 1.0 / math.sqrt(n_in)
        out.append(rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32))
        out.append(rng.uniform(-bound, bound, n_out).astype(np.float32))
    return out


class StudentStep:
    """The student's training step: the same lines on every engine with PyTorch's API.

    Subclasses set ``model``, ``loss_fn``, ``opt`` and ``samples`` (the four (x, t) pairs).
    """

    model: Any
    loss_fn: Any
    opt: Any
    samples: list
    i = 0

    def step(self) -> Any:
        x, t = self.samples[self.i & 3]
        self.i += 1
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(x), t)
        loss.backward()
        self.opt.step()
        return loss

    def weights(self) -> list[np.ndarray]:
        return [p.detach().numpy() for p in self.model.parameters()]


class EngineXOR(StudentStep):
    """The student's code: nn.Sequential of Linear and Sigmoid, nn.MSELoss, optim.SGD."""

    def __init__(self, weights: list[np.ndarray]):
        import autograd as ag
        import nn
        import optim

        self.model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())
        with ag.no_grad():
            for p, w in zip(self.model.parameters(), weights):
                p.copy_(ag.tensor(w))
        self.loss_fn = nn.MSELoss()
        self.opt = optim.SGD(self.model.parameters(), lr=LR)
        self.samples = [(ag.tensor(INPUTS[i:i + 1]), ag.tensor(TARGETS[i:i + 1]))
                        for i in range(4)]


class NumpyXOR:
    """Hand-written numpy: vectors instead of 1-row matrices, preallocated, in place, and
    ``ndarray.dot`` rather than ``np.dot`` (whose dispatch adds a third to a tiny product).

    Neuron j: a_j = b_j + sum_i y_i w_ji, y_j = 1 / (1 + e^-a_j); loss (y - t)^2.
    """

    def __init__(self, weights: list[np.ndarray]):
        self.w1, self.b1, self.w2, self.b2 = (w.copy() for w in weights)
        self.samples = [(INPUTS[i].copy(), TARGETS[i].copy()) for i in range(4)]
        f32 = np.float32
        self.hidden = np.empty(3, f32)
        self.out = np.empty(1, f32)
        self.diff = np.empty(1, f32)
        self.delta_out = np.empty(1, f32)
        self.delta_hidden = np.empty(3, f32)
        self.tmp3 = np.empty(3, f32)
        self.grad_w1 = np.empty((3, 2), f32)
        self.grad_w2 = np.empty((1, 3), f32)
        self.i = 0

    @staticmethod
    def _sigmoid(a: np.ndarray) -> None:
        np.negative(a, out=a)
        np.exp(a, out=a)
        a += 1
        np.reciprocal(a, out=a)

    def step(self) -> Any:
        x, t = self.samples[self.i & 3]
        self.i += 1
        h, y = self.hidden, self.out
        self.w1.dot(x, out=h)
        h += self.b1
        self._sigmoid(h)
        self.w2.dot(h, out=y)
        y += self.b2
        self._sigmoid(y)
        d = self.diff
        np.subtract(y, t, out=d)
        loss = d @ d
        # delta_out = dL/da_out = 2 (y - t) y (1 - y)
        delta = self.delta_out
        np.subtract(1, y, out=delta)
        delta *= y
        delta *= d
        delta *= 2
        # delta_hidden = (W2^T delta_out) h (1 - h)
        dh = self.delta_hidden
        np.multiply(self.w2[0], delta, out=dh)
        np.subtract(1, h, out=self.tmp3)
        self.tmp3 *= h
        dh *= self.tmp3
        np.multiply.outer(delta, h, out=self.grad_w2)
        np.multiply.outer(dh, x, out=self.grad_w1)
        # SGD in place: p -= lr * dL/dp
        self.grad_w2 *= LR
        self.w2 -= self.grad_w2
        delta *= LR
        self.b2 -= delta
        self.grad_w1 *= LR
        self.w1 -= self.grad_w1
        dh *= LR
        self.b1 -= dh
        return loss

    def weights(self) -> list[np.ndarray]:
        return [self.w1, self.b1, self.w2, self.b2]


class NumpyExpitXOR(NumpyXOR):
    """NumpyXOR with scipy's expit for the sigmoid (one call instead of four), as the engine
    computes it: not the baseline (that is hand-written numpy), but what the ratio would be
    against a hand-written step that uses scipy too."""

    @staticmethod
    def _sigmoid(a: np.ndarray) -> None:
        expit(a, a)


class EngineArraysXOR:
    """The array calls the engine makes for one step, in its order, and nothing else.

    No graph, no Tensors, no modules, no optimizer objects: this is how fast the
    engine would be if its Python bookkeeping cost nothing. Against NumpyXOR it
    shows what the engine's way of computing costs (fresh arrays, a stable
    sigmoid, matrices for a batch of one); against EngineXOR, what the
    bookkeeping costs. Kept in step with autograd/ops by hand.
    """

    # The engine's constants: 0-d arrays of the operands' dtype (dtypes.scalar_like)
    ONE, LR = (np.array(v, np.float32) for v in (1, LR))

    def __init__(self, weights: list[np.ndarray]):
        self.params = [w.copy() for w in weights]
        self.samples = [(INPUTS[i:i + 1].copy(), TARGETS[i:i + 1].copy()) for i in range(4)]
        self.i = 0

    @staticmethod
    def _sigmoid(x: np.ndarray) -> np.ndarray:
        return expit(x)  # the engine's sigmoid is scipy's expit (backend.expit)

    def step(self) -> Any:
        x, t = self.samples[self.i & 3]
        self.i += 1
        w1, b1, w2, b2 = self.params
        a1 = x.dot(w1.T)
        a1 += b1
        h = self._sigmoid(a1)
        a2 = h.dot(w2.T)
        a2 += b2
        y = self._sigmoid(a2)
        diff = y - t
        loss = np.asarray(np.vdot(diff, diff) / diff.size)
        seed = np.array(1, np.float32)
        grad_y = diff * np.array(2.0 / diff.size, np.float32) * seed
        grad_a2 = grad_y * (self.ONE - y) * y
        grad_h = grad_a2.dot(w2)
        grads = [None, None, grad_a2.T.dot(h), np.add.reduce(grad_a2, axis=0)]
        grad_a1 = grad_h * (self.ONE - h) * h
        grads[0], grads[1] = grad_a1.T.dot(x), np.add.reduce(grad_a1, axis=0)
        for p, g in zip(self.params, grads):
            p -= g * self.LR
        return loss

    def weights(self) -> list[np.ndarray]:
        return self.params


class TorchXOR(StudentStep):
    def __init__(self, weights: list[np.ndarray]):
        import torch

        self.model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Sigmoid(),
                                         torch.nn.Linear(3, 1), torch.nn.Sigmoid())
        with torch.no_grad():
            for p, w in zip(self.model.parameters(), weights):
                p.copy_(torch.from_numpy(w))
        self.loss_fn = torch.nn.MSELoss()
        self.opt = torch.optim.SGD(self.model.parameters(), lr=LR)
        self.samples = [(torch.from_numpy(INPUTS[i:i + 1].copy()),
                         torch.from_numpy(TARGETS[i:i + 1].copy())) for i in range(4)]

"""W3: a long chain of tiny ops, y <- tanh(0.999 y + 0.001) N times, then sum().backward().

Each step of the chain is three engine ops (mul, add, tanh) on 16 floats, so
this measures the per-op cost of forward and backward, the depth the engine
handles (N = 100,000: no recursion) and what the graph keeps alive.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from harness import SEED

SIZE = 16
SCALE, SHIFT = 0.999, 0.001


def make_input(seed: int = SEED) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(SIZE, dtype=np.float32)


class EngineChain:
    def __init__(self, x0: np.ndarray, n: int):
        import autograd as ag

        self.ag = ag
        self.x0 = x0
        self.n = n
        self.x: Any = None
        self.y: Any = None

    def forward(self) -> None:
        x = self.ag.tensor(self.x0, requires_grad=True)
        y = x
        for _ in range(self.n):
            y = (y * SCALE + SHIFT).tanh()
        self.x, self.y = x, y.sum()

    def backward(self) -> None:
        self.y.backward()
        self.y = None

    def grad(self) -> np.ndarray:
        return self.x.grad.numpy()


class NumpyChain:
    """Hand-written: keep each tanh output (backward needs 1 - y^2), then walk them back."""

    def __init__(self, x0: np.ndarray, n: int):
        self.x0 = x0
        self.n = n
        self.outputs: list[np.ndarray] = []
        self.tmp = np.empty(SIZE, np.float32)
        self.x_grad: np.ndarray | None = None

    def forward(self) -> None:
        outputs = []
        y = self.x0
        for _ in range(self.n):
            a = y * np.float32(SCALE)
            a += np.float32(SHIFT)
            np.tanh(a, out=a)
            outputs.append(a)
            y = a
        self.outputs = outputs
        self.total = y.sum()

    def backward(self) -> None:
        grad = np.ones(SIZE, np.float32)
        tmp = self.tmp
        scale = np.float32(SCALE)
        outputs = self.outputs
        while outputs:
            y = outputs.pop()  # dropped once used, as the engine drops saved arrays
            np.multiply(y, y, out=tmp)
            np.subtract(1, tmp, out=tmp)
            grad *= tmp
            grad *= scale
        self.x_grad = grad

    def grad(self) -> np.ndarray:
        return self.x_grad


class TorchChain:
    def __init__(self, x0: np.ndarray, n: int):
        import torch

        self.torch = torch
        self.x0 = torch.from_numpy(x0.copy())
        self.n = n
        self.x: Any = None
        self.y: Any = None

    def forward(self) -> None:
        x = self.x0.clone().requires_grad_(True)
        y = x
        for _ in range(self.n):
            y = (y * SCALE + SHIFT).tanh()
        self.x, self.y = x, y.sum()

    def backward(self) -> None:
        self.y.backward()
        self.y = None

    def grad(self) -> np.ndarray:
        return self.x.grad.numpy()

"""W1, W4 and the GPU workload: a ReLU MLP trained with softmax cross-entropy.

Three implementations of one training step (forward, loss, backward, update)
from the same initial weights and the same batch:

- ``EngineMLP``: this library, written as a student would write it
  (``nn.Sequential``, ``nn.CrossEntropyLoss``, ``optim.SGD``/``optim.Adam``).
- ``NumpyMLP``: hand-written numpy (or CuPy: it takes the array module),
  every buffer preallocated and every update in place: the floor.
- ``TorchMLP``: PyTorch (CPU, or CUDA for the GPU workload), when it is installed.

``numpy_lean_step`` is the hand-written step written for memory instead
(each array dropped as soon as it is used), the baseline of W4.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from harness import SEED

ADAM = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8}


def make_problem(sizes: tuple[int, ...], batch: int, seed: int = SEED
                 ) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray, np.ndarray]:
    """Weights drawn as nn.Linear draws them (U(-1/sqrt(in), 1/sqrt(in))), a batch, labels."""
    rng = np.random.default_rng(seed)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / math.sqrt(n_in)
        weight = rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32)
        bias = rng.uniform(-bound, bound, n_out).astype(np.float32)
        layers.append((weight, bias))
    x = rng.standard_normal((batch, sizes[0]), dtype=np.float32)
    y = rng.integers(0, sizes[-1], batch).astype(np.int64)
    return layers, x, y


# --- this library ------------------------------------------------------------------------

class EngineMLP:
    """The student's code: nn.Sequential, nn.CrossEntropyLoss, an optim optimizer."""

    def __init__(self, layers: list, x: np.ndarray, y: np.ndarray, optimizer: str,
                 lr: float = 0.01, device: str = "cpu"):
        import autograd as ag
        import nn
        import optim

        modules: list[Any] = []
        for i, (weight, bias) in enumerate(layers):
            linear = nn.Linear(weight.shape[1], weight.shape[0])
            with ag.no_grad():
                linear.weight.copy_(ag.tensor(weight))
                linear.bias.copy_(ag.tensor(bias))
            modules.append(linear)
            if i < len(layers) - 1:
                modules.append(nn.ReLU())
        self.model = nn.Sequential(*modules).to(device)
        self.loss_fn = nn.CrossEntropyLoss()
        params = self.model.parameters()
        if optimizer == "sgd":
            self.opt = optim.SGD(params, lr=lr)
        else:
            self.opt = optim.Adam(params, lr=ADAM["lr"], betas=ADAM["betas"], eps=ADAM["eps"])
        self.x = ag.tensor(x, device=device)
        self.y = ag.tensor(y, device=device)

    def step(self) -> Any:
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(self.x), self.y)
        loss.backward()
        self.opt.step()
        return loss

    def weights(self) -> list[np.ndarray]:
        return [p.detach().cpu().numpy() for p in self.model.parameters()]


# --- hand-written numpy ------------------------------------------------------------------

class NumpyMLP:
    """One training step in hand-written numpy: preallocated buffers, in-place updates.

    ``xp`` is numpy, or CuPy for the GPU workload.
    """

    def __init__(self, layers: list, x: np.ndarray, y: np.ndarray, optimizer: str,
                 lr: float = 0.01, xp: Any = np):
        self.xp = xp
        self.weights_ = [xp.array(w) for w, _ in layers]
        self.biases = [xp.array(b) for _, b in layers]
        self.x = xp.asarray(x)
        self.y = xp.asarray(y)
        self.rows = xp.arange(x.shape[0])
        self.optimizer = optimizer
        self.lr = lr
        batch = x.shape[0]
        outs = [w.shape[0] for w in self.weights_]
        f32 = np.float32
        self.acts = [xp.empty((batch, n), f32) for n in outs]  # post-ReLU activations, logits
        self.grad_acts = [xp.empty((batch, n), f32) for n in outs[:-1]]
        self.masks = [xp.empty((batch, n), bool) for n in outs[:-1]]
        self.probs = xp.empty((batch, outs[-1]), f32)
        self.grad_w = [xp.empty_like(w) for w in self.weights_]
        self.grad_b = [xp.empty_like(b) for b in self.biases]
        self.params = [p for pair in zip(self.weights_, self.biases) for p in pair]
        self.grads = [g for pair in zip(self.grad_w, self.grad_b) for g in pair]
        if optimizer == "adam":
            self.exp_avg = [xp.zeros_like(p) for p in self.params]
            self.exp_avg_sq = [xp.zeros_like(p) for p in self.params]
            self.tmp = [xp.empty_like(p) for p in self.params]
            self.t = 0

    def step(self) -> Any:
        xp = self.xp
        n_layers = len(self.weights_)
        batch = self.x.shape[0]
        # Forward: a = y W^T + b, then y = relu(a), in the preallocated buffers.
        inp = self.x
        for i in range(n_layers):
            out = self.acts[i]
            xp.matmul(inp, self.weights_[i].T, out=out)
            out += self.biases[i]
            if i < n_layers - 1:
                xp.maximum(out, 0, out=out)
            inp = out
        # Softmax cross-entropy, mean over the batch.
        logits, probs = self.acts[-1], self.probs
        logits -= logits.max(axis=1, keepdims=True)
        xp.exp(logits, out=probs)
        total = probs.sum(axis=1, keepdims=True)
        loss = (xp.log(total).sum() - logits[self.rows, self.y].sum()) / batch
        # Backward: dL/dlogits = (softmax - onehot) / batch.
        probs /= total
        probs[self.rows, self.y] -= 1
        probs *= 1.0 / batch
        grad = probs
        for i in range(n_layers - 1, -1, -1):
            below = self.acts[i - 1] if i > 0 else self.x
            xp.matmul(grad.T, below, out=self.grad_w[i])
            grad.sum(axis=0, out=self.grad_b[i])
            if i > 0:
                grad_below = self.grad_acts[i - 1]
                xp.matmul(grad, self.weights_[i], out=grad_below)
                mask = self.masks[i - 1]
                xp.greater(below, 0, out=mask)
                grad_below *= mask
                grad = grad_below
        if self.optimizer == "sgd":
            for p, g in zip(self.params, self.grads):
                g *= self.lr
                p -= g
        else:
            self._adam()
        return loss

    def _adam(self) -> None:
        """PyTorch's Adam: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
        p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)."""
        xp = self.xp
        beta1, beta2 = ADAM["betas"]
        self.t += 1
        step_size = ADAM["lr"] / (1 - beta1**self.t)
        sqrt_bc2 = math.sqrt(1 - beta2**self.t)
        for p, g, m, v, tmp in zip(self.params, self.grads, self.exp_avg, self.exp_avg_sq,
                                   self.tmp):
            m *= beta1
            xp.multiply(g, 1 - beta1, out=tmp)
            m += tmp
            v *= beta2
            xp.multiply(g, g, out=tmp)
            tmp *= 1 - beta2
            v += tmp
            xp.sqrt(v, out=tmp)
            tmp /= sqrt_bc2
            tmp += ADAM["eps"]
            xp.divide(m, tmp, out=tmp)
            tmp *= step_size
            p -= tmp

    def weights(self) -> list[np.ndarray]:
        to_host = getattr(self.xp, "asnumpy", np.asarray)
        return [to_host(p) for p in self.params]


def numpy_lean_step(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float
                    ) -> tuple[float, list[np.ndarray]]:
    """One SGD step written for memory: every array is dropped as soon as it has been used.

    The gradients are returned (kept, as ``.grad`` keeps them in the engine).
    """
    weights, biases = params[0::2], params[1::2]
    n_layers = len(weights)
    batch = x.shape[0]
    acts = [x]
    for i in range(n_layers):
        out = acts[-1] @ weights[i].T
        out += biases[i]
        if i < n_layers - 1:
            np.maximum(out, 0, out=out)
        acts.append(out)
    logits = acts.pop()
    logits -= logits.max(axis=1, keepdims=True)
    probs = np.exp(logits)
    total = probs.sum(axis=1, keepdims=True)
    rows = np.arange(batch)
    loss = float((np.log(total).sum() - logits[rows, y].sum()) / batch)
    del logits
    probs /= total
    probs[rows, y] -= 1
    probs *= 1.0 / batch
    grad = probs
    grads: list[np.ndarray] = [None] * len(params)  # type: ignore[list-item]
    for i in range(n_layers - 1, -1, -1):
        below = acts.pop()
        grads[2 * i] = grad.T @ below
        grads[2 * i + 1] = grad.sum(axis=0)
        if i > 0:
            grad = grad @ weights[i]
            grad *= below > 0
        del below
    for p, g in zip(params, grads):
        p -= lr * g  # one temporary the size of g: g itself must stay unscaled, as .grad does
    return loss, grads


# --- PyTorch -----------------------------------------------------------------------------

class TorchMLP:
    def __init__(self, layers: list, x: np.ndarray, y: np.ndarray, optimizer: str,
                 lr: float = 0.01, device: str = "cpu"):
        import torch

        modules: list[Any] = []
        for i, (weight, bias) in enumerate(layers):
            linear = torch.nn.Linear(weight.shape[1], weight.shape[0])
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(weight))
                linear.bias.copy_(torch.from_numpy(bias))
            modules.append(linear)
            if i < len(layers) - 1:
                modules.append(torch.nn.ReLU())
        self.model = torch.nn.Sequential(*modules).to(device)
        self.loss_fn = torch.nn.CrossEntropyLoss()
        params = self.model.parameters()
        if optimizer == "sgd":
            self.opt = torch.optim.SGD(params, lr=lr)
        else:
            self.opt = torch.optim.Adam(params, lr=ADAM["lr"], betas=ADAM["betas"],
                                        eps=ADAM["eps"])
        self.x = torch.from_numpy(x).to(device)
        self.y = torch.from_numpy(y).to(device)

    def step(self) -> Any:
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(self.x), self.y)
        loss.backward()
        self.opt.step()
        return loss

    def weights(self) -> list[np.ndarray]:
        return [p.detach().cpu().numpy() for p in self.model.parameters()]

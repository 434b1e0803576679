"""W5: one SGD step of a LeNet-style CNN on 1x28x28 images, batch 64.

Conv2d(1, 6, 5) - ReLU - MaxPool2d(2) - Conv2d(6, 16, 5) - ReLU - MaxPool2d(2) - Flatten -
Linear(256, 120) - ReLU - Linear(120, 84) - ReLU - Linear(84, 10), softmax cross-entropy.

- ``EngineCNN``: this library, as a student writes it (nn.Sequential, nn.CrossEntropyLoss,
  optim.SGD).
- ``numpy_cnn_step``: hand-written numpy with the same algorithm: im2col by a strided view
  and one matrix product per convolution, col2im by a loop over the kernel offsets (one
  small product each, as the engine does, so the window gradients are never all built), max
  pooling by the argmax of each window; every array dropped once it has been used.
- ``TorchCNN``: PyTorch, when it is installed.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from harness import SEED

as_strided = np.lib.stride_tricks.as_strided

CONVS = ((6, 1, 5), (16, 6, 5))  # (out_channels, in_channels, kernel)
LINEARS = ((256, 120), (120, 84), (84, 10))
LR = 0.01


def make_problem(batch: int = 64, seed: int = SEED
                 ) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Parameters drawn as PyTorch draws them (U(-1/sqrt(fan_in), 1/sqrt(fan_in))), in the
    order of model.parameters(); a batch of images; labels."""
    rng = np.random.default_rng(seed)
    params = []
    for out, inp, k in CONVS:
        bound = 1.0 / math.sqrt(inp * k * k)
        params.append(rng.uniform(-bound, bound, (out, inp, k, k)).astype(np.float32))
        params.append(rng.uniform(-bound, bound, out).astype(np.float32))
    for inp, out in LINEARS:
        bound = 1.0 / math.sqrt(inp)
        params.append(rng.uniform(-bound, bound, (out, inp)).astype(np.float32))
        params.append(rng.uniform(-bound, bound, out).astype(np.float32))
    x = rng.standard_normal((batch, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, batch).astype(np.int64)
    return params, x, y


# --- this library ------------------------------------------------------------------------

class EngineCNN:
    def __init__(self, params: list[np.ndarray], x: np.ndarray, y: np.ndarray,
                 lr: float = LR, device: str = "cpu"):
        import autograd as ag
        import nn
        import optim

        self.model = nn.Sequential(
            nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
        )
        with ag.no_grad():
            for p, value in zip(self.model.parameters(), params, strict=True):
                p.copy_(ag.tensor(value))
        self.model.to(device)
        self.loss_fn = nn.CrossEntropyLoss()
        self.opt = optim.SGD(self.model.parameters(), lr=lr)
        self.x = ag.tensor(x, device=device)
        self.y = ag.tensor(y, device=device)

    def step(self) -> Any:
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(self.x), self.y)
        loss.backward()
        self.opt.step()
        return loss

    def grads(self) -> list[np.ndarray]:
        return [p.grad.cpu().numpy() for p in self.model.parameters()]

    def weights(self) -> list[np.ndarray]:
        return [p.detach().cpu().numpy() for p in self.model.parameters()]


# --- hand-written numpy ------------------------------------------------------------------

def _im2col(x: np.ndarray, k: int) -> np.ndarray:
    """The k x k windows of x (N, C, H, W), stride 1, as rows: (N*Ho*Wo, C*k*k), one copy."""
    n, c, h, w = x.shape
    ho, wo = h - k + 1, w - k + 1
    s_n, s_c, s_h, s_w = x.strides
    view = as_strided(x, (n, ho, wo, c, k, k), (s_n, s_h, s_w, s_c, s_h, s_w))
    return view.reshape(n * ho * wo, c * k * k)


def _col2im_product(g: np.ndarray, weight: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """col2im(g @ W), the adjoint of _im2col applied to the window gradients g @ W, one
    kernel offset at a time (the full (N*Ho*Wo, C*k*k) product is never built)."""
    n, c, h, w = shape
    k = weight.shape[-1]
    ho, wo = h - k + 1, w - k + 1
    out = np.zeros(shape, dtype=g.dtype)
    for a in range(k):
        for b in range(k):
            part = (g @ weight[:, :, a, b]).reshape(n, ho, wo, c)
            out[:, :, a:a + ho, b:b + wo] += part.transpose(0, 3, 1, 2)
    return out


def _max_pool(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2x2 max pooling, stride 2: the maxima and each window's argmax (0..3, one byte)."""
    n, c, h, w = x.shape
    s_n, s_c, s_h, s_w = x.strides
    win = as_strided(x, (n, c, h // 2, w // 2, 2, 2), (s_n, s_c, 2 * s_h, 2 * s_w, s_h, s_w))
    win = win.reshape(n, c, h // 2, w // 2, 4)
    argmax = win.argmax(axis=-1)
    return np.take_along_axis(win, argmax[..., None], axis=-1)[..., 0], argmax.astype(np.uint8)


def _max_pool_backward(grad: np.ndarray, argmax: np.ndarray) -> np.ndarray:
    n, c, ho, wo = grad.shape
    out = np.zeros((n, c, 2 * ho, 2 * wo), dtype=grad.dtype)
    zero = np.zeros((), dtype=grad.dtype)
    for k in range(4):
        a, b = divmod(k, 2)
        out[:, :, a::2, b::2] += np.where(argmax == k, grad, zero)
    return out


def numpy_cnn_step(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float = LR
                   ) -> tuple[float, list[np.ndarray]]:
    """One SGD step; returns the loss and the gradients (kept, as .grad keeps them)."""
    w1, b1, w2, b2, w3, b3, w4, b4, w5, b5 = params
    n = x.shape[0]
    # conv1 + relu + pool: (N, 1, 28, 28) -> (N, 6, 24, 24) -> (N, 6, 12, 12)
    cols1 = _im2col(x, 5)  # (N*576, 25)
    a1 = cols1 @ w1.reshape(6, -1).T
    a1 += b1
    a1 = a1.reshape(n, 24, 24, 6).transpose(0, 3, 1, 2)  # channels last in memory
    h1 = np.maximum(a1, 0)
    del a1
    mask1 = h1 != 0
    p1, arg1 = _max_pool(h1)
    del h1
    # conv2 + relu + pool: -> (N, 16, 8, 8) -> (N, 16, 4, 4)
    cols2 = _im2col(p1, 5)  # (N*64, 150)
    del p1
    a2 = cols2 @ w2.reshape(16, -1).T
    a2 += b2
    a2 = a2.reshape(n, 8, 8, 16).transpose(0, 3, 1, 2)
    h2 = np.maximum(a2, 0)
    del a2
    mask2 = h2 != 0
    p2, arg2 = _max_pool(h2)
    del h2
    # the MLP
    f = p2.reshape(n, 256)
    z3 = f @ w3.T
    z3 += b3
    r3 = np.maximum(z3, 0)
    del z3
    z4 = r3 @ w4.T
    z4 += b4
    r4 = np.maximum(z4, 0)
    del z4
    logits = r4 @ w5.T
    logits += b5
    # softmax cross-entropy, mean over the batch
    logits -= logits.max(axis=1, keepdims=True)
    probs = np.exp(logits)
    total = probs.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = float((np.log(total).sum() - logits[rows, y].sum()) / n)
    del logits
    probs /= total
    probs[rows, y] -= 1
    probs *= 1.0 / n
    g = probs
    # backward through the MLP
    gw5, gb5 = g.T @ r4, g.sum(axis=0)
    g = g @ w5
    g *= r4 != 0
    del r4
    gw4, gb4 = g.T @ r3, g.sum(axis=0)
    g = g @ w4
    g *= r3 != 0
    del r3
    gw3, gb3 = g.T @ f, g.sum(axis=0)
    g = (g @ w3).reshape(n, 16, 4, 4)
    del f
    # pool2, relu2, conv2
    g = _max_pool_backward(g, arg2)
    g *= mask2
    del mask2, arg2
    g_mat = g.transpose(0, 2, 3, 1).reshape(n * 64, 16)
    gb2 = g.sum(axis=(0, 2, 3))
    del g
    gw2 = (g_mat.T @ cols2).reshape(w2.shape)
    del cols2
    g = _col2im_product(g_mat, w2, (n, 6, 12, 12))
    del g_mat
    # pool1, relu1, conv1 (the images need no gradient)
    g = _max_pool_backward(g, arg1)
    g *= mask1
    del mask1, arg1
    g_mat = g.transpose(0, 2, 3, 1).reshape(n * 576, 6)
    gb1 = g.sum(axis=(0, 2, 3))
    del g
    gw1 = (g_mat.T @ cols1).reshape(w1.shape)
    del cols1, g_mat
    grads = [gw1, gb1, gw2, gb2, gw3, gb3, gw4, gb4, gw5, gb5]
    for p, grad in zip(params, grads):
        p -= lr * grad
    return loss, grads


class NumpyCNN:
    def __init__(self, params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float = LR):
        self.params = [p.copy() for p in params]
        self.x, self.y, self.lr = x, y, lr

    def step(self) -> float:
        loss, self._grads = numpy_cnn_step(self.params, self.x, self.y, self.lr)
        return loss

    def weights(self) -> list[np.ndarray]:
        return self.params


# --- PyTorch -----------------------------------------------------------------------------

class TorchCNN:
    def __init__(self, params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float = LR):
        import torch

        nn = torch.nn
        self.model = nn.Sequential(
            nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
        )
        with torch.no_grad():
            for p, value in zip(self.model.parameters(), params, strict=True):
                p.copy_(torch.from_numpy(value))
        self.loss_fn = nn.CrossEntropyLoss()
        self.opt = torch.optim.SGD(self.model.parameters(), lr=lr)
        self.x = torch.from_numpy(x)
        self.y = torch.from_numpy(y)

    def step(self) -> Any:
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(self.x), self.y)
        loss.backward()
        self.opt.step()
        return loss

    def weights(self) -> list[np.ndarray]:
        return [p.detach().numpy() for p in self.model.parameters()]

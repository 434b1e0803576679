"""W6: one training step of an LSTM on a time series, backpropagation through time.

The model of the usual PyTorch time-series tutorial: ``nn.LSTM(8, 64, batch_first=True)``
reads a batch of 16 sequences of 32 steps, ``nn.Linear(64, 1)`` maps the last step's
output ``out[:, -1, :]`` to one prediction per sequence, and the loss is the mean squared
error against a target; one ``optim.Adam`` step. Float32.

Three implementations of the step from the same weights and the same batch:

- ``EngineLSTM``: this library, as a student writes it (``nn.LSTM``, ``nn.Linear``,
  ``nn.MSELoss``, ``optim.Adam``).
- ``NumpyLSTM``: hand-written numpy: the input projection of all 32 steps in one
  product before the loop, one product with W_hh per step for all four gates, backward
  through time by hand with the weight gradients summed over the steps in one product
  each after the loop, PyTorch's Adam; buffers preallocated, updates in place.
- ``TorchLSTM``: PyTorch (CPU), when it is installed.

Where the engine's time goes: a time step of ``nn.LSTM`` is 5 nodes of the graph (the two
products with W_ih and W_hh, their sum, ``lstm_state`` for c' and ``lstm_output`` for h'),
against the hand-written step's one product per step and the input projection of all
steps before the loop. The measurements are in ``results/``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from harness import SEED
from mlp import ADAM
from scipy.special import expit

INPUT, HIDDEN, STEPS, BATCH = 8, 64, 32, 16


def make_problem(input_size: int = INPUT, hidden: int = HIDDEN, steps: int = STEPS,
                 batch: int = BATCH, seed: int = SEED) -> tuple[dict[str, np.ndarray],
                                                                np.ndarray, np.ndarray]:
    """Weights drawn as nn.LSTM and nn.Linear draw them, a batch (N, L, H_in), targets (N, 1).

    The weights are a dict under nn.LSTM's and nn.Linear's names (``fc.`` for the Linear).
    """
    rng = np.random.default_rng(seed)
    k = 1.0 / math.sqrt(hidden)
    shapes = {"weight_ih_l0": (4 * hidden, input_size), "weight_hh_l0": (4 * hidden, hidden),
              "bias_ih_l0": (4 * hidden,), "bias_hh_l0": (4 * hidden,)}
    weights = {name: rng.uniform(-k, k, shape).astype(np.float32)
               for name, shape in shapes.items()}
    weights["fc.weight"] = rng.uniform(-k, k, (1, hidden)).astype(np.float32)
    weights["fc.bias"] = rng.uniform(-k, k, 1).astype(np.float32)
    x = rng.standard_normal((batch, steps, input_size), dtype=np.float32)
    y = rng.standard_normal((batch, 1), dtype=np.float32)
    return weights, x, y


PARAMETER_ORDER = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "fc.weight",
                   "fc.bias")


# --- this library ------------------------------------------------------------------------

class EngineLSTM:
    """The student's code: nn.LSTM, nn.Linear on out[:, -1, :], nn.MSELoss, optim.Adam."""

    def __init__(self, weights: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray,
                 device: str = "cpu"):
        import autograd as ag
        import nn
        import optim

        hidden, input_size = weights["weight_hh_l0"].shape[1], weights["weight_ih_l0"].shape[1]
        self.lstm = nn.LSTM(input_size, hidden, batch_first=True).to(device)
        self.fc = nn.Linear(hidden, 1).to(device)
        with ag.no_grad():
            for name, p in self._named():
                p.copy_(ag.tensor(weights[name], device=device))
        self.loss_fn = nn.MSELoss()
        self.opt = optim.Adam([p for _, p in self._named()], lr=ADAM["lr"],
                              betas=ADAM["betas"], eps=ADAM["eps"])
        self.x = ag.tensor(x, device=device)
        self.y = ag.tensor(y, device=device)

    def _named(self) -> list[tuple[str, Any]]:
        return [*self.lstm.named_parameters(),
                *(("fc." + n, p) for n, p in self.fc.named_parameters())]

    def step(self) -> Any:
        self.opt.zero_grad()
        out, _ = self.lstm(self.x)
        loss = self.loss_fn(self.fc(out[:, -1, :]), self.y)
        loss.backward()
        self.opt.step()
        return loss

    def weights(self) -> list[np.ndarray]:
        return [p.detach().cpu().numpy() for _, p in self._named()]

    def grads(self) -> list[np.ndarray]:
        return [p.grad.cpu().numpy() for _, p in self._named()]


# --- hand-written numpy ------------------------------------------------------------------

class NumpyLSTM:
    """The same step in hand-written numpy (see the module docstring).

    Forward, per step t (gates in PyTorch's row order i, f, g, o):
        a_t = XW[t] + h_{t-1} W_hh^T          XW = x W_ih^T + b_ih + b_hh, all steps at once
        i, f, g, o = sigmoid, sigmoid, tanh, sigmoid of a_t's four blocks
        c_t = f c_{t-1} + i g;   h_t = o tanh(c_t)
    Backward, t = L .. 1, from dh_L = dL/dh_L and dc = 0:
        do = dh tanh(c_t);  dc += dh o (1 - tanh(c_t)^2)
        di = dc g;  df = dc c_{t-1};  dg = dc i;  dc = dc f          (dc now dL/dc_{t-1})
        da_t = [di, df, dg, do] (1 - y)(y + m)    y the activations, m = 1 on g's block
        dh = da_t W_hh                                                (dL/dh_{t-1})
    and after the loop dW_hh = sum_t da_t^T h_{t-1}, dW_ih = sum_t da_t^T x_t,
    db_ih = db_hh = sum_t sum_n da_t, each one product (or sum) over all steps.
    """

    def __init__(self, weights: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray,
                 dtype: Any = np.float32):
        self.params = [weights[name].astype(dtype) for name in PARAMETER_ORDER]
        self.x, self.y = x.astype(dtype, copy=False), y.astype(dtype, copy=False)
        batch, steps, input_size = x.shape
        hidden = self.params[1].shape[1]
        f32 = dtype
        self.xw = np.empty((batch, steps, 4 * hidden), f32)
        self.h = np.zeros((steps + 1, batch, hidden), f32)  # h[0] = h_0 = 0
        self.c = np.zeros((steps + 1, batch, hidden), f32)
        self.act = np.empty((steps, batch, 4 * hidden), f32)  # i, f, g, o per step
        self.tanh_c = np.empty((steps, batch, hidden), f32)
        self.dact = np.empty((steps, batch, 4 * hidden), f32)
        self.tmp = np.empty((batch, hidden), f32)
        self.tmp4 = np.empty((batch, 4 * hidden), f32)
        self.tmp4b = np.empty((batch, 4 * hidden), f32)
        self.dh = np.empty((batch, hidden), f32)
        self.dc = np.empty((batch, hidden), f32)
        self.g_row = np.zeros(4 * hidden, f32)
        self.g_row[2 * hidden:3 * hidden] = 1
        self.grads = [np.empty_like(p) for p in self.params]
        self.exp_avg = [np.zeros_like(p) for p in self.params]
        self.exp_avg_sq = [np.zeros_like(p) for p in self.params]
        self.adam_tmp = [np.empty_like(p) for p in self.params]
        self.t = 0

    def step(self) -> float:
        loss = self.forward_backward()
        self._adam()
        return loss

    def forward_backward(self) -> float:
        """The loss, and every parameter's gradient in ``self.grads``."""
        w_ih, w_hh, b_ih, b_hh, w_fc, b_fc = self.params
        x, y, h, c, act, tanh_c = self.x, self.y, self.h, self.c, self.act, self.tanh_c
        batch, steps, _ = x.shape
        hid = w_hh.shape[1]
        tmp = self.tmp
        # --- forward: the input projection of every step in one product
        np.matmul(x, w_ih.T, out=self.xw)
        self.xw += b_ih
        self.xw += b_hh
        for t in range(steps):
            a = act[t]
            np.matmul(h[t], w_hh.T, out=a)
            a += self.xw[:, t]
            np.tanh(a[:, 2 * hid:3 * hid], out=a[:, 2 * hid:3 * hid])  # g
            expit(a[:, :2 * hid], out=a[:, :2 * hid])  # i, f
            expit(a[:, 3 * hid:], out=a[:, 3 * hid:])  # o
            i, f, g, o = a[:, :hid], a[:, hid:2 * hid], a[:, 2 * hid:3 * hid], a[:, 3 * hid:]
            np.multiply(f, c[t], out=c[t + 1])
            np.multiply(i, g, out=tmp)
            c[t + 1] += tmp
            np.tanh(c[t + 1], out=tanh_c[t])
            np.multiply(o, tanh_c[t], out=h[t + 1])
        pred = h[steps] @ w_fc.T
        pred += b_fc
        diff = pred - y
        loss = float(np.vdot(diff, diff)) / diff.size
        # --- backward: the loss and the Linear
        gw_ih, gw_hh, gb_ih, gb_hh, gw_fc, gb_fc = self.grads
        dpred = diff * (2.0 / diff.size)
        np.matmul(dpred.T, h[steps], out=gw_fc)
        dpred.sum(axis=0, out=gb_fc)
        dh, dc, dact, tmp4, tmp4b = self.dh, self.dc, self.dact, self.tmp4, self.tmp4b
        np.matmul(dpred, w_fc, out=dh)
        dc.fill(0)
        # --- backward through time
        for t in range(steps - 1, -1, -1):
            a, d = act[t], dact[t]
            i, f, g, o = a[:, :hid], a[:, hid:2 * hid], a[:, 2 * hid:3 * hid], a[:, 3 * hid:]
            di, df, dg, do = d[:, :hid], d[:, hid:2 * hid], d[:, 2 * hid:3 * hid], d[:, 3 * hid:]
            tc = tanh_c[t]
            np.multiply(dh, tc, out=do)
            np.multiply(tc, tc, out=tmp)  # dc += dh o (1 - tanh(c)^2)
            np.subtract(1, tmp, out=tmp)
            tmp *= o
            tmp *= dh
            dc += tmp
            np.multiply(dc, g, out=di)
            np.multiply(dc, c[t], out=df)
            np.multiply(dc, i, out=dg)
            dc *= f
            np.subtract(1, a, out=tmp4)  # the activations' slopes: (1 - y)(y + m)
            np.add(a, self.g_row, out=tmp4b)
            tmp4 *= tmp4b
            d *= tmp4
            if t:
                np.matmul(d, w_hh, out=dh)
        # --- the weights' gradients, summed over the steps in one product each
        flat = dact.reshape(steps * batch, 4 * hid)
        np.matmul(flat.T, h[:steps].reshape(steps * batch, hid), out=gw_hh)
        x_steps = x.transpose(1, 0, 2).reshape(steps * batch, -1)  # time-major, as dact
        np.matmul(flat.T, x_steps, out=gw_ih)
        flat.sum(axis=0, out=gb_ih)
        gb_hh[...] = gb_ih
        return loss

    def _adam(self) -> None:
        """PyTorch's Adam, as mlp.NumpyMLP's."""
        beta1, beta2 = ADAM["betas"]
        self.t += 1
        step_size = ADAM["lr"] / (1 - beta1**self.t)
        sqrt_bc2 = math.sqrt(1 - beta2**self.t)
        for p, g, m, v, tmp in zip(self.params, self.grads, self.exp_avg, self.exp_avg_sq,
                                   self.adam_tmp):
            m *= beta1
            np.multiply(g, 1 - beta1, out=tmp)
            m += tmp
            v *= beta2
            np.multiply(g, g, out=tmp)
            tmp *= 1 - beta2
            v += tmp
            np.sqrt(v, out=tmp)
            tmp /= sqrt_bc2
            tmp += ADAM["eps"]
            np.divide(m, tmp, out=tmp)
            tmp *= step_size
            p -= tmp

    def weights(self) -> list[np.ndarray]:
        return list(self.params)


# --- PyTorch -----------------------------------------------------------------------------

class TorchLSTM:
    def __init__(self, weights: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray):
        import torch

        hidden, input_size = weights["weight_hh_l0"].shape[1], weights["weight_ih_l0"].shape[1]
        self.lstm = torch.nn.LSTM(input_size, hidden, batch_first=True)
        self.fc = torch.nn.Linear(hidden, 1)
        with torch.no_grad():
            for name, p in self._named():
                p.copy_(torch.from_numpy(weights[name]))
        self.loss_fn = torch.nn.MSELoss()
        self.opt = torch.optim.Adam([p for _, p in self._named()], lr=ADAM["lr"],
                                    betas=ADAM["betas"], eps=ADAM["eps"])
        self.x = torch.from_numpy(x)
        self.y = torch.from_numpy(y)

    def _named(self) -> list[tuple[str, Any]]:
        return [*self.lstm.named_parameters(),
                *(("fc." + n, p) for n, p in self.fc.named_parameters())]

    def step(self) -> Any:
        self.opt.zero_grad()
        out, _ = self.lstm(self.x)
        loss = self.loss_fn(self.fc(out[:, -1, :]), self.y)
        loss.backward()
        self.opt.step()
        return loss

    def weights(self) -> list[np.ndarray]:
        return [p.detach().numpy() for _, p in self._named()]

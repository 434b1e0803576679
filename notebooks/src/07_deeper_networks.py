# %% [markdown]
# # 7. Deeper networks: vanishing gradients and local minima
#
# Deep networks have several hidden layers. The lecture names two things that go wrong when
# training them:
#
# * **vanishing gradients**: back propagation multiplies, layer by layer, by
#   $f'(a^{(i)})$ and $W^{(i),T}$: $\delta^{(i)} = f'(a^{(i)}) \odot W^{(i),T} \delta^{(i+1)}$. The
#   logistic function's derivative is at most $1/4$, so with it every layer shrinks the delta,
#   and the layers near the input barely learn. ReLU's derivative is 1 wherever the neuron is
#   active, which keeps the deltas alive;
# * **local minima**: the loss of a network is not convex, and where gradient descent ends
#   depends on where it starts.
#
# A third point of the lecture closes the notebook: deep networks need more computing, which is
# what GPUs are for.

# %%
import numpy as np
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from tqdm import tqdm

import autograd as ag
import nn
import optim

plt.rcParams.update({"figure.figsize": (5, 3), "figure.dpi": 80})
ag.manual_seed(0)
np.random.seed(0)

# %% [markdown]
# ## Vanishing gradients
# Two networks of 8 layers on the digits data, identical except for the activation function:
# one uses the logistic function (`nn.Sigmoid`), the other `nn.ReLU`. Both start from the same
# weights, drawn with `nn.init.kaiming_normal_` (He initialisation: normal with variance
# $2 / \text{fan\_in}$, chosen so that a ReLU layer keeps the size of its signal) and zero biases.
# During training we record $\|\partial L / \partial W^{(i)}\|$, the size of the gradient of every
# layer's weight matrix.

# %%
digits = load_digits()
X = ag.tensor(digits.data.astype(np.float32) / 16.0)
y = ag.tensor(digits.target)


def deep_network(activation, depth=8, width=32):
    layers = [nn.Linear(64, width), activation()]
    for _ in range(depth - 2):
        layers += [nn.Linear(width, width), activation()]
    layers.append(nn.Linear(width, 10))
    model = nn.Sequential(*layers)
    for layer in model.modules():
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    return model


def train(model, steps=300, lr=0.1, batch_size=64):
    """SGD on random mini-batches; returns the losses and the gradient norm per layer per step."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    optimizer = optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    losses, norms = [], []
    for step in tqdm(range(steps), desc=type(model[1]).__name__):
        idx = ag.randint(0, len(X), (batch_size,))
        optimizer.zero_grad()
        loss = loss_fn(model(X[idx]), y[idx])
        loss.backward()
        norms.append([layer.weight.grad.norm().item() for layer in linears])
        optimizer.step()
        losses.append(loss.item())
    return np.array(losses), np.array(norms)


ag.manual_seed(0)
sigmoid_net = deep_network(nn.Sigmoid)
ag.manual_seed(0)
relu_net = deep_network(nn.ReLU)
print(relu_net)
sig_losses, sig_norms = train(sigmoid_net)
relu_losses, relu_norms = train(relu_net)

# %%
fig, axes = plt.subplots(1, 3, figsize=(12, 3.3))
layers = np.arange(1, sig_norms.shape[1] + 1)
axes[0].semilogy(layers, sig_norms[0], "o-", label="sigmoid")
axes[0].semilogy(layers, relu_norms[0], "s-", label="ReLU")
axes[0].set_xlabel("layer i (1 = next to the input)")
axes[0].set_ylabel("$\\|\\partial L / \\partial W^{(i)}\\|$")
axes[0].set_title("gradient norm per layer, first step")
axes[0].legend()

for i, style in [(0, "-"), (7, ":")]:
    axes[1].semilogy(sig_norms[:, i], "C0", ls=style, lw=1, label=f"sigmoid, layer {i + 1}")
    axes[1].semilogy(relu_norms[:, i], "C1", ls=style, lw=1, label=f"ReLU, layer {i + 1}")
axes[1].set_xlabel("training step")
axes[1].set_title("gradient norm during training")
axes[1].legend(fontsize=7, ncol=2, loc="center")

axes[2].plot(sig_losses, label="sigmoid")
axes[2].plot(relu_losses, label="ReLU")
axes[2].set_xlabel("training step")
axes[2].set_ylabel("cross-entropy")
axes[2].set_title("training loss")
axes[2].legend()
fig.tight_layout()
plt.show()

ratio = sig_norms[0, 0] / sig_norms[0, -1]
print(f"sigmoid: first layer's gradient is {ratio:.1e} times the last layer's")
print(f"ReLU:    first layer's gradient is {relu_norms[0, 0] / relu_norms[0, -1]:.1e} times the last layer's")
assert sig_norms[0, 0] < 0.01 * sig_norms[0, -1]
assert relu_losses[-20:].mean() < sig_losses[-20:].mean()

# %% [markdown]
# In the sigmoid network the gradient shrinks by a large factor from the output back to the
# input: the first layers hardly move, and the loss stays on its plateau at $\log 10 \approx 2.3$
# (a uniform guess among 10 classes). The ReLU network's gradients stay of the same order
# through all layers, and it learns. (Initialisation matters as much: with PyTorch's default
# initialisation of `nn.Linear`, which is scaled for no particular activation, this 8-layer
# ReLU network barely learns in 300 steps either. Normalisation layers and residual
# connections are further cures, beyond this lecture.)
#
# ## Local minima
# Gradient descent only ever goes downhill from where it starts. On a non-convex loss it stops
# in the nearest valley, which need not be the deepest. Take the 1-D loss
# $L(w) = w^4 - 3w^2 + w$, which has a global minimum near $w = -1.3$ and a local one near
# $w = 1.1$:

# %%
def loss_1d(w):
    return w**4 - 3 * w**2 + w


starts = [-2.0, -0.5, 0.1, 0.5, 2.0]
fig, ax = plt.subplots(figsize=(6, 3.5))
ws = np.linspace(-2.1, 2.1, 300)
ax.plot(ws, loss_1d(ws), "k", lw=1)
ends = {}
for start, color in zip(starts, plt.cm.tab10.colors):
    w = ag.tensor(start, requires_grad=True)
    optimizer = optim.SGD([w], lr=0.02)
    path = [start]
    for _ in range(60):
        optimizer.zero_grad()
        loss_1d(w).backward()
        optimizer.step()
        path.append(w.item())
    path = np.array(path)
    ends[start] = path[-1]
    ax.plot(path, loss_1d(path), "o-", ms=3, color=color, label=f"start {start:+.1f} → {path[-1]:+.2f}")
ax.set_xlabel("w")
ax.set_ylabel("L(w)")
ax.set_title("gradient descent from five starts")
ax.legend(fontsize=8)
plt.show()
assert ends[-0.5] < -1 and ends[0.5] > 1

# %% [markdown]
# Starting left of the hump at $w \approx 0.17$ leads to the global minimum, starting right of it
# to the local one, and the gradient there is zero, so gradient descent stays. The same happens
# in two dimensions: the surface below has four valleys of different depth, and gradient descent
# started on a grid of points ends in whichever valley's basin it started in.

# %%
def loss_2d(w1, w2):
    return (w1**2 - 1) ** 2 + (w2**2 - 1) ** 2 + 0.3 * w1 + 0.15 * w2


g1, g2 = np.meshgrid(np.linspace(-1.8, 1.8, 200), np.linspace(-1.8, 1.8, 200))
fig, ax = plt.subplots(figsize=(5, 4.2))
ax.contourf(g1, g2, loss_2d(g1, g2), levels=30, cmap="viridis")
rng = np.random.default_rng(1)
for w0 in rng.uniform(-1.6, 1.6, size=(14, 2)):
    w = ag.tensor(w0.astype(np.float32), requires_grad=True)
    optimizer = optim.SGD([w], lr=0.02)
    path = [w0]
    for _ in range(80):
        optimizer.zero_grad()
        loss_2d(w[0], w[1]).backward()
        optimizer.step()
        path.append(w.detach().numpy().copy())
    path = np.array(path)
    ax.plot(path[:, 0], path[:, 1], "w-", lw=1)
    ax.plot(path[0, 0], path[0, 1], "wo", ms=3)
    ax.plot(path[-1, 0], path[-1, 1], "r*", ms=9)
ax.set_xlabel("$w_1$")
ax.set_ylabel("$w_2$")
ax.set_title("where gradient descent stops depends on the start")
plt.show()

# %% [markdown]
# ## Deeper and wider networks need more computing: GPUs
# The lecture's third point about deep learning is that it needs more computing capacity than
# ever before, which GPUs (and TPUs) supply. A training step of an MLP is mostly matrix products:
# a layer with $n_{in}$ inputs and $n_{out}$ outputs costs about $2 B \, n_{in} n_{out}$
# floating-point operations forward for a batch of $B$, and twice that backward. Doubling the
# width of the hidden layers quadruples the work of the layer between them.
#
# Below, one training step is timed as the hidden layers get wider. On a log-log plot the time
# of a narrow network is flat (each op's fixed cost in Python dominates), and that of a wide one
# rises with slope 2, the matrix products. Where this machine has a GPU, the same code runs there
# too: only `device=` changes (`pip install 'gradschool[cuda]'` brings CuPy). On an NVIDIA H200
# (measured 2026-11-26) the GPU's step stayed at about 2 ms from width 32 to 1024: at these sizes
# its time is the host's time to issue the kernels, not the arithmetic. It overtook that machine's
# 16 CPU cores at width 512 (2.8 ms), and at width 1024 it was 4 times faster (7.6 ms on the CPU).
# The wider the network, the larger the GPU's lead.

# %%
import time

import nn.functional as F


def step_time(width, device, batch=256, steps=5):
    """Seconds for one training step of a 256-width-width-10 ReLU MLP on `device`."""
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(256, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                          nn.Linear(width, 10)).to(device)
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    x = ag.randn(batch, 256, device=device)
    y = ag.randint(0, 10, (batch,), device=device)

    def step():
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    step().item()  # a warm-up step (on a GPU it also compiles the kernels)
    start = time.perf_counter()
    for _ in range(steps):
        loss = step()
    loss.item()  # a GPU works asynchronously: wait for it before stopping the clock
    return (time.perf_counter() - start) / steps


widths = [32, 64, 128, 256, 512, 1024]
devices = ["cpu"] + (["cuda"] if ag.cuda.is_available() else [])
times = {device: [step_time(w, device) for w in widths] for device in devices}
for i, w in enumerate(widths):
    gflop = 3 * 2 * 256 * (256 * w + w * w + w * 10) / 1e9
    row = "  ".join(f"{d}: {times[d][i] * 1e3:7.2f} ms" for d in devices)
    print(f"width {w:5d}: {gflop:6.3f} GFLOP per step   {row}")
if len(devices) == 1:
    print("No GPU on this machine: on one, this cell times device='cuda' as well.")

fig, ax = plt.subplots()
for device in devices:
    ax.loglog(widths, [t * 1e3 for t in times[device]], "o-", label=device)
ax.loglog(widths[-3:], [times["cpu"][-1] * 1e3 * (w / widths[-1]) ** 2 for w in widths[-3:]],
          "k--", label="slope 2")
ax.set_xlabel("hidden width")
ax.set_ylabel("ms per training step")
ax.legend()
plt.show()
assert times["cpu"][-1] > 4 * times["cpu"][0]  # 64 times the work of the narrowest

# %% [markdown]
# # 8. Fine-tuning the learning process: optimizers
#
# Plain gradient descent takes the step $\theta \leftarrow \theta - \gamma\, g$ with
# $g = \partial L / \partial \theta$ and one learning rate $\gamma$ for every weight. The lecture
# lists the improvements; here they are with the update rules exactly as `optim` (and PyTorch)
# implement them, $g_t$ being the gradient at step $t$:
#
# | optimizer | state | update |
# |---|---|---|
# | SGD | | $\theta_t = \theta_{t-1} - \gamma g_t$ |
# | momentum | $b_t = \mu b_{t-1} + g_t$ | $\theta_t = \theta_{t-1} - \gamma b_t$ |
# | Nesterov | $b_t = \mu b_{t-1} + g_t$ | $\theta_t = \theta_{t-1} - \gamma (g_t + \mu b_t)$ |
# | AdaGrad | $s_t = s_{t-1} + g_t^2$ | $\theta_t = \theta_{t-1} - \gamma\, g_t / (\sqrt{s_t} + \epsilon)$ |
# | RMSProp | $v_t = \alpha v_{t-1} + (1 - \alpha) g_t^2$ | $\theta_t = \theta_{t-1} - \gamma\, g_t / (\sqrt{v_t} + \epsilon)$ |
# | Adam | $m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t$, $v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2$ | $\theta_t = \theta_{t-1} - \gamma\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)$, $\hat m_t = \frac{m_t}{1 - \beta_1^t}$, $\hat v_t = \frac{v_t}{1 - \beta_2^t}$ |
#
# Momentum "uses the old values": $b$ is a running sum of past gradients, so steps that agree
# add up and steps that alternate cancel. AdaGrad, RMSProp and Adam use "the second moment of
# the gradients", $g^2$, to give each weight its own step size.

# %%
import time

import numpy as np
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from tqdm import tqdm

import autograd as ag
import nn
import optim
from autograd.data import DataLoader, TensorDataset

plt.rcParams.update({"figure.figsize": (5, 3), "figure.dpi": 80})
ag.manual_seed(0)
np.random.seed(0)

# %% [markdown]
# ## One Adam step by hand
# The table's formulas are what `optim.Adam` computes; one step on a small tensor shows it.

# %%
theta = ag.tensor([1.0, -2.0, 3.0], requires_grad=True)
adam = optim.Adam([theta], lr=0.1, betas=(0.9, 0.999), eps=1e-8)
(theta**2).sum().backward()      # g = 2 theta
g = theta.grad.numpy().copy()
theta_before = theta.detach().numpy().copy()
adam.step()

m = (1 - 0.9) * g                # m_1 (m_0 = 0)
v = (1 - 0.999) * g**2           # v_1
m_hat, v_hat = m / (1 - 0.9), v / (1 - 0.999)
by_hand = theta_before - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8)
print("optim.Adam:", theta.detach().numpy(), " by hand:", by_hand)
assert np.allclose(theta.detach().numpy(), by_hand, rtol=1e-6)

# %% [markdown]
# At the first step $\hat m_1 / \sqrt{\hat v_1} = g / |g| = \pm 1$: Adam moves every weight by
# about $\gamma$, whatever the size of its gradient.
#
# ## On a 2-D loss surface
# $L(\theta_1, \theta_2) = 0.1\,\theta_1^2 + 2\,\theta_2^2$ is a long, narrow valley: steep across
# ($\theta_2$), flat along ($\theta_1$). Every optimizer starts at $(-4.5, 2)$ and takes 50 steps.

# %%
def valley(theta):
    return 0.1 * theta[0] ** 2 + 2 * theta[1] ** 2


optimizers = {
    "SGD (γ=0.4)": lambda p: optim.SGD(p, lr=0.4),
    "momentum (γ=0.04, μ=0.9)": lambda p: optim.SGD(p, lr=0.04, momentum=0.9),
    "Nesterov (γ=0.04, μ=0.9)": lambda p: optim.SGD(p, lr=0.04, momentum=0.9, nesterov=True),
    "AdaGrad (γ=1)": lambda p: optim.Adagrad(p, lr=1.0),
    "RMSProp (γ=0.1)": lambda p: optim.RMSprop(p, lr=0.1),
    "Adam (γ=0.3)": lambda p: optim.Adam(p, lr=0.3),
}
paths, surface_losses = {}, {}
for name, make in optimizers.items():
    theta = ag.tensor([-4.5, 2.0], requires_grad=True)
    opt = make([theta])
    path, losses = [theta.detach().numpy().copy()], []
    for _ in range(50):
        opt.zero_grad()
        loss = valley(theta)
        loss.backward()
        opt.step()
        path.append(theta.detach().numpy().copy())
        losses.append(loss.item())
    paths[name], surface_losses[name] = np.array(path), losses

T1, T2 = np.meshgrid(np.linspace(-5, 2, 200), np.linspace(-2.5, 2.5, 200))
fig, axes = plt.subplots(2, 3, figsize=(11, 5.5), sharex=True, sharey=True)
for ax, (name, path), color in zip(axes.flat, paths.items(), plt.cm.tab10.colors):
    ax.contour(T1, T2, 0.1 * T1**2 + 2 * T2**2, levels=15, colors="grey", linewidths=0.5)
    ax.plot(path[:, 0], path[:, 1], ".-", ms=3, lw=1, color=color)
    ax.plot(0, 0, "k*", ms=8)
    ax.set_title(name, fontsize=10)
fig.suptitle("50 steps of each optimizer on $L = 0.1\\theta_1^2 + 2\\theta_2^2$")
fig.tight_layout()
plt.show()

plt.figure(figsize=(5.5, 3.2))
for name, losses in surface_losses.items():
    plt.semilogy(losses, label=name)
plt.xlabel("step")
plt.ylabel("L")
plt.legend(fontsize=7)
plt.title("loss on the valley")
plt.show()

# %% [markdown]
# * **SGD** must keep $\gamma$ small enough not to diverge across the steep direction
#   ($\gamma < 2/4$ here, we use 0.4): it zig-zags across the valley at first, then creeps along
#   it at a steady rate (a straight line on the log plot).
# * **Momentum** builds up speed along the valley and overshoots, like a ball rolling;
#   **Nesterov** evaluates the step a little ahead and damps that overshoot. With $\mu = 0.9$
#   both swing back and forth here, so after 50 steps they are not ahead of plain SGD: momentum
#   pays off on long flat stretches and with noisy mini-batch gradients (the digits below).
# * **AdaGrad** and **RMSProp** divide each coordinate's step by its own gradient scale, so both
#   directions progress equally: they go straight to the minimum, the fastest on this surface.
# * **Adam** combines both ideas: RMSProp's scaling with momentum's running average (its
#   overshoot is the momentum).
#
# ## On the digits network
# The same optimizers train the same MLP (from the same initial weights, on the same
# mini-batches of 64) on the 8×8 digits for 15 epochs. Each has a learning rate that suits it;
# Adam runs twice, the second time with its default $\gamma = 0.001$.

# %%
digits = load_digits()
X = ag.tensor(digits.data.astype(np.float32) / 16.0)
y = ag.tensor(digits.target)
dataset = TensorDataset(X, y)

settings = {
    "SGD (γ=0.1)": lambda p: optim.SGD(p, lr=0.1),
    "momentum (γ=0.1, μ=0.9)": lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
    "Nesterov (γ=0.1, μ=0.9)": lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "AdaGrad (γ=0.05)": lambda p: optim.Adagrad(p, lr=0.05),
    "RMSProp (γ=0.003)": lambda p: optim.RMSprop(p, lr=3e-3),
    "Adam (γ=0.01)": lambda p: optim.Adam(p, lr=1e-2),
    "Adam (γ=0.001, its default)": lambda p: optim.Adam(p, lr=1e-3),
}
epochs = 15
curves, seconds = {}, {}
for name, make in tqdm(settings.items(), desc="optimizers"):
    ag.manual_seed(0)  # the same initial weights and the same batches for every optimizer
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    opt = make(model.parameters())
    loss_fn = nn.CrossEntropyLoss()
    loader = DataLoader(dataset, batch_size=64, shuffle=True)
    losses = []
    start = time.perf_counter()
    for epoch in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
    seconds[name] = time.perf_counter() - start
    curves[name] = np.array(losses)

steps_per_epoch = len(curves["SGD (γ=0.1)"]) // epochs
plt.figure(figsize=(6.5, 3.5))
for (name, losses), color in zip(curves.items(), plt.cm.tab10.colors):
    smooth = np.convolve(losses, np.ones(steps_per_epoch) / steps_per_epoch, mode="valid")
    style = "--" if "default" in name else "-"
    plt.semilogy(np.arange(len(smooth)) / steps_per_epoch + 1, smooth, style, color=color,
                 label=name)
plt.xlabel("epoch")
plt.ylabel("training cross-entropy (running mean)")
plt.legend(fontsize=7)
plt.title("the digits MLP with six optimizers")
plt.show()
for name, losses in curves.items():
    print(f"{name:28s} mean loss in the last epoch {losses[-steps_per_epoch:].mean():.3f}")

# %% [markdown]
# With a suitable learning rate, momentum, Nesterov, AdaGrad, RMSProp and Adam all reach a lower
# loss than plain SGD in the same number of steps. Adam with its default $\gamma = 0.001$ is
# no faster than plain SGD on this small network: the learning rate matters as much as the
# choice of optimizer (notebook 4). Adam is the usual first choice because one learning rate
# tends to work for many networks, but it still needs choosing.

# %% [markdown]
# # 5. Logistic regression
#
# For a yes/no answer the output neuron uses the logistic function, so its output is a
# probability: $y = f(a) = 1 / (1 + e^{-a})$ with $a = b + \sum_i x_i w_i$. The loss is the
# binary cross-entropy (BCE) of the outputs $y^{(n)}$ and the targets $t^{(n)} \in \{0, 1\}$:
#
# $$L(W) = -\frac{1}{N} \sum_{n=1}^N \Big[t^{(n)} \log y^{(n)} + (1 - t^{(n)}) \log\big(1 - y^{(n)}\big)\Big].$$
#
# **Mind the sign.** The lecture's slide writes the BCE without the leading minus. Both logarithms
# are negative (their arguments lie in $(0, 1)$), so without the minus the "loss" is negative
# and *grows* as the predictions improve: gradient descent on it would make the classifier
# worse. The standard definition (PyTorch's `nn.BCELoss`) has the minus, and so do we.

# %%
import numpy as np
import matplotlib.pyplot as plt
from tqdm import tqdm

import autograd as ag
import nn
import optim

plt.rcParams.update({"figure.figsize": (5, 3), "figure.dpi": 80})
ag.manual_seed(0)
rng = np.random.default_rng(0)

# %% [markdown]
# ## A 2-D data set
# Two clouds of points, class 0 and class 1, that overlap a little.

# %%
N = 200
centers = np.array([[-1.0, -0.5], [1.0, 1.0]])
labels = rng.integers(0, 2, size=N)
X_np = (centers[labels] + rng.normal(0, 0.8, size=(N, 2))).astype(np.float32)
T_np = labels[:, None].astype(np.float32)
X, T = ag.tensor(X_np), ag.tensor(T_np)

plt.scatter(X_np[:, 0], X_np[:, 1], c=labels, cmap="bwr", s=12, edgecolors="k", linewidths=0.3)
plt.title("class 0 (blue) and class 1 (red)")
plt.gca().set_aspect("equal")
plt.show()

# %% [markdown]
# ## The loss, by hand and from `nn`
# `nn.BCELoss()` is the formula above, averaged over the batch. We check it against the
# formula written out with tensor operations.

# %%
model = nn.Linear(2, 1)       # a = b + x_1 w_1 + x_2 w_2
y = ag.sigmoid(model(X))      # y = f(a)
bce_by_hand = -(T * ag.log(y) + (1 - T) * ag.log(1 - y)).mean()
bce_nn = nn.BCELoss()(y, T)
print(f"BCE by hand {bce_by_hand.item():.6f}, nn.BCELoss {bce_nn.item():.6f}")
assert np.isclose(bce_by_hand.item(), bce_nn.item(), rtol=1e-6)

# %% [markdown]
# The logistic function and the BCE fit together: the chain rule gives
# $\partial L / \partial a^{(n)} = f'(a)\, \partial L / \partial y = y(1-y) \cdot
# \frac{1}{N}\frac{y - t}{y(1 - y)} = \frac{1}{N}(y^{(n)} - t^{(n)})$: the
# delta of the output neuron is simply the error. Autograd agrees:

# %%
a = model(X)
a.retain_grad()
nn.BCELoss()(ag.sigmoid(a), T).backward()
delta = (ag.sigmoid(a) - T).detach().numpy() / N
print("max |dL/da - (y - t)/N| =", np.abs(a.grad.numpy() - delta).max())
assert np.allclose(a.grad.numpy(), delta, atol=1e-7)

# %% [markdown]
# `nn.BCEWithLogitsLoss()` takes $a$ instead of $y = f(a)$ and computes the same loss in one
# numerically stable step (it never takes $\log 0$). It is what you would use in practice;
# here we keep the sigmoid visible, as on the slides.
#
# ## Training, and the decision boundary as it moves
# The model predicts class 1 where $y > 0.5$, that is where $a = b + w_1 x_1 + w_2 x_2 > 0$:
# the decision boundary is the line $a = 0$. We record it during training.

# %%
model = nn.Linear(2, 1)
loss_fn = nn.BCELoss()
optimizer = optim.SGD(model.parameters(), lr=0.5)
snapshots = {}
losses = []
for epoch in tqdm(range(300), desc="training"):
    optimizer.zero_grad()
    loss = loss_fn(ag.sigmoid(model(X)), T)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    if epoch in (0, 2, 5, 10, 25, 60, 299):
        snapshots[epoch] = (model.weight.detach().numpy().copy(), model.bias.detach().numpy().copy())

with ag.no_grad():
    accuracy = ((ag.sigmoid(model(X)) > 0.5).float() == T).float().mean().item()
print(f"final loss {losses[-1]:.4f}, training accuracy {accuracy:.1%}")
assert accuracy > 0.85

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
g1, g2 = np.meshgrid(np.linspace(-4, 4, 200), np.linspace(-4, 4, 200))
grid = np.stack([g1.ravel(), g2.ravel()], axis=1).astype(np.float32)
with ag.no_grad():
    prob = ag.sigmoid(model(ag.tensor(grid))).numpy().reshape(g1.shape)
ax1.contourf(g1, g2, prob, levels=20, cmap="bwr", alpha=0.35)
ax1.scatter(X_np[:, 0], X_np[:, 1], c=labels, cmap="bwr", s=10, edgecolors="k", linewidths=0.3)
colors = plt.cm.viridis(np.linspace(0, 1, len(snapshots)))
xs = np.linspace(-4, 4, 2)
for color, (epoch, (w, b)) in zip(colors, snapshots.items()):
    # the boundary a = 0:  w_1 x_1 + w_2 x_2 + b = 0  ->  x_2 = -(w_1 x_1 + b) / w_2
    ax1.plot(xs, -(w[0, 0] * xs + b[0]) / w[0, 1], color=color, lw=2, label=f"epoch {epoch}")
ax1.set_xlim(-4, 4)
ax1.set_ylim(-4, 4)
ax1.set_aspect("equal")
ax1.legend(fontsize=7, loc="lower right")
ax1.set_title("decision boundary a = 0 during training")
ax2.plot(losses)
ax2.set_xlabel("epoch")
ax2.set_ylabel("BCE")
ax2.set_title("training loss")
fig.tight_layout()
plt.show()

# %% [markdown]
# The colour behind the points is the model's probability $y$ of class 1. The boundary starts
# at random, turns quickly towards the gap between the clouds, and then slowly settles;
# the loss does the same.

# %% [markdown]
# # 12. Regularisation: dropout, maxout, ReLU, batch normalisation
#
# Notebook 9 showed **overfitting**: a network with many weights, trained on few samples,
# learns its training set by heart, and its error on new data (the *generalisation error*)
# stops falling while its training error goes to zero. Early stopping was one cure. The lecture
# lists four more techniques used when training deep networks: **dropout**, **maxout**,
# **ReLU** and **batch normalisation**. This notebook tries each on one overfitting network and
# measures what it does to the gap between training and validation loss, and is honest about
# which of them are regularisers and which are not.

# %%
import numpy as np
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from tqdm import tqdm

import autograd as ag
import nn
import nn.functional as F
import optim
from autograd.data import DataLoader, TensorDataset, random_split

plt.rcParams.update({"figure.figsize": (5, 3), "figure.dpi": 80})
ag.manual_seed(0)
np.random.seed(0)

# %% [markdown]
# ## An overfitting network
# 300 training digits and 600 validation digits. Real data sets contain wrong labels, and a
# network that learns its training set by heart learns those too. To make that visible we give
# 20% of the training digits a random label (the validation labels stay correct). The network
# is a wide MLP, 64-256-256-10 (about 83 000 weights for 300 samples), trained with Adam for
# 150 epochs on mini-batches of 20.

# %%
digits = load_digits()
X = ag.tensor(digits.data.astype(np.float32) / 16.0)
y = ag.tensor(digits.target)
dataset = TensorDataset(X, y)
train_part, val_set, _ = random_split(dataset, [300, 600, len(dataset) - 900],
                                      generator=ag.Generator().manual_seed(0))
X_train, y_clean = next(iter(DataLoader(train_part, batch_size=len(train_part))))
X_val, y_val = next(iter(DataLoader(val_set, batch_size=len(val_set))))

rng = np.random.default_rng(0)
noisy = y_clean.numpy().copy()
relabel = rng.random(len(noisy)) < 0.2
noisy[relabel] = rng.integers(0, 10, relabel.sum())
y_train = ag.tensor(noisy)
train_set = TensorDataset(X_train, y_train)
print(f"{(noisy != y_clean.numpy()).sum()} of {len(noisy)} training labels are wrong")

# %%
def error_and_loss(model, X, y):
    """(cross-entropy, error rate) of the model in evaluation mode."""
    model.eval()
    with ag.no_grad():
        logits = model(X)
        return F.cross_entropy(logits, y).item(), (logits.argmax(dim=1) != y).float().mean().item()


def train(make_model, name, epochs=150, lr=1e-3):
    """Train a fresh model (seed 0); returns it and its history per epoch."""
    ag.manual_seed(0)
    model = make_model()
    optimizer = optim.Adam(model.parameters(), lr=lr)
    loader = DataLoader(train_set, batch_size=20, shuffle=True)
    history = {"train loss": [], "train error": [], "val loss": [], "val error": []}
    for epoch in tqdm(range(epochs), desc=name):
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            optimizer.step()
        for split, (Xs, ys) in {"train": (X_train, y_train), "val": (X_val, y_val)}.items():
            loss, error = error_and_loss(model, Xs, ys)
            history[f"{split} loss"].append(loss)
            history[f"{split} error"].append(error)
    return model, {k: np.array(v) for k, v in history.items()}


def gap(history):
    """Validation loss minus training loss after the last epoch."""
    return history["val loss"][-1] - history["train loss"][-1]


def report(name, history):
    print(f"{name:22s} training loss {history['train loss'][-1]:.3f}, "
          f"validation loss {history['val loss'][-1]:.3f}, gap {gap(history):.3f};  "
          f"errors: training {history['train error'][-1]:.1%}, "
          f"validation {history['val error'][-1]:.1%}")


W = 256
plain, plain_h = train(lambda: nn.Sequential(
    nn.Linear(64, W), nn.ReLU(),
    nn.Linear(W, W), nn.ReLU(),
    nn.Linear(W, 10)), "plain")
report("plain", plain_h)

# %%
epochs = np.arange(1, 151)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.3))
ax1.semilogy(epochs, plain_h["train loss"], label="training")
ax1.semilogy(epochs, plain_h["val loss"], label="validation")
ax1.set_xlabel("epoch")
ax1.set_ylabel("cross-entropy")
ax1.legend()
ax2.plot(epochs, plain_h["train error"], label="training (20% wrong labels)")
ax2.plot(epochs, plain_h["val error"], label="validation")
ax2.set_xlabel("epoch")
ax2.set_ylabel("error rate")
ax2.legend()
fig.suptitle("the plain network: it learns the wrong labels too")
fig.tight_layout()
plt.show()
best = int(np.argmin(plain_h["val loss"]))
print(f"lowest validation loss {plain_h['val loss'][best]:.3f} after epoch {best + 1}, "
      f"{plain_h['val loss'][-1] / plain_h['val loss'][best]:.1f} times as much after epoch 150")
assert plain_h["train error"][-1] < 0.01                     # it fits every training label,
assert plain_h["val loss"][-1] > 1.5 * plain_h["val loss"][best]   # and it overfits

# %% [markdown]
# The training error reaches zero: the network reproduces even the 20% random labels, which it can
# only do by memorising them. Meanwhile the validation loss, after a minimum early on, climbs to
# twice its lowest value. The gap between the two curves is what the regularisers below should
# narrow. We compare every variant with this plain network: same data, same seed, same optimiser
# and number of epochs.
#
# ## Dropout
# During training, `nn.Dropout(p)` sets each of its inputs to zero with probability $p$ (a
# fresh random choice for every sample at every step) and multiplies the others by
# $1/(1-p)$, so that on average nothing changes. A neuron can no longer rely on any particular
# other neuron being there; the network has to spread what it knows over many neurons, which
# makes memorising single samples harder. It is like training a huge ensemble of thinned
# networks that share their weights. In evaluation mode (`model.eval()`) dropout does nothing.

# %%
drop = nn.Dropout(p=0.5)
ones = ag.ones(10000)
drop.train()
dropped = drop(ones).numpy()
print("training mode, first values:", dropped[:8])
print(f"fraction set to zero: {(dropped == 0).mean():.3f}, mean {dropped.mean():.3f}")
assert abs((dropped == 0).mean() - 0.5) < 0.02 and abs(dropped.mean() - 1.0) < 0.04
drop.eval()
assert np.array_equal(drop(ones).numpy(), ones.numpy())   # evaluation mode: the identity

# %%
dropout, dropout_h = train(lambda: nn.Sequential(
    nn.Linear(64, W), nn.ReLU(), nn.Dropout(0.5),
    nn.Linear(W, W), nn.ReLU(), nn.Dropout(0.5),
    nn.Linear(W, 10)), "dropout")
report("plain", plain_h)
report("dropout", dropout_h)
assert gap(dropout_h) < gap(plain_h)

# %% [markdown]
# ## Maxout
# A maxout unit replaces the activation function. It computes $k$ linear pieces, each a neuron
# $a_j = b_j + \sum_i y_i w_{ij}$ of its own, and outputs the largest:
#
# $$y = \max_{j = 1..k} a_j .$$
#
# A maxout unit can therefore *learn* its activation function: any convex, piecewise linear
# function with $k$ pieces. With $k = 2$ and one piece fixed at zero it is ReLU. Written as an
# `nn.Module`, it is one `nn.Linear` with $k$ times as many outputs, and a max over each group
# of $k$:

# %%
class Maxout(nn.Module):
    """`out_features` maxout units, each the maximum of `k` linear pieces of the input."""

    def __init__(self, in_features, out_features, k=2):
        super().__init__()
        self.out_features, self.k = out_features, k
        self.linear = nn.Linear(in_features, out_features * k)

    def forward(self, x):
        pieces = self.linear(x).reshape(-1, self.out_features, self.k)   # (N, units, k)
        return pieces.amax(dim=2)

    def extra_repr(self):
        return f"out_features={self.out_features}, k={self.k}"


unit = Maxout(1, 1, k=3)
with ag.no_grad():
    unit.linear.weight.copy_(ag.tensor([[-1.0], [0.2], [1.5]]))
    unit.linear.bias.copy_(ag.tensor([-0.5, 0.0, -1.0]))
    a = ag.linspace(-3, 3, 121).reshape(-1, 1)
    pieces = unit.linear(a).numpy()
    out = unit(a).numpy()[:, 0]
assert np.allclose(out, pieces.max(axis=1))
for j in range(3):
    plt.plot(a.numpy(), pieces[:, j], "--", lw=1, label=f"piece {j + 1}")
plt.plot(a.numpy(), out, "k", lw=2.5, label="maxout = max of the pieces")
plt.xlabel("input")
plt.ylim(-3, 4)
plt.legend(fontsize=8)
plt.title("a maxout unit with k = 3 pieces")
plt.show()

# %% [markdown]
# Maxout was designed as a companion of dropout (Goodfellow et al., 2013): on its own it is an
# activation function, not a regulariser. We use it as its authors did, with dropout, and with
# as many linear pieces as the plain network has neurons (128 units of $k = 2$ pieces per layer).

# %%
maxout, maxout_h = train(lambda: nn.Sequential(
    Maxout(64, W // 2, k=2), nn.Dropout(0.5),
    Maxout(W // 2, W // 2, k=2), nn.Dropout(0.5),
    nn.Linear(W // 2, 10)), "maxout + dropout")
print(maxout)
report("plain", plain_h)
report("maxout + dropout", maxout_h)
assert gap(maxout_h) < gap(plain_h)

# %% [markdown]
# ## ReLU against the logistic function
# ReLU is on the lecture's list, but not because it prevents overfitting: it is there because
# it made deep networks trainable (notebook 7: its derivative is 1 wherever the neuron is
# active, so the deltas do not vanish; and many of its outputs are exactly 0, a sparse
# representation). We swap `nn.ReLU` for `nn.Sigmoid` in the plain network and watch.

# %%
sigmoid, sigmoid_h = train(lambda: nn.Sequential(
    nn.Linear(64, W), nn.Sigmoid(),
    nn.Linear(W, W), nn.Sigmoid(),
    nn.Linear(W, 10)), "sigmoid")
report("plain (ReLU)", plain_h)
report("sigmoid", sigmoid_h)
assert sigmoid_h["train loss"][-1] > 10 * plain_h["train loss"][-1]   # it learns far slower
assert sigmoid_h["val loss"][-1] > sigmoid_h["val loss"].min()          # past its best already
print(f"sigmoid: lowest validation loss {sigmoid_h['val loss'].min():.3f} after epoch "
      f"{np.argmin(sigmoid_h['val loss']) + 1}, training loss still falling")

# %% [markdown]
# The logistic network's gap is small, but look at why: its *training* loss is still high. It
# learns so much more slowly that after 150 epochs it has not yet memorised the wrong labels
# (nor fitted the right ones as well). That is slow learning, not regularisation: its validation
# loss has already passed its minimum while its training loss keeps falling, the same path the
# ReLU network took, only later. The ReLU network learns fast, which is what we want, and then needs
# a real regulariser (or early stopping) to stop it from learning the noise.
#
# ## Batch normalisation
# `nn.BatchNorm1d` normalises each neuron's input $a$ over the mini-batch to mean 0 and
# variance 1, then scales and shifts it by two learned parameters $\gamma$, $\beta$:
#
# $$\hat a = \frac{a - \mu_{batch}}{\sqrt{\sigma^2_{batch} + \epsilon}}, \qquad
#   \text{output} = \gamma \hat a + \beta .$$
#
# It keeps every layer's inputs in a range where learning works, whatever the earlier layers
# do, so deep networks train faster and tolerate larger learning rates. In evaluation mode it
# uses running averages of $\mu$ and $\sigma^2$ collected during training instead of the
# batch's.

# %%
bn = nn.BatchNorm1d(3)
batch = ag.randn(20, 3) * ag.tensor([1.0, 5.0, 0.1]) + ag.tensor([3.0, -2.0, 10.0])
bn.train()
normed = bn(batch).detach().numpy()
print("per-neuron mean in training mode:", normed.mean(axis=0).round(6))
print("per-neuron std:                  ", normed.std(axis=0).round(4))
assert np.allclose(normed.mean(axis=0), 0, atol=1e-5)
assert np.allclose(normed.std(axis=0), 1, atol=1e-3)
print("running mean after one batch:", bn.running_mean.tolist())

# %%
batchnorm, batchnorm_h = train(lambda: nn.Sequential(
    nn.Linear(64, W), nn.BatchNorm1d(W), nn.ReLU(),
    nn.Linear(W, W), nn.BatchNorm1d(W), nn.ReLU(),
    nn.Linear(W, 10)), "batch norm")
report("plain", plain_h)
report("batch norm", batchnorm_h)
assert gap(batchnorm_h) < gap(plain_h)

# %% [markdown]
# Its regularising effect is a side effect: each sample is normalised with the statistics of
# the 19 others that happen to share its mini-batch, which adds a little noise to training.
# Here that narrows the loss gap, but the network still reaches zero training error (faster than
# the plain network, even): batch normalisation does not stop it from memorising the wrong
# labels.
#
# ## All of them side by side

# %%
runs = {"dropout": dropout_h, "maxout + dropout": maxout_h, "sigmoid instead of ReLU": sigmoid_h,
        "batch normalisation": batchnorm_h}
fig, axes = plt.subplots(1, 4, figsize=(13, 3.2), sharey=True)
for ax, (name, h) in zip(axes, runs.items()):
    ax.semilogy(epochs, plain_h["train loss"], color="0.6", ls="--", lw=1, label="plain, training")
    ax.semilogy(epochs, plain_h["val loss"], color="0.6", lw=1, label="plain, validation")
    ax.semilogy(epochs, h["train loss"], color="C0", ls="--", label=f"{name}, training")
    ax.semilogy(epochs, h["val loss"], color="C1", label=f"{name}, validation")
    ax.set_title(name)
    ax.set_xlabel("epoch")
    ax.legend(fontsize=7, loc="lower left")
axes[0].set_ylabel("cross-entropy")
fig.tight_layout()
plt.show()

names = ["plain", "dropout", "maxout\n+ dropout", "sigmoid", "batch\nnormalisation"]
histories = [plain_h] + list(runs.values())
fig, ax = plt.subplots(figsize=(7, 2.8))
ax.bar(names, [h["val error"][-1] for h in histories], color="C1", label="validation error")
ax.bar(names, [h["train error"][-1] for h in histories], color="C0", width=0.4,
       label="training error (noisy labels)")
ax.set_ylabel("error rate after 150 epochs")
ax.tick_params(axis="x", labelsize=8)
ax.legend(fontsize=8)
plt.show()
for name, h in zip(["plain"] + list(runs), histories):
    report(name, h)
regularisers = [dropout_h, maxout_h, batchnorm_h]
assert min(h["val error"][-1] for h in histories) == dropout_h["val error"][-1]
assert min(gap(h) for h in regularisers) == gap(dropout_h)
assert plain_h["val loss"].min() < sigmoid_h["val loss"].min()   # ReLU, stopped early, is better
assert all(h["val error"][-1] > 0.1 for h in histories)

# %% [markdown]
# What each did here:
#
# * **Dropout** narrowed the gap the most of the three regularisers and gave the lowest
#   validation error of all five networks: it is the one technique on the list that is a
#   regulariser by design. Its price is slower training
#   (noisier steps), and its rate $p$ is one more setting to choose on the validation set.
# * **Maxout** is an activation function that learns its own shape. With dropout it behaves
#   much like the dropout network; on its own (try it: drop the `nn.Dropout` layers) it
#   overfits like the plain network.
# * **ReLU against the logistic function**: the logistic network's small gap (and its lower
#   validation error after 150 epochs) came from learning slowly: it is at an earlier point of
#   the same path, and the ReLU network stopped at its best epoch (early stopping) reaches a
#   lower validation loss than the logistic one ever does. ReLU's merit is that deep networks
#   train at all; it does not protect against overfitting.
# * **Batch normalisation** narrowed the loss gap, through the noise of its batch
#   statistics, but the network still fits every wrong label. Its real job is making deep
#   networks train fast and stably.
#
# None of them brings the validation error anywhere near the 2-3% that notebook 6 reached with
# 1000 clean training digits: more (and cleaner) data remains the best regulariser. Weight decay
# (`weight_decay=` in the optimisers), data augmentation and early stopping (notebook 9) are the
# other common tools, and they combine.

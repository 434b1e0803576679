# %% [markdown]
# # 9. Mini-batches and generalisation
#
# ## Mini-batch gradient descent
# The lecture's algorithm divides the data set into mini-batches of (almost) the same size and,
# for every mini-batch, (1) calculates the network on it, (2) calculates the gradient on it,
# (3) updates the weights. One pass over all the data is an *epoch*. `BATCH_SIZE` chooses
# between three methods:
#
# * `BATCH_SIZE == N` (the whole data set): (batch) gradient descent, one step per epoch;
# * `1 < BATCH_SIZE < N`: mini-batch gradient descent;
# * `BATCH_SIZE == 1`: stochastic gradient descent, $N$ steps per epoch.
#
# `DataLoader(dataset, batch_size=BATCH_SIZE, shuffle=True)` does the dividing: it shuffles
# the samples every epoch and hands them out batch by batch.

# %%
import time

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

digits = load_digits()
X = ag.tensor(digits.data.astype(np.float32) / 16.0)
y = ag.tensor(digits.target)
train_set, val_set = random_split(TensorDataset(X, y), [0.6, 0.4],
                                  generator=ag.Generator().manual_seed(0))
X_train, y_train = next(iter(DataLoader(train_set, batch_size=len(train_set))))
X_val, y_val = next(iter(DataLoader(val_set, batch_size=len(val_set))))
N = len(train_set)
print("N =", N, "training samples,", len(val_set), "validation samples")

# %% [markdown]
# Each method trains the same MLP from the same initial weights, with the same learning rate,
# for the same 3 seconds of computing time. Four times per epoch (for `BATCH_SIZE = N`: after
# every step) we pause the clock and measure the loss on the whole training set.

# %%
def make_model():
    ag.manual_seed(0)
    return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))


def full_loss(model, X, y):
    with ag.no_grad():
        return F.cross_entropy(model(X), y).item()


def run(batch_size, seconds=3.0, lr=0.05):
    """Train for `seconds` of computing time; returns (epochs, times, losses) at each check."""
    model = make_model()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    check_every = max(N // 4, batch_size)           # samples between two measurements
    epochs, times, losses = [0.0], [0.0], [full_loss(model, X_train, y_train)]
    seen, elapsed = 0, 0.0
    with tqdm(total=seconds, desc=f"BATCH_SIZE={batch_size}", unit="s",
              bar_format="{l_bar}{bar}| {n:.1f}/{total:.0f} s") as bar:
        while elapsed < seconds:
            for xb, yb in loader:
                start = time.perf_counter()
                optimizer.zero_grad()
                F.cross_entropy(model(xb), yb).backward()
                optimizer.step()
                elapsed += time.perf_counter() - start
                seen += len(xb)
                if seen % check_every < len(xb):      # crossed a checkpoint
                    epochs.append(seen / N)
                    times.append(elapsed)
                    losses.append(full_loss(model, X_train, y_train))
                    bar.update(min(elapsed, seconds) - bar.n)
                if elapsed >= seconds:
                    break
        bar.update(seconds - bar.n)
    return np.array(epochs), np.array(times), np.array(losses)


runs = {batch_size: run(batch_size) for batch_size in (N, 32, 1)}

# %%
names = {N: f"BATCH_SIZE = N = {N} (gradient descent)", 32: "BATCH_SIZE = 32 (mini-batch)",
         1: "BATCH_SIZE = 1 (stochastic)"}
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
for batch_size, (epochs, times, losses) in runs.items():
    ax1.plot(epochs, losses, label=names[batch_size])
    ax2.plot(times, losses, label=names[batch_size])
    print(f"{names[batch_size]:40s} {epochs[-1]:6.1f} epochs in 3 s, "
          f"final training loss {losses[-1]:.3f}")
ax1.set_xlabel("epoch")
ax1.set_ylabel("training loss (whole set)")
ax1.set_yscale("log")
ax1.set_xlim(0, 5)
ax1.set_title("the first 5 epochs")
ax2.set_xlabel("computing time (s)")
ax2.set_title("against wall time")
ax2.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# * **Per epoch** (left), small batches win: gradient descent takes one step per epoch,
#   stochastic gradient descent takes $N$ small, noisy steps.
# * **Per second** (right), the picture changes: a step on one sample costs almost as much as a
#   step on 32 (the computer works on whole arrays at once, and every step has a fixed cost), so
#   stochastic gradient descent gets through few epochs. Gradient descent computes the exact
#   gradient over all $N$ samples, which makes each of its steps the most expensive, and each
#   step only as long as the learning rate allows. Mini-batches get the most steps per second,
#   each cheap and still fairly accurate, which is why they are the default everywhere.
#
# ## Training error and generalisation error
# The network is trained to do well on the **training** data, but what we care about is how it
# does on new data: the *generalisation error*, which we estimate on the **validation** set
# (and, once, at the very end, on a test set; notebook 6). A network with many weights trained
# on few samples can learn the training set by heart: its training error keeps falling while
# its validation error stops falling and rises again. That is **overfitting**.
#
# To see it clearly we train a large MLP on only 100 training digits.

# %%
small_train, _ = random_split(train_set, [100, N - 100], generator=ag.Generator().manual_seed(1))
Xs, ys = next(iter(DataLoader(small_train, batch_size=len(small_train))))


def error_rate(model, X, y):
    with ag.no_grad():
        return (model(X).argmax(dim=1) != y).float().mean().item()


ag.manual_seed(0)
big = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                    nn.Linear(256, 10))
optimizer = optim.Adam(big.parameters(), lr=1e-3)
history = {"train loss": [], "val loss": [], "train error": [], "val error": []}
for epoch in tqdm(range(300), desc="epochs"):
    for xb, yb in DataLoader(small_train, batch_size=20, shuffle=True):
        optimizer.zero_grad()
        F.cross_entropy(big(xb), yb).backward()
        optimizer.step()
    history["train loss"].append(full_loss(big, Xs, ys))
    history["val loss"].append(full_loss(big, X_val, y_val))
    history["train error"].append(error_rate(big, Xs, ys))
    history["val error"].append(error_rate(big, X_val, y_val))

best_epoch = int(np.argmin(history["val loss"]))
print(f"validation loss is lowest after epoch {best_epoch + 1}: {history['val loss'][best_epoch]:.3f}; "
      f"after epoch 300 it is {history['val loss'][-1]:.3f}")
assert history["val loss"][-1] > 1.1 * history["val loss"][best_epoch]   # it overfits

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.5))
epochs = np.arange(1, 301)
ax1.semilogy(epochs, history["train loss"], label="training")
ax1.semilogy(epochs, history["val loss"], label="validation")
ax1.axvline(best_epoch + 1, color="k", ls="--", lw=1, label="lowest validation loss")
ax1.set_xlabel("epoch")
ax1.set_ylabel("cross-entropy")
ax1.legend(fontsize=8)
ax2.plot(epochs, history["train error"], label="training error")
ax2.plot(epochs, history["val error"], label="validation (generalisation) error")
ax2.axvline(best_epoch + 1, color="k", ls="--", lw=1)
ax2.set_xlabel("epoch")
ax2.set_ylabel("error rate")
ax2.legend(fontsize=8)
fig.suptitle("overfitting: 100 training digits, a 64-256-256-10 network")
fig.tight_layout()
plt.show()

# %% [markdown]
# The training loss falls towards zero (the network memorises its 100 digits) while the
# validation loss turns round and climbs: the network grows ever more confident, also in its
# mistakes. The gap between the training and validation error is the price of fitting noise.
#
# ## Early stopping
# The simplest cure: watch the validation loss during training, stop once it has not improved
# for `patience` epochs, and keep the weights of the best epoch.

# %%
ag.manual_seed(0)
big = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                    nn.Linear(256, 10))
optimizer = optim.Adam(big.parameters(), lr=1e-3)
patience, best_loss, best_state, waited = 15, float("inf"), None, 0
for epoch in range(300):
    for xb, yb in DataLoader(small_train, batch_size=20, shuffle=True):
        optimizer.zero_grad()
        F.cross_entropy(big(xb), yb).backward()
        optimizer.step()
    val_loss = full_loss(big, X_val, y_val)
    if val_loss < best_loss:
        best_loss, waited = val_loss, 0
        best_state = {k: v.detach().clone() for k, v in big.state_dict().items()}
    else:
        waited += 1
        if waited >= patience:
            break
big.load_state_dict(best_state)
print(f"stopped after epoch {epoch + 1}; kept the weights with validation loss {best_loss:.3f}")
print(f"validation error {error_rate(big, X_val, y_val):.1%} "
      f"(after 300 epochs without stopping: {history['val error'][-1]:.1%})")

# %% [markdown]
# # 6. Multi-class output: handwritten digits
#
# For $K$ classes the network has $K$ output neurons. Their inputs $a^{(out)}_k$ (the *logits*)
# go through the softmax, which turns them into probabilities:
#
# $$y_k = \text{softmax}(a)_k = \frac{e^{a_k}}{\sum_{j=1}^K e^{a_j}} \in (0, 1),
#   \qquad \sum_k y_k = 1.$$
#
# The loss is the multi-class cross-entropy, with the targets $t$ written one-hot
# ($t_k = 1$ for the true class, 0 otherwise):
#
# $$L(W) = -\frac{1}{N} \sum_{n=1}^N \sum_{k=1}^K t^{(n)}_k \log y^{(n)}_k .$$
#
# **Two slips on the slides.** The slide's MCE formula lacks the leading minus: without it the
# loss is negative and gradient descent would push the true class's probability *down*. And the
# softmax slide gives its range as $[-1, 1]$: its outputs are probabilities, in $(0, 1)$. We
# follow the standard definitions, which are PyTorch's.

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
# ## The data
# scikit-learn ships 1797 handwritten digits as $8 \times 8$ images with grey levels 0..16. We
# scale them to $[0, 1]$ and flatten each image into 64 inputs.

# %%
digits = load_digits()
images = digits.images.astype(np.float32) / 16.0
X = ag.tensor(images.reshape(len(images), 64))
labels = ag.tensor(digits.target)            # class indices 0..9, int64
print("inputs", X.shape, X.dtype, " labels", labels.shape, labels.dtype)

fig, axes = plt.subplots(2, 10, figsize=(8, 1.9))
for ax, img, lab in zip(axes.flat, images, digits.target):
    ax.imshow(img, cmap="gray_r")
    ax.set_title(int(lab), fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# ## Training, validation and test data
# The lecture splits the data three ways: the **training** set fits the weights, the
# **validation** set picks the settings (here, when to stop and which epoch's weights to keep),
# and the **test** set is looked at once, at the end, to report how well the network does on
# digits it has never seen.

# %%
dataset = TensorDataset(X, labels)
train_set, val_set, test_set = random_split(dataset, [0.6, 0.2, 0.2],
                                            generator=ag.Generator().manual_seed(0))
print("train", len(train_set), " validation", len(val_set), " test", len(test_set))


def whole(subset):
    """All samples of a subset as two tensors (inputs, labels)."""
    return next(iter(DataLoader(subset, batch_size=len(subset))))


X_train, y_train = whole(train_set)
X_val, y_val = whole(val_set)
X_test, y_test = whole(test_set)

# %% [markdown]
# ## Softmax and cross-entropy, by hand and from `nn`
# `nn.CrossEntropyLoss` takes the logits $a$ (not the probabilities) and the class indices,
# and computes softmax and cross-entropy in one numerically stable step. Written out with the
# formula above it gives the same number:

# %%
model = nn.Sequential(
    nn.Linear(64, 64),
    nn.ReLU(),
    nn.Linear(64, 10),
)
print(model)

logits = model(X_train[:5])
y = F.softmax(logits, dim=1)               # probabilities, each row sums to 1
t = F.one_hot(y_train[:5], num_classes=10).float()
ce_by_hand = -(t * ag.log(y)).sum(dim=1).mean()
ce_nn = nn.CrossEntropyLoss()(logits, y_train[:5])
print(f"cross-entropy by hand {ce_by_hand.item():.6f}, nn.CrossEntropyLoss {ce_nn.item():.6f}")
assert np.isclose(ce_by_hand.item(), ce_nn.item(), rtol=1e-5)

# %% [markdown]
# Its gradient with respect to the logits is as simple as for the BCE:
# $\partial L / \partial a^{(n)}_k = \frac{1}{N}(y^{(n)}_k - t^{(n)}_k)$.

# %%
logits = model(X_train[:5]).detach().requires_grad_()
nn.CrossEntropyLoss()(logits, y_train[:5]).backward()
expected = (F.softmax(logits, dim=1) - t).detach().numpy() / 5
assert np.allclose(logits.grad.numpy(), expected, atol=1e-7)
print("dL/da = (y - t) / N: checked")

# %% [markdown]
# ## Training an MLP
# Mini-batches of 32 (notebook 9 explains why), the Adam optimizer (notebook 8), 40 epochs.
# After every epoch we measure the loss and accuracy on the training and validation sets, and
# keep the weights of the epoch with the best validation accuracy.

# %%
def evaluate(model, X, y):
    """(mean cross-entropy, accuracy) of the model on X, y."""
    with ag.no_grad():
        logits = model(X)
        loss = F.cross_entropy(logits, y).item()
        accuracy = (logits.argmax(dim=1) == y).float().mean().item()
    return loss, accuracy


ag.manual_seed(0)
model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
loss_fn = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=1e-3)
loader = DataLoader(train_set, batch_size=32, shuffle=True)

history = {"train_loss": [], "val_loss": [], "train_acc": [], "val_acc": []}
best_acc, best_state = 0.0, None
for epoch in tqdm(range(40), desc="epochs"):
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
    model.eval()
    for split, (Xs, ys) in {"train": (X_train, y_train), "val": (X_val, y_val)}.items():
        split_loss, split_acc = evaluate(model, Xs, ys)
        history[f"{split}_loss"].append(split_loss)
        history[f"{split}_acc"].append(split_acc)
    if history["val_acc"][-1] > best_acc:
        best_acc = history["val_acc"][-1]
        best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}

model.load_state_dict(best_state)
print(f"best validation accuracy {best_acc:.1%}")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3))
ax1.plot(history["train_loss"], label="training")
ax1.plot(history["val_loss"], label="validation")
ax1.set_xlabel("epoch")
ax1.set_ylabel("cross-entropy")
ax1.set_yscale("log")
ax1.legend()
ax2.plot(history["train_acc"], label="training")
ax2.plot(history["val_acc"], label="validation")
ax2.set_xlabel("epoch")
ax2.set_ylabel("accuracy")
ax2.set_ylim(0.8, 1.0)
ax2.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## The test set, once

# %%
test_loss, test_acc = evaluate(model, X_test, y_test)
print(f"test accuracy: {test_acc:.1%}  (test cross-entropy {test_loss:.3f})")
assert test_acc >= 0.95

# %% [markdown]
# ## Where it goes wrong
# The confusion matrix counts, for every true class (row), which class the network predicted
# (column): the diagonal is right, everything else is a mistake.

# %%
with ag.no_grad():
    test_probs = F.softmax(model(X_test), dim=1).numpy()
predicted = test_probs.argmax(axis=1)
true = y_test.numpy()
confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (true, predicted), 1)

fig, ax = plt.subplots(figsize=(4.5, 4))
ax.imshow(confusion, cmap="Blues")
for i in range(10):
    for j in range(10):
        if confusion[i, j]:
            ax.text(j, i, confusion[i, j], ha="center", va="center", fontsize=8,
                    color="white" if confusion[i, j] > confusion.max() / 2 else "black")
ax.set_xticks(range(10))
ax.set_yticks(range(10))
ax.set_xlabel("predicted")
ax.set_ylabel("true")
ax.set_title("confusion matrix (test set)")
plt.show()

# %%
wrong = np.flatnonzero(predicted != true)
print(f"{len(wrong)} of {len(true)} test digits are misclassified")
fig, axes = plt.subplots(1, min(len(wrong), 8), figsize=(8, 1.6), squeeze=False)
for ax, i in zip(axes.flat, wrong):
    ax.imshow(X_test[i].numpy().reshape(8, 8), cmap="gray_r")
    ax.set_title(f"{true[i]} → {predicted[i]}\n p={test_probs[i, predicted[i]]:.2f}", fontsize=8)
    ax.axis("off")
plt.show()

# %% [markdown]
# Each title reads "true → predicted" with the softmax probability the network gave its wrong
# answer. Many of these are digits a person would hesitate over, too. The softmax outputs of
# one of them show what the network weighed:

# %%
i = wrong[0] if len(wrong) else 0
plt.bar(range(10), test_probs[i])
plt.xticks(range(10))
plt.xlabel("class k")
plt.ylabel("$y_k$")
plt.title(f"softmax output for a test digit (true class {true[i]}), sum = {test_probs[i].sum():.3f}")
plt.show()

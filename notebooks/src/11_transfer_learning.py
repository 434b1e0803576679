# %% [markdown]
# # 11. Transfer learning
#
# Training a network needs many labelled examples, and often there are few: a new product to
# recognise, a rare disease in X-ray images. **Transfer learning** reuses a network trained on a
# related task where data was plentiful. Its first layers have learnt general features
# (strokes, edges, corners: notebook 10); only the last layers are specific to the old task. We
#
# 1. train a CNN on a large data set (the *source* task) and save its weights;
# 2. load them into a new network, **freeze** the convolutional layers
#    (`requires_grad_(False)`: their weights get no gradient and the optimiser leaves them
#    alone), and replace the head with a fresh one for the new classes;
# 3. train only the head on the few examples of the *target* task.
#
# Here the source task is the digits 0-4 (about 900 images), the target task the digits 5-9
# with only a handful of labelled examples per class. The question: does starting from the 0-4
# network beat training the same network from scratch on the handful?

# %%
import tempfile
from pathlib import Path

import numpy as np
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from tqdm import tqdm

import autograd as ag
import nn
import nn.functional as F
import optim
from autograd.data import DataLoader, TensorDataset

plt.rcParams.update({"figure.figsize": (5, 3), "figure.dpi": 80})
ag.manual_seed(0)
np.random.seed(0)

# %% [markdown]
# ## The data
# The $8 \times 8$ digits, each pixel doubled to $16 \times 16$ so that the network can be a
# little deeper (three rounds of convolution and pooling).

# %%
digits = load_digits()
images = np.kron(digits.images.astype(np.float32) / 16.0, np.ones((1, 2, 2), np.float32))
targets = digits.target
source = np.flatnonzero(targets < 5)            # digits 0-4: the source task
target = np.flatnonzero(targets >= 5)           # digits 5-9: the target task
print(f"images {images.shape[1:]}; source task {len(source)} images, target task {len(target)}")
X_source = ag.tensor(images[source]).unsqueeze(1)    # (N, 1, 16, 16)
y_source = ag.tensor(targets[source])

# %% [markdown]
# ## Step 1: a CNN for the digits 0-4
# The network is split in two named parts, which makes it easy to keep one and replace the
# other: `features` (the convolutional layers) and `head` (the classifier).

# %%
class DigitCNN(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.features = nn.Sequential(                               # 1 x 16 x 16
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 8 x 8 x 8
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 16 x 4 x 4
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 32 x 2 x 2
            nn.Flatten(),                                                # 128
        )
        self.head = new_head(n_classes)

    def forward(self, x):
        return self.head(self.features(x))


def new_head(n_classes):
    return nn.Sequential(nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, n_classes))


def train(model, X, y, epochs, batch_size=10, lr=1e-3, desc=None):
    """Adam on the parameters that require a gradient (the frozen ones are left out)."""
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = optim.Adam(trainable, lr=lr)
    loader = DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True)
    for epoch in tqdm(range(epochs), desc=desc, disable=desc is None):
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            optimizer.step()


def accuracy(model, X, y):
    model.eval()
    with ag.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()


ag.manual_seed(0)
source_model = DigitCNN(n_classes=5)
print(source_model)
train(source_model, X_source, y_source, epochs=15, batch_size=32, desc="digits 0-4")
print(f"training accuracy on the digits 0-4: {accuracy(source_model, X_source, y_source):.1%}")
assert accuracy(source_model, X_source, y_source) > 0.97

# %% [markdown]
# ## Saving and loading the weights
# `model.state_dict()` holds every parameter (and buffer) under a name that says where it sits;
# `ag.save` writes it to a file (an `.npz` archive: numpy arrays plus a little JSON, nothing
# that can run code when loaded), `ag.load` reads it back, and `load_state_dict` copies it into
# a new network of the same architecture. This is how trained networks are shared.

# %%
folder = tempfile.TemporaryDirectory()
path = Path(folder.name) / "digits_0_to_4.npz"
ag.save(source_model.state_dict(), path)
print(f"{path.name}: {path.stat().st_size / 1024:.0f} KiB")

state = ag.load(path)
for name, tensor in state.items():
    print(f"  {name:22s} {tuple(tensor.shape)}")

reloaded = DigitCNN(n_classes=5)
reloaded.load_state_dict(state)
with ag.no_grad():
    assert np.array_equal(reloaded(X_source[:50]).numpy(), source_model(X_source[:50]).numpy())
print("the reloaded network computes exactly what the saved one did")

# %% [markdown]
# ## Step 2 and 3: freeze the features, train a new head on a few examples
# The target task: 3 labelled examples of each digit 5-9, 15 images in all (labels 5-9 become
# classes 0-4 of the new head). All the other images of 5-9 are the test set.

# %%
def few_shot_split(per_class, seed):
    """`per_class` random training images of each digit 5-9; the rest of 5-9 for testing."""
    rng = np.random.default_rng(seed)
    few = np.concatenate([rng.choice(target[targets[target] == d], per_class, replace=False)
                          for d in range(5, 10)])
    rest = np.setdiff1d(target, few)
    as_tensors = lambda idx: (ag.tensor(images[idx]).unsqueeze(1), ag.tensor(targets[idx] - 5))
    return as_tensors(few), as_tensors(rest)


(X_few, y_few), (X_test, y_test) = few_shot_split(per_class=3, seed=0)
fig, axes = plt.subplots(1, 15, figsize=(9, 1))
for ax, img, label in zip(axes, X_few.numpy()[:, 0], y_few.numpy()):
    ax.imshow(img, cmap="gray_r")
    ax.set_title(label + 5, fontsize=8)
    ax.axis("off")
fig.suptitle("all the training data of the target task", y=1.25, fontsize=10)
plt.show()
print(f"{len(y_few)} training images, {len(y_test)} test images")

# %%
def fine_tuned(seed, X, y, epochs=30):
    """The 0-4 network's features, frozen, with a new head trained on X, y."""
    ag.manual_seed(seed)
    model = DigitCNN(n_classes=5)
    model.load_state_dict(ag.load(path))
    model.head = new_head(n_classes=5)          # fresh random weights for the new classes
    model.features.requires_grad_(False)        # freeze the convolutional layers
    train(model, X, y, epochs)
    return model


def from_scratch(seed, X, y, epochs=30):
    """The same network, all of it trained from random weights on X, y only."""
    ag.manual_seed(seed)
    model = DigitCNN(n_classes=5)
    train(model, X, y, epochs)
    return model


model = fine_tuned(0, X_few, y_few)
n_trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
n_all = sum(p.numel() for p in model.parameters())
print(f"trainable weights {n_trainable} of {n_all}")
assert (n_trainable, n_all) == (8581, 14469)
assert all(p.grad is None for p in model.features.parameters())   # no gradient ever reached them
for name, p in model.features.state_dict().items():               # the features are unchanged
    assert np.array_equal(p.numpy(), state[f"features.{name}"].numpy()), name
print("the frozen layers got no gradient and kept the 0-4 network's weights")

# %% [markdown]
# One split and one initialisation could be lucky, so we compare over three seeds (each draws
# other training examples and other initial weights for the head, or for the whole network).

# %%
results = {"fine-tuned": [], "from scratch": []}
for seed in range(3):
    (X_few, y_few), (X_test, y_test) = few_shot_split(per_class=3, seed=seed)
    results["fine-tuned"].append(accuracy(fine_tuned(seed, X_few, y_few), X_test, y_test))
    results["from scratch"].append(accuracy(from_scratch(seed, X_few, y_few), X_test, y_test))
for name, accs in results.items():
    print(f"{name:13s} test accuracy on the digits 5-9: "
          f"{', '.join(f'{a:.1%}' for a in accs)};  mean {np.mean(accs):.1%}")
assert np.mean(results["fine-tuned"]) > np.mean(results["from scratch"]) + 0.05

# %% [markdown]
# With 3 examples per class, the network that starts from the features of the digits 0-4 is
# clearly better than the same network trained from scratch. Its convolutional layers already
# turn an image into strokes and shapes that also tell 5-9 apart, and the few examples only
# have to teach the head which combinations mean which digit. From scratch, the same 15 images
# must set all 14 469 weights, and learn what strokes are, too.
#
# ## How many examples does it take?
# The same comparison for 1 to 20 training examples per class (three seeds each):

# %%
per_class_counts = [1, 2, 3, 5, 10, 20]
curves = {"fine-tuned": [], "from scratch": []}
for per_class in tqdm(per_class_counts, desc="examples per class"):
    accs = {"fine-tuned": [], "from scratch": []}
    for seed in range(3):
        (X_few, y_few), (X_test, y_test) = few_shot_split(per_class, seed)
        accs["fine-tuned"].append(accuracy(fine_tuned(seed, X_few, y_few), X_test, y_test))
        accs["from scratch"].append(accuracy(from_scratch(seed, X_few, y_few), X_test, y_test))
    for name in curves:
        curves[name].append(np.mean(accs[name]))

for name, marker in (("fine-tuned", "o-"), ("from scratch", "s-")):
    plt.plot(per_class_counts, curves[name], marker, label=name)
plt.xscale("log")
plt.xticks(per_class_counts, per_class_counts)
plt.xlabel("training examples per class (digits 5-9)")
plt.ylabel("test accuracy (mean of 3 seeds)")
plt.legend()
plt.show()
for k, ft, sc in zip(per_class_counts, curves["fine-tuned"], curves["from scratch"]):
    print(f"{k:2d} per class: fine-tuned {ft:.1%}, from scratch {sc:.1%}")
gain = np.array(curves["fine-tuned"]) - np.array(curves["from scratch"])
assert np.all(gain[:3] > 0.05)                 # 1, 2, 3 per class: transfer clearly helps
assert gain[-1] < 0                            # 20 per class: scratch has caught up and passed

# %% [markdown]
# Transfer learning pays where labelled data is scarcest: with 1 to 3 examples per class it is far
# ahead. (The curves are bumpy: each point is the mean of only three runs, and with a handful of
# training images one unlucky draw moves the mean by several percent.) By about 5 examples per
# class the network trained from scratch has caught up, and with 20 it is better: the frozen
# features were learnt to tell 0-4 apart and are not quite the best ones for 5-9, while a network
# trained on enough 5-9 examples learns exactly the features it needs. (Our digits are small and
# simple; for photographs, where a network needs millions of images to learn good features, the
# crossover lies much further to the right, which is why nearly every image model in practice
# starts from pretrained weights.) Two common refinements, once the new head has been trained:
# *unfreeze* the features and train the whole network a little more with a small learning rate; or
# freeze only the first layers, which hold the most general features.

# %%
folder.cleanup()

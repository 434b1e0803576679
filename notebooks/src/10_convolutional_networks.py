# %% [markdown]
# # 10. Convolutional networks
#
# The MLP of notebook 6 flattens a digit into 64 numbers and gives every hidden neuron its own
# weight for every pixel. It does not know that pixel 9 sits right below pixel 1: shift a digit
# by one pixel and, for the MLP, all its inputs change.
#
# A **convolutional layer** builds that knowledge in. Each of its neurons is still the neuron of
# the lecture, $a = b + \sum_i y_i w_i$, $y = f(a)$, but
#
# * it looks only at a small patch of the image ($3 \times 3$ pixels, say): its *receptive
#   field*;
# * all neurons of one *feature map* share the same weights, the $3 \times 3$ *kernel* (or
#   *filter*), and differ only in where their patch lies.
#
# Sliding the kernel over the image and taking a dot product at every position gives a new
# image, the feature map: large where the image looks like the kernel. A layer learns several
# kernels at once (its *output channels*), and the next layer combines their maps.

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

digits = load_digits()
images = digits.images.astype(np.float32) / 16.0        # 1797 images, 8 x 8, in [0, 1]

# %% [markdown]
# ## Convolution as a sliding dot product
# One digit $x$ ($8 \times 8$) and one kernel $w$ ($3 \times 3$), here a hand-made detector of
# vertical edges (dark on the left, bright on the right). The output pixel $(i, j)$ is the
# neuron whose receptive field is the patch with top-left corner $(i, j)$:
#
# $$a_{ij} = b + \sum_{u=0}^{2} \sum_{v=0}^{2} x_{i+u,\, j+v}\, w_{uv} .$$
#
# A $3 \times 3$ patch fits into an $8 \times 8$ image at $8 - 3 + 1 = 6$ positions per
# direction, so the feature map is $6 \times 6$. Written as a loop in numpy:

# %%
x = images[0]                                    # a zero
kernel = np.array([[-1.0, 0.0, 1.0],
                   [-2.0, 0.0, 2.0],
                   [-1.0, 0.0, 1.0]], dtype=np.float32)   # Sobel filter: left-to-right edges
b = 0.0

out = np.zeros((6, 6), dtype=np.float32)
for i in range(6):
    for j in range(6):
        patch = x[i:i + 3, j:j + 3]
        out[i, j] = b + (patch * kernel).sum()   # a = b + sum_i y_i w_i over the patch

# %% [markdown]
# `F.conv2d` does the same for a whole batch. It takes the input as (batch $N$, channels
# $C_{in}$, height, width) and the weights as ($C_{out}$, $C_{in}$, kernel height, kernel
# width). (Like every deep-learning library it does *not* flip the kernel, so it is what
# mathematicians call a cross-correlation; for learned kernels the difference does not matter.)

# %%
x_t = ag.tensor(x).reshape(1, 1, 8, 8)           # N = 1 image, C_in = 1 channel
w_t = ag.tensor(kernel).reshape(1, 1, 3, 3)      # C_out = 1 kernel for C_in = 1 channel
out_conv = F.conv2d(x_t, w_t, ag.tensor([b]))
print("F.conv2d output shape:", tuple(out_conv.shape))
assert out_conv.shape == (1, 1, 6, 6)
assert np.allclose(out_conv.detach().numpy()[0, 0], out, atol=1e-5)
print("the numpy loop and F.conv2d agree")

fig, axes = plt.subplots(1, 3, figsize=(8, 2.6))
axes[0].imshow(x, cmap="gray_r")
axes[0].set_title("input (8 x 8)")
axes[1].imshow(kernel, cmap="RdBu_r", vmin=-2, vmax=2)
axes[1].set_title("kernel (3 x 3)")
im = axes[2].imshow(out, cmap="RdBu_r", vmin=-np.abs(out).max(), vmax=np.abs(out).max())
axes[2].set_title("feature map (6 x 6)")
for ax in axes:
    ax.axis("off")
fig.colorbar(im, ax=axes[2], fraction=0.046)
plt.show()

# %% [markdown]
# Red where the image gets brighter from left to right (the left edge of the zero's stroke),
# blue where it gets darker (the right edge). The same kernel finds the same pattern anywhere
# in the image: that is what weight sharing buys.
#
# ## Convolution as a matrix product: im2col
# The loop is slow. Libraries instead copy every patch into a column of a matrix ("image to
# columns", `F.unfold`): for our digit that is a $9 \times 36$ matrix, one column per output
# pixel. The whole convolution is then one matrix product of the flattened kernel
# ($1 \times 9$) with that matrix, reshaped to $6 \times 6$:

# %%
cols = F.unfold(x_t, kernel_size=3)              # (N, C_in * 3 * 3, number of patches)
print("unfold:", tuple(cols.shape))
assert cols.shape == (1, 9, 36)
# column 7 is the patch at row 1, column 1 (patches are numbered row by row)
assert np.allclose(cols[0, :, 7].detach().numpy(), x[1:4, 1:4].reshape(9))

out_mm = (w_t.reshape(1, 9) @ cols).reshape(1, 1, 6, 6) + b
assert np.allclose(out_mm.detach().numpy(), out_conv.detach().numpy(), atol=1e-5)
print("unfold + matmul + reshape = F.conv2d")

# %% [markdown]
# The same holds for many images, several input channels and several kernels at once: the
# weights become a $C_{out} \times (C_{in} \cdot 3 \cdot 3)$ matrix, and one batched matrix
# product computes every output channel at every position of every image. This is how
# `nn.Conv2d` is built, and why convolutions run fast on GPUs.

# %%
batch = ag.tensor(images[:5]).reshape(5, 1, 8, 8)
conv = nn.Conv2d(in_channels=1, out_channels=4, kernel_size=3)
print(conv, " weight", tuple(conv.weight.shape), " bias", tuple(conv.bias.shape))
cols = F.unfold(batch, kernel_size=3)                              # (5, 9, 36)
W = conv.weight.reshape(4, 9)                                      # (C_out, C_in * 3 * 3)
by_matmul = (W @ cols + conv.bias.reshape(1, 4, 1)).reshape(5, 4, 6, 6)
assert np.allclose(by_matmul.detach().numpy(), conv(batch).detach().numpy(), atol=1e-5)
print("nn.Conv2d = unfold + matmul for 5 images and 4 kernels")

# %% [markdown]
# ## Padding, stride and pooling
# Two settings change the output's size. **Padding** $p$ surrounds the image with $p$ rings of
# zeros, so that the border pixels get a full patch too (`padding=1` keeps a $3 \times 3$
# convolution's output as large as its input). **Stride** $s$ moves the kernel $s$ pixels at a
# time. For an input of size $H$ and a kernel of size $k$ the output has
#
# $$H_{out} = \left\lfloor \frac{H + 2p - k}{s} \right\rfloor + 1 .$$
#
# A **pooling** layer has no weights: `nn.MaxPool2d(2)` keeps the largest value of every
# $2 \times 2$ block, halving height and width. It makes the network care less about exactly
# where a feature was found, and it shrinks the maps that the next layers must process.

# %%
for k, p, s in [(3, 0, 1), (3, 1, 1), (3, 1, 2), (5, 2, 1)]:
    h_out = nn.Conv2d(1, 1, kernel_size=k, padding=p, stride=s)(batch).shape[-1]
    print(f"H = 8, k = {k}, padding = {p}, stride = {s}:  H_out = {h_out}")
    assert h_out == (8 + 2 * p - k) // s + 1

block = ag.tensor([[1.0, 5.0, 2.0, 0.0],
                   [3.0, 2.0, 1.0, 1.0],
                   [0.0, 0.0, 7.0, 4.0],
                   [9.0, 1.0, 2.0, 3.0]]).reshape(1, 1, 4, 4)
pooled = nn.MaxPool2d(2)(block)
print("max pooling of a 4 x 4 block:\n", pooled.reshape(2, 2).tolist())
assert pooled.reshape(2, 2).tolist() == [[5.0, 2.0], [9.0, 7.0]]

# %% [markdown]
# ## A CNN against the MLP of notebook 6
# The same split as notebook 6 (60% training, 20% validation, 20% test, the same seed), the same
# training budget for both networks: Adam with learning rate $10^{-3}$, mini-batches of 32, 40
# epochs, keeping the epoch with the best validation accuracy. The only difference is the
# network. The CNN keeps the images as $1 \times 8 \times 8$ tensors:
#
# | layer | output shape |
# |---|---|
# | input | $1 \times 8 \times 8$ |
# | `Conv2d(1, 16, 3, padding=1)`, ReLU | $16 \times 8 \times 8$ |
# | `Conv2d(16, 32, 3, padding=1)`, ReLU | $32 \times 8 \times 8$ |
# | `MaxPool2d(2)` | $32 \times 4 \times 4$ |
# | `Flatten`, `Linear(512, 64)`, ReLU | $64$ |
# | `Linear(64, 10)` | 10 logits |
#
# the pattern of LeNet (convolutions and pooling first, then fully connected layers), shrunk to
# $8 \times 8$ digits.

# %%
X = ag.tensor(images.reshape(len(images), 1, 8, 8))
labels = ag.tensor(digits.target)
train_set, val_set, test_set = random_split(TensorDataset(X, labels), [0.6, 0.2, 0.2],
                                            generator=ag.Generator().manual_seed(0))


def whole(subset):
    """All samples of a subset as two tensors (inputs, labels)."""
    return next(iter(DataLoader(subset, batch_size=len(subset))))


X_train, y_train = whole(train_set)
X_val, y_val = whole(val_set)
X_test, y_test = whole(test_set)
print("train", len(train_set), " validation", len(val_set), " test", len(test_set))


def accuracy(model, X, y):
    model.eval()
    with ag.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()


def fit(model, epochs=40, name=""):
    """Notebook 6's training: Adam, batches of 32, keep the best epoch on the validation set."""
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    loader = DataLoader(train_set, batch_size=32, shuffle=True)
    val_acc, best_acc, best_state = [], 0.0, None
    for epoch in tqdm(range(epochs), desc=name):
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            optimizer.step()
        val_acc.append(accuracy(model, X_val, y_val))
        if val_acc[-1] > best_acc:
            best_acc = val_acc[-1]
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    return val_acc


def n_params(model):
    return sum(p.numel() for p in model.parameters())


ag.manual_seed(0)
mlp = nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
mlp_val = fit(mlp, name="MLP")

ag.manual_seed(0)
cnn = nn.Sequential(
    nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(),
    nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(32 * 4 * 4, 64), nn.ReLU(),
    nn.Linear(64, 10),
)
print(cnn)
cnn_val = fit(cnn, name="CNN")

# %%
mlp_test, cnn_test = accuracy(mlp, X_test, y_test), accuracy(cnn, X_test, y_test)
n_test = len(y_test)
print(f"MLP: {n_params(mlp):6d} weights, test accuracy {mlp_test:.1%} "
      f"({round((1 - mlp_test) * n_test)} of {n_test} wrong)")
print(f"CNN: {n_params(cnn):6d} weights, test accuracy {cnn_test:.1%} "
      f"({round((1 - cnn_test) * n_test)} of {n_test} wrong)")
assert cnn_test > mlp_test

plt.plot(range(1, 41), mlp_val, label="MLP (notebook 6)")
plt.plot(range(1, 41), cnn_val, label="CNN")
plt.xlabel("epoch")
plt.ylabel("validation accuracy")
plt.ylim(0.85, 1.0)
plt.legend()
plt.show()

# %% [markdown]
# The CNN makes fewer mistakes on the test digits with the same data and training budget. It
# has more weights than the MLP (most of them in its first fully connected layer), but its
# convolutional layers have only $16 \cdot 9 + 16 = 160$ and $32 \cdot 16 \cdot 9 + 32 = 4640$:
# a $3 \times 3$ kernel is reused at all 64 positions. On $8 \times 8$ digits the gain is
# modest (the MLP is already good); on larger images, where an MLP would need millions of
# weights, convolutions are what makes learning possible at all. One training run on one split
# is also only one sample: with other seeds the gap is sometimes smaller.
#
# ## What the CNN learned
# The 16 kernels of the first layer, and the 16 feature maps they produce for one test digit:

# %%
filters = cnn[0].weight.detach().numpy()[:, 0]          # (16, 3, 3)
fig, axes = plt.subplots(2, 8, figsize=(8, 2.2))
for ax, f in zip(axes.flat, filters):
    lim = np.abs(f).max()
    ax.imshow(f, cmap="RdBu_r", vmin=-lim, vmax=lim)
    ax.axis("off")
fig.suptitle("learned 3 x 3 kernels of the first layer (red > 0, blue < 0)")
plt.show()

digit = X_test[:1]                                      # (1, 1, 8, 8)
with ag.no_grad():
    maps1 = cnn[1](cnn[0](digit))                       # after the first Conv2d and ReLU
    maps2 = cnn[3](cnn[2](maps1))                       # after the second
print("feature maps:", tuple(maps1.shape), "then", tuple(maps2.shape))
fig, axes = plt.subplots(2, 9, figsize=(9, 2.3))
axes[0, 0].imshow(digit[0, 0].numpy(), cmap="gray_r")
axes[0, 0].set_title(f"digit {y_test[0].item()}", fontsize=8)
axes[1, 0].axis("off")
for ax, m in zip(list(axes[0, 1:]) + list(axes[1, 1:]), maps1[0].numpy()):
    ax.imshow(m, cmap="viridis")
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("the first layer's 16 feature maps (after ReLU) for one test digit")
plt.show()

# %% [markdown]
# Some kernels are edge detectors like the Sobel filter above (a red side and a blue side),
# others respond to bright strokes or to the background. Each feature map is the digit seen
# through one kernel; the second layer combines the 16 maps into 32 maps of larger patterns
# (each of its neurons sees a $5 \times 5$ region of the input), and the fully connected layers
# decide from those which digit it is.
#
# ## Where the CNN still goes wrong

# %%
with ag.no_grad():
    predicted = cnn(X_test).argmax(dim=1).numpy()
true = y_test.numpy()
wrong = np.flatnonzero(predicted != true)
assert len(wrong) == round((1 - cnn_test) * n_test)
fig, axes = plt.subplots(1, max(len(wrong), 1), figsize=(1.2 * max(len(wrong), 1), 1.6),
                         squeeze=False)
for ax, i in zip(axes.flat, wrong):
    ax.imshow(X_test[i, 0].numpy(), cmap="gray_r")
    ax.set_title(f"{true[i]} → {predicted[i]}", fontsize=9)
for ax in axes.flat:
    ax.axis("off")
plt.show()

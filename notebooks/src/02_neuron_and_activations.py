# %% [markdown]
# # 2. The neuron and its activation functions
#
# The lecture's neuron computes a weighted sum of its inputs and passes it through a
# nonlinear function:
#
# $$a = b + \sum_i y_i w_i, \qquad y = f(a).$$
#
# $f$ is the *activation function*. Back propagation needs its derivative $f'(a)$ (it is the
# factor $f'(a^{(3)})$ in $\delta^{(3)}$, see notebook 3). This notebook plots every function of
# the lecture's table together with its derivative, computes the derivative with autograd and
# checks it against the table's formula.

# %%
import numpy as np
import matplotlib.pyplot as plt

import autograd as ag

plt.rcParams.update({"figure.figsize": (5, 3), "figure.dpi": 80})
ag.manual_seed(0)
np.random.seed(0)

# %% [markdown]
# ## One neuron
# Three inputs $y_i$, three weights $w_i$, a bias $b$ and the logistic activation:

# %%
y_in = ag.tensor([1.0, -2.0, 0.5])
w = ag.tensor([0.3, 0.1, -0.4])
b = ag.tensor(0.2)
a = b + (y_in * w).sum()      # a = b + sum_i y_i w_i
y = ag.sigmoid(a)             # y = f(a)
print(f"a = {a.item():.4f}, y = f(a) = {y.item():.4f}")

# %% [markdown]
# ## The table
# Each entry is written with tensor operations, so autograd can differentiate it; next to it
# is the derivative exactly as the lecture's table gives it. `derivative(f, x)` evaluates
# $f'$ at every point of `x` with one backward pass: the points are independent, so the
# gradient of $\sum_j f(x_j)$ with respect to $x_j$ is $f'(x_j)$.

# %%
def derivative(f, x: np.ndarray) -> np.ndarray:
    """f'(x) at every point of x, by autograd."""
    xt = ag.tensor(x, dtype=ag.float64, requires_grad=True)
    out = f(xt)
    if not out.requires_grad:  # f's output does not depend on x at all (the binary step)
        return np.zeros_like(x)
    out.sum().backward()
    return xt.grad.numpy()


def values(f, x: np.ndarray) -> np.ndarray:
    with ag.no_grad():
        return f(ag.tensor(x, dtype=ag.float64)).numpy()

# %% [markdown]
# Two entries need a word:
#
# * **ArcTan** has no primitive operation in the library, so we write it as our own
#   `ag.Function` (as in notebook 1). Its `backward` *is* the table's formula, so comparing
#   the two would prove nothing; instead `ag.gradcheck` compares it with finite differences.
# * **Binary step** is constant on both sides of 0: its output does not depend on $x$ at all,
#   so autograd finds no path from $x$ to $f(x)$ and the gradient is 0 (the table's "?" at
#   $x = 0$ is the jump, which has no derivative).

# %%
class ArcTan(ag.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ag.from_numpy(np.arctan(x.detach().numpy()))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output / (x * x + 1)        # f'(x) = 1 / (x^2 + 1)


print("ArcTan passes gradcheck:",
      ag.gradcheck(ArcTan.apply, (ag.randn(6, dtype=ag.float64, requires_grad=True),)))

# %%
def soft_exponential(alpha):
    def f(x):
        if alpha < 0:
            return -ag.log(1 - alpha * (x + alpha)) / alpha
        if alpha == 0:
            return x
        return (ag.exp(alpha * x) - 1) / alpha + alpha
    return f


def soft_exponential_prime(alpha):
    def fp(x):
        if alpha < 0:
            return 1 / (1 - alpha * (x + alpha))
        return np.exp(alpha * x)
    return fp


# name: (f with tensor ops, f' from the table in numpy)
table = {
    "identity": (lambda x: x, lambda x: np.ones_like(x)),
    "binary step": (lambda x: ag.where(x >= 0, ag.ones_like(x), ag.zeros_like(x)),
                    lambda x: np.zeros_like(x)),
    "logistic": (ag.sigmoid, lambda x: (s := 1 / (1 + np.exp(-x))) * (1 - s)),
    "tanh": (lambda x: 2 / (1 + ag.exp(-2 * x)) - 1, lambda x: 1 - np.tanh(x) ** 2),
    "arctan": (ArcTan.apply, lambda x: 1 / (x**2 + 1)),
    "ReLU": (ag.relu, lambda x: (x >= 0).astype(float)),
    "softplus": (lambda x: ag.log(1 + ag.exp(x)), lambda x: 1 / (1 + np.exp(-x))),
    "bent identity": (lambda x: ((x * x + 1).sqrt() - 1) / 2 + x,
                      lambda x: x / (2 * np.sqrt(x**2 + 1)) + 1),
    "soft exponential (α=0.5)": (soft_exponential(0.5), soft_exponential_prime(0.5)),
    "sinusoid": (ag.sin, np.cos),
    "sinc": (lambda x: ag.sin(x) / x, lambda x: np.cos(x) / x - np.sin(x) / x**2),
    "Gaussian": (lambda x: ag.exp(-x * x), lambda x: -2 * x * np.exp(-x**2)),
}

# 200 points: an even count, so x = 0 (where sinc is 0/0 and ReLU has its kink) is not one.
x = np.linspace(-4, 4, 200)
fig, axes = plt.subplots(3, 4, figsize=(11, 6.5), sharex=True)
for ax, (name, (f, f_prime)) in zip(axes.flat, table.items()):
    by_autograd = derivative(f, x)
    by_table = f_prime(x)
    assert np.allclose(by_autograd, by_table, atol=1e-12), name
    ax.plot(x, values(f, x), label="f(x)")
    ax.plot(x, by_autograd, label="f'(x) autograd")
    ax.plot(x[::12], by_table[::12], "k.", ms=4, label="f'(x) table")
    ax.set_title(name, fontsize=10)
    ax.set_ylim(-2.5, 4)
    ax.axhline(0, color="grey", lw=0.5)
axes.flat[0].legend(fontsize=7, loc="upper left")
fig.tight_layout()
plt.show()
print("autograd's derivative equals the table's formula for all", len(table), "functions")

# %% [markdown]
# The dots (the table's $f'$) lie on the orange curves (autograd's $f'$) everywhere; the
# `assert` in the cell checks it to 12 decimals in float64.
#
# **At the kink.** The table gives ReLU's derivative as 1 at $x = 0$; any number in $[0, 1]$ is
# a valid choice there. PyTorch (and this library) use 0:

# %%
x0 = ag.tensor([0.0], requires_grad=True)
ag.relu(x0).sum().backward()
print("ReLU'(0) by autograd:", x0.grad.item())

# %% [markdown]
# ## The same functions in `nn.functional`
# The library ships every function of the table, as PyTorch ships its activations: as
# functions in `nn.functional` (`F.sigmoid`, `F.arctan`, `F.sinc`, ...) and as modules for
# `nn.Sequential` (`nn.Sigmoid()`, `nn.ArcTan()`, ...). Their values and derivatives match the
# table too, and `F.sinc` also handles $x = 0$, where the formula $\sin(x)/x$ is $0/0$:

# %%
import nn
import nn.functional as F

library = {
    "identity": F.identity, "binary step": F.binary_step, "logistic": F.sigmoid,
    "tanh": F.tanh, "arctan": F.arctan, "ReLU": F.relu, "softplus": F.softplus,
    "bent identity": F.bent_identity,
    "soft exponential (α=0.5)": lambda x: F.soft_exponential(x, 0.5),
    "sinusoid": F.sinusoid, "sinc": F.sinc, "Gaussian": F.gaussian,
}
for name, f in library.items():
    table_f, table_f_prime = table[name]
    assert np.allclose(values(f, x), values(table_f, x), atol=1e-12), name
    assert np.allclose(derivative(f, x), table_f_prime(x), atol=1e-12), name
print("nn.functional agrees with the table for all", len(library), "functions")

x0 = ag.tensor([0.0], dtype=ag.float64, requires_grad=True)
F.sinc(x0).sum().backward()
print("sinc(0) =", F.sinc(x0).item(), " sinc'(0) =", x0.grad.item())
print(nn.Sequential(nn.Linear(2, 3), nn.ArcTan(), nn.Linear(3, 1), nn.Sigmoid()))

# %% [markdown]
# ## The soft exponential's parameter
# $\alpha$ blends a logarithm ($\alpha < 0$), the identity ($\alpha = 0$) and an exponential
# ($\alpha > 0$). For $\alpha < 0$ it is only defined where $1 - \alpha(x + \alpha) > 0$.

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3))
xs = np.linspace(-1.2, 2.5, 200)
for alpha in (-0.5, 0.0, 0.5):
    f = soft_exponential(alpha)
    g = derivative(f, xs)
    assert np.allclose(g, soft_exponential_prime(alpha)(xs))
    ax1.plot(xs, values(f, xs), label=f"α = {alpha}")
    ax2.plot(xs, g, label=f"α = {alpha}")
ax1.set_title("f(α, x)")
ax2.set_title("f'(α, x)")
ax1.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Softmax
# The output layer of a $K$-class classifier uses
#
# $$\text{softmax}(z)_j = \frac{e^{z_j}}{\sum_{k=1}^K e^{z_k}}, \qquad j = 1, \dots, K.$$
#
# (The slide writes $e^k$ in the denominator: the sum runs over $e^{z_k}$.) Every $e^{z_j}$ is
# positive, and each output is its share of their sum, so the outputs lie in $(0, 1)$ and add
# up to 1: a probability for each class. (The slide says the range is $[-1, 1]$; that is a slip,
# a softmax output can never be negative.)

# %%
z = ag.tensor([[2.0, 1.0, 0.1, -3.0],
               [0.0, 0.0, 0.0, 0.0],
               [100.0, 101.0, 102.0, 103.0]])
p = ag.softmax(z, dim=1)
print(p)
print("row sums:", p.sum(dim=1))
print("all in (0, 1):", bool(((p > 0) & (p < 1)).all()))

# %% [markdown]
# The last row shows why the library computes it as $e^{z_j - \max z} / \sum_k e^{z_k - \max z}$:
# subtracting the same number from every $z_k$ does not change the result, and it keeps
# $e^{103}$ from overflowing. The same formula by hand, without that shift, overflows:

# %%
with np.errstate(over="ignore", invalid="ignore"):
    naive = np.exp(z.numpy().astype(np.float32))
    print("naive softmax of the last row:", naive[2] / naive[2].sum())

# %% [markdown]
# Its derivative is $\partial\, \text{softmax}_j / \partial z_i = s_j(\delta_{ij} - s_i)$. Since
# the outputs always sum to 1, the derivative of that sum is 0: pushing one probability up
# pushes the others down.

# %%
zt = ag.tensor([2.0, 1.0, 0.1], dtype=ag.float64, requires_grad=True)
s = ag.softmax(zt, dim=0)
s[0].backward()
s_np = s.detach().numpy()
print("d softmax_0 / dz by autograd:", zt.grad.numpy())
print("s_0 (delta_0i - s_i) by hand:", s_np[0] * (np.eye(3)[0] - s_np))

zt.grad = None
ag.softmax(zt, dim=0).sum().backward()
print("d (sum of outputs) / dz:", zt.grad.numpy())

# %%
fig, ax = plt.subplots(figsize=(5, 3))
z1 = np.linspace(-5, 5, 200)
logits = ag.tensor(np.stack([z1, np.zeros_like(z1), np.ones_like(z1)], axis=1))
probs = ag.softmax(logits, dim=1).numpy()
for k in range(3):
    ax.plot(z1, probs[:, k], label=f"softmax(z)$_{k + 1}$")
ax.plot(z1, probs.sum(axis=1), "k--", label="sum")
ax.set_xlabel("$z_1$ (with $z_2 = 0$, $z_3 = 1$)")
ax.legend(fontsize=8)
ax.set_title("softmax outputs lie in (0, 1) and sum to 1")
plt.show()

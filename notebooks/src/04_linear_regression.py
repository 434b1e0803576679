# %% [markdown]
# # 4. Linear regression by gradient descent
#
# Linear regression is the smallest network of the lecture: one neuron with the identity
# activation, $y = f(a) = a = b + w x$. We fit it to data $(x^{(n)}, t^{(n)})$ by minimising the
# mean squared error
#
# $$L(w, b) = \frac{1}{N} \sum_{n=1}^N \big(y(x^{(n)}) - t^{(n)}\big)^2$$
#
# with gradient descent: $w_{new} = w_{old} - \alpha\, \partial L / \partial w$,
# $b_{new} = b_{old} - \alpha\, \partial L / \partial b$. The learning rate $\alpha$ decides whether
# that works.

# %%
import numpy as np
import matplotlib.pyplot as plt

import autograd as ag
import nn
import optim

plt.rcParams.update({"figure.figsize": (5, 3), "figure.dpi": 80})
ag.manual_seed(0)
rng = np.random.default_rng(0)

# %% [markdown]
# ## The data
# 50 points on the line $t = 2x + 1$, with noise.

# %%
N = 50
x_np = rng.uniform(-1, 3, size=(N, 1)).astype(np.float32)
t_np = (2 * x_np + 1 + rng.normal(0, 0.5, size=(N, 1))).astype(np.float32)
x, t = ag.tensor(x_np), ag.tensor(t_np)

plt.scatter(x_np, t_np, s=12)
plt.xlabel("x")
plt.ylabel("t")
plt.title("training data")
plt.show()

# %% [markdown]
# ## Gradient descent, written out
# $w$ and $b$ are tensors with `requires_grad=True`; `backward()` gives $\partial L/\partial w$ and
# $\partial L/\partial b$, and the update runs under `no_grad()` because it is not part of the
# model.

# %%
def gradient_descent(lr: float, steps: int, w0: float = -1.0, b0: float = 3.0):
    """Fit y = w x + b by plain gradient descent; returns the losses and the (w, b) path."""
    w = ag.tensor([w0], requires_grad=True)
    b = ag.tensor([b0], requires_grad=True)
    losses, path = [], [(w0, b0)]
    for _ in range(steps):
        y = w * x + b                    # y = f(a) = a = b + w x
        L = ((y - t) ** 2).mean()        # MSE
        L.backward()
        with ag.no_grad():
            w -= lr * w.grad             # w <- w - alpha dL/dw
            b -= lr * b.grad             # b <- b - alpha dL/db
        w.grad = None
        b.grad = None
        losses.append(L.item())
        path.append((w.item(), b.item()))
    return np.array(losses), np.array(path)


losses, path = gradient_descent(lr=0.1, steps=100)
w_fit, b_fit = path[-1]
print(f"after 100 steps: w = {w_fit:.3f}, b = {b_fit:.3f}, L = {losses[-1]:.4f}")

# %% [markdown]
# The least-squares solution can also be computed in closed form; gradient descent should
# reach it:

# %%
design = np.hstack([x_np, np.ones_like(x_np)]).astype(np.float64)
(w_ls, b_ls), *_ = np.linalg.lstsq(design, t_np[:, 0].astype(np.float64), rcond=None)
print(f"closed form:     w = {w_ls:.3f}, b = {b_ls:.3f}")
assert abs(w_fit - w_ls) < 1e-3 and abs(b_fit - b_ls) < 1e-3

# %% [markdown]
# ## The learning rate: too small, right, too large
# For the MSE of a linear model, gradient descent converges only if $\alpha < 2 / \lambda_{max}$,
# where $\lambda_{max}$ is the largest eigenvalue of the Hessian of $L$, here
# $\frac{2}{N}\sum_n (x^{(n)}, 1)^T (x^{(n)}, 1)$. Above that bound every step overshoots
# the minimum by more than it gained, and the loss grows without limit.

# %%
hessian = 2 * design.T @ design / N
lam_max = np.linalg.eigvalsh(hessian).max()
print(f"lambda_max = {lam_max:.2f}: gradient descent diverges for alpha > {2 / lam_max:.3f}")

rates = {"too small (α = 0.01)": 0.01,
         "right (α = 0.15)": 0.15,
         f"too large (α = {2.05 / lam_max:.3f})": 2.05 / lam_max}
runs = {name: gradient_descent(lr, steps=40) for name, lr in rates.items()}

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.5))
for name, (ls, _) in runs.items():
    ax1.plot(ls, label=name)
ax1.set_yscale("log")
ax1.set_xlabel("step")
ax1.set_ylabel("L")
ax1.set_title("loss curves")
ax1.legend(fontsize=8)

W, B = np.meshgrid(np.linspace(-3, 7, 150), np.linspace(-4, 6, 150))
Lgrid = ((W[..., None] * x_np[:, 0] + B[..., None] - t_np[:, 0]) ** 2).mean(axis=-1)
ax2.contour(W, B, Lgrid, levels=np.geomspace(Lgrid.min() + 0.01, Lgrid.max(), 15),
            colors="grey", linewidths=0.6)
for name, (_, p) in runs.items():
    ax2.plot(p[:15, 0], p[:15, 1], ".-", ms=4, lw=1, label=name)  # the first 15 steps
ax2.plot(w_ls, b_ls, "k*", ms=12)
ax2.set_xlim(-3, 7)
ax2.set_ylim(-4, 6)
ax2.set_xlabel("w")
ax2.set_ylabel("b")
ax2.set_title("first 15 steps on the loss surface L(w, b)")
fig.tight_layout()
plt.show()

# %% [markdown]
# Too small a rate crawls along the shallow valley; the right one reaches the minimum ($\star$)
# in a few dozen steps; too large a rate jumps from one side of the valley to the other, each
# time further out.

# %% [markdown]
# ## The same with `nn` and `optim`
# This is how the model is written in practice (and in PyTorch): `nn.Linear(1, 1)` holds $w$
# (its `weight`, shape out $\times$ in $= 1 \times 1$) and $b$ (`bias`); `nn.MSELoss()` is the
# mean squared error; `optim.SGD` performs the update $w \leftarrow w - \alpha\, \partial L /
# \partial w$ for every parameter. Started from the same $w$ and $b$, it follows exactly the
# same path as the loop above.

# %%
model = nn.Linear(1, 1)
with ag.no_grad():
    model.weight.fill_(-1.0)
    model.bias.fill_(3.0)
loss_fn = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.1)

nn_losses = []
for step in range(100):
    optimizer.zero_grad()
    loss = loss_fn(model(x), t)
    loss.backward()
    optimizer.step()
    nn_losses.append(loss.item())

print(f"nn.Linear: w = {model.weight.item():.3f}, b = {model.bias.item():.3f}")
assert np.allclose(nn_losses, losses, rtol=1e-5)

xs = np.linspace(-1, 3, 2, dtype=np.float32)[:, None]
with ag.no_grad():
    ys = model(ag.tensor(xs)).numpy()
plt.scatter(x_np, t_np, s=12, label="data")
plt.plot(xs, ys, "r", label=f"fit: y = {model.weight.item():.2f} x + {model.bias.item():.2f}")
plt.plot(xs, 2 * xs + 1, "k--", lw=1, label="true line: t = 2x + 1")
plt.legend(fontsize=8)
plt.title("the fitted line")
plt.show()

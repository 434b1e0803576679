# %% [markdown]
# # 1. Tensors and autograd in ten minutes
#
# gradschool is used exactly like PyTorch: `import autograd as ag` plays the part of
# `import torch`, `import nn, optim` the part of `torch.nn, torch.optim`. Everything in this
# notebook runs in PyTorch if you change the imports.
#
# Training a network means adjusting its weights so that a loss $L$ gets smaller, for example
# by gradient descent, $W_{new} = W_{old} - \alpha\, \partial L / \partial W$ (lecture 6).
# Autograd computes the derivatives $\partial L / \partial W$ for us: it records every
# operation on the way forward and applies the chain rule on the way back.

# %%
import numpy as np
import matplotlib.pyplot as plt

import autograd as ag

plt.rcParams.update({"figure.figsize": (5, 3), "figure.dpi": 80})
ag.manual_seed(0)  # every random number below is the same on every run
np.random.seed(0)

# %% [markdown]
# ## Tensors
# A tensor is an n-dimensional array (a numpy array inside, `.data`) with a shape and a dtype.
# The default dtype is `float32`, as in PyTorch.

# %%
x = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(x)
print("shape", x.shape, "dtype", x.dtype)
print("zeros", ag.zeros(2, 2))
print("randn", ag.randn(2, 3))
print("arange", ag.arange(5))

# %% [markdown]
# Arithmetic is element-wise and *broadcasts*: a `(2, 3)` tensor plus a `(3,)` tensor adds the
# row to every row. `@` is the matrix product.

# %%
row = ag.tensor([10.0, 20.0, 30.0])
print(x + row)
print(x @ x.T)
print(x.sum(), x.mean(dim=0), x.max())

# %% [markdown]
# Tensors convert to and from numpy, which is what we use for plotting.

# %%
a = np.linspace(0.0, 1.0, 4)
t = ag.from_numpy(a)
print(t, t.dtype)          # from_numpy keeps numpy's float64
print(t.numpy(), type(t.numpy()))

# %% [markdown]
# ## `requires_grad`, `backward` and `grad`
#
# Mark the tensors you want derivatives for with `requires_grad=True`. Every operation on
# them is recorded; its result knows the operation that made it (`grad_fn`). Calling
# `backward()` on a scalar result $L$ fills `.grad` of each such *leaf* with
# $\partial L / \partial \text{leaf}$.
#
# Take one neuron of the lecture: $a = b + \sum_i y_i w_i$, $y = f(a)$ with the logistic
# function $f(a) = 1 / (1 + e^{-a})$, and the loss $L = (y - t)^2$ for a target $t$.

# %%
y_in = ag.tensor([0.5, -1.0, 2.0])                    # inputs y_i
w = ag.tensor([0.1, 0.2, -0.3], requires_grad=True)   # weights w_i
b = ag.tensor(0.4, requires_grad=True)                # bias b
t_target = ag.tensor(1.0)

a_ = b + (y_in * w).sum()    # a = b + sum_i y_i w_i
y_out = ag.sigmoid(a_)       # y = f(a)
L = (y_out - t_target) ** 2  # L = (y - t)^2
print("a =", a_.item(), " y =", y_out.item(), " L =", L.item())
print("L.grad_fn:", L.grad_fn)

L.backward()
print("dL/dw =", w.grad)
print("dL/db =", b.grad)

# %% [markdown]
# By the chain rule, $\partial L / \partial w_i = 2 (y - t)\, f'(a)\, y_i$ with
# $f'(a) = f(a)(1 - f(a))$, and $\partial L / \partial b = 2 (y - t)\, f'(a)$.
# Checking autograd against that formula:

# %%
y_val = y_out.item()
delta = 2 * (y_val - 1.0) * y_val * (1 - y_val)   # dL/da
print("by hand dL/dw =", delta * y_in.numpy())
print("by hand dL/db =", delta)
assert np.allclose(w.grad.numpy(), delta * y_in.numpy(), rtol=1e-5)
assert np.isclose(b.grad.item(), delta, rtol=1e-5)

# %% [markdown]
# **Gradients accumulate.** A second `backward()` *adds* to `.grad` (that is what lets
# a loss be summed over several passes). This is why a training loop calls
# `optimizer.zero_grad()` (or sets `.grad = None`) before every backward pass.

# %%
L = (ag.sigmoid(b + (y_in * w).sum()) - t_target) ** 2
L.backward()
print("after a second backward:", b.grad, "= 2 x", delta)
w.grad = None
b.grad = None

# %% [markdown]
# ## `no_grad`
# Updating the weights is not part of the model, so it must not be recorded. Inside
# `with ag.no_grad():` no graph is built; that is also how you evaluate a trained network
# cheaply. Here is gradient descent, $w \leftarrow w - \alpha\, \partial L / \partial w$, for the
# neuron above, written out by hand:

# %%
alpha = 0.5
losses = []
for step in range(50):
    L = (ag.sigmoid(b + (y_in * w).sum()) - t_target) ** 2
    L.backward()
    with ag.no_grad():
        w -= alpha * w.grad
        b -= alpha * b.grad
    w.grad = None
    b.grad = None
    losses.append(L.item())

with ag.no_grad():
    y_eval = ag.sigmoid(b + (y_in * w).sum())
print("output after training:", y_eval.item(), "requires_grad:", y_eval.requires_grad)

plt.plot(losses)
plt.xlabel("step")
plt.ylabel("L = (y - t)^2")
plt.title("one neuron learns its target")
plt.show()

# %% [markdown]
# `detach()` gives a tensor that shares the numbers but is cut off from the graph.

# %%
d = y_out.detach()
print(d.requires_grad, d.grad_fn)

# %% [markdown]
# ## A custom `ag.Function`
#
# Every operation is a `Function` with a `forward` and a `backward` side by side. You can
# write your own, exactly as `torch.autograd.Function`. Take the *bent identity* of the
# lecture's table: $f(x) = \frac{\sqrt{x^2 + 1} - 1}{2} + x$, with
# $f'(x) = \frac{x}{2\sqrt{x^2 + 1}} + 1$.
# `backward` receives $\partial L / \partial f$ and returns $\partial L / \partial x =
# \partial L / \partial f \cdot f'(x)$.

# %%
class BentIdentity(ag.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)        # backward needs x for f'(x)
        return ((x * x + 1).sqrt() - 1) / 2 + x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (x / (2 * (x * x + 1).sqrt()) + 1)


x = ag.tensor([-2.0, 0.0, 3.0], requires_grad=True)
fx = BentIdentity.apply(x)
fx.sum().backward()
print("f(x) =", fx)
print("f'(x) from backward =", x.grad)

# %% [markdown]
# `ag.gradcheck` compares a Function's `backward` with finite differences
# $(f(x + \varepsilon) - f(x - \varepsilon)) / 2\varepsilon$ in float64: the way to test a
# gradient you wrote yourself.

# %%
x64 = ag.randn(5, dtype=ag.float64, requires_grad=True)
print("gradcheck passed:", ag.gradcheck(BentIdentity.apply, (x64,)))

# %% [markdown]
# ## A first picture of the graph
#
# `ag.viz.draw_graph` draws the graph that `backward` walks: the leaves (our weights) and the
# operations that made $L$, each with its shape.
#
# Read it left to right as the forward pass: the weights (green) and the ops (grey) that
# produced $a$, $y$ and finally $L$ (orange). Since we called `backward()`, every tensor also
# shows its gradient $\partial L / \partial(\cdot)$: the same numbers as printed above. (The
# inputs $y_i$ and the target $t$ need no gradient, so they are constants, not nodes.)

# %%
w = ag.tensor([0.1, 0.2, -0.3], requires_grad=True)
b = ag.tensor(0.4, requires_grad=True)
a_ = b + (y_in * w).sum()
y_out = ag.sigmoid(a_)
L = (y_out - t_target) ** 2
a_.retain_grad()
y_out.retain_grad()
L.backward()
ag.viz.draw_graph(L, params={"w": w, "b": b, "a": a_, "y": y_out, "L": L}, legend=True)

# %% [markdown]
# `ag.viz.draw_graph(...).render("graph", format="png")` writes the same picture to a file.
# Notebook 3 draws the lecture's 2-3-1 network this way, and steps through its backward pass.

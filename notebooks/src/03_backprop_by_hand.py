# %% [markdown]
# # 3. Feed-forward and back propagation by hand
#
# The lecture's example network has 2 inputs, 3 hidden neurons and 1 output. Its notation:
#
# * $a^{(i)}_j$: input value of the $j$-th neuron in layer $i$; $y^{(i)}_j$ its output value;
# * $W^{(i)}_{l,k}$: weight from neuron $k$ of layer $i$ to neuron $l$ of layer $i+1$;
# * $b^{(i)}_j$: bias of neuron $j$ in layer $i$.
#
# Collected into vectors and matrices, the forward pass on an input $x \in \mathbb{R}^2$ is
#
# $$a^{(1)} = x,\ y^{(1)} = a^{(1)};\qquad
#   a^{(2)} = W^{(1)} y^{(1)} + b^{(2)},\ y^{(2)} = f(a^{(2)});\qquad
#   a^{(3)} = W^{(2)} y^{(2)} + b^{(3)},\ y^{(3)} = f(a^{(3)}),$$
#
# so $W^{(1)}$ is $3 \times 2$ and $W^{(2)}$ is $1 \times 3$. We take the logistic function for
# $f$, so $f'(a) = f(a)(1 - f(a))$. First in numpy, all by hand; then the engine computes the
# same gradients by itself.

# %%
import numpy as np
import matplotlib.pyplot as plt

import autograd as ag
import nn
import nn.functional as F

plt.rcParams.update({"figure.figsize": (5, 3), "figure.dpi": 80})
ag.manual_seed(0)
rng = np.random.default_rng(0)


def f(a):
    return 1 / (1 + np.exp(-a))       # logistic


def f_prime(a):
    return f(a) * (1 - f(a))

# %%
W1 = rng.normal(0, 1, size=(3, 2))   # W^(1): layer 1 -> layer 2
b2 = rng.normal(0, 1, size=(3, 1))   # b^(2)
W2 = rng.normal(0, 1, size=(1, 3))   # W^(2): layer 2 -> layer 3
b3 = rng.normal(0, 1, size=(1, 1))   # b^(3)

x = np.array([[0.5], [-1.0]])        # one input, a column vector as on the slides
t = np.array([[1.0]])                # its target

# forward pass
a1 = x
y1 = a1
a2 = W1 @ y1 + b2
y2 = f(a2)
a3 = W2 @ y2 + b3
y3 = f(a3)
L = float(((y3 - t) ** 2).sum())     # MSE on one pair: L = ||y^(3) - t||^2
print("a(2) =", a2.ravel(), "\ny(2) =", y2.ravel(), "\ny(3) =", y3.ravel(), "\nL =", L)

# %% [markdown]
# ## The deltas
# The lecture defines $\delta^{(i)} = \partial L / \partial a^{(i)}$ and gets, by the chain rule,
#
# $$\delta^{(3)} = f'(a^{(3)}) \odot \frac{\partial L}{\partial y^{(3)}}, \qquad
#   \delta^{(2)} = f'(a^{(2)}) \odot W^{(2),T} \delta^{(3)},$$
#
# $$\frac{\partial L}{\partial W^{(2)}} = \delta^{(3)} y^{(2),T},\quad
#   \frac{\partial L}{\partial b^{(3)}} = \delta^{(3)},\qquad
#   \frac{\partial L}{\partial W^{(1)}} = \delta^{(2)} y^{(1),T},\quad
#   \frac{\partial L}{\partial b^{(2)}} = \delta^{(2)}.$$
#
# **A factor of 2.** The slide writes $\delta^{(3)} = f'(a^{(3)}) \odot (y^{(3)} - t)$. That is
# the derivative of $\frac{1}{2}\|y^{(3)} - t\|^2$. For the MSE as the lecture (and PyTorch's
# `MSELoss`) defines it, $L = \|y^{(3)} - t\|^2$, we have $\partial L / \partial y^{(3)} =
# 2 (y^{(3)} - t)$. We keep the 2, so the numbers agree with the engine and with PyTorch.

# %%
dL_dy3 = 2 * (y3 - t)
delta3 = f_prime(a3) * dL_dy3                 # delta(3) = f'(a(3)) ⊙ dL/dy(3)
delta2 = f_prime(a2) * (W2.T @ delta3)        # delta(2) = f'(a(2)) ⊙ W(2)^T delta(3)
dL_dW2 = delta3 @ y2.T                        # dL/dW(2) = delta(3) y(2)^T   (1 x 3)
dL_db3 = delta3                               # dL/db(3) = delta(3)
dL_dW1 = delta2 @ y1.T                        # dL/dW(1) = delta(2) y(1)^T   (3 x 2)
dL_db2 = delta2                               # dL/db(2) = delta(2)
print("delta(3) =", delta3.ravel())
print("delta(2) =", delta2.ravel())
print("dL/dW(1) =\n", dL_dW1)
print("dL/dW(2) =", dL_dW2)

# %% [markdown]
# ## The engine does the same
# The same forward pass with tensors; `backward()` walks the graph from $L$ back to the
# weights and fills their `.grad`. We use float64 so that the two agree to rounding error.

# %%
W1_t = ag.tensor(W1, requires_grad=True)
b2_t = ag.tensor(b2, requires_grad=True)
W2_t = ag.tensor(W2, requires_grad=True)
b3_t = ag.tensor(b3, requires_grad=True)
x_t, t_t = ag.tensor(x), ag.tensor(t)

a2_t = W1_t @ x_t + b2_t
y2_t = ag.sigmoid(a2_t)
a3_t = W2_t @ y2_t + b3_t
y3_t = ag.sigmoid(a3_t)
L_t = ((y3_t - t_t) ** 2).sum()
a2_t.retain_grad()   # keep dL/da for these intermediate tensors too:
a3_t.retain_grad()   # they are the deltas
L_t.backward()

checks = {
    "delta(3) = dL/da(3)": (a3_t.grad, delta3),
    "delta(2) = dL/da(2)": (a2_t.grad, delta2),
    "dL/dW(2)": (W2_t.grad, dL_dW2),
    "dL/db(3)": (b3_t.grad, dL_db3),
    "dL/dW(1)": (W1_t.grad, dL_dW1),
    "dL/db(2)": (b2_t.grad, dL_db2),
}
for name, (engine, by_hand) in checks.items():
    err = np.abs(engine.numpy() - by_hand).max()
    print(f"{name:22s} max |engine - by hand| = {err:.1e}")
    assert err < 1e-12, name

# %% [markdown]
# ## The graph, with its gradients
# `ag.viz.draw_graph` draws what the engine recorded: the parameters (green), the ops (grey),
# the intermediates we named (yellow) and the loss (orange). After `backward()` each tensor
# shows its gradient: on $a^{(3)}$ and $a^{(2)}$ these are $\delta^{(3)}$ and $\delta^{(2)}$,
# on the weights $\partial L / \partial W^{(2)}$ and $\partial L / \partial W^{(1)}$: the numbers
# computed by hand above. The data $x$ and the target $t$ need no gradient and are not drawn.

# %%
names = {"W(1)": W1_t, "b(2)": b2_t, "W(2)": W2_t, "b(3)": b3_t,
         "a(2)": a2_t, "a(3)": a3_t, "L": L_t}
ag.viz.draw_graph(L_t, params=names, show_data=True)

# %% [markdown]
# ## The backward pass, step by step
# `ag.viz.backward_steps` replays the backward pass one op at a time, in the order the engine
# runs them: from the loss back to the inputs. The op being processed is red; the red labels
# are the gradients it sends back. Use the slider to follow $\delta^{(3)}$ leaving the output
# sigmoid, becoming $\partial L / \partial W^{(2)} = \delta^{(3)} y^{(2),T}$ at the output
# matrix product, then $\delta^{(2)}$, then $\partial L / \partial W^{(1)}$. (It must be called
# before `backward()`, which frees the graph; so we run the forward pass once more.)

# %%
a2_t = W1_t @ x_t + b2_t
y2_t = ag.sigmoid(a2_t)
a3_t = W2_t @ y2_t + b3_t
L_t = ((ag.sigmoid(a3_t) - t_t) ** 2).sum()
steps = ag.viz.backward_steps(L_t, params={**names, "a(2)": a2_t, "a(3)": a3_t, "L": L_t})
print(len(steps), "steps:", ", ".join(steps.ops))
steps

# %% [markdown]
# Two of the steps as still pictures (a viewer without JavaScript shows only the first one
# above): the output sigmoid sends back $\delta^{(3)}$; the first layer's matrix product
# receives $\delta^{(2)}$ and turns it into $\partial L / \partial W^{(1)} = \delta^{(2)} y^{(1),T}$.

# %%
sigmoid_steps = [k for k, op in enumerate(steps.ops) if op == "Sigmoid"]
display(steps[sigmoid_steps[0]])
display(steps[len(steps) - 1])

# %% [markdown]
# ## The same network with `nn`
# In practice the 2-3-1 network is four modules. `nn.Linear(2, 3)` holds $W^{(1)}$ as its
# `weight` (shape out $\times$ in $= 3 \times 2$, the lecture's shape) and $b^{(2)}$ as its
# `bias`; `F.mse_loss` is the MSE. With the same weights it gives the same gradients.

# %%
net = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid()).double()
with ag.no_grad():
    net[0].weight.copy_(ag.tensor(W1))
    net[0].bias.copy_(ag.tensor(b2[:, 0]))
    net[2].weight.copy_(ag.tensor(W2))
    net[2].bias.copy_(ag.tensor(b3[:, 0]))
loss = F.mse_loss(net(ag.tensor(x.T)), ag.tensor(t))   # one example, as a row
loss.backward()
print(f"L = {loss.item():.10f} (by hand {L:.10f})")
assert np.allclose(net[0].weight.grad.numpy(), dL_dW1, atol=1e-12)
assert np.allclose(net[2].weight.grad.numpy(), dL_dW2, atol=1e-12)
assert np.allclose(net[0].bias.grad.numpy(), dL_db2[:, 0], atol=1e-12)
print("nn.Linear's weight.grad equals dL/dW(1) and dL/dW(2) by hand")

# %% [markdown]
# ## Vectorised over a batch
# With $N$ inputs at once, the libraries put one example per **row**: $X$ is $N \times 2$,
# and the layer computes $A^{(2)} = X W^{(1),T} + b^{(2),T}$ (this is `nn.Linear`, whose weight
# has the lecture's shape, out $\times$ in). The MSE averages over the batch,
# $L = \frac{1}{N}\sum_n \|y^{(3)}(x_n) - t_n\|^2$, so $\delta^{(3)}$ gets a factor $2/N$, and the
# sums over the batch appear as matrix products:
# $\partial L / \partial W^{(1)} = \Delta^{(2),T} X$ and $\partial L / \partial b^{(2)} = \sum_n
# \Delta^{(2)}_n$.

# %%
def forward_backward_by_hand(X, T, W1, b2, W2, b3):
    """MSE loss and its gradients for the 2-3-1 network, one example per row of X."""
    N = X.shape[0]
    A2 = X @ W1.T + b2.T              # N x 3
    Y2 = f(A2)
    A3 = Y2 @ W2.T + b3.T             # N x 1
    Y3 = f(A3)
    L = ((Y3 - T) ** 2).mean()
    D3 = f_prime(A3) * 2 * (Y3 - T) / N         # delta(3) per example, N x 1
    D2 = f_prime(A2) * (D3 @ W2)                # delta(2) per example, N x 3
    grads = {"W1": D2.T @ X, "b2": D2.sum(axis=0)[:, None],
             "W2": D3.T @ Y2, "b3": D3.sum(axis=0)[:, None]}
    return L, Y3, grads


X = rng.normal(0, 1, size=(8, 2))
T = rng.uniform(0, 1, size=(8, 1))
L_hand, _, g_hand = forward_backward_by_hand(X, T, W1, b2, W2, b3)

params = {k: ag.tensor(v, requires_grad=True) for k, v in
          {"W1": W1, "b2": b2, "W2": W2, "b3": b3}.items()}
Xt, Tt = ag.tensor(X), ag.tensor(T)
Y2t = ag.sigmoid(Xt @ params["W1"].T + params["b2"].T)
Y3t = ag.sigmoid(Y2t @ params["W2"].T + params["b3"].T)
L_engine = ((Y3t - Tt) ** 2).mean()
L_engine.backward()
print(f"L by hand {L_hand:.10f}, by the engine {L_engine.item():.10f}")
for k in params:
    err = np.abs(params[k].grad.numpy() - g_hand[k]).max()
    print(f"dL/d{k}: max difference {err:.1e}")
    assert err < 1e-12

# %% [markdown]
# ## Training it by hand: XOR
# Gradient descent, $W^{(i)}_{new} = W^{(i)}_{old} - \alpha\, \partial L / \partial W^{(i)}$, with the
# hand-computed gradients, on the four points of XOR, which no single neuron can separate.

# %%
X_xor = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
T_xor = np.array([[0.0], [1.0], [1.0], [0.0]])
w = {"W1": rng.normal(0, 1, (3, 2)), "b2": np.zeros((3, 1)),
     "W2": rng.normal(0, 1, (1, 3)), "b3": np.zeros((1, 1))}
alpha = 2.0
history = []
for step in range(3000):
    L_xor, Y3_xor, g = forward_backward_by_hand(X_xor, T_xor, **w)
    for k in w:
        w[k] -= alpha * g[k]
    history.append(L_xor)
print("outputs after training:", Y3_xor.ravel().round(3), " targets:", T_xor.ravel())

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.2))
ax1.plot(history)
ax1.set_xlabel("gradient descent step")
ax1.set_ylabel("MSE")
ax1.set_yscale("log")
ax1.set_title("loss of the 2-3-1 network on XOR")
g1, g2 = np.meshgrid(np.linspace(-0.5, 1.5, 100), np.linspace(-0.5, 1.5, 100))
grid = np.stack([g1.ravel(), g2.ravel()], axis=1)
_, out, _ = forward_backward_by_hand(grid, np.zeros((len(grid), 1)), **w)
cs = ax2.contourf(g1, g2, out.reshape(g1.shape), levels=20, cmap="RdBu_r")
ax2.scatter(X_xor[:, 0], X_xor[:, 1], c=T_xor.ravel(), cmap="RdBu_r", edgecolors="k", s=80)
fig.colorbar(cs, ax=ax2)
ax2.set_title("network output $y^{(3)}$")
fig.tight_layout()
plt.show()

# %% [markdown]
# # Exercise 3: back propagation in the 2-3-1 network, by hand
#
# The lecture's network has 2 inputs, 3 hidden neurons and 1 output, all with the logistic
# activation $f$ (so $f'(a) = f(a)(1 - f(a))$). On an input column $x \in \mathbb{R}^2$:
#
# $$a^{(1)} = x,\ y^{(1)} = a^{(1)};\quad a^{(2)} = W^{(1)} y^{(1)} + b^{(2)},\
#   y^{(2)} = f(a^{(2)});\quad a^{(3)} = W^{(2)} y^{(2)} + b^{(3)},\ y^{(3)} = f(a^{(3)}).$$
#
# With the loss $L = \|y^{(3)} - t\|^2$ on one pair $(x, t)$ and the deltas
# $\delta^{(i)} = \partial L / \partial a^{(i)}$, the chain rule gives
#
# $$\delta^{(3)} = f'(a^{(3)}) \odot \frac{\partial L}{\partial y^{(3)}},\qquad
#   \delta^{(2)} = f'(a^{(2)}) \odot W^{(2),T} \delta^{(3)},$$
#
# $$\frac{\partial L}{\partial W^{(2)}} = \delta^{(3)} y^{(2),T},\quad
#   \frac{\partial L}{\partial b^{(3)}} = \delta^{(3)},\quad
#   \frac{\partial L}{\partial W^{(1)}} = \delta^{(2)} y^{(1),T},\quad
#   \frac{\partial L}{\partial b^{(2)}} = \delta^{(2)}.$$
#
# **Careful with one factor.** The slide writes $\delta^{(3)} = f'(a^{(3)}) \odot (y^{(3)} - t)$,
# which is the derivative of $\frac{1}{2}\|y^{(3)} - t\|^2$. For $L = \|y^{(3)} - t\|^2$ (the
# lecture's MSE on one pair, and PyTorch's `MSELoss`), $\partial L / \partial y^{(3)} =
# 2(y^{(3)} - t)$. The check compares with the engine, so keep the 2.

# %%
import sys

sys.path.insert(0, "..")  # exercises/, where checks.py lives
import checks
import numpy as np


def f(a):
    return 1 / (1 + np.exp(-a))


def f_prime(a):
    return f(a) * (1 - f(a))

# %% [markdown]
# ## 3.1 Forward and backward
# `x` is a `(2, 1)` column, `t` a `(1, 1)` array, `W1` is `(3, 2)`, `b2` `(3, 1)`, `W2`
# `(1, 3)` and `b3` `(1, 1)`. Return a dict with the keys `delta3`, `delta2`, `dW2`, `db3`,
# `dW1` and `db2`, each an array of the shape of what it is the gradient of.

# %%
def backprop(x, t, W1, b2, W2, b3):
    ### BEGIN SOLUTION
    y1 = x
    a2 = W1 @ y1 + b2
    y2 = f(a2)
    a3 = W2 @ y2 + b3
    y3 = f(a3)
    delta3 = f_prime(a3) * 2 * (y3 - t)
    delta2 = f_prime(a2) * (W2.T @ delta3)
    return {
        "delta3": delta3,
        "delta2": delta2,
        "dW2": delta3 @ y2.T,
        "db3": delta3,
        "dW1": delta2 @ y1.T,
        "db2": delta2,
    }
    ### END SOLUTION

# %% [grade 4]
checks.backprop_2_3_1(backprop)

# %% [markdown]
# # Exercise 10: momentum and Nesterov
#
# Plain gradient descent steps $p \leftarrow p - \alpha g$ with $g = \partial L / \partial p$.
# *Momentum* keeps a running sum of past gradients, a velocity that carries the parameters
# through flat stretches and damps zig-zags. In PyTorch's convention (`optim.SGD` with
# `momentum` $\mu$ and the default `dampening=0`), with a buffer $b$ that starts at 0:
#
# $$b \leftarrow \mu b + g, \qquad p \leftarrow p - \alpha b.$$
#
# *Nesterov* momentum looks ahead along the velocity: it steps with the current gradient plus
# the momentum term,
#
# $$b \leftarrow \mu b + g, \qquad p \leftarrow p - \alpha (g + \mu b).$$
#
# Write one step of each. The check runs 15 steps of yours on the quadratic loss
# $L(p) = \frac{1}{2} p^T A p + c^T p$ and compares the path with `optim.SGD`'s, step by step.

# %%
import sys

sys.path.insert(0, "..")  # exercises/, where checks.py lives

import checks

# %% [markdown]
# `p`, `grad` and `buf` are 1-D arrays of the same shape (`buf` is all zeros at the first
# step). Return the new `(p, buf)`; don't modify the arrays you are given.

# %%
def momentum_step(p, grad, buf, lr, momentum, nesterov):
    ### BEGIN SOLUTION
    buf = momentum * buf + grad
    step = grad + momentum * buf if nesterov else buf
    return p - lr * step, buf
    ### END SOLUTION

# %% [grade 3]
checks.momentum(momentum_step)

# %% [markdown]
# # Exercise 4: the MSE loss and its gradient
#
# For regression the lecture uses the mean squared error. As PyTorch's `nn.MSELoss` (with its
# default `reduction="mean"`), take the mean over **every element** of the output `y` and the
# target `t` (both of the same shape, $N$ elements in all):
#
# $$L = \frac{1}{N} \sum_{i=1}^N (y_i - t_i)^2.$$
#
# Write the loss and its gradient $\partial L / \partial y$ (an array of the shape of `y`) in
# numpy. Work the derivative out on paper first: what does one term contribute?

# %%
import sys

sys.path.insert(0, "..")  # exercises/, where checks.py lives
import checks
import numpy as np


# %%
def mse_loss(y, t):
    ### BEGIN SOLUTION
    return np.mean((y - t) ** 2)
    ### END SOLUTION


def mse_grad(y, t):
    ### BEGIN SOLUTION
    return 2 * (y - t) / y.size
    ### END SOLUTION

# %% [grade 3]
checks.mse(mse_loss, mse_grad)

# %% [markdown]
# # Exercise 1: the neuron's forward pass
#
# The lecture's neuron computes a weighted sum of its inputs plus a bias, then applies an
# activation function $f$:
#
# $$a = b + \sum_i y_i w_i, \qquad y = f(a).$$
#
# Write it in numpy, first for one neuron, then for a whole layer on a batch of samples.
# Run the cell after each function: it checks your answer and, when something is wrong,
# tells you on which input, what it expected and a hint.

# %%
import sys

sys.path.insert(0, "..")  # exercises/, where checks.py lives (this notebook is in a subfolder)
import checks
import numpy as np

# %% [markdown]
# ## 1.1 One neuron
# `y` and `w` are 1-D arrays of the same length, `b` a number and `f` a function of one
# array (for example `np.tanh`). Return the pair `(a, out)`: the total input $a$ and the
# output $f(a)$.

# %%
def neuron(y, w, b, f):
    ### BEGIN SOLUTION
    a = b + np.sum(y * w)
    return a, f(a)
    ### END SOLUTION

# %% [grade 2]
checks.neuron(neuron)

# %% [markdown]
# ## 1.2 A layer on a batch
# A layer of neurons shares its inputs. Collect the weights in a matrix `W` whose row $l$
# holds the weights of neuron $l$ (shape `(neurons, inputs)`, as the lecture's $W^{(i)}$ and
# PyTorch's `nn.Linear.weight`), the biases in a vector `b`. A batch `Y` holds one sample
# per row, shape `(samples, inputs)`. Return `(A, out)`, where row $n$ of `A` holds the total
# input of every neuron for sample $n$ and `out = f(A)`. No Python loop: one matrix product.

# %%
def layer(Y, W, b, f):
    ### BEGIN SOLUTION
    A = Y @ W.T + b
    return A, f(A)
    ### END SOLUTION

# %% [grade 2]
checks.layer(layer)

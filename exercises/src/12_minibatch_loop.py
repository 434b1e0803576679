# %% [markdown]
# # Exercise 12: the mini-batch loop
#
# The lecture's mini-batch gradient method divides the data set into mini-batches of (almost)
# the same size, and for each mini-batch
#
# 1. calculates the network on it,
# 2. calculates the gradient on it,
# 3. updates the weights.
#
# `BATCH_SIZE` equal to the data set's size is (batch) gradient descent, `BATCH_SIZE == 1`
# stochastic gradient descent, anything in between mini-batch gradient descent. One pass over
# the whole data set is an *epoch*; the order of the samples is shuffled anew each epoch.
# This is what `autograd.data.DataLoader(dataset, batch_size, shuffle=True)` does for you; here
# you write it yourself.

# %%
import sys

sys.path.insert(0, "..")  # exercises/, where checks.py lives

import checks

# %% [markdown]
# ## 12.1 The mini-batches of one epoch
# Return a list of integer index arrays: draw one random order of `0, ..., n - 1` with
# `rng.permutation(n)` and cut it into consecutive slices of `batch_size`. When `batch_size`
# does not divide `n`, the last mini-batch is smaller (nothing is left out).

# %%
def minibatches(n, batch_size, rng):
    ### BEGIN SOLUTION
    order = rng.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]
    ### END SOLUTION

# %% [grade 2]
checks.minibatches(minibatches)

# %% [markdown]
# ## 12.2 One epoch of training
# `model` is an `nn.Module`, `X` and `T` are tensors with one sample per row, `loss_fn` is a
# loss such as `nn.MSELoss()` and `opt` an optimizer over the model's parameters. Run one
# epoch over the mini-batches of `minibatches(len(X), batch_size, rng)` (index a tensor with an
# index array: `X[idx]`) and return the list of the mini-batch losses as floats. The loop is
# the one you will write in PyTorch: `zero_grad`, forward, loss, `backward`, `step`.

# %%
def train_epoch(model, X, T, loss_fn, opt, batch_size, rng):
    ### BEGIN SOLUTION
    losses = []
    for idx in minibatches(len(X), batch_size, rng):
        opt.zero_grad()
        loss = loss_fn(model(X[idx]), T[idx])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION

# %% [grade 2]
checks.train_epoch(train_epoch, minibatches)

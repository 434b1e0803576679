# %% [markdown]
# # Exercise 5: cross-entropy losses and their gradients
#
# For classification the lecture uses the binary (BCE) and the multi-class cross-entropy.
# **A sign to watch:** the slides write them as $\frac{1}{N}\sum t \log y + \ldots$, without a
# minus sign. Since $\log y \le 0$ for $0 < y \le 1$, that quantity is never positive and
# gradient descent would *maximise* the error. The standard definitions (PyTorch's `BCELoss`,
# `NLLLoss`, `CrossEntropyLoss`), which we follow, have the minus sign:
#
# $$L_{\text{BCE}} = -\frac{1}{N} \sum_{i=1}^N \big[t_i \log y_i + (1 - t_i) \log(1 - y_i)\big],
#   \qquad
#   L_{\text{CE}} = -\frac{1}{N} \sum_{n=1}^N \sum_{k=1}^K T_{nk} \log Y_{nk}.$$
#
# Here $y_i \in (0, 1)$ are predicted probabilities and $t_i \in \{0, 1\}$ their targets; in
# the multi-class case, row $n$ of $Y$ holds the $K$ class probabilities of sample $n$ and row
# $n$ of $T$ is the one-hot code of its class. $N$ counts samples.

# %%
import sys

sys.path.insert(0, "..")  # exercises/, where checks.py lives
import checks
import numpy as np


def sigmoid(a):
    return 1 / (1 + np.exp(-a))

# %% [markdown]
# ## 5.1 Binary cross-entropy
# `bce_loss(y, t)` and `bce_grad(y, t)` $= \partial L / \partial y$ work on arrays of any shape
# ($N$ = their number of elements). Then the output is usually $y = \sigma(a)$ of a logit $a$:
# `bce_logits_grad(a, t)` returns $\partial L / \partial a$. Apply the chain rule with
# $\sigma'(a) = \sigma(a)(1 - \sigma(a))$ and simplify: the result is remarkably short.

# %%
def bce_loss(y, t):
    ### BEGIN SOLUTION
    return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))
    ### END SOLUTION


def bce_grad(y, t):
    ### BEGIN SOLUTION
    return -(t / y - (1 - t) / (1 - y)) / y.size
    ### END SOLUTION


def bce_logits_grad(a, t):
    ### BEGIN SOLUTION
    return (sigmoid(a) - t) / a.size
    ### END SOLUTION

# %% [grade 3]
checks.bce(bce_loss, bce_grad, bce_logits_grad)

# %% [markdown]
# ## 5.2 Multi-class cross-entropy
# `Y` and `T` have shape `(N, K)`. Mind the mean: over the $N$ samples, not over all
# $N \cdot K$ elements.

# %%
def ce_loss(Y, T):
    ### BEGIN SOLUTION
    return -np.sum(T * np.log(Y)) / Y.shape[0]
    ### END SOLUTION


def ce_grad(Y, T):
    ### BEGIN SOLUTION
    return -T / Y / Y.shape[0]
    ### END SOLUTION

# %% [grade 2]
checks.multiclass_ce(ce_loss, ce_grad)

# %% [markdown]
# # Exercise 9: softmax with cross-entropy, numerically stable
#
# For $K$ classes the network's last layer outputs $K$ logits $z$ per sample, and softmax
# turns them into probabilities:
#
# $$\text{softmax}(z)_j = \frac{e^{z_j}}{\sum_{k=1}^K e^{z_k}}.$$
#
# Its outputs lie in $(0, 1)$ and sum to 1 (one slide says $[-1, 1]$: that is a slip; no
# exponential is negative). With the class index $c_n$ of sample $n$ as target, the
# cross-entropy is $L = -\frac{1}{N} \sum_n \log \text{softmax}(z_n)_{c_n}$, what PyTorch's
# `F.cross_entropy(z, labels)` computes from logits.
#
# **Overflow.** $e^{1000}$ is `inf` in floating point, and `inf / inf` is `nan`. Since
# $\text{softmax}(z) = \text{softmax}(z - m)$ for any constant $m$, subtract each row's
# maximum first: then every exponent is $\le 0$. For the log, use
# $\log \text{softmax}(z)_j = (z_j - m) - \log \sum_k e^{z_k - m}$ rather than the log of a
# softmax that may have rounded to 0.

# %%
import sys

sys.path.insert(0, "..")  # exercises/, where checks.py lives
import checks
import numpy as np

# %% [markdown]
# ## 9.1 Softmax
# `z` has shape `(N, K)`, one sample per row; softmax works on each row.

# %%
def softmax(z):
    ### BEGIN SOLUTION
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
    ### END SOLUTION

# %% [grade 2]
checks.softmax(softmax)

# %% [markdown]
# ## 9.2 Cross-entropy from logits, and its gradient
# `labels` holds the class index of each row. The gradient of $L$ with respect to the logits
# is short: $\partial L / \partial z = (\text{softmax}(z) - \text{onehot}(c)) / N$
# (derive it: it is exercise 5's $-T / (N Y)$ pushed back through softmax).

# %%
def log_softmax(z):
    ### BEGIN SOLUTION
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    ### END SOLUTION


def cross_entropy(z, labels):
    ### BEGIN SOLUTION
    n = z.shape[0]
    return -log_softmax(z)[np.arange(n), labels].mean()
    ### END SOLUTION


def cross_entropy_grad(z, labels):
    ### BEGIN SOLUTION
    n = z.shape[0]
    grad = softmax(z)
    grad[np.arange(n), labels] -= 1
    return grad / n
    ### END SOLUTION

# %% [grade 3]
checks.cross_entropy(cross_entropy, cross_entropy_grad)

# %% [markdown]
# # Exercise 8: logistic regression
#
# For two classes the model outputs a probability $y = \sigma(X w + b)$ with the logistic
# function $\sigma(a) = 1 / (1 + e^{-a})$, and is trained on the binary cross-entropy
#
# $$L = -\frac{1}{N} \sum_{i=1}^N \big[t_i \log y_i + (1 - t_i) \log(1 - y_i)\big]$$
#
# (with its minus sign, which the slide's formula lacks: without it the loss is never positive
# and descending it would make the classifier worse). In exercise 5 you found
# $\partial L / \partial a = (\sigma(a) - t) / N$ for the logits $a = X w + b$. With the chain
# rule through $a = X w + b$ you get the gradients of the parameters. Here everything is numpy,
# by hand; the check compares with the engine.

# %%
import sys

sys.path.insert(0, "..")  # exercises/, where checks.py lives
import checks
import numpy as np


def sigmoid(a):
    return 1 / (1 + np.exp(-a))

# %% [markdown]
# ## 8.1 Loss and gradients
# `X` is `(N, d)`, `t` is `(N, 1)` with values 0 or 1, `w` is `(d, 1)` and `b` has shape
# `(1,)`. Return `(loss, dw, db)` with `dw` of the shape of `w` and `db` of the shape of `b`.

# %%
def logistic_gradients(X, t, w, b):
    ### BEGIN SOLUTION
    n = X.shape[0]
    y = sigmoid(X @ w + b)
    loss = -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))
    delta = (y - t) / n
    return loss, X.T @ delta, delta.sum(0)
    ### END SOLUTION

# %% [grade 2]
checks.logistic_gradients(logistic_gradients)

# %% [markdown]
# ## 8.2 Training
# Gradient descent from `w = 0`, `b = 0` for `epochs` steps with learning rate `lr`, using
# your `logistic_gradients`. Return `(w, b)`.

# %%
def train_logistic_regression(X, t, lr, epochs):
    ### BEGIN SOLUTION
    w, b = np.zeros((X.shape[1], 1)), np.zeros(1)
    for _ in range(epochs):
        _, dw, db = logistic_gradients(X, t, w, b)
        w = w - lr * dw
        b = b - lr * db
    return w, b
    ### END SOLUTION

# %% [grade 1]
checks.logistic_regression(train_logistic_regression)

# %% [markdown]
# # Exercise 7: linear regression by gradient descent
#
# A linear model $y = X w + b$ fitted by minimising the MSE
# $L = \frac{1}{N} \sum_i (y_i - t_i)^2$ with the lecture's gradient descent,
#
# $$w_{\text{new}} = w_{\text{old}} - \alpha \frac{\partial L}{\partial w}, \qquad
#   b_{\text{new}} = b_{\text{old}} - \alpha \frac{\partial L}{\partial b}.$$
#
# This time the engine computes the gradients: you write the training loop. Each epoch (one
# step on the whole data set):
#
# 1. compute the loss on all the data and record it (`loss.item()`), before the update;
# 2. `loss.backward()` fills `w.grad` and `b.grad`;
# 3. update `w` and `b` in place inside `with ag.no_grad():` (the update itself must not
#    become part of the graph);
# 4. reset the gradients (`w.grad.zero_()` or `w.grad = None`): `backward` **adds** into
#    `.grad`, as in PyTorch.

# %%
import sys

sys.path.insert(0, "..")  # exercises/, where checks.py lives
import checks

import autograd as ag

# %% [markdown]
# `X` is a float64 tensor of shape `(N, d)`, `t` one of shape `(N, 1)`. Start from
# `w = ag.zeros(d, 1, dtype=ag.float64, requires_grad=True)` and
# `b = ag.zeros(1, dtype=ag.float64, requires_grad=True)`. Return `(w, b, losses)` with
# `losses` the list of the `epochs` loss values.

# %%
def train_linear_regression(X, t, lr, epochs):
    ### BEGIN SOLUTION
    d = X.shape[1]
    w = ag.zeros(d, 1, dtype=ag.float64, requires_grad=True)
    b = ag.zeros(1, dtype=ag.float64, requires_grad=True)
    losses = []
    for _ in range(epochs):
        loss = ((X @ w + b - t) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with ag.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
    return w, b, losses
    ### END SOLUTION

# %% [grade 3]
checks.linear_regression(train_linear_regression)

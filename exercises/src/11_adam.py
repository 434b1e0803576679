# %% [markdown]
# # Exercise 11: Adam
#
# Adam combines momentum (a running mean $m$ of the gradients) with RMSProp's scaling (a
# running mean $v$ of their squares, the "second moment"), and corrects both for starting at
# zero. With the step counter $t = 1, 2, \ldots$ and PyTorch's defaults
# $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\varepsilon = 10^{-8}$:
#
# $$m \leftarrow \beta_1 m + (1 - \beta_1) g, \qquad v \leftarrow \beta_2 v + (1 - \beta_2) g^2,$$
#
# $$\hat m = \frac{m}{1 - \beta_1^t}, \qquad \hat v = \frac{v}{1 - \beta_2^t}, \qquad
#   p \leftarrow p - \alpha \frac{\hat m}{\sqrt{\hat v} + \varepsilon}.$$
#
# Without the bias correction the first steps would be far too small: $m$ starts at 0, so
# after one step it is only $(1 - \beta_1) g$. The check compares 15 steps with `optim.Adam`.

# %%
import sys

sys.path.insert(0, "..")  # exercises/, where checks.py lives
import checks
import numpy as np

# %% [markdown]
# `m` and `v` start as zeros; `t` is the number of this step, 1 for the first. `betas` is the
# pair $(\beta_1, \beta_2)$. Return the new `(p, m, v)`.

# %%
def adam_step(p, grad, m, v, t, lr, betas, eps):
    ### BEGIN SOLUTION
    beta1, beta2 = betas
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
    ### END SOLUTION

# %% [grade 3]
checks.adam(adam_step)

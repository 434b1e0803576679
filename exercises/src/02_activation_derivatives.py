# %% [markdown]
# # Exercise 2: derivatives of activation functions
#
# The lecture's table lists each activation $f$ with its derivative $f'$. Here you write the
# derivative as the `backward` of an `ag.Function`, exactly as in PyTorch: `forward(ctx, x)`
# computes $f(x)$ and saves what the derivative needs; `backward(ctx, grad_output)` receives
# $\partial L / \partial f$ and returns the chain rule's
#
# $$\frac{\partial L}{\partial x} = \frac{\partial L}{\partial f} \cdot f'(x)$$
#
# (element by element). The check runs `ag.gradcheck`, which compares your backward with
# finite differences $(f(x + \varepsilon) - f(x - \varepsilon)) / 2\varepsilon$ in float64,
# and tells you at which element they disagree.
#
# | name | $f(x)$ | $f'(x)$ |
# |---|---|---|
# | Logistic | $\frac{1}{1 + e^{-x}}$ | $f(x)(1 - f(x))$ |
# | TanH | $\tanh(x)$ | $1 - f(x)^2$ |
# | SoftPlus | $\log_e(1 + e^x)$ | $\frac{1}{1 + e^{-x}}$ |
# | Gaussian | $e^{-x^2}$ | $-2x e^{-x^2}$ |

# %%
import sys

sys.path.insert(0, "..")  # exercises/, where checks.py lives
import checks

import autograd as ag

# %% [markdown]
# ## 2.1 Logistic (sigmoid)
# Its derivative needs only the output, so `forward` saves $f(x)$ rather than $x$.

# %%
class Sigmoid(ag.Function):
    @staticmethod
    def forward(ctx, x):
        y = 1 / (1 + (-x).exp())
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        ### BEGIN SOLUTION
        return grad_output * y * (1 - y)
        ### END SOLUTION

# %% [grade 1]
checks.activation(Sigmoid, "sigmoid")

# %% [markdown]
# ## 2.2 TanH

# %%
class Tanh(ag.Function):
    @staticmethod
    def forward(ctx, x):
        y = x.tanh()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        ### BEGIN SOLUTION
        return grad_output * (1 - y * y)
        ### END SOLUTION

# %% [grade 1]
checks.activation(Tanh, "tanh")

# %% [markdown]
# ## 2.3 SoftPlus
# Here backward needs $x$ itself. Tensors have `.exp()`, `.sigmoid()`, `.log()` and the
# usual operators.

# %%
class Softplus(ag.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (1 + x.exp()).log()

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        ### BEGIN SOLUTION
        return grad_output / (1 + (-x).exp())
        ### END SOLUTION

# %% [grade 1]
checks.activation(Softplus, "softplus")

# %% [markdown]
# ## 2.4 Gaussian

# %%
class Gaussian(ag.Function):
    @staticmethod
    def forward(ctx, x):
        y = (-(x * x)).exp()
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        ### BEGIN SOLUTION
        return grad_output * (-2 * x * y)
        ### END SOLUTION

# %% [grade 1]
checks.activation(Gaussian, "gaussian")

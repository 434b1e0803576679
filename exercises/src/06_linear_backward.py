# %% [markdown]
# # Exercise 6: a Linear layer's backward
#
# `nn.Linear` computes $y = x W^T + b$ on a batch: `x` has shape `(N, in)`, `W` is
# `(out, in)` and `b` is `(out,)`, so `y` is `(N, out)`. This is the lecture's
# $a^{(i+1)} = W^{(i)} y^{(i)} + b^{(i+1)}$ with one sample per row.
#
# Write its backward as an `ag.Function`. Given `grad_output` $G = \partial L / \partial y$
# (shape `(N, out)`), return $\partial L / \partial x$, $\partial L / \partial W$ and
# $\partial L / \partial b$, each of the shape of its input. Two rules help:
#
# * a gradient always has the shape of what it is the gradient of; matching shapes tells you
#   which matrix is transposed and on which side it goes;
# * the same $W$ and $b$ serve every sample, so their gradients **sum** over the batch
#   (the lecture's $\partial L / \partial W = \delta\, y^T$, one sample at a time).

# %%
import sys

sys.path.insert(0, "..")  # exercises/, where checks.py lives
import checks

import autograd as ag


# %%
class LinearFunction(ag.Function):
    @staticmethod
    def forward(ctx, x, W, b):
        ctx.save_for_backward(x, W)
        return x @ W.T + b

    @staticmethod
    def backward(ctx, grad_output):
        x, W = ctx.saved_tensors
        ### BEGIN SOLUTION
        grad_x = grad_output @ W
        grad_W = grad_output.T @ x
        grad_b = grad_output.sum(0)
        return grad_x, grad_W, grad_b
        ### END SOLUTION

# %% [grade 3]
checks.linear_backward(LinearFunction)

# %% [markdown]
# When the check passes, your Function trains like `nn.Linear`: the layer's
# `forward` is `LinearFunction.apply(x, self.weight, self.bias)`.

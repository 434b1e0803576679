# %% [markdown]
# # Exercise 13: a convolution by im2col, forward and backward
#
# A convolutional layer (`nn.Conv2d`) slides `F` filters of shape `(C, kh, kw)` over an image
# batch `x` of shape `(N, C, H, W)`. With stride $s$ and zero padding $p$ on each side,
# output pixel $(i, j)$ of filter $f$ is
#
# $$\text{out}[n, f, i, j] = b_f + \sum_{c, u, v} W[f, c, u, v]\;
#   x_{\text{pad}}[n, c, i s + u, j s + v],$$
#
# of size $O_H = (H + 2p - k_h) / s + 1$ (rounded down) by $O_W$ likewise. This is a
# cross-correlation: deep learning libraries do not flip the kernel.
#
# Four nested loops compute it, slowly. **im2col** rewrites it as one matrix product: copy
# every receptive field (a `(C, kh, kw)` patch) into a column of a matrix `cols` of shape
# `(N, C * kh * kw, O_H * O_W)`; then `W.reshape(F, -1) @ cols` gives every output at once.
#
# Its backward is a matrix product too: `dcols = W.reshape(F, -1).T @ grad` holds, for every
# column, the gradient of each patch element, and **col2im** adds each column back onto the
# pixels it was copied from. Where patches overlap (stride smaller than the kernel) a pixel
# was copied into several columns, so it receives the *sum* of their gradients.
#
# All numpy here; the check compares with a plain four-loop version.

# %%
import sys

sys.path.insert(0, "..")  # exercises/, where checks.py lives
import checks
import numpy as np


def output_size(h, w, kh, kw, stride, padding):
    return (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1

# %% [markdown]
# ## 13.1 im2col and the forward pass
# Order the rows of `cols` as `(c, u, v)`, the order of `W[f].ravel()`, and the columns as
# the output pixels `(i, j)` in row-major order. A loop over the `kh * kw` kernel offsets
# `(u, v)`, each copying a strided slice `x_pad[:, :, u : u + s * O_H : s, v : v + s * O_W : s]`,
# is fast enough: it loops over the kernel, not over the pixels.

# %%
def im2col(x, kh, kw, stride, padding):
    ### BEGIN SOLUTION
    n, c, h, w = x.shape
    oh, ow = output_size(h, w, kh, kw, stride, padding)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=x.dtype)
    for u in range(kh):
        for v in range(kw):
            cols[:, :, u, v] = xp[:, :, u:u + stride * oh:stride, v:v + stride * ow:stride]
    return cols.reshape(n, c * kh * kw, oh * ow)
    ### END SOLUTION


def conv2d_forward(x, W, b, stride, padding):
    ### BEGIN SOLUTION
    n, _, h, w = x.shape
    f, _, kh, kw = W.shape
    oh, ow = output_size(h, w, kh, kw, stride, padding)
    cols = im2col(x, kh, kw, stride, padding)
    out = W.reshape(f, -1) @ cols + b[:, None]
    return out.reshape(n, f, oh, ow)
    ### END SOLUTION

# %% [grade 3]
checks.conv2d_forward(conv2d_forward)

# %% [markdown]
# ## 13.2 col2im and the backward pass
# `col2im(cols, x_shape, kh, kw, stride, padding)` is im2col's adjoint: it adds the columns
# back into an array of the padded shape and returns it without the padding. Then
# `conv2d_backward(grad, x, W, stride, padding)` returns `(dx, dW, db)` for
# `grad` $= \partial L / \partial \text{out}$ of shape `(N, F, O_H, O_W)`.

# %%
def col2im(cols, x_shape, kh, kw, stride, padding):
    ### BEGIN SOLUTION
    n, c, h, w = x_shape
    oh, ow = output_size(h, w, kh, kw, stride, padding)
    cols = cols.reshape(n, c, kh, kw, oh, ow)
    xp = np.zeros((n, c, h + 2 * padding, w + 2 * padding), dtype=cols.dtype)
    for u in range(kh):
        for v in range(kw):
            xp[:, :, u:u + stride * oh:stride, v:v + stride * ow:stride] += cols[:, :, u, v]
    return xp[:, :, padding:padding + h, padding:padding + w]
    ### END SOLUTION


def conv2d_backward(grad, x, W, stride, padding):
    ### BEGIN SOLUTION
    n, f = grad.shape[:2]
    _, _, kh, kw = W.shape
    g = grad.reshape(n, f, -1)
    cols = im2col(x, kh, kw, stride, padding)
    dW = np.einsum("nfp,nkp->fk", g, cols).reshape(W.shape)
    db = grad.sum(axis=(0, 2, 3))
    dcols = W.reshape(f, -1).T @ g
    dx = col2im(dcols, x.shape, kh, kw, stride, padding)
    return dx, dW, db
    ### END SOLUTION

# %% [grade 3]
checks.conv2d_backward(conv2d_backward)

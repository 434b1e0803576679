# %% [markdown]
# # Exercise 14: an LSTM cell
#
# A recurrent network reads a sequence one step at a time and carries a state from step to
# step. The LSTM's state is a pair: the hidden state $h$ (its output) and the cell state $c$
# (its memory). Four *gates*, computed from the input $x$ and the previous $h$, decide what to
# forget, what to write and what to show. In PyTorch's `nn.LSTMCell`, whose weights stack the
# four gates in the order **(i, f, g, o)**:
#
# $$\begin{aligned}
# z &= x W_{ih}^T + b_{ih} + h W_{hh}^T + b_{hh} \quad\text{split into four: } z_i, z_f, z_g, z_o\\
# i &= \sigma(z_i),\quad f = \sigma(z_f),\quad g = \tanh(z_g),\quad o = \sigma(z_o)\\
# c' &= f \odot c + i \odot g\\
# h' &= o \odot \tanh(c')
# \end{aligned}$$
#
# Write it with `ag` operations on Tensors, so that the engine can back-propagate through it
# (the check runs `ag.gradcheck`): `@`, `+`, `*`, `.sigmoid()`, `.tanh()`, `.T`, and
# slicing such as `z[:, :H]`, or `ag.chunk(z, 4, dim=1)`.

# %%
import sys

sys.path.insert(0, "..")  # exercises/, where checks.py lives
import checks

import autograd as ag

# %% [markdown]
# `x` is `(N, input_size)`, `h` and `c` are `(N, H)`, `W_ih` is `(4H, input_size)`, `W_hh`
# is `(4H, H)` and the biases are `(4H,)`. Return `(h_new, c_new)`.

# %%
def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    ### BEGIN SOLUTION
    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    z_i, z_f, z_g, z_o = ag.chunk(z, 4, dim=1)
    i, f, g, o = z_i.sigmoid(), z_f.sigmoid(), z_g.tanh(), z_o.sigmoid()
    c_new = f * c + i * g
    h_new = o * c_new.tanh()
    return h_new, c_new
    ### END SOLUTION

# %% [grade 3]
checks.lstm_cell(lstm_cell)

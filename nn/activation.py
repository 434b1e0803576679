"""Activation modules: the course's table (a neuron outputs y = f(a)) and PyTorch's usual ones.

Each is a thin Module over the ``nn.functional`` function of the same name;
the formula f(x) and its derivative f'(x) are in that function's docstring
and, with the code, in ``autograd.ops.activations``.
"""

from __future__ import annotations

from typing import Any

import autograd as ag

from . import functional as F
from .module import Module
from .parameter import Parameter

__all__ = [
    "BinaryStep", "Sigmoid", "Tanh", "ArcTan", "ReLU", "Softplus", "BentIdentity",
    "SoftExponential", "Sinusoid", "Sinc", "Gaussian", "Softmax", "LogSoftmax", "LeakyReLU",
    "ELU", "GELU", "SiLU",
]

Tensor = ag.Tensor


def _inplace_repr(inplace: bool) -> str:
    return "inplace=True" if inplace else ""


class BinaryStep(Module):
    """Binary step: f(x) = 0 for x < 0, 1 for x >= 0;  f'(x) = 0 (so nothing below it learns).

    Input any shape; output the same shape, elementwise.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.BinaryStep()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([0., 1., 1.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.binary_step(input)


class Sigmoid(Module):
    """Logistic (soft step): f(x) = 1 / (1 + e^{-x}), in (0, 1);  f'(x) = f(x)(1 - f(x)).

    Input any shape; output the same shape, elementwise. Same as ``ag.sigmoid`` / ``F.sigmoid``.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.Sigmoid()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([0.1192, 0.5000, 0.9526])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.sigmoid(input)


class Tanh(Module):
    """TanH: f(x) = 2 / (1 + e^{-2x}) - 1, in (-1, 1);  f'(x) = 1 - f(x)^2.

    Input any shape; output the same shape, elementwise. Same as ``ag.tanh``.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.Tanh()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.9640,  0.0000,  0.9951])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.tanh(input)


class ArcTan(Module):
    """ArcTan: f(x) = tan^{-1}(x);  f'(x) = 1 / (x^2 + 1).

    Input any shape; output the same shape, elementwise.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.ArcTan()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.1071,  0.0000,  1.2490])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.arctan(input)


class ReLU(Module):
    """Rectified linear: f(x) = max(0, x);  f'(x) = 0 for x < 0, 1 for x > 0 (0 at 0, as PyTorch).

    Input any shape; output the same shape, elementwise. ``inplace=True`` overwrites the input
    instead of making a new tensor.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.ReLU()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([0., 0., 3.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class Softplus(Module):
    """SoftPlus: f(x) = (1/beta) ln(1 + e^{beta x});  f'(x) = 1 / (1 + e^{-beta x});
    f(x) = x where beta x > threshold.

    Input any shape; output the same shape, elementwise. A smooth ReLU; larger ``beta`` bends it
    more sharply at 0.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.Softplus()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([0.1269, 0.6931, 3.0486])
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class BentIdentity(Module):
    """Bent identity: f(x) = (sqrt(x^2 + 1) - 1)/2 + x;  f'(x) = x / (2 sqrt(x^2 + 1)) + 1.

    Input any shape; output the same shape, elementwise.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.BentIdentity()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.3820,  0.0000,  4.0811])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.bent_identity(input)


class SoftExponential(Module):
    """SoftExponential, a family between logarithmic (alpha < 0), linear (alpha = 0) and
    exponential (alpha > 0):

    f(alpha, x) = -ln(1 - alpha (x + alpha)) / alpha  for alpha < 0
                = x                                   for alpha = 0
                = (e^{alpha x} - 1) / alpha + alpha   for alpha > 0
    f'(alpha, x) = 1 / (1 - alpha (x + alpha)) for alpha < 0, e^{alpha x} for alpha >= 0.

    With ``learnable=True`` alpha is an ``nn.Parameter`` (``self.alpha``) trained with the
    rest of the network; otherwise a fixed number.

    Input any shape; output the same shape, elementwise.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.SoftExponential(alpha=0.5)(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.7642,  0.5000,  7.4634])
    """

    def __init__(self, alpha: float = 0.0, learnable: bool = False) -> None:
        super().__init__()
        self.learnable = learnable
        if learnable:
            self.alpha = Parameter(ag.tensor(float(alpha)))
        else:
            self.alpha = float(alpha)

    def forward(self, input: Tensor) -> Tensor:
        return F.soft_exponential(input, self.alpha)

    def extra_repr(self) -> str:
        alpha = float(self.alpha.item()) if isinstance(self.alpha, Tensor) else self.alpha
        return f"alpha={alpha}, learnable={self.learnable}"


class Sinusoid(Module):
    """Sinusoid: f(x) = sin(x);  f'(x) = cos(x).

    Input any shape; output the same shape, elementwise.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.Sinusoid()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.9093,  0.0000,  0.1411])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.sinusoid(input)


class Sinc(Module):
    """Sinc: f(x) = sin(x)/x, f(0) = 1;  f'(x) = cos(x)/x - sin(x)/x^2, f'(0) = 0.

    Input any shape; output the same shape, elementwise.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.Sinc()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([0.4546, 1.0000, 0.0470])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.sinc(input)


class Gaussian(Module):
    """Gaussian: f(x) = e^{-x^2};  f'(x) = -2x e^{-x^2}.

    Input any shape; output the same shape, elementwise.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.Gaussian()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([1.8316e-02, 1.0000e+00, 1.2341e-04])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.gaussian(input)


class Softmax(Module):
    """softmax(z)_j = e^{z_j} / sum_k e^{z_k} along ``dim``: outputs in (0, 1) that sum to 1.

    Input any shape; output the same shape. ``dim`` is the dimension that sums to 1 (for
    scores (N, C) use ``dim=1``); left as None it is chosen as PyTorch's legacy rule does
    (dim 0 for 0-, 1- and 3-d inputs, else 1), so name it. Computed stably (max subtracted).

    Examples:
        >>> import autograd as ag, nn
        >>> probs = nn.Softmax(dim=1)(ag.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
        >>> probs
        tensor([[0.0900, 0.2447, 0.6652],
                [0.3333, 0.3333, 0.3333]])
        >>> probs.sum(dim=1)
        tensor([1., 1.])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """log softmax(z)_j = z_j - ln sum_k e^{z_k} along ``dim`` (pair it with NLLLoss).

    Input any shape; output the same shape, along ``dim`` (name it, e.g. ``dim=1`` for (N, C)).
    More accurate than ``softmax(z).log()`` for very negative scores.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.LogSoftmax(dim=1)(ag.tensor([[1.0, 2.0, 3.0]]))
        tensor([[-2.4076, -1.4076, -0.4076]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.log_softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LeakyReLU(Module):
    """f(x) = x for x > 0, negative_slope x otherwise;  f'(x) = 1 or negative_slope.

    Input any shape; output the same shape, elementwise.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.LeakyReLU(negative_slope=0.1)(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.2000,  0.0000,  3.0000])
    """

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class ELU(Module):
    """f(x) = x for x > 0, alpha (e^x - 1) otherwise;  f'(x) = 1 or alpha e^x.

    Input any shape; output the same shape, elementwise.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.ELU()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.8647,  0.0000,  3.0000])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class GELU(Module):
    """f(x) = x Phi(x), Phi the standard normal CDF (``approximate='tanh'``: the tanh formula).

    Input any shape; output the same shape, elementwise. ``approximate`` is 'none' (exact, erf) or
    'tanh'.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.GELU()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.0455,  0.0000,  2.9960])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(
                f"approximate argument must be either none or tanh, got {approximate!r}"
            )
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """SiLU (swish): f(x) = x sigmoid(x).

    Input any shape; output the same shape, elementwise. Its derivative: sigmoid(x) (1 + x (1 -
    sigmoid(x))).

    Examples:
        >>> import autograd as ag, nn
        >>> nn.SiLU()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.2384,  0.0000,  2.8577])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.silu(input, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)




# --- more of PyTorch's activations -----------------------------------------------------------

__all__ += ["PReLU", "SELU", "Mish", "Softsign", "Hardtanh", "ReLU6"]


class PReLU(Module):
    """PReLU: f(x) = x for x > 0, a x otherwise, with a learned slope a: one for all channels
    (``num_parameters=1``) or one per channel (dim 1 of the input), each starting at ``init``.

    Input ``(N, C, *)`` (any shape when ``num_parameters=1``); output the same shape. The slope
    is ``weight``, of shape (num_parameters,).

    Examples:
        >>> import autograd as ag, nn
        >>> nn.PReLU()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.5000,  0.0000,  3.0000], grad_fn=<PreluKernelBackward0>)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(ag.empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every slope back to its initial value ``init``.

        Examples:
            >>> import autograd as ag, nn
            >>> m = nn.PReLU(init=0.25)
            >>> with ag.no_grad():
            ...     _ = m.weight.fill_(1.0)
            >>> m.reset_parameters()
            >>> m.weight.tolist()
            [0.25]
        """
        with ag.no_grad():
            self.weight.fill_(self.init)

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class SELU(Module):
    """SELU: f(x) = scale x for x > 0, scale alpha (e^x - 1) otherwise (alpha ~ 1.6733,
    scale ~ 1.0507): self-normalising, for nn.init's 'selu' gain.

    Input any shape; output the same shape, elementwise.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.SELU()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.5202,  0.0000,  3.1521])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.selu(input, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class Mish(Module):
    """Mish: f(x) = x tanh(softplus(x)).

    Input any shape; output the same shape, elementwise.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.Mish()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.2525,  0.0000,  2.9865])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.mish(input, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class Softsign(Module):
    """Softsign: f(x) = x / (1 + |x|);  f'(x) = 1 / (1 + |x|)^2.

    Input any shape; output the same shape, elementwise.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.Softsign()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.6667,  0.0000,  0.7500])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.softsign(input)


class Hardtanh(Module):
    """HardTanh: f(x) = min(max(x, min_val), max_val);  f'(x) = 1 strictly between, else 0.

    Input any shape; output the same shape, elementwise. Raises ValueError if
    min_val > max_val.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.Hardtanh()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        if min_val > max_val:
            raise ValueError("min_val cannot be greater than max_val")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        inplace = ", inplace=True" if self.inplace else ""
        return f"min_val={self.min_val}, max_val={self.max_val}{inplace}"


class ReLU6(Hardtanh):
    """ReLU6: f(x) = min(max(0, x), 6);  f'(x) = 1 for 0 < x < 6, else 0.

    Input any shape; output the same shape, elementwise.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.ReLU6()(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([0., 0., 3.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)

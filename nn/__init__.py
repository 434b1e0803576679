"""gradschool's ``nn``: layers, activations, losses and initialisation, as ``torch.nn``.

    import nn
    import nn.functional as F

    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))
    loss = nn.MSELoss()(model(x), y)
    loss.backward()

Uses only the public ``autograd`` API; ``nn.functional`` and ``nn.init`` are
reachable right after ``import nn``.

Examples:
    >>> import autograd as ag, nn
    >>> model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))
    >>> x, y = ag.randn(8, 2), ag.randn(8, 1)
    >>> loss = nn.MSELoss()(model(x), y)
    >>> loss.backward()
    >>> model[0].weight.grad.shape
    autograd.Size([3, 2])
"""

from __future__ import annotations

from . import functional, init, utils  # noqa: F401 - nn.functional, nn.init, nn.utils
from .activation import (
    ELU,
    GELU,
    ArcTan,
    BentIdentity,
    BinaryStep,
    Gaussian,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    SiLU,
    Sinc,
    Sinusoid,
    SoftExponential,
    Softmax,
    Softplus,
    Tanh,
)
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .conv import Conv1d, Conv2d, ConvTranspose2d
from .dropout import Dropout, Dropout1d, Dropout2d
from .linear import Flatten, Identity, Linear, Unflatten
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Module
from .normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, GroupNorm, LayerNorm
from .parameter import Parameter
from .pooling import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveMaxPool2d,
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
    MaxPool2d,
)
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from .sparse import Embedding
from .utils import rnn as _utils_rnn  # noqa: F401 - nn.utils.rnn, reachable after import nn

__all__ = [
    "Parameter", "Module", "Sequential", "ModuleList", "ModuleDict", "ParameterList",
    "ParameterDict", "Linear", "Identity",
    "Flatten", "Dropout", "BinaryStep", "Sigmoid", "Tanh", "ArcTan", "ReLU", "Softplus",
    "BentIdentity", "SoftExponential", "Sinusoid", "Sinc", "Gaussian", "Softmax", "LogSoftmax",
    "LeakyReLU", "ELU", "GELU", "SiLU", "MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss",
    "CrossEntropyLoss", "NLLLoss", "functional", "init",
    "Conv1d", "Conv2d", "ConvTranspose2d", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d",
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d",
    "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LayerNorm", "GroupNorm", "Dropout1d",
    "Dropout2d", "Embedding", "Unflatten",
    "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell", "RNNBase", "RNN", "LSTM", "GRU",
]

# --- more activations and losses ---------------------------------------------------------------
from .activation import SELU, Hardtanh, Mish, PReLU, ReLU6, Softsign  # noqa: E402
from .loss import (  # noqa: E402
    CosineEmbeddingLoss,
    HuberLoss,
    KLDivLoss,
    MarginRankingLoss,
    SmoothL1Loss,
)

__all__ += [
    "PReLU", "SELU", "Mish", "Softsign", "Hardtanh", "ReLU6", "SmoothL1Loss", "HuberLoss",
    "KLDivLoss", "CosineEmbeddingLoss", "MarginRankingLoss",
]

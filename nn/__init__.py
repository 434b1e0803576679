"""gradschool's ``nn``: layers, activations, losses and initialisation, as ``torch.nn``.

    import nn
    import nn.functional as F

    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))
    loss = nn.MSELoss()(model(x), y)
    loss.backward()

Uses only the public ``autograd`` API; ``nn.functional`` and ``nn.init`` are
reachable right after ``import nn``.
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
from .dropout import Dropout
from .linear import Flatten, Identity, Linear
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Module
from .parameter import Parameter
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from .utils import rnn as _utils_rnn  # noqa: F401 - nn.utils.rnn, reachable after import nn

__all__ = [
    "Parameter", "Module", "Sequential", "ModuleList", "ModuleDict", "ParameterList",
    "ParameterDict", "Linear", "Identity",
    "Flatten", "Dropout", "BinaryStep", "Sigmoid", "Tanh", "ArcTan", "ReLU", "Softplus",
    "BentIdentity", "SoftExponential", "Sinusoid", "Sinc", "Gaussian", "Softmax", "LogSoftmax",
    "LeakyReLU", "ELU", "GELU", "SiLU", "MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss",
    "CrossEntropyLoss", "NLLLoss", "functional", "init",
    "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell", "RNNBase", "RNN", "LSTM", "GRU",
]

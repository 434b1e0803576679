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

__all__ = [
    "Parameter", "Module", "Sequential", "ModuleList", "ModuleDict", "ParameterList",
    "ParameterDict", "Linear", "Identity",
    "Flatten", "Dropout", "BinaryStep", "Sigmoid", "Tanh", "ArcTan", "ReLU", "Softplus",
    "BentIdentity", "SoftExponential", "Sinusoid", "Sinc", "Gaussian", "Softmax", "LogSoftmax",
    "LeakyReLU", "ELU", "GELU", "SiLU", "MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss",
    "CrossEntropyLoss", "NLLLoss", "functional", "init",
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

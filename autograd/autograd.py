"""``autograd.autograd``: the names of ``torch.autograd``, for programs that use them dotted.

``from autograd.autograd import Function`` (as ``from torch.autograd import
Function``), ``ag.autograd.grad(...)``, ``ag.autograd.backward(...)`` and
``ag.autograd.functional.jacobian(...)`` reach the same objects as ``ag.Function``,
``ag.grad``, ``ag.backward`` and ``ag.functional`` (``grad``, ``backward`` and
``Tensor.backward`` live in ``autograd/grads.py``).
"""

from __future__ import annotations

from . import functional
from .anomaly import detect_anomaly, set_detect_anomaly
from .function import Function, FunctionCtx
from .grad_mode import enable_grad, no_grad, set_grad_enabled
from .gradcheck import gradcheck, gradgradcheck
from .grads import backward, grad

__all__ = ["Function", "FunctionCtx", "grad", "backward", "functional", "gradcheck",
           "gradgradcheck", "no_grad", "enable_grad", "set_grad_enabled", "detect_anomaly",
           "set_detect_anomaly"]

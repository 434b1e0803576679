"""``ag.cuda``: is there a GPU, which one is current. CuPy is imported only when asked.

As in PyTorch, ``'cuda'`` means the current GPU, and kernels run there. With
several GPUs, make ``cuda:N`` current before computing on tensors that live on
it: ``with ag.cuda.device(N): ...`` or ``ag.cuda.set_device(N)``.
"""

from __future__ import annotations

from typing import Any

from . import backend
from .backend import cuda_device_count, cuda_is_available

__all__ = ["is_available", "device_count", "current_device", "set_device", "device"]


def is_available() -> bool:
    """True when CuPy is installed and sees a GPU."""
    return cuda_is_available()


def device_count() -> int:
    """The number of GPUs CuPy sees (0 without CuPy)."""
    return cuda_device_count()


def _as_device(device: Any) -> backend.Device:
    if isinstance(device, int):
        return backend.Device("cuda", device)
    device = backend.Device(device)
    if device.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {device}")
    return device


def current_device() -> int:
    """The index of the current GPU."""
    return backend.current_cuda_index()


def set_device(device: Any) -> None:
    """Make GPU ``device`` (an index, 'cuda:N' or ag.device) the current one."""
    backend.cuda_device_context(_as_device(device)).use()


class device:  # noqa: N801 - PyTorch's name
    """``with ag.cuda.device(1): ...`` makes GPU 1 current inside the block (torch.cuda.device)."""

    def __init__(self, device: Any):
        self._context = backend.cuda_device_context(_as_device(device))

    def __enter__(self) -> device:
        self._context.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._context.__exit__(*exc)

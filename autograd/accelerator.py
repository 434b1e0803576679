"""``ag.accelerator``: is there an accelerator (a GPU through CuPy), and which, as
``torch.accelerator``. ``current_accelerator()`` is None on a machine without one, so
``device = ag.accelerator.current_accelerator() or 'cpu'`` picks the GPU where there is one."""

from __future__ import annotations

from . import backend

__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index"]


def is_available() -> bool:
    """True when a GPU can be used (CuPy installed and a device seen)."""
    return backend.cuda_is_available()


def current_accelerator(check_available: bool = False) -> backend.Device | None:
    """``device(type='cuda')`` where a GPU is available, else None."""
    return backend.Device("cuda") if backend.cuda_is_available() else None


def device_count() -> int:
    """The number of GPUs available (0 without any)."""
    return backend.cuda_device_count()


def current_device_index() -> int:
    """The index of the current GPU (as ``ag.cuda.current_device()``)."""
    return backend.current_cuda_index()

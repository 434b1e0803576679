"""``ag.cuda``: is there a GPU? (CuPy is imported only when asked.)"""

from __future__ import annotations

from .backend import cuda_device_count, cuda_is_available


def is_available() -> bool:
    """True when CuPy is installed and sees a GPU."""
    return cuda_is_available()


def device_count() -> int:
    """The number of GPUs CuPy sees (0 without CuPy)."""
    return cuda_device_count()

"""Reading and writing the safetensors format (``.safetensors``), as Hugging Face uses it.

A safetensors file holds a flat table of named arrays (name -> dtype, shape,
bytes) behind a small JSON header, and nothing else: no code runs when it is
read. It is the format in which model weights are shared today, and PyTorch's
``safetensors.torch`` reads and writes the same files, so a state_dict saved
here loads into a PyTorch model, and back.

``ag.save(model.state_dict(), "m.safetensors")`` and ``ag.load("m.safetensors")``
come here by the file's extension; the work is done by the ``safetensors``
package's numpy interface.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from . import backend
from .tensor import Tensor

__all__ = ["is_safetensors_path", "save_file", "load_file"]


def is_safetensors_path(f: Any) -> bool:
    """Whether ``f`` is a path (str or os.PathLike) whose name ends in ``.safetensors``."""
    if isinstance(f, (str, os.PathLike)):
        return os.fspath(f).endswith(".safetensors")
    return False


def _numpy_interface() -> Any:
    try:
        import safetensors.numpy
    except ImportError as exc:  # a core dependency, but say what to do if it is missing
        raise ImportError(
            "reading and writing .safetensors files needs the 'safetensors' package: "
            "pip install safetensors"
        ) from exc
    return safetensors.numpy


def save_file(tensors: Any, filename: Any, metadata: dict[str, str] | None = None) -> None:
    """Write a flat dict ``{name: Tensor}`` (a state_dict) to a safetensors file.

    GPU tensors are copied to the host first. ``metadata`` (str -> str) goes
    into the file's header.
    """
    if not isinstance(tensors, dict):
        raise TypeError(
            f"a .safetensors file holds a flat dict of str -> Tensor (such as a "
            f"state_dict), not a {type(tensors).__name__}; save other objects to a .npz path"
        )
    arrays: dict[str, np.ndarray] = {}
    for name, value in tensors.items():
        if not isinstance(name, str):
            raise TypeError(
                f"a .safetensors file needs string keys, got the key {name!r} "
                f"({type(name).__name__})"
            )
        if isinstance(value, Tensor):
            arr = backend.to_numpy(value._array)
        elif isinstance(value, np.ndarray):
            arr = value
        else:
            raise TypeError(
                f"a .safetensors file holds only tensors, but the value for {name!r} is a "
                f"{type(value).__name__}; save nested or mixed objects to a .npz path"
            )
        # the bytes are written in C order (np.ascontiguousarray would make a 0-d array 1-d)
        arrays[name] = arr if arr.flags.c_contiguous else arr.copy(order="C")
    _numpy_interface().save_file(arrays, filename, metadata=metadata)


def load_file(filename: Any, map_location: Any = None) -> dict[str, Tensor]:
    """Read a safetensors file into ``{name: Tensor}`` (on the CPU, or on ``map_location``)."""
    arrays = _numpy_interface().load_file(filename)
    device = backend.Device(str(map_location)) if map_location is not None else backend.CPU
    out: dict[str, Tensor] = {}
    for name, arr in arrays.items():
        if device.type == "cpu" and not arr.flags.writeable:
            arr = arr.copy()  # tensors are written in place (optimizers): own the memory
        out[name] = Tensor(backend.asarray(arr, device=device))
    return out

"""``ag.save`` / ``ag.load``: tensors and nested dicts of them in an .npz file, no pickle.

The arrays go into the archive as they are; the structure around them (dict
keys, lists, numbers, strings) goes in as JSON. Loading uses
``allow_pickle=False``, so a file from a stranger cannot run code.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from . import backend, safetensors_io
from .tensor import Tensor

__all__ = ["save", "load"]

_STRUCTURE = "__structure__"


def save(obj: Any, f: Any) -> None:
    """Write a Tensor, or dicts / lists / tuples of Tensors, arrays and plain values, to ``f``.

    A path ending in ``.safetensors`` gets the safetensors format instead (a
    flat dict of str -> Tensor, such as a state_dict; see ``safetensors_io``).
    """
    if safetensors_io.is_safetensors_path(f):
        return safetensors_io.save_file(obj, f)
    arrays: dict[str, np.ndarray] = {}

    def encode(x: Any) -> Any:
        if isinstance(x, Tensor):
            key = f"t{len(arrays)}"
            arrays[key] = backend.to_numpy(x.data)
            return {"__tensor__": key, "requires_grad": x.requires_grad, "device": str(x.device),
                    "parameter": type(x).__name__ == "Parameter"}
        if isinstance(x, np.ndarray):
            key = f"t{len(arrays)}"
            arrays[key] = x
            return {"__ndarray__": key}
        if isinstance(x, dict):
            return {"__dict__": [[encode_key(k), encode(v)] for k, v in x.items()]}
        if isinstance(x, tuple):
            return {"__tuple__": [encode(v) for v in x]}
        if isinstance(x, list):
            return [encode(v) for v in x]
        if isinstance(x, np.generic):
            return x.item()
        if x is None or isinstance(x, (bool, int, float, str)):
            return x
        raise TypeError(
            f"ag.save can store Tensors, arrays, numbers, strings and dicts/lists/tuples of "
            f"them, not {type(x).__name__}"
        )

    def encode_key(k: Any) -> Any:
        if isinstance(k, (str, int, float, bool)) or k is None:
            return k
        raise TypeError(f"ag.save: dict keys must be strings or numbers, got {type(k).__name__}")

    structure = json.dumps(encode(obj))
    arrays[_STRUCTURE] = np.frombuffer(structure.encode("utf-8"), dtype=np.uint8)
    if isinstance(f, (str, bytes)) or hasattr(f, "__fspath__"):
        with open(f, "wb") as fh:
            np.savez(fh, **arrays)
    else:
        np.savez(f, **arrays)


def load(f: Any, map_location: Any = None) -> Any:
    """Read what :func:`save` wrote. ``map_location='cpu'`` puts every tensor on the CPU.

    A path ending in ``.safetensors`` is read as a safetensors file, into a
    dict of str -> Tensor (on the CPU unless ``map_location`` names a device).
    """
    if safetensors_io.is_safetensors_path(f):
        return safetensors_io.load_file(f, map_location)
    with np.load(f, allow_pickle=False) as archive:
        if _STRUCTURE not in archive.files:
            raise ValueError(f"{f!r} is not a file written by ag.save (no structure record)")
        structure = json.loads(bytes(archive[_STRUCTURE]).decode("utf-8"))
        arrays = {k: archive[k] for k in archive.files if k != _STRUCTURE}

    def decode(x: Any) -> Any:
        if isinstance(x, dict):
            if "__tensor__" in x:
                device = map_location if map_location is not None else x.get("device", "cpu")
                arr = arrays[x["__tensor__"]]
                try:
                    data = backend.asarray(arr, device=backend.Device(str(device)))
                except RuntimeError as exc:
                    if map_location is not None:
                        raise
                    raise RuntimeError(
                        f"this file holds tensors saved on {device}, which can't be made here: "
                        f"{exc}\nTo load them on the CPU, call ag.load(f, map_location='cpu')."
                    ) from exc
                t = Tensor._make(data, None)
                if x.get("requires_grad"):
                    t.requires_grad_(True)
                return t
            if "__ndarray__" in x:
                return arrays[x["__ndarray__"]]
            if "__dict__" in x:
                return {k: decode(v) for k, v in x["__dict__"]}
            if "__tuple__" in x:
                return tuple(decode(v) for v in x["__tuple__"])
        if isinstance(x, list):
            return [decode(v) for v in x]
        return x

    return decode(structure)

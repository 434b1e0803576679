"""PyTorch's words for an op whose forward failed in numpy: tensors on different devices,
shapes that do not broadcast. Called only after a forward raised, so ops pay nothing."""

from __future__ import annotations

import itertools
import sys

import numpy as np

from . import backend
from .tensor import unwrap


def check_one_device(args: tuple) -> None:
    """Raise PyTorch's error when an op's tensors live on different devices.

    Called only after a forward failed, so the common path pays nothing.
    """
    devices = []
    for a in args:
        data = unwrap(a)
        if hasattr(data, "shape") and not isinstance(data, np.generic):
            d = backend.device_of(data)
            if d not in devices:
                devices.append(d)
    if len(devices) > 1:
        raise RuntimeError(
            f"Expected all tensors to be on the same device, but found at least two devices, "
            f"{devices[0]} and {devices[1]}!"
        )
    if len(devices) == 1 and devices[0].type == "cuda":
        current = backend.current_cuda_index()
        if devices[0].index != current:
            raise RuntimeError(
                f"the tensors are on {devices[0]} but the current GPU is cuda:{current}, where "
                f"kernels run: compute inside `with ag.cuda.device({devices[0].index}):` or "
                f"call ag.cuda.set_device({devices[0].index}) first"
            )


def check_broadcast(cls: type, args: tuple) -> None:
    """Turn numpy's ValueError for shapes that do not broadcast into PyTorch's RuntimeError.

    Called only after a forward failed; names the first dimension that differs, as PyTorch.
    """
    err = sys.exc_info()[1]
    if not (isinstance(err, ValueError) and "broadcast" in str(err)):
        return
    shapes = [tuple(a.shape) for a in args if hasattr(a, "shape") and not isinstance(a, np.generic)]
    where = ""
    for a, b in itertools.product(shapes, shapes):
        dims = [(n, m, i) for i, (n, m) in enumerate(zip(a[::-1], b[::-1])) if n != m != 1 != n]
        if dims:
            n, m, i = dims[0]
            where = (f"The size of tensor a ({n}) must match the size of tensor b ({m}) at "
                     f"non-singleton dimension {max(len(a), len(b)) - 1 - i}: ")
            break
    name = cls.__name__.lower()
    raise RuntimeError(
        f"{where}{name}: shapes {', '.join(map(str, shapes))} cannot be broadcast together"
    ) from err

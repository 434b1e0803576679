"""``repr`` of a Tensor, character for character as PyTorch prints it.

Students compare printed tensors with PyTorch's, so this follows
``torch/_tensor_str.py`` (default print options: 4 decimals, 80 columns,
summaries above 1000 elements with 3 items at each edge):

- one formatter for the whole tensor: integers and bools as ``str``; floats
  in fixed point with 4 decimals, as ``1.`` when every finite non-zero value
  is whole, or in scientific notation when the non-zero finite magnitudes span
  more than 1000x, exceed 1e8 or fall under 1e-4;
- every element right-aligned to the widest finite non-zero element;
- as many elements per line as fit in 80 columns;
- suffixes ``device=``, ``size=`` (empty tensors), ``dtype=`` (unless the
  default float, int64 or bool), ``grad_fn=<...>`` or ``requires_grad=True``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

PRECISION = 4
LINEWIDTH = 80
THRESHOLD = 1000
EDGEITEMS = 3


class _Formatter:
    """Formats every element of one tensor to a common width."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        if not self.floating:
            for value in flat.tolist():
                self.max_width = max(self.max_width, len(str(value)))
            return
        finite = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if finite.size == 0:
            return
        magnitude = np.abs(finite)
        low, high = magnitude.min(), magnitude.max()
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        self.sci_mode = bool(high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4)
        for value in finite.tolist():
            if self.sci_mode:
                width = len(f"{value:.{PRECISION}e}")
            elif self.int_mode:
                width = len(f"{value:.0f}") + 1  # the "." that marks a float
            else:
                width = len(f"{value:.{PRECISION}f}")
            self.max_width = max(self.max_width, width)

    def format(self, value: Any) -> str:
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{PRECISION}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if not (math.isinf(value) or math.isnan(value)):
                text += "."
        else:
            text = f"{value:.{PRECISION}f}"
        return (self.max_width - len(text)) * " " + text


def _summarized(values: np.ndarray) -> np.ndarray:
    """Only the elements a summary shows: EDGEITEMS at each end of every dimension."""
    if values.ndim == 0:
        return values
    if values.ndim == 1:
        if values.shape[0] > 2 * EDGEITEMS:
            return np.concatenate((values[:EDGEITEMS], values[-EDGEITEMS:]))
        return values
    rows = list(values)
    if len(rows) > 2 * EDGEITEMS:
        rows = rows[:EDGEITEMS] + rows[-EDGEITEMS:]
    return np.stack([_summarized(row) for row in rows])


def _vector(values: np.ndarray, indent: int, summarize: bool, formatter: _Formatter) -> str:
    per_line = max(1, math.floor((LINEWIDTH - indent) / (formatter.max_width + 2)))
    if summarize and values.shape[0] > 2 * EDGEITEMS:
        data = ([formatter.format(v) for v in values[:EDGEITEMS].tolist()] + [" ..."]
                + [formatter.format(v) for v in values[-EDGEITEMS:].tolist()])
    else:
        data = [formatter.format(v) for v in values.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(values: np.ndarray, indent: int, summarize: bool, formatter: _Formatter) -> str:
    if values.ndim == 0:
        return formatter.format(values.item())
    if values.ndim == 1:
        return _vector(values, indent, summarize, formatter)
    rows = range(values.shape[0])
    if summarize and values.shape[0] > 2 * EDGEITEMS:
        head = [_nested(values[i], indent + 1, summarize, formatter) for i in rows[:EDGEITEMS]]
        tail = [_nested(values[i], indent + 1, summarize, formatter) for i in rows[-EDGEITEMS:]]
        parts = head + ["..."] + tail
    else:
        parts = [_nested(values[i], indent + 1, summarize, formatter) for i in rows]
    return "[" + ("," + "\n" * (values.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def tensor_repr(values: np.ndarray, dtype_name: str, default_float: np.dtype,
                device: str | None = None, grad: str | None = None) -> str:
    """``tensor(...)`` for the host array ``values``.

    ``dtype_name`` is printed unless the dtype is the default float, int64 or bool (for an
    empty tensor: unless it is the default float); ``device`` and ``grad`` (a
    ``grad_fn=<...>`` or ``requires_grad=True``) are the suffixes around it.
    """
    prefix = "tensor("
    indent = len(prefix)
    suffixes = [f"device='{device}'"] if device is not None else []
    if values.size == 0:
        if values.ndim != 1:
            suffixes.append(f"size={tuple(values.shape)}")
        if values.dtype != default_float:
            suffixes.append(f"dtype={dtype_name}")
        body = "[]"
    else:
        if values.dtype not in (default_float, np.dtype(np.int64), np.dtype(np.bool_)):
            suffixes.append(f"dtype={dtype_name}")
        summarize = values.size > THRESHOLD
        if values.dtype == np.float16:
            values = values.astype(np.float32)
        formatter = _Formatter(_summarized(values) if summarize else values)
        body = _nested(values, indent, summarize, formatter)
    if grad is not None:
        suffixes.append(grad)
    text = prefix + body
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        # Measured as PyTorch's "torch.float64", so lines break where PyTorch breaks them.
        width = len(suffix.replace("autograd.", "torch."))
        if last_line + width + 2 > LINEWIDTH:
            text += ",\n" + " " * indent + suffix
            last_line = indent + width
        else:
            text += ", " + suffix
            last_line += width + 2
    return text + ")"

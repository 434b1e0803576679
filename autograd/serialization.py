"""``ag.save`` / ``ag.load``: tensors and nested dicts of them in an .npz file, no pickle.

The arrays go into the archive as they are; the structure around them (dict
keys, lists, numbers, strings) goes in as JSON. Loading never unpickles, so a
file from a stranger cannot run code, and checks every size before it reads,
so a crafted file cannot fill the memory either.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from typing import Any

import numpy as np

from . import backend, safetensors_io
from .tensor import Tensor

__all__ = ["save", "load", "LoadError"]

_STRUCTURE = "__structure__"


def save(obj: Any, f: Any) -> None:
    """Write a Tensor, or dicts / lists / tuples of Tensors, arrays and plain values, to ``f``.

    ``f`` is a path or a binary file object. The file is a numpy ``.npz`` archive with a JSON
    record of the structure: nothing is pickled, so :func:`load` runs no code from it. A path
    ending in ``.safetensors`` is written in the safetensors format instead (a flat dict of
    str -> Tensor, such as a ``state_dict``). Tensors keep their dtype, ``requires_grad`` and
    device.

    Raises:
        TypeError: ``obj`` holds something else (a class instance, a function, ...).

    Examples:
        >>> import autograd as ag
        >>> ag.save({"w": ag.tensor([1.0, 2.0]), "step": 3}, "checkpoint.pt")
        >>> ag.load("checkpoint.pt")
        {'w': tensor([1., 2.]), 'step': 3}
    """
    if safetensors_io.is_safetensors_path(f):
        return safetensors_io.save_file(obj, f)
    arrays: dict[str, np.ndarray] = {}

    def encode(x: Any) -> Any:
        if isinstance(x, Tensor):
            key = f"t{len(arrays)}"
            arrays[key] = backend.to_numpy(x._array)
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


class LoadError(ValueError):
    """``ag.load`` could not read the file: it names the file and says what is wrong with it."""


# Limits that keep a crafted file from exhausting memory before it is found out. ag.save
# stores its arrays uncompressed, so a stored array can be no larger than the file itself;
# a compressed one (np.savez_compressed) may inflate up to this factor.
MAX_COMPRESSION_RATIO = 100
MAX_STRUCTURE_BYTES = 64 * 2**20  # the JSON record of the dicts and lists around the arrays


def load(f: Any, map_location: Any = None) -> Any:
    """Read what :func:`save` wrote; ``map_location="cpu"`` puts every tensor on the CPU.

    A path ending in ``.safetensors`` is read as a safetensors file, into a dict of
    str -> Tensor. Nothing is unpickled, and every array's size is checked against the
    file before it is read.

    Raises:
        LoadError: (a ValueError) the file is not one ``save`` wrote, or is damaged; the
            message says why.

    Examples:
        >>> import autograd as ag
        >>> ag.save([ag.tensor([1, 2]), ag.ones(2, requires_grad=True)], "tensors.pt")
        >>> ag.load("tensors.pt")
        [tensor([1, 2]), tensor([1., 1.], requires_grad=True)]
    """
    if safetensors_io.is_safetensors_path(f):
        return safetensors_io.load_file(f, map_location)
    name = _file_name(f)
    try:
        archive = zipfile.ZipFile(f)
    except zipfile.BadZipFile:
        raise LoadError(f"{name}: {_why_not_a_zip(f)}") from None
    except (OSError, EOFError) as exc:
        raise LoadError(f"{name}: could not be read as a zip archive ({exc})") from None
    with archive:
        reader = _ArchiveReader(archive, name, _file_size(f))
        if reader.member(_STRUCTURE) is None:
            raise LoadError(
                f"{name} is not a file written by ag.save (no structure record "
                f"'{_STRUCTURE}.npy'); it holds {sorted(archive.namelist())[:10]}"
            )
        raw = reader.read(_STRUCTURE, max_bytes=MAX_STRUCTURE_BYTES)
        if raw.dtype != np.uint8 or raw.ndim != 1:
            raise LoadError(
                f"{name}: the structure record should be a 1-d uint8 array (UTF-8 JSON), "
                f"got dtype {raw.dtype} and shape {raw.shape}"
            )
        try:
            structure = json.loads(raw.tobytes().decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise LoadError(f"{name}: the structure record is not valid JSON ({exc})") from None
        try:
            return _Decoder(reader, map_location).decode(structure)
        except RecursionError:
            raise LoadError(f"{name}: the structure record is nested too deeply") from None


def _file_name(f: Any) -> str:
    if isinstance(f, (str, bytes)) or hasattr(f, "__fspath__"):
        return repr(str(f.decode() if isinstance(f, bytes) else f))
    name = getattr(f, "name", None)
    return repr(name) if isinstance(name, str) else f"the {type(f).__name__} given to ag.load"


def _file_size(f: Any) -> int | None:
    """The size of the file in bytes, or None where it cannot be told."""
    try:
        if isinstance(f, (str, bytes)) or hasattr(f, "__fspath__"):
            return os.path.getsize(f)
        here = f.tell()
        size = f.seek(0, os.SEEK_END)
        f.seek(here)
        return size
    except (OSError, AttributeError, ValueError):
        return None


def _why_not_a_zip(f: Any) -> str:
    """Why zipfile refused the file, told from its first bytes: empty, cut short, or other."""
    try:
        if isinstance(f, (str, bytes)) or hasattr(f, "__fspath__"):
            with open(f, "rb") as fh:
                head = fh.read(4)
        else:
            f.seek(0)
            head = f.read(4)
    except (OSError, AttributeError, ValueError):
        head = b""
    if head == b"":
        return "the file is empty, not a file written by ag.save"
    if head == b"PK\x03\x04":
        return ("the file is truncated or damaged: it starts as a zip archive (ag.save's "
                "format) but its table of contents is missing")
    return f"not a file written by ag.save: it is not a zip archive (it starts with {head!r})"


class _ArchiveReader:
    """Reads single .npy members of an open zip archive, checking their sizes first."""

    def __init__(self, archive: zipfile.ZipFile, name: str, file_size: int | None):
        self.archive, self.name, self.file_size = archive, name, file_size
        self.read_already: set[str] = set()

    def member(self, key: str) -> zipfile.ZipInfo | None:
        try:
            return self.archive.getinfo(key + ".npy")
        except KeyError:
            return None

    def read(self, key: str, max_bytes: int | None = None) -> np.ndarray:
        """The array stored under ``key``, after checking what its headers declare."""
        info = self.member(key)
        where = f"{self.name}, array '{key}'"
        if info is None:
            raise LoadError(
                f"{self.name}: the structure refers to an array '{key}' that the file does not "
                "hold (the file is damaged, or was not written by ag.save)"
            )
        if key in self.read_already:  # ag.save writes each array once
            raise LoadError(f"{where}: the structure refers to it more than once")
        self.read_already.add(key)
        if info.compress_type == zipfile.ZIP_STORED:
            if info.file_size != info.compress_size:
                raise LoadError(f"{where}: its zip entry is inconsistent (stored, yet "
                                f"{info.compress_size} bytes in the file give {info.file_size})")
            if self.file_size is not None and info.header_offset + info.compress_size > \
                    self.file_size:
                raise LoadError(f"{where}: the file is truncated (the array's {info.file_size} "
                                f"bytes would end past the end of the {self.file_size}-byte "
                                "file)")
        elif info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise LoadError(
                f"{where}: {info.compress_size} compressed bytes claim to inflate to "
                f"{info.file_size} bytes, more than {MAX_COMPRESSION_RATIO} times as many (a "
                "zip bomb?); ag.save never compresses"
            )
        if max_bytes is not None and info.file_size > max_bytes:
            raise LoadError(f"{where}: {info.file_size} bytes, more than the {max_bytes} "
                            "allowed for it")
        try:
            with self.archive.open(info) as fp:
                return self._read_npy(fp, info, where)
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
            raise LoadError(f"{where}: the file is truncated or damaged ({exc})") from None

    def _read_npy(self, fp: Any, info: zipfile.ZipInfo, where: str) -> np.ndarray:
        try:
            version = np.lib.format.read_magic(fp)
            if version == (1, 0):
                shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(fp)
            elif version == (2, 0):
                shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(fp)
            else:
                raise ValueError(f"unsupported .npy format version {version}")
        except ValueError as exc:
            raise LoadError(f"{where}: not a valid .npy array ({exc})") from None
        if dtype.hasobject:
            raise LoadError(
                f"{where} holds Python objects (dtype {dtype}), which would need unpickling: "
                "ag.load never unpickles anything, so it cannot read them"
            )
        count = 1
        for n in shape:
            if n < 0:
                raise LoadError(f"{where}: its header declares a negative size, shape {shape}")
            count *= n
        nbytes = count * dtype.itemsize
        header = fp.tell()
        if header + nbytes != info.file_size:
            raise LoadError(
                f"{where}: its header declares shape {shape} of {dtype} ({nbytes} bytes), but "
                f"the archive holds {info.file_size - header} bytes for it"
            )
        out = np.empty(shape, dtype=dtype, order="F" if fortran_order else "C")
        view = memoryview(out.reshape(-1, order="A").view(np.uint8)) if nbytes else None
        done = 0
        while done < nbytes:  # the declared, checked size, read straight into the array
            got = fp.readinto(view[done:])
            if not got:
                raise LoadError(f"{where}: the file is truncated ({done} of {nbytes} bytes)")
            done += got
        return out


class _Decoder:
    """Rebuilds the saved object from the structure record, reading each array it names."""

    def __init__(self, reader: _ArchiveReader, map_location: Any):
        self.reader, self.map_location = reader, map_location

    def malformed(self, what: str, x: Any) -> LoadError:
        text = json.dumps(x)
        return LoadError(f"{self.reader.name}: malformed structure record: {what}, got "
                         f"{text[:80] + '...' if len(text) > 80 else text}")

    def decode(self, x: Any) -> Any:
        if isinstance(x, list):
            return [self.decode(v) for v in x]
        if not isinstance(x, dict):
            if x is None or isinstance(x, (bool, int, float, str)):
                return x
            raise self.malformed("an unknown value", x)  # json gives no other types
        if "__tensor__" in x:
            return self.tensor(x)
        if "__ndarray__" in x:
            return self.reader.read(self.key(x, "__ndarray__"))
        if "__dict__" in x:
            items = x["__dict__"]
            if not isinstance(items, list) or not all(
                    isinstance(kv, list) and len(kv) == 2 and not isinstance(kv[0], (list, dict))
                    for kv in items):
                raise self.malformed("'__dict__' should be a list of [key, value] pairs", x)
            return {k: self.decode(v) for k, v in items}
        if "__tuple__" in x:
            if not isinstance(x["__tuple__"], list):
                raise self.malformed("'__tuple__' should be a list", x)
            return tuple(self.decode(v) for v in x["__tuple__"])
        raise self.malformed("an object with none of the keys ag.save writes", x)

    def key(self, x: dict, field: str) -> str:
        key = x[field]
        if not isinstance(key, str) or key == _STRUCTURE:
            raise self.malformed(f"'{field}' should name an array of the file", x)
        return key

    def tensor(self, x: dict) -> Tensor:
        arr = self.reader.read(self.key(x, "__tensor__"))
        saved_on = x.get("device", "cpu")
        if not isinstance(saved_on, str) or not isinstance(x.get("requires_grad", False), bool):
            raise self.malformed("a tensor's 'device' should be a string and its "
                                 "'requires_grad' true or false", x)
        device = self.map_location if self.map_location is not None else saved_on
        try:
            device = backend.Device(str(device))
        except (ValueError, RuntimeError, TypeError) as exc:
            if self.map_location is not None:
                raise
            raise self.malformed(f"an unknown device ({exc})", x) from None
        if arr.dtype.kind not in "biufc":
            raise LoadError(f"{self.reader.name}: a tensor's array has dtype {arr.dtype}, which "
                            "a tensor cannot hold")
        try:
            data = backend.asarray(arr, device=device)
        except RuntimeError as exc:
            if self.map_location is not None:
                raise
            raise RuntimeError(
                f"this file holds tensors saved on {saved_on}, which can't be made here: "
                f"{exc}\nTo load them on the CPU, call ag.load(f, map_location='cpu')."
            ) from exc
        t = Tensor(data)
        if x.get("requires_grad"):
            if arr.dtype.kind not in "fc":
                raise self.malformed(f"requires_grad for a tensor of dtype {arr.dtype}", x)
            t.requires_grad_(True)
        return t

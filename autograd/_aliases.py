"""``autograd.nn`` and ``autograd.optim``: PyTorch's dotted names for the top-level packages.

A PyTorch program becomes a gradschool program by swapping its imports
(``import torch`` -> ``import autograd as torch``, ``import torch.nn as nn`` ->
``import autograd.nn as nn``). For that, ``autograd.nn`` must BE the package
``nn`` (the same module object, so ``autograd.nn.Linear is nn.Linear``), not a
copy, and ``import autograd`` alone must still not import ``nn`` or ``optim``
(``autograd`` knows nothing of them; they are built on it).

Two small pieces do it:

- ``autograd.__getattr__`` (PEP 562) answers ``torch.nn`` / ``torch.optim`` in
  a function body by importing the top-level package on first use;
- :class:`AliasFinder`, first on ``sys.meta_path``, answers the import
  statements (``import autograd.nn.functional as F``, ``from
  autograd.optim.lr_scheduler import StepLR``): for a name under an alias it
  imports the real module and hands that very object back.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType

__all__ = ["ALIASES", "AliasFinder", "install", "resolve"]

# alias prefix -> the real top-level package it stands for
ALIASES = {"autograd.nn": "nn", "autograd.optim": "optim"}


def _real_name(fullname: str) -> str | None:
    """'autograd.nn.functional' -> 'nn.functional'; None for a name under no alias."""
    for alias, real in ALIASES.items():
        if fullname == alias or fullname.startswith(alias + "."):
            return real + fullname[len(alias):]
    return None


def resolve(name: str) -> ModuleType:
    """The top-level package that ``autograd.<name>`` stands for, imported on first use."""
    return importlib.import_module(ALIASES["autograd." + name])


class AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``autograd.nn...`` / ``autograd.optim...`` and loads them as the real modules."""

    def find_spec(self, fullname: str, path: object = None,
                  target: object = None) -> importlib.machinery.ModuleSpec | None:
        real = _real_name(fullname)
        if real is None or importlib.util.find_spec(real) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        # The module object under the alias is the real one, imported (once) by its own name.
        module = importlib.import_module(_real_name(spec.name))
        spec.loader_state = module.__spec__  # kept to be put back below
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The import system has just set module.__spec__ to the alias's spec; give the real
        # module its own back, so that reload, pickling and tracebacks see its true name.
        module.__spec__ = module.__spec__.loader_state


_FINDER = AliasFinder()


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _FINDER)

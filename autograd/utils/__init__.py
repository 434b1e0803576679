"""``autograd.utils``: home of ``autograd.utils.data``, PyTorch's ``torch.utils.data``.

``autograd.utils.data`` is the module :mod:`autograd.data` itself (Dataset,
TensorDataset, Subset, DataLoader, random_split, default_collate), so
``from autograd.utils.data import DataLoader`` gives the same class as
``ag.data.DataLoader``.
"""

import sys

from .. import data

sys.modules[__name__ + ".data"] = data  # `import autograd.utils.data` finds it here

__all__ = ["data"]

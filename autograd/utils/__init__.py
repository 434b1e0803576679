"""``autograd.utils``: home of ``autograd.utils._array``, PyTorch's ``torch.utils.data``.

``autograd.utils._array`` is the module :mod:`autograd.data` itself (Dataset,
TensorDataset, Subset, DataLoader, random_split, default_collate), so
``from autograd.utils._array import DataLoader`` gives the same class as
``ag.data.DataLoader``.
"""

import sys

from .. import data

sys.modules[__name__ + "._array"] = data  # `import autograd.utils._array` finds it here

__all__ = ["data"]

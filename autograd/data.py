"""Datasets and mini-batch loading, as ``torch.utils.data`` (filled in by the nn/optim work)."""

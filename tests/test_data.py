"""ag.data: TensorDataset, DataLoader (the lecture's three regimes), Subset, random_split."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd import backend
from autograd.data import DataLoader, Dataset, Subset, TensorDataset, default_collate, random_split


def make_dataset(n=10):
    X = ag.tensor(np.arange(n * 3, dtype=np.float32).reshape(n, 3))
    Y = ag.arange(n)
    return X, Y, TensorDataset(X, Y)


def test_reachable_after_import_autograd():
    assert ag.data.DataLoader is DataLoader and ag.data.TensorDataset is TensorDataset


def test_tensor_dataset_samples():
    X, Y, ds = make_dataset()
    assert len(ds) == 10
    x, y = ds[3]
    np.testing.assert_array_equal(x._array, [9.0, 10.0, 11.0])
    assert y.item() == 3


def test_tensor_dataset_checks_first_dims():
    with pytest.raises(ValueError, match=r"Size mismatch between tensors.*\(4, 2\), \(5,\)"):
        TensorDataset(ag.zeros(4, 2), ag.zeros(5))
    with pytest.raises(ValueError, match="at least one tensor"):
        TensorDataset()
    with pytest.raises(TypeError, match="takes Tensors"):
        TensorDataset(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="0-d"):
        TensorDataset(ag.tensor(1.0))


@pytest.mark.parametrize("n, batch_size, drop_last, expected_len", [
    (10, 1, False, 10), (10, 3, False, 4), (10, 3, True, 3), (10, 10, False, 1),
    (10, 10, True, 1), (10, 5, True, 2), (10, 32, False, 1), (10, 32, True, 0),
])
@pytest.mark.parametrize("shuffle", [False, True])
def test_one_epoch_visits_every_sample_once(n, batch_size, drop_last, expected_len, shuffle):
    X, Y, ds = make_dataset(n)
    loader = DataLoader(ds, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last)
    batches = list(loader)
    assert len(loader) == len(batches) == expected_len
    seen = [int(i) for _, y in batches for i in y._array]
    for x, y in batches:  # rows stay paired with their labels
        np.testing.assert_array_equal(x._array, X._array[y._array])
        assert x.shape[0] <= batch_size
    if drop_last:
        assert len(seen) == expected_len * batch_size and len(set(seen)) == len(seen)
        assert all(x.shape[0] == batch_size for x, _ in batches)
    else:
        assert sorted(seen) == list(range(n))
    if not shuffle:
        assert seen == list(range(len(seen)))


@given(n=st.integers(1, 40), batch_size=st.integers(1, 45), drop_last=st.booleans(),
       shuffle=st.booleans(), seed=st.integers(0, 2**31))
def test_any_loader_setting_visits_each_sample_at_most_once(n, batch_size, drop_last, shuffle,
                                                            seed):
    X, Y, ds = make_dataset(n)
    loader = DataLoader(ds, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last,
                        generator=ag.Generator().manual_seed(seed))
    batches = list(loader)
    assert len(batches) == len(loader) == (n // batch_size if drop_last else -(-n // batch_size))
    seen = [int(i) for _, y in batches for i in y._array]
    assert len(seen) == len(set(seen)) == (n - n % batch_size if drop_last else n)
    for x, y in batches:
        np.testing.assert_array_equal(x._array, X._array[y._array])


def test_the_three_regimes_of_the_lecture():
    X, Y, ds = make_dataset(12)
    # BATCH_SIZE == N: batch gradient descent, one step per epoch on all the data
    (x, y), = DataLoader(ds, batch_size=12)
    np.testing.assert_array_equal(x._array, X._array)
    # 1 < BATCH_SIZE < N: mini-batches
    assert [b[0].shape for b in DataLoader(ds, batch_size=5)] == [(5, 3), (5, 3), (2, 3)]
    # BATCH_SIZE == 1: stochastic gradient descent, one sample per step (still a batch axis)
    batches = list(DataLoader(ds, batch_size=1, shuffle=True))
    assert len(batches) == 12 and all(x.shape == (1, 3) and y.shape == (1,) for x, y in batches)


def test_batches_are_lists_of_new_tensors_as_in_pytorch():
    X, Y, ds = make_dataset()
    batch = next(iter(DataLoader(ds, batch_size=4)))
    assert isinstance(batch, list) and len(batch) == 2
    x, y = batch
    assert x.dtype == ag.float32 and y.dtype == ag.int64 and not x.requires_grad
    x._array[...] = -1  # a batch owns its data: the dataset is unchanged
    assert X._array[0, 0] == 0.0


def test_batching_is_done_by_indexing_not_a_loop_over_samples():
    """__getitem__ is never called for a TensorDataset: batches come from whole-tensor indexing."""

    class Counting(TensorDataset):
        calls = 0

        def __getitem__(self, index):
            Counting.calls += 1
            return super().__getitem__(index)

    ds = Counting(ag.zeros(100, 2), ag.zeros(100))
    for _ in DataLoader(ds, batch_size=10, shuffle=True):
        pass
    for _ in DataLoader(Subset(ds, range(50)), batch_size=10):
        pass
    assert Counting.calls == 0


def test_shuffle_follows_manual_seed_and_generator():
    _, _, ds = make_dataset(20)

    def order(**kwargs):
        return [int(i) for _, y in DataLoader(ds, batch_size=6, shuffle=True, **kwargs)
                for i in y._array]

    ag.manual_seed(7)
    first = order()
    second = order()  # a new order every epoch
    ag.manual_seed(7)
    assert order() == first and order() == second
    assert first != second and sorted(first) == list(range(20))
    g = ag.Generator().manual_seed(3)
    with_generator = order(generator=g)
    ag.manual_seed(123)  # the default generator does not matter when one is given
    assert order(generator=ag.Generator().manual_seed(3)) == with_generator


def test_loader_errors():
    _, _, ds = make_dataset()
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="batch_size should be a positive integer"):
            DataLoader(ds, batch_size=bad)
    with pytest.raises(ValueError, match="mutually exclusive with drop_last"):
        DataLoader(ds, batch_size=None, drop_last=True)


def test_batch_size_none_yields_single_samples():
    _, _, ds = make_dataset(4)
    samples = list(DataLoader(ds, batch_size=None))
    assert len(samples) == 4 and samples[2][0].shape == (3,)


class Squares(Dataset):
    """A generic dataset: samples made on the fly, collated by stacking."""

    def __len__(self):
        return 7

    def __getitem__(self, i):
        return {"x": ag.tensor([float(i), float(i * i)]), "label": i % 2, "weight": 0.5 * i}


def test_generic_datasets_are_collated_like_pytorch():
    batches = list(DataLoader(Squares(), batch_size=3))
    assert len(batches) == 3
    first = batches[0]
    np.testing.assert_array_equal(first["x"]._array, [[0, 0], [1, 1], [2, 4]])
    assert first["label"].dtype == ag.int64 and first["label"].tolist() == [0, 1, 0]
    assert first["weight"].dtype == ag.float64 and first["weight"].tolist() == [0.0, 0.5, 1.0]
    assert batches[2]["x"].shape == (1, 2)


def test_default_collate_matches_pytorch():
    pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_collate

    samples = [(np.array([1.0, 2.0]), 3, 0.5, np.float32(2), True),
               (np.array([3.0, 4.0]), 4, 1.5, np.float32(3), False)]
    ours, theirs = default_collate(samples), torch_collate(samples)
    assert isinstance(ours, list) and isinstance(theirs, list)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a._array, b.numpy())
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([ag.zeros(2), ag.zeros(3)])
    with pytest.raises(TypeError, match="found object"):
        default_collate([object()])


def test_custom_collate_fn():
    _, _, ds = make_dataset(6)
    loader = DataLoader(ds, batch_size=4, collate_fn=lambda samples: len(samples))
    assert list(loader) == [4, 2]


def test_random_split_with_lengths_and_fractions():
    X, Y, ds = make_dataset(10)
    train, val = random_split(ds, [7, 3], generator=ag.Generator().manual_seed(0))
    assert isinstance(train, Subset) and (len(train), len(val)) == (7, 3)
    assert sorted(train.indices + val.indices) == list(range(10))
    # fractions: floor(N * f) each, the remainder dealt out from the first split on
    parts = random_split(ds, [0.33, 0.33, 0.34])
    assert [len(p) for p in parts] == [4, 3, 3]
    parts = random_split(ds, [0.25, 0.25, 0.5])
    assert [len(p) for p in parts] == [3, 2, 5]  # 2 + 2 + 5, one left over goes first
    # a Subset batches at once and keeps samples paired
    for x, y in DataLoader(train, batch_size=4, shuffle=True):
        np.testing.assert_array_equal(x._array, X._array[y._array])
    assert train[0][1].item() == train.indices[0]


def test_random_split_follows_the_generator():
    _, _, ds = make_dataset(10)
    a = random_split(ds, [5, 5], generator=ag.Generator().manual_seed(1))
    b = random_split(ds, [5, 5], generator=ag.Generator().manual_seed(1))
    assert a[0].indices == b[0].indices
    ag.manual_seed(4)
    c = random_split(ds, [0.5, 0.5])
    ag.manual_seed(4)
    assert random_split(ds, [0.5, 0.5])[0].indices == c[0].indices


def test_random_split_errors():
    _, _, ds = make_dataset(10)
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(ds, [5, 4])
    with pytest.raises(ValueError, match="not between 0 and 1"):
        random_split(ds, [1.5, -0.5])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(ds, [0.99, 0.01])


@pytest.mark.filterwarnings("ignore:Length of split")  # (3, [0.2] * 5) has empty splits
def test_random_split_lengths_match_pytorch():
    torch = pytest.importorskip("torch")
    for n, fractions in [(10, [0.33, 0.33, 0.34]), (7, [0.5, 0.5]), (101, [0.8, 0.1, 0.1]),
                         (3, [0.2, 0.2, 0.2, 0.2, 0.2])]:
        ours = random_split(TensorDataset(ag.zeros(n)), fractions)
        theirs = torch.utils.data.random_split(torch.zeros(n), fractions)
        assert [len(s) for s in ours] == [len(s) for s in theirs]


@pytest.fixture
def fake_gpu():
    import fake_cuda

    backend.set_cuda_module(fake_cuda, fake_cuda.ndarray)
    yield fake_cuda
    backend.set_cuda_module(None)


def test_loader_on_a_gpu_tensor_dataset(fake_gpu):
    X = ag.tensor(np.arange(20.0).reshape(10, 2), device="cuda")
    Y = ag.arange(10, device="cuda")
    for shuffle in (False, True):
        for x, y in DataLoader(TensorDataset(X, Y), batch_size=4, shuffle=shuffle):
            assert x.device.type == "cuda" and y.device.type == "cuda"
            np.testing.assert_array_equal(x.cpu()._array, 2 * y.cpu()._array[:, None] + [0, 1])


@pytest.mark.parametrize("batch_size, lr, epochs", [(60, 0.5, 60), (10, 0.2, 15), (1, 0.05, 5)],
                         ids=["batch-GD", "mini-batch", "stochastic"])
def test_each_regime_trains_softmax_regression(batch_size, lr, epochs):
    """The whole loop of the course (model, loss, optimizer, DataLoader) in each regime."""
    import nn
    import optim

    rng = np.random.default_rng(0)
    centres = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    labels = np.repeat(np.arange(3), 20)
    X = ag.tensor(centres[labels] + 0.5 * rng.standard_normal((60, 2)), dtype=ag.float32)
    Y = ag.tensor(labels)
    ag.manual_seed(0)
    model = nn.Linear(2, 3)
    loss_fn = nn.CrossEntropyLoss()
    opt = optim.SGD(model.parameters(), lr=lr)
    loader = DataLoader(TensorDataset(X, Y), batch_size=batch_size, shuffle=True)
    steps = 0
    for _ in range(epochs):
        for x, y in loader:
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            steps += 1
    assert steps == epochs * len(loader) == epochs * (60 // batch_size)
    with ag.no_grad():
        accuracy = (model(X).argmax(dim=1) == Y).float().mean().item()
    assert accuracy >= 0.95

"""ag.save / ag.load with a .safetensors path: the format PyTorch models are shared in."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

import autograd as ag
import nn

pytest.importorskip("safetensors")  # a core dependency; skip cleanly where an env lacks it


def small_model():
    ag.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))


def header_of(path):
    """The JSON header of a safetensors file: an 8-byte little-endian length, then the JSON."""
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8:8 + n])


def test_state_dict_round_trip(tmp_path):
    model = small_model()
    path = tmp_path / "m.safetensors"
    ag.save(model.state_dict(), path)
    header = header_of(path)
    assert set(header) - {"__metadata__"} == {"0.weight", "0.bias", "2.weight", "2.bias"}
    assert header["0.weight"]["dtype"] == "F32" and header["0.weight"]["shape"] == [4, 3]

    back = ag.load(path)
    assert set(back) == set(model.state_dict())
    for name, t in model.state_dict().items():
        assert isinstance(back[name], ag.Tensor) and back[name].dtype == t.dtype
        assert not back[name].requires_grad
        np.testing.assert_array_equal(back[name]._array, t._array)
        back[name]._array += 1  # the loaded arrays are the caller's own, writable
    fresh = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    fresh.load_state_dict(ag.load(str(path), map_location="cpu"))
    x = ag.randn(5, 3)
    np.testing.assert_array_equal(fresh(x)._array, model(x)._array)


def test_dtypes_and_shapes_survive(tmp_path):
    tensors = {
        "f64": ag.tensor(np.arange(6.0).reshape(2, 3), dtype=ag.float64),
        "f16": ag.tensor([1.5, -2.0], dtype=ag.float16),
        "i64": ag.tensor([[1, 2], [3, 4]], dtype=ag.int64),
        "i32": ag.tensor([7], dtype=ag.int32),
        "u8": ag.tensor([0, 255], dtype=ag.uint8),
        "b": ag.tensor([True, False]),
        "scalar": ag.tensor(3.25),
        "transposed": ag.tensor(np.arange(6.0).reshape(2, 3)).T,  # not contiguous
    }
    ag.save(tensors, tmp_path / "t.safetensors")
    back = ag.load(tmp_path / "t.safetensors")
    for name, t in tensors.items():
        assert back[name].dtype == t.dtype and back[name].shape == t.shape, name
        np.testing.assert_array_equal(back[name]._array, t._array)


def test_only_flat_dicts_of_tensors(tmp_path):
    path = tmp_path / "bad.safetensors"
    with pytest.raises(TypeError, match="flat dict of str -> Tensor"):
        ag.save(ag.ones(3), path)
    with pytest.raises(TypeError, match="value for 'opt' is a dict"):
        ag.save({"w": ag.ones(2), "opt": {"lr": 0.1}}, path)
    with pytest.raises(TypeError, match="string keys"):
        ag.save({0: ag.ones(2)}, path)
    assert not path.exists()
    # other extensions keep the .npz format, which takes nested objects
    ag.save({"w": ag.ones(2), "opt": {"lr": 0.1}}, tmp_path / "ok.npz")
    assert ag.load(tmp_path / "ok.npz")["opt"] == {"lr": 0.1}


def test_a_file_saved_here_loads_into_a_torch_model(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file

    model = small_model()
    ag.save(model.state_dict(), tmp_path / "m.safetensors")
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    theirs.load_state_dict(load_file(tmp_path / "m.safetensors"))
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(theirs(torch.tensor(x)).detach().numpy(),
                               model(ag.tensor(x))._array, rtol=1e-6, atol=1e-7)


def test_a_file_saved_by_torch_loads_here(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    extra = {"step": torch.tensor(5, dtype=torch.int64),
             "half": torch.tensor([0.5, 1.5], dtype=torch.float16)}
    save_file({**theirs.state_dict(), **extra}, tmp_path / "t.safetensors")
    loaded = ag.load(tmp_path / "t.safetensors")
    assert loaded["step"].dtype == ag.int64 and loaded["step"].item() == 5
    assert loaded["half"].dtype == ag.float16 and loaded["half"].tolist() == [0.5, 1.5]
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    model.load_state_dict({k: v for k, v in loaded.items() if k not in extra})
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(model(ag.tensor(x))._array,
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-6, atol=1e-7)


def test_gpu_tensors_are_saved_from_the_host_and_loaded_onto_a_device(tmp_path):
    import fake_cuda

    from autograd import backend

    with fake_cuda.installed():
        w = ag.tensor([[1.0, 2.0], [3.0, 4.0]], device="cuda")
        ag.save({"w": w}, tmp_path / "g.safetensors")
        back = ag.load(tmp_path / "g.safetensors")
        assert back["w"].device == backend.Device("cpu")
        on_gpu = ag.load(tmp_path / "g.safetensors", map_location="cuda")
        assert on_gpu["w"].device.type == "cuda"
        assert on_gpu["w"].tolist() == [[1.0, 2.0], [3.0, 4.0]]

"""ag.save / ag.load: .npz with a JSON structure record, loaded with pickle off."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

import autograd as ag


def test_round_trip_of_a_tensor(tmp_path) -> None:
    t = ag.tensor([[1.5, -2.0], [3.0, 4.25]], dtype=ag.float64)
    path = tmp_path / "t.npz"
    ag.save(t, path)
    back = ag.load(path)
    assert isinstance(back, ag.Tensor) and back.dtype == ag.float64 and back.shape == (2, 2)
    np.testing.assert_array_equal(back.numpy(), t.numpy())
    assert not np.shares_memory(back.numpy(), t.numpy())


def test_round_trip_keeps_dtypes_and_requires_grad(tmp_path) -> None:
    state = {
        "w": ag.randn(3, 2, requires_grad=True),
        "b": ag.zeros(2, dtype=ag.float64),
        "steps": ag.tensor(7),
        "mask": ag.tensor([True, False]),
        "small": ag.tensor([1, 2], dtype=ag.int32),
        "half": ag.tensor([0.5], dtype=ag.float16),
        "scalar": ag.tensor(2.5),
    }
    ag.save(state, tmp_path / "state.npz")
    back = ag.load(tmp_path / "state.npz")
    assert list(back) == list(state)
    for k, v in state.items():
        assert back[k].dtype == v.dtype and back[k].shape == v.shape, k
        np.testing.assert_array_equal(back[k].detach().numpy(), v.detach().numpy())
    assert back["w"].requires_grad and back["w"].is_leaf and not back["b"].requires_grad


def test_nested_dicts_with_int_keys_lists_and_plain_values(tmp_path) -> None:
    obj = {
        "state": {0: {"step": 3, "exp_avg": ag.ones(2)}, 1: {"step": 3, "exp_avg": ag.zeros(1)}},
        "param_groups": [{"lr": 0.01, "betas": (0.9, 0.999), "params": [0, 1], "name": None}],
        "flag": True,
        "array": np.arange(3),
    }
    buffer = io.BytesIO()
    ag.save(obj, buffer)
    buffer.seek(0)
    back = ag.load(buffer)
    assert set(back["state"]) == {0, 1} and all(isinstance(k, int) for k in back["state"])
    assert back["state"][0]["step"] == 3
    assert back["state"][1]["exp_avg"].tolist() == [0.0]
    group = back["param_groups"][0]
    assert group == {"lr": 0.01, "betas": (0.9, 0.999), "params": [0, 1], "name": None}
    assert isinstance(group["betas"], tuple)
    assert back["flag"] is True
    np.testing.assert_array_equal(back["array"], np.arange(3))


def test_the_file_loads_with_numpy_and_pickle_off(tmp_path) -> None:
    path = tmp_path / "plain.npz"
    ag.save({"w": ag.ones(2, 3)}, path)
    with np.load(path, allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    assert any(a.shape == (2, 3) for a in arrays.values())
    structure = [a for a in arrays.values() if a.dtype == np.uint8]
    assert json.loads(bytes(structure[0]).decode("utf-8"))  # the structure record is JSON


def _npz_with(path, **arrays) -> None:
    """An .npz written by np.savez with pickling allowed: what an attacker could send."""
    with open(path, "wb") as f:
        np.savez(f, **arrays)


class _Boom:
    def __reduce__(self):
        return (_mark_executed, ())


_executed = []


def _mark_executed():
    _executed.append(True)
    return "pwned"


def test_a_crafted_file_with_an_object_array_cannot_execute_anything(tmp_path) -> None:
    path = tmp_path / "evil.npz"
    structure = json.dumps({"__tensor__": "t0", "requires_grad": False, "device": "cpu"})
    _npz_with(path, t0=np.array([_Boom()], dtype=object),
              __structure__=np.frombuffer(structure.encode(), dtype=np.uint8))
    with pytest.raises(ValueError, match="pickle"):
        ag.load(path)
    assert _executed == []


def test_a_crafted_structure_record_with_an_object_array_is_refused(tmp_path) -> None:
    path = tmp_path / "evil2.npz"
    _npz_with(path, __structure__=np.array([_Boom()], dtype=object))
    with pytest.raises(ValueError, match="pickle"):
        ag.load(path)
    assert _executed == []


def test_a_file_not_written_by_save_is_refused(tmp_path) -> None:
    path = tmp_path / "other.npz"
    np.savez(path, a=np.ones(2))
    with pytest.raises(ValueError, match="ag.save"):
        ag.load(path)


def test_not_a_zip_file_is_refused(tmp_path) -> None:
    path = tmp_path / "junk.npz"
    path.write_bytes(b"\x80\x04definitely not a zip")
    with pytest.raises((ValueError, OSError, zipfile.BadZipFile)):
        ag.load(path)


def test_unsupported_objects_are_refused_when_saving(tmp_path) -> None:
    with pytest.raises(TypeError, match="set"):
        ag.save({"x": {1, 2}}, tmp_path / "bad.npz")
    with pytest.raises(TypeError, match="dict keys"):
        ag.save({(1, 2): ag.ones(1)}, tmp_path / "bad.npz")


def test_map_location_cpu(tmp_path) -> None:
    ag.save({"w": ag.ones(2)}, tmp_path / "m.npz")
    back = ag.load(tmp_path / "m.npz", map_location="cpu")
    assert back["w"].device == "cpu"

"""The line at the end of a test run that says why tests were skipped (tests/conftest.py)."""

from __future__ import annotations

from types import SimpleNamespace

from conftest import skip_summary


def skipped(reason: str, **keywords: int) -> SimpleNamespace:
    return SimpleNamespace(longrepr=("tests/test_x.py", 1, f"Skipped: {reason}"),
                           keywords=keywords)


def test_no_skips_print_nothing():
    assert skip_summary([]) is None


def test_skips_are_counted_by_reason_torch_and_gpu_first():
    reports = [
        skipped("Graphviz's dot is not installed"),
        skipped("could not import 'torch': No module named 'torch'"),
        skipped("could not import 'torch': No module named 'torch'"),
        skipped("needs CuPy (pip install 'gradschool[cuda]') and a CUDA GPU", cuda=1),
        skipped("something else", cuda=1),  # the cuda marker alone says GPU
    ]
    assert skip_summary(reports) == (
        "skipped: 2 because PyTorch is not installed (`make torch` installs it); "
        "2 because there is no CUDA GPU with CuPy; 1 because Graphviz's dot is not installed"
    )


def test_a_plain_string_reason_is_read_too():
    report = SimpleNamespace(longrepr="Skipped: no data", keywords={})
    assert skip_summary([report]) == "skipped: 1 because no data"

"""Every ``>>>`` example stays true: in the public modules' docstrings and in the site's pages.

Each example runs with :mod:`doctest`, numbers compared as printed, with ``ELLIPSIS``
(``tensor([0.1...])``) and ``NORMALIZE_WHITESPACE``. A module or page whose examples fail
shows doctest's report (the example, what it expected, what it got). Examples run in a
temporary folder with the global random seed fixed, so they may write files and draw numbers.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
import types
from pathlib import Path

import pytest

import autograd as ag

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["autograd", "nn", "optim"]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
PAGES = sorted((ROOT / "docs").rglob("*.md"))


def public_modules() -> list[str]:
    """The importable modules of the three packages, private ones (``_x``) left out."""
    names = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        names.append(package)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."):
            if not any(part.startswith("_") for part in info.name.split(".")):
                names.append(info.name)
    return sorted(names)


def run_examples(tests: list[doctest.DocTest]) -> tuple[int, int, str]:
    """(examples run, failed, doctest's report) for a list of DocTests."""
    import io

    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in tests:
        ag.manual_seed(0)
        runner.run(test, out=report.write)
    return runner.tries, runner.failures, report.getvalue()


def module_examples(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    return [t for t in finder.find(module, name, module=module) if t.examples]


def page_examples(path: Path) -> list[doctest.DocTest]:
    """The ``>>>`` examples of a Markdown page's fenced code blocks, one DocTest per page."""
    text = path.read_text(encoding="utf-8")
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
    code = "\n".join(b for b in blocks if ">>>" in b)
    if not code:
        return []
    parser = doctest.DocTestParser()
    return [parser.get_doctest(code, {}, str(path.relative_to(ROOT)), str(path), 0)]


MODULES = public_modules()


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_of_module_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    attempted, failed, report = run_examples(module_examples(name))
    assert failed == 0, f"{failed} of {attempted} examples in {name} failed:\n{report}"


@pytest.mark.parametrize("path", PAGES,
                         ids=[p.relative_to(ROOT / "docs").as_posix() for p in PAGES])
def test_examples_of_docs_page_run(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    attempted, failed, report = run_examples(page_examples(path))
    assert failed == 0, f"{failed} of {attempted} examples in {path.name} failed:\n{report}"


def test_the_modules_and_pages_are_found():
    assert {"autograd", "autograd.data", "autograd.viz", "nn", "nn.functional", "optim",
            "optim.lr_scheduler"} <= set(MODULES)
    getting_started = ROOT / "docs" / "getting-started.md"
    attempted, failed, _ = run_examples(page_examples(getting_started))
    assert attempted >= 10 and failed == 0


def test_a_wrong_example_is_reported():
    module = types.ModuleType("fake_module")
    module.__doc__ = """
    >>> import autograd as ag
    >>> ag.tensor([1.0, 2.0]) * 2
    tensor([2., 5.])
    >>> ag.tensor([0.123456]) + 0
    tensor([0.1...])
    """
    tests = doctest.DocTestFinder().find(module, "fake_module", module=module, globs={})
    attempted, failed, report = run_examples(tests)
    assert (attempted, failed) == (3, 1)
    assert "Expected:\n    tensor([2., 5.])\nGot:\n    tensor([2., 4.])" in report


def page_scripts(path: Path) -> list[str]:
    """The ``python`` code blocks of a page that are scripts (no ``>>>`` prompts)."""
    text = path.read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
    return [b for b in blocks if ">>>" not in b]


SCRIPTS = [(p, i, code) for p in PAGES for i, code in enumerate(page_scripts(p))]


@pytest.mark.parametrize("path, index, code", SCRIPTS,
                         ids=[f"{p.stem}-{i}" for p, i, _ in SCRIPTS])
def test_code_blocks_of_docs_pages_run(path, index, code, tmp_path, monkeypatch, capsys):
    if "ag.viz" in code:
        import shutil

        if shutil.which("dot") is None:
            pytest.skip("Graphviz's dot is not installed (make test installs it)")
    monkeypatch.chdir(tmp_path)
    ag.manual_seed(0)
    exec(compile(code, f"{path.name} block {index}", "exec"), {"__name__": "__docs__"})


def test_the_pages_have_code_blocks_to_run():
    assert {p.name for p, _, _ in SCRIPTS} >= {"getting-started.md", "graph-pictures.md",
                                                "devices.md"}


DOCUMENTED_MODULES = ["autograd", "nn", "nn.functional", "optim", "optim.lr_scheduler",
                      "autograd.data", "autograd.viz"]


def public_objects() -> dict[str, object]:
    """The public functions and classes of the documented modules, and the public methods
    and properties of those classes and of Tensor, by dotted name."""
    import inspect

    found: dict[str, object] = {}
    classes = {"autograd.Tensor": ag.Tensor}
    for name in DOCUMENTED_MODULES:
        module = importlib.import_module(name)
        names = getattr(module, "__all__", None) or [n for n in dir(module) if n[0] != "_"]
        for attr in names:
            obj = getattr(module, attr, None)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                found[f"{name}.{attr}"] = obj
                if inspect.isclass(obj) and obj.__module__.split(".")[0] in PACKAGES:
                    classes[f"{name}.{attr}"] = obj
    for cname, cls in classes.items():
        for attr, member in vars(cls).items():
            # a method is documented where it is introduced: an override (a layer's forward,
            # extra_repr) is what the class docstring's example runs
            introduced = not any(attr in vars(base) for base in cls.__mro__[1:])
            if attr[0] != "_" and introduced and (inspect.isfunction(member)
                                                  or isinstance(member, property)):
                found[f"{cname}.{attr}"] = member
    return found


def test_every_public_name_has_an_example():
    """The API pages promise an example that runs for every public function, class, method
    and property: a new name without one fails here."""
    missing = sorted(name for name, obj in public_objects().items()
                     if ">>>" not in (getattr(obj, "__doc__", None) or ""))
    assert not missing, f"{len(missing)} public names without an example: {missing}"


def test_examples_of_tensor_methods_made_by_factories_run(tmp_path, monkeypatch):
    """The in-place twins (x.exp_()) and the comparisons (x.lt(y)) get their docstrings from
    the functions that make them, which doctest's module search does not reach."""
    monkeypatch.chdir(tmp_path)
    parser = doctest.DocTestParser()
    tests = [parser.get_doctest(method.__doc__, {}, f"Tensor.{name}", None, 0)
             for name, method in vars(ag.Tensor).items()
             if callable(method) and getattr(method, "__module__", "") in
             ("autograd.ops.inplace", "autograd.ops.logical") and ">>>" in (method.__doc__ or "")]
    attempted, failed, report = run_examples(tests)
    assert attempted >= 30 and failed == 0, report

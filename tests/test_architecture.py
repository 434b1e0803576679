"""ARCHITECTURE.md, the reading guide: its example step runs, and the files it names exist
with about the sizes it states."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "ARCHITECTURE.md"
TEXT = GUIDE.read_text() if GUIDE.is_file() else ""
SIZES = re.findall(r"`([\w/]+\.py)` \(about ([\d,]+) lines\)", TEXT)

pytestmark = pytest.mark.skipif(not TEXT, reason="no ARCHITECTURE.md")


def test_the_example_step_runs_and_fills_the_gradients():
    (block,) = re.findall(r"```python\n(.*?)```", TEXT, re.S)
    namespace: dict = {"__name__": "__architecture__"}
    exec(compile(block, str(GUIDE), "exec"), namespace)
    linear = namespace["model"][0]
    assert linear.weight.grad is not None and linear.bias.grad is not None
    assert namespace["loss"].grad_fn.name() == "MseLossBackward0"


def test_every_file_it_follows_is_named_with_its_size():
    named = {path for path, _ in SIZES}
    assert {"autograd/tensor.py", "autograd/function.py", "autograd/engine.py",
            "autograd/ops/unary.py", "autograd/ops/linalg.py", "nn/module.py", "nn/linear.py",
            "nn/functional.py", "optim/optimizer.py", "optim/sgd.py",
            "autograd/backend.py"} <= named


@pytest.mark.parametrize("path, stated", SIZES)
def test_stated_sizes_are_about_right(path, stated):
    lines = len((ROOT / path).read_text().splitlines())
    stated = int(stated.replace(",", ""))
    assert abs(lines - stated) <= max(30, 0.35 * stated), (
        f"ARCHITECTURE.md says {path} has about {stated} lines; it has {lines}: update the guide")


# --- the import structure of autograd/ ------------------------------------------------------

PACKAGE = ROOT / "autograd"

# Imports inside functions, each for an optional dependency that only some programs need.
LAZY_IMPORTS = {
    ("autograd/backend.py", "cupy"),  # a GPU, on first use of a CUDA device
    ("autograd/backend.py", "scipy.special"),  # expit and erf, on first use
    ("autograd/backend.py", "cupyx.scipy.special"),
    ("autograd/safetensors_io.py", "safetensors.numpy"),
    ("autograd/viz/picture.py", "graphviz"),
    ("autograd/viz/steps.py", "PIL"),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _outside_functions(tree: ast.AST):
    """The nodes that run when the module is imported (not those inside a function)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                stack.append(child)


def _imported(module: str, is_package: bool, node: ast.AST) -> list[str]:
    """The modules of the autograd package that an import statement names."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "autograd"]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = module.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    if source.split(".")[0] != "autograd":
        return []
    names = [f"{source}.{a.name}" for a in node.names if _is_module(f"{source}.{a.name}")]
    return names if names and not node.module else [source, *names]


def _import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        tree = ast.parse(path.read_text())
        edges = graph.setdefault(module, set())
        for node in _outside_functions(tree):
            edges.update(_imported(module, path.name == "__init__.py", node))
        edges.discard(module)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports, or None: a depth-first search that keeps the path it is on."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [node, nxt] if nxt in path else [node, nxt]
            if nxt not in state:
                found = visit(nxt, path + [node])
                if found:
                    return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [])
            if found:
                return found
    return None


def test_the_import_graph_finds_a_circle_when_there_is_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) is not None
    assert _cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_modules_of_autograd_import_each_other_without_a_circle():
    graph = _import_graph()
    assert "autograd.tensor" in graph["autograd.function"]  # the graph sees real imports
    assert "autograd.ops.table" in graph["autograd"]
    assert _cycle(graph) is None, "a circle of imports: " + " -> ".join(_cycle(graph))


def test_tensor_py_imports_no_op_and_not_the_engine():
    edges = _import_graph()["autograd.tensor"]
    assert not {e for e in edges if e.startswith(("autograd.ops", "autograd.engine",
                                                 "autograd.function"))}, edges


def test_imports_inside_functions_are_only_the_optional_dependencies():
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for fn in ast.walk(ast.parse(path.read_text())):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(fn):
                    if isinstance(node, ast.Import):
                        found |= {(str(path.relative_to(ROOT)), a.name) for a in node.names}
                    elif isinstance(node, ast.ImportFrom):
                        found.add((str(path.relative_to(ROOT)),
                                   "." * node.level + (node.module or "")))
    assert found == LAZY_IMPORTS


# --- the op table ---------------------------------------------------------------------------

def test_each_method_of_the_table_is_its_function_and_each_function_is_exported():
    import autograd as ag
    from autograd.ops.table import OPS, F, I, M

    for name, fn, where in OPS:
        if where & M:
            assert ag.Tensor.__dict__[name] is fn, name  # no wrapper between x.exp() and exp
        if where & F:
            assert getattr(ag, name) is fn, name
        if where & I:
            assert ag.Tensor.__dict__[name + "_"].__name__ == name + "_"
    assert ag.Tensor.exp is ag.exp and ag.Tensor.sum is ag.sum


def test_every_function_of_the_table_has_a_docstring_for_help():
    from autograd.ops.table import OPS

    for name, fn, _ in OPS:
        function = fn.fget if isinstance(fn, property) else getattr(fn, "__func__", fn)
        assert (function.__doc__ or "").strip(), f"{name}: {function.__qualname__} has no docstring"

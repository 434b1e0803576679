"""Pictures of the computation graph, drawn with Graphviz.

Two functions::

    dot = ag.viz.draw_graph(loss, params=dict(model.named_parameters()))
    dot                                  # shows inline in Jupyter
    dot.render("graph", format="png")    # writes graph.png

    steps = ag.viz.backward_steps(loss, params=model)
    steps                                # a stepper (slider) in Jupyter
    steps.save_gif("backward.gif")       # or steps.save_pngs("frames/")

What is drawn, read left to right as the data flows forward:

* op nodes (grey ellipses): the op that made a value, named as in the
  lecture (MatMul, Add, Sigmoid, ...): ``MulBackward`` is drawn as ``Mul``;
* inputs (blue, rounded boxes): leaf tensors with ``requires_grad=True``
  that are not in ``params``; leaves that need no gradient (the data ``x``,
  the targets ``t``) are constants and are not part of the graph;
* parameters (green boxes): leaves named in ``params``; the parameters of
  one module (``0.weight``, ``0.bias``) sit in one cluster, together with
  the ops that read only them;
* the output (orange, double border): the root the picture was drawn for;
* intermediates (yellow, dashed): non-leaf tensors that called
  ``retain_grad()`` or that ``params`` names (``{"a2": a2}``).

Tensor nodes show name, shape and dtype; with ``show_data`` the values of
small tensors; with ``show_grad`` (the default), after ``backward()``, the
gradient in ``.grad``. Nothing is drawn twice: node ids follow the traversal
order (``op0`` is the root's op, ``t0`` the root tensor), so the DOT source
is the same on every run.

``backward_steps`` draws the same graph once per step of the reverse pass:
the op being processed in red, the gradients it sends back on the edges
into it, the gradients known so far on the tensors. It computes them by
calling each op's backward rule in the engine's order, and touches no
``.grad``.

The graph is walked with :func:`autograd.engine.topological_order`, the one
topological sort, never by recursion.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import backend
from .engine import _call_backward, topological_order, unbroadcast
from .function import Function
from .grad_mode import state
from .tensor import Tensor

if TYPE_CHECKING:
    import graphviz

__all__ = ["draw_graph", "backward_steps", "BackwardSteps", "GraphvizNotFoundError", "op_name"]
RANKDIRS = ("LR", "TB", "RL", "BT")

INSTALL_HINT = (
    "Install Graphviz: sudo apt-get install graphviz (Debian/Ubuntu), "
    "brew install graphviz (macOS), conda install -c conda-forge graphviz, "
    "or see https://graphviz.org/download/"
)

# One look per kind of node: shape and colour tell them apart without a legend.
STYLES: dict[str, dict[str, str]] = {
    "op": {"shape": "ellipse", "style": "filled", "fillcolor": "#e8e8e8"},
    "input": {"shape": "box", "style": "rounded,filled", "fillcolor": "#dae8fc"},
    "param": {"shape": "box", "style": "filled", "fillcolor": "#d5e8d4"},
    "output": {"shape": "box", "style": "filled", "fillcolor": "#ffd8a8", "peripheries": "2"},
    "intermediate": {"shape": "box", "style": "rounded,filled,dashed", "fillcolor": "#fff2cc"},
    "more": {"shape": "note", "style": "filled", "fillcolor": "#ffffff", "fontcolor": "#555555"},
}
KIND_TITLES = {
    "input": "input (leaf)",
    "param": "parameter",
    "output": "output (root)",
    "intermediate": "intermediate",
    "op": "op",
}
# The backward stepper: the op being processed, ops done, ops still waiting.
CURRENT = {"color": "#cc0000", "penwidth": "3", "fillcolor": "#f4cccc"}
PENDING = {"color": "#aaaaaa", "fontcolor": "#888888", "fillcolor": "#ffffff"}
SENT_EDGE = {"color": "#cc0000", "fontcolor": "#cc0000", "penwidth": "2"}
SENT_BEFORE = {"fontcolor": "#777777"}  # gradients sent back by earlier steps

GRAPH_ATTR = {"fontname": "Helvetica", "fontsize": "12", "nodesep": "0.25", "ranksep": "0.35"}
NODE_ATTR = {"fontname": "Helvetica", "fontsize": "11", "height": "0.3", "margin": "0.08,0.04"}
EDGE_ATTR = {"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.7"}


class GraphvizNotFoundError(RuntimeError):
    """Rendering needs Graphviz's ``dot`` executable, which is not on PATH."""


_graph_class: Any = None


def _graph_type() -> type:
    """:class:`Graph`, made on first use: ``import autograd`` does not pay for graphviz."""
    global _graph_class
    if _graph_class is None:
        import graphviz

        class Graph(graphviz.Digraph):
            """A ``graphviz.Digraph`` whose rendering errors say how to install Graphviz.

            Everything else is graphviz's: ``.source``, ``.render(path, format=...)``,
            ``.pipe(format=...)`` and inline display in Jupyter.
            """

            def pipe(self, *args: Any, **kwargs: Any) -> Any:
                try:
                    return super().pipe(*args, **kwargs)
                except graphviz.ExecutableNotFound as err:
                    raise _not_found(err) from err

            def render(self, *args: Any, **kwargs: Any) -> Any:
                try:
                    return super().render(*args, **kwargs)
                except graphviz.ExecutableNotFound as err:
                    raise _not_found(err) from err

        Graph.__module__, Graph.__qualname__ = __name__, "Graph"
        _graph_class = Graph
    return _graph_class


def __getattr__(name: str) -> Any:
    if name == "Graph":
        return _graph_type()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _not_found(err: Exception) -> GraphvizNotFoundError:
    return GraphvizNotFoundError(
        "cannot render the graph: Graphviz's 'dot' executable was not found on PATH "
        f"({err}). The DOT source is still available as .source. {INSTALL_HINT}"
    )


# --- what to draw --------------------------------------------------------------------
@dataclass
class _Node:
    """One node of the picture: its DOT id, kind, label lines and extra attributes."""

    id: str
    kind: str
    lines: list[str]
    cluster: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)
    left: bool = False  # left-justify the label (tensor values read better so)
    hidden: set[int] = field(default_factory=set)  # lines drawn invisibly (steps only)

    def copy(self) -> _Node:
        return _Node(self.id, self.kind, list(self.lines), self.cluster, dict(self.attrs),
                     self.left, set(self.hidden))


@dataclass
class _Plan:
    """The nodes and edges of one picture, before they become DOT."""

    nodes: list[_Node]
    edges: list[tuple[str, str, dict[str, str]]]
    edge_inputs: list[tuple[Function, int] | None]  # per edge: (op, input index) it feeds
    clusters: dict[str, str]  # cluster key -> its label
    op_ids: dict[int, str]  # id(Function) -> DOT id of its op node
    tensor_ids: dict[int, str]  # id(Tensor) -> DOT id of its tensor node
    tensor_of: dict[str, Tensor]  # DOT id -> the tensor it draws
    order: list[Function]


@dataclass
class _Names:
    """Names, clusters and the set of parameters, from ``params``."""

    of: dict[int, str]  # id(tensor) -> name
    cluster_of: dict[int, str]  # id(parameter) -> cluster key
    cluster_labels: dict[str, str]
    params: set[int]
    keep_alive: list[Tensor]


def _read_params(params: Any) -> _Names:
    """Names by tensor identity from a mapping, (name, tensor) pairs or a module.

    A module is duck-typed (anything with ``named_parameters()``): autograd
    does not import ``nn``. Names with a dot group into clusters by their
    prefix (``0.weight`` -> cluster ``0``), labelled with the submodule's
    class name when a module was given (``0: Linear``).
    """
    names = _Names({}, {}, {}, set(), [])
    if params is None:
        return names
    module_types: dict[str, str] = {}
    if hasattr(params, "named_parameters"):
        if hasattr(params, "named_modules"):
            module_types = {p: type(m).__name__ for p, m in params.named_modules()}
        pairs = list(params.named_parameters())
    elif isinstance(params, Mapping):
        pairs = list(params.items())
    elif isinstance(params, Iterable):
        pairs = list(params)
    else:
        raise TypeError(
            "params must be a dict of name -> Tensor (e.g. dict(model.named_parameters())), "
            f"a list of (name, Tensor) pairs or a module, got {type(params).__name__}"
        )
    for item in pairs:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Tensor)):
            raise TypeError(f"params entries must be (name, Tensor) pairs, got {item!r:.80}")
        name, tensor = str(item[0]), item[1]
        names.of[id(tensor)] = name
        names.keep_alive.append(tensor)
        if tensor.grad_fn is not None:
            continue  # a named intermediate: drawn with its name, not as a parameter
        names.params.add(id(tensor))
        prefix, dot, _ = name.rpartition(".")
        if dot:
            names.cluster_of[id(tensor)] = prefix
            kind = module_types.get(prefix)
            names.cluster_labels[prefix] = f"{prefix}: {kind}" if kind else prefix
    return names


def _check_rankdir(rankdir: str) -> None:
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")


def _roots_of(root: Any) -> list[Tensor]:
    roots = [root] if isinstance(root, Tensor) else list(root)
    if not roots:
        raise ValueError("draw_graph needs at least one Tensor to draw")
    for i, r in enumerate(roots):
        if not isinstance(r, Tensor):
            raise TypeError(f"draw_graph draws Tensors, got {type(r).__name__} at position {i}")
    return roots


def op_name(node: Function) -> str:
    """The op's name as the lecture writes it: ``MatMulBackward`` -> ``MatMul``."""
    name = node.name()
    return name[: -len("Backward")] if name.endswith("Backward") else name


def _plan(
    roots: list[Tensor],
    names: _Names,
    show_data: bool,
    show_grad: bool,
    max_values: int,
    max_nodes: int | None,
    collapse_chains: int | None,
) -> _Plan:
    """Walk the graph once (topological order, root first) and lay out its nodes."""
    order = topological_order([r.grad_fn for r in roots if r.grad_fn is not None])
    index = {id(n): i for i, n in enumerate(order)}

    consumers: dict[int, int] = {}
    for node in order:
        for edge in node.next_functions:
            if isinstance(edge, Function):
                consumers[id(edge)] = consumers.get(id(edge), 0) + 1

    # The tensor drawn after an op: a root, a named or a retained intermediate.
    output_of: dict[int, Tensor] = {}
    for node in order:
        retained = node._retained() if node._retained is not None else None
        if retained is not None:
            output_of[id(node)] = retained
    for t in names.keep_alive:
        if t.grad_fn is not None and id(t.grad_fn) in index:
            output_of[id(t.grad_fn)] = t
    root_ids = {id(r) for r in roots}
    for r in roots:
        if r.grad_fn is not None:
            output_of[id(r.grad_fn)] = r

    # Long chains of one unary op (x.tanh().tanh()...) become one node "Tanh ×N".
    chain_end: dict[int, Function] = {}  # id(first op of a chain) -> its last op
    chain_length: dict[int, int] = {}
    hidden: set[int] = set()
    if collapse_chains:
        for node in order:
            if id(node) in hidden:
                continue
            run = [node]
            while True:
                inputs = [e for e in run[-1].next_functions if e is not None]
                if len(inputs) != 1 or not isinstance(inputs[0], Function):
                    break
                prev = inputs[0]
                if (prev.name() != node.name() or consumers.get(id(prev)) != 1
                        or id(prev) in output_of):
                    break
                run.append(prev)
            if len(run) >= collapse_chains:
                chain_end[id(node)] = run[-1]
                chain_length[id(node)] = len(run)
                hidden.update(id(n) for n in run[1:])

    def inputs_of(node: Function) -> tuple:
        return chain_end.get(id(node), node).next_functions

    # Keep nodes root first until max_nodes; consumers come first in this order,
    # so whatever is kept stays connected to the root.
    kept: list[Function] = []
    tensor_ids: dict[int, str] = {}
    tensors: list[tuple[str, Tensor, str]] = []  # (id, tensor, kind)
    seen_leaves: set[int] = set()

    def add_tensor(t: Tensor, kind: str) -> str:
        tid = f"t{len(tensors)}"
        tensor_ids[id(t)] = tid
        tensors.append((tid, t, kind))
        return tid

    for r in roots:
        if id(r) not in tensor_ids:
            add_tensor(r, "output")
    budget = max_nodes if max_nodes is not None else float("inf")
    drawn = len(tensors)
    truncated_at = len(order)
    for i, node in enumerate(order):
        if id(node) in hidden:
            continue
        new_leaves = [e for e in inputs_of(node) if isinstance(e, Tensor)
                      and id(e) not in seen_leaves and id(e) not in root_ids]
        new_leaves = list({id(e): e for e in new_leaves}.values())
        out = output_of.get(id(node))
        cost = 1 + len(new_leaves) + (out is not None and id(out) not in tensor_ids)
        if drawn + cost > budget and kept:
            truncated_at = i
            break
        drawn += cost
        kept.append(node)
        if out is not None and id(out) not in tensor_ids:
            add_tensor(out, "intermediate")
        for leaf in new_leaves:
            seen_leaves.add(id(leaf))
            add_tensor(leaf, "param" if id(leaf) in names.params else "input")

    # Count what was left out: ops (chains count once) and the leaves only they use.
    left_out = 0
    if truncated_at < len(order):
        leaves_left: set[int] = set()
        for node in order[truncated_at:]:
            if id(node) in hidden:
                continue
            left_out += 1
            for e in inputs_of(node):
                if (isinstance(e, Tensor) and id(e) not in tensor_ids
                        and id(e) not in leaves_left):
                    leaves_left.add(id(e))
            out = output_of.get(id(node))
            if out is not None and id(out) not in tensor_ids:
                left_out += 1
        left_out += len(leaves_left)

    op_ids = {id(n): f"op{index[id(n)]}" for n in kept}

    def source_of(node: Function) -> str:
        out = output_of.get(id(node))
        return tensor_ids[id(out)] if out is not None else op_ids[id(node)]

    # Clusters: a parameter's module; an op joins it when its only leaf inputs are that
    # module's parameters and it reads at least one.
    cluster_of_op: dict[int, str] = {}
    for node in kept:
        keys = {names.cluster_of.get(id(e)) for e in inputs_of(node) if isinstance(e, Tensor)}
        if len(keys) == 1 and None not in keys:
            cluster_of_op[id(node)] = keys.pop()

    nodes: list[_Node] = []
    for tid, t, kind in tensors:
        lines = []
        if id(t) in names.of:
            lines.append(names.of[id(t)])
        lines.append(f"{_shape_text(t.shape)} {t.dtype.name}")
        if show_data:
            lines += _labelled("data", t.data, max_values)
        if show_grad and t.grad is not None:
            grad = t.grad.data if isinstance(t.grad, Tensor) else t.grad
            lines += _labelled("grad", grad, max_values)
        cluster = names.cluster_of.get(id(t)) if kind == "param" else None
        nodes.append(_Node(tid, kind, lines, cluster, left=True))
    for node in kept:
        label = op_name(node)
        if id(node) in chain_length:
            label += f" \u00d7{chain_length[id(node)]}"
        nodes.append(_Node(op_ids[id(node)], "op", [label], cluster_of_op.get(id(node))))
    if left_out:
        nodes.append(_Node("more", "more", [f"\u2026 {left_out} more nodes"]))

    edges: list[tuple[str, str, dict[str, str]]] = []
    edge_inputs: list[tuple[Function, int] | None] = []
    more_edges: set[str] = set()
    for node in kept:
        head = op_ids[id(node)]
        for i, edge in enumerate(inputs_of(node)):
            if isinstance(edge, Function):
                if id(edge) in op_ids:
                    edges.append((source_of(edge), head, {}))
                    edge_inputs.append((node, i))
                elif head not in more_edges:
                    more_edges.add(head)
                    edges.append(("more", head, {"style": "dashed"}))
                    edge_inputs.append(None)
            elif isinstance(edge, Tensor):
                edges.append((tensor_ids[id(edge)], head, {}))
                edge_inputs.append((node, i))
        out = output_of.get(id(node))
        if out is not None:
            edges.append((head, tensor_ids[id(out)], {}))
            edge_inputs.append(None)

    used = {n.cluster for n in nodes if n.cluster is not None}
    clusters = {k: v for k, v in names.cluster_labels.items() if k in used}
    tensor_of = {tid: t for tid, t, _ in tensors}
    return _Plan(nodes, edges, edge_inputs, clusters, op_ids, tensor_ids, tensor_of, order)


def _shape_text(shape: tuple[int, ...]) -> str:
    return "scalar" if shape == () else str(tuple(int(n) for n in shape))


def _values(array: Any, max_values: int) -> list[str]:
    """Small arrays in full (rounded), large ones as their size and norm."""
    a = backend.to_numpy(array)
    if a.size > max_values:
        norm = float(np.linalg.norm(a.astype(np.float64).ravel()))
        return [f"{a.size} values, norm {norm:.4g}"]
    return np.array2string(a, precision=4, suppress_small=True, separator=", ",
                           max_line_width=48).split("\n")


def _labelled(title: str, array: Any, max_values: int) -> list[str]:
    lines = _values(array, max_values)
    pad = " " * (len(title) + 2)
    return [f"{title}: {lines[0]}"] + [pad + line for line in lines[1:]]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _label(n: _Node, html_label: bool) -> str:
    """A node's label: plain DOT text, or HTML-like where some lines are drawn invisibly.

    Invisible lines (in the node's own fill colour) keep every node the same size
    in every step picture, so the layout does not move from step to step.
    """
    if not html_label:
        sep = "\\l" if n.left else "\\n"
        return sep.join(_escape(line) for line in n.lines) + ("\\l" if n.left else "")
    hide = n.attrs.get("fillcolor", STYLES[n.kind].get("fillcolor", "#ffffff"))
    parts = []
    for i, line in enumerate(n.lines):
        text = html.escape(line, quote=False).replace(" ", "&#160;")
        parts.append(f'<font color="{hide}">{text}</font>' if i in n.hidden else text)
    if n.left:
        return "<" + "".join(p + '<br align="left"/>' for p in parts) + ">"
    return "<" + "<br/>".join(parts) + ">"


def _to_dot(
    plan: _Plan,
    rankdir: str,
    legend: bool,
    title: str | None,
    graph_attr: Mapping[str, str] | None,
    legend_extra: Sequence[tuple[str, dict[str, str]]] = (),
    html_labels: bool = False,
) -> graphviz.Digraph:
    attrs = dict(GRAPH_ATTR, rankdir=rankdir)
    if title:
        text = "".join(_escape(line) + "\\l" for line in title.split("\n"))
        attrs.update(label=text, labelloc="t", labeljust="l")
    attrs.update(graph_attr or {})
    dot = _graph_type()(graph_attr=attrs, node_attr=NODE_ATTR, edge_attr=EDGE_ATTR)

    def emit(g: graphviz.Digraph, n: _Node) -> None:
        g.node(n.id, label=_label(n, html_labels), **dict(STYLES[n.kind], **n.attrs))

    for number, (key, label) in enumerate(plan.clusters.items()):
        with dot.subgraph(name=f"cluster_{number}") as sub:
            sub.attr(label=_escape(label), style="rounded,dashed", color="#888888")
            for n in plan.nodes:
                if n.cluster == key:
                    emit(sub, n)
    for n in plan.nodes:
        if n.cluster is None or n.cluster not in plan.clusters:
            emit(dot, n)
    for tail, head, edge_attrs in plan.edges:
        dot.edge(tail, head, **edge_attrs)
    if legend:
        _add_legend(dot, {n.kind for n in plan.nodes}, legend_extra)
    return dot


def _add_legend(dot: graphviz.Digraph, kinds: set[str],
                extra: Sequence[tuple[str, dict[str, str]]]) -> None:
    """A small box naming each kind of node the picture uses."""
    entries = [(KIND_TITLES[k], STYLES[k]) for k in KIND_TITLES if k in kinds]
    entries += [(title, dict(STYLES["op"], **style)) for title, style in extra]
    with dot.subgraph(name="cluster_legend") as box:
        box.attr(label="legend", style="rounded", color="#bbbbbb", fontsize="10")
        with box.subgraph(name="legend_entries") as sub:
            sub.attr(rank="same")  # one column (LR) or one row (TB), not across the picture
            for i, (title, style) in enumerate(entries):
                sub.node(f"legend{i}", label=title, fontsize="9", **style)
            for i in range(len(entries) - 1):
                sub.edge(f"legend{i}", f"legend{i + 1}", style="invis")


# --- draw_graph ----------------------------------------------------------------------
def draw_graph(
    root: Tensor | Sequence[Tensor],
    params: Any = None,
    show_data: bool = False,
    show_grad: bool = True,
    rankdir: str = "LR",
    *,
    max_values: int = 12,
    max_nodes: int | None = 100,
    collapse_chains: int | None = 4,
    legend: bool = False,
    title: str | None = None,
    graph_attr: Mapping[str, str] | None = None,
) -> graphviz.Digraph:
    """The graph that produced ``root`` (one tensor or several), as a ``graphviz.Digraph``.

    Args:
        root: the output(s) to draw the graph of, e.g. the loss.
        params: names for tensors, by identity: ``dict(model.named_parameters())``,
            (name, tensor) pairs, or the module itself (names and clusters by
            submodule). Leaves it names are drawn as parameters; it may also
            name intermediates (``{"a2": a2}``), which are then drawn.
        show_data: show the values of small tensors (at most ``max_values``
            elements; larger ones show their size and norm).
        show_grad: show ``.grad`` where a backward pass has filled it.
        rankdir: Graphviz's direction, ``"LR"`` (forward reads left to right) or ``"TB"``.
        max_nodes: draw at most this many nodes, root first; the rest become
            one node "… N more nodes". None draws everything.
        collapse_chains: a chain of at least this many ops of one kind, each
            with one input (``x.tanh().tanh()...``), is drawn as one node
            ``Tanh ×N``. None or 0 draws every op.
        legend: add a small box that names each kind of node.
        title: a caption above the picture.
        graph_attr: extra Graphviz graph attributes (``{"size": "8,5"}``).

    Returns a ``graphviz.Digraph`` (a :class:`Graph`, whose rendering errors
    say how to install Graphviz): it shows itself inline
    in Jupyter, ``.source`` is its DOT text, ``.render(path, format="png")``
    writes a file (``"svg"``, ``"pdf"`` too).
    """
    roots = _roots_of(root)
    _check_rankdir(rankdir)
    names = _read_params(params)
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1 (or None), got {max_nodes}")
    plan = _plan(roots, names, show_data, show_grad, max_values, max_nodes, collapse_chains)
    return _to_dot(plan, rankdir, legend, title, graph_attr)


# --- backward_steps ------------------------------------------------------------------
@dataclass
class _Step:
    """What one step of the reverse pass did and what was known after it."""

    node: Function
    grad: Any  # dL/d(output of node), or None when no gradient reached it
    sent: list[tuple[int, Any]]  # (input index, gradient sent to that input)
    node_grads: dict[int, Any]  # id(op) -> dL/d(its output), for ops processed so far
    leaf_grads: dict[int, Any]  # id(leaf) -> gradient accumulated so far


def _trace_backward(root: Tensor, gradient: Any) -> list[_Step]:
    """Run the reverse pass node by node, as the engine does, recording each step.

    Nothing is written into any ``.grad`` and nothing is released: the
    user's graph and gradients stay as they were.
    """
    if root.grad_fn is None:
        raise ValueError(
            "backward_steps needs a root made by ops (it has no grad_fn): a leaf has "
            "no backward pass to step through"
        )
    if gradient is None:
        if root.data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs; this tensor has "
                f"shape {tuple(root.shape)}: pass gradient= (a tensor of that shape)"
            )
        seed = backend.get_array_module(root.data).ones_like(root.data)
    else:
        seed = gradient.data if isinstance(gradient, Tensor) else gradient
        if tuple(seed.shape) != tuple(root.shape):
            raise RuntimeError(
                f"Mismatch in shape: gradient has shape {tuple(seed.shape)} and root has "
                f"shape {tuple(root.shape)}"
            )
    order = topological_order([root.grad_fn])
    grads: dict[int, Any] = {id(root.grad_fn): seed}
    node_grads: dict[int, Any] = {}
    leaf_grads: dict[int, Any] = {}
    steps = []
    prev = state.create_graph, state.grad_enabled
    state.create_graph, state.grad_enabled = False, False
    try:
        for node in order:
            g = grads.pop(id(node), None)
            sent = []
            if g is not None:
                if node._freed:
                    raise RuntimeError(
                        f"backward_steps needs the values {node.name()} saved for backward, "
                        "and an earlier backward() freed them. Call backward_steps before "
                        "loss.backward(), or call loss.backward(retain_graph=True)."
                    )
                node_grads[id(node)] = g
                in_grads = _call_backward(node, g, False, Tensor)
                if len(in_grads) != len(node.next_functions):
                    raise RuntimeError(
                        f"function {node.name()} returned {len(in_grads)} gradients, expected "
                        f"{len(node.next_functions)} (one per input of forward)"
                    )
                for i, (edge, ig) in enumerate(zip(node.next_functions, in_grads, strict=True)):
                    if edge is None or ig is None:
                        continue
                    if isinstance(edge, Function):
                        shape, dtype = edge._out_shape, edge._out_dtype
                    else:
                        shape, dtype = edge.data.shape, edge.data.dtype
                    if ig.shape != shape:
                        ig = unbroadcast(ig, shape)
                    if ig.dtype != dtype:
                        ig = ig.astype(dtype)
                    sent.append((i, ig))
                    into = grads if isinstance(edge, Function) else leaf_grads
                    into[id(edge)] = ig if id(edge) not in into else into[id(edge)] + ig
            steps.append(_Step(node, g, sent, dict(node_grads), dict(leaf_grads)))
    finally:
        state.create_graph, state.grad_enabled = prev
    return steps


class BackwardSteps(Sequence):
    """The reverse pass, one picture per op: ``len()``, indexing, a stepper in Jupyter.

    ``steps[i]`` is the ``graphviz.Digraph`` of step i; ``steps.ops`` their
    op names; ``steps.trace[i]`` the numbers behind picture i (``.grad``,
    dL/d(output) of the op; ``.sent``, (input index, gradient) pairs;
    ``.leaf_grads``, id(leaf) -> gradient so far); ``save_gif(path)`` and
    ``save_pngs(folder)`` write the pictures out.
    """

    _counter = itertools.count()

    def __init__(self, graphs: list[graphviz.Digraph], ops: list[str], trace: list[_Step]):
        self.graphs = graphs
        self.ops = ops
        self.trace = trace

    def __len__(self) -> int:
        return len(self.graphs)

    def __getitem__(self, i: Any) -> Any:
        return self.graphs[i]

    def __iter__(self) -> Iterator[graphviz.Digraph]:
        return iter(self.graphs)

    def __repr__(self) -> str:
        return f"BackwardSteps({len(self)} steps: {', '.join(self.ops)})"

    def save_pngs(self, folder: str | Path, dpi: int = 96) -> list[Path]:
        """Write ``step_000.png``, ``step_001.png``, ... into ``folder``; return their paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for i, g in enumerate(self.graphs):
            path = folder / f"step_{i:03d}.png"
            path.write_bytes(_png(g, dpi))
            paths.append(path)
        return paths

    def save_gif(self, path: str | Path, duration_ms: int = 1200, loop: int = 0,
                 dpi: int = 96, colors: int = 64) -> Path:
        """Write the steps as an animated GIF (needs Pillow), each frame ``duration_ms``.

        Frames share one palette of ``colors`` colours (diagrams need few), which
        keeps the file small.
        """
        try:
            from PIL import Image
        except ImportError as err:
            raise ImportError(
                "save_gif needs Pillow: pip install pillow (it comes with "
                "pip install 'gradschool[notebooks]'); save_pngs() works without it"
            ) from err
        import io

        frames = [Image.open(io.BytesIO(_png(g, dpi))).convert("RGB") for g in self.graphs]
        width = max(f.width for f in frames)
        height = max(f.height for f in frames)
        canvas = []
        for f in frames:  # one canvas size for every frame, the picture top left
            c = Image.new("RGB", (width, height), "white")
            c.paste(f, (0, 0))
            canvas.append(c)
        palette = canvas[-1].quantize(colors=colors)  # the last step shows every colour
        canvas = [c.quantize(palette=palette, dither=Image.Dither.NONE) for c in canvas]
        path = Path(path)
        canvas[0].save(path, save_all=True, append_images=canvas[1:], duration=duration_ms,
                       loop=loop, optimize=True)
        return path

    def _repr_html_(self) -> str:
        """A slider with previous/next buttons over the steps' SVGs; no external assets."""
        uid = f"agsteps{next(self._counter)}"
        frames = []
        for i, g in enumerate(self.graphs):
            svg = g.pipe(format="svg", encoding="utf-8")
            svg = svg[svg.find("<svg"):]
            hidden = "" if i == 0 else ' style="display:none"'
            frames.append(f'<div class="{uid}-frame"{hidden}>{svg}</div>')
        n = len(self.graphs)
        names = html.escape(", ".join(f'"{op}"' for op in self.ops))
        return f"""<div id="{uid}">
<div style="font-family:sans-serif;margin-bottom:4px">
<button onclick="{uid}_go(-1)">&#9664;</button>
<input type="range" min="0" max="{n - 1}" value="0" style="width:300px;vertical-align:middle"
 oninput="{uid}_show(parseInt(this.value))">
<button onclick="{uid}_go(1)">&#9654;</button>
<span id="{uid}-text">step 1/{n}</span>
</div>
{"".join(frames)}
<script>
(function() {{
  var ops = [{names}];
  var cur = 0;
  window.{uid}_show = function(i) {{
    var frames = document.querySelectorAll("#{uid} .{uid}-frame");
    cur = Math.max(0, Math.min(frames.length - 1, i));
    frames.forEach(function(f, k) {{ f.style.display = k === cur ? "" : "none"; }});
    document.querySelector("#{uid} input").value = cur;
    document.getElementById("{uid}-text").textContent =
        "step " + (cur + 1) + "/" + frames.length + ": " + ops[cur];
  }};
  window.{uid}_go = function(d) {{ window.{uid}_show(cur + d); }};
}})();
</script>
</div>"""


def _png(graph: graphviz.Digraph, dpi: int) -> bytes:
    g = graph.copy()
    g.graph_attr["dpi"] = str(dpi)
    return g.pipe(format="png")


def backward_steps(
    root: Tensor,
    params: Any = None,
    gradient: Any = None,
    show_data: bool = False,
    rankdir: str = "LR",
    *,
    max_values: int = 12,
    max_steps: int | None = 60,
    legend: bool = False,
    graph_attr: Mapping[str, str] | None = None,
) -> BackwardSteps:
    """The backward pass of ``root``, one picture per step of the reverse topological order.

    Step k processes the k-th op from the root (op k in the DOT source): it
    is drawn with a red border, and the gradients it sends to its inputs
    label the red edges into it (grey labels: sent by earlier steps). Ops
    still waiting are grey. Leaves show the gradient accumulated so far;
    the root and intermediates named in ``params`` show dL/d(them) once
    every op that used them has run. For the lecture's 2-3-1 network with
    MSE loss (name ``a(3)``, ``a(2)`` in ``params`` to see them) this shows
    delta(3) = dL/da(3) leaving the output Sigmoid, then dL/dW(2) =
    delta(3) y(2)^T at the output MatMul, then delta(2), then dL/dW(1).
    Every picture has the same layout: what is not known yet is drawn in
    the background colour.

    The gradients are computed here by calling each op's backward rule in
    the engine's order; no ``.grad`` is written and the graph is not freed,
    so call it before ``loss.backward()`` (or after
    ``loss.backward(retain_graph=True)``).

    Args:
        root: a tensor made by ops; a scalar unless ``gradient`` is given.
        params: names, as for :func:`draw_graph`.
        gradient: dL/droot for a non-scalar root.
        max_steps: refuse graphs with more ops than this (one picture each).
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"backward_steps needs a Tensor, got {type(root).__name__}")
    _check_rankdir(rankdir)
    names = _read_params(params)
    steps = _trace_backward(root, gradient)
    if max_steps is not None and len(steps) > max_steps:
        raise ValueError(
            f"backward_steps draws one picture per op and this graph has {len(steps)} ops, "
            f"more than max_steps={max_steps}; pass a larger max_steps (or None), or draw "
            "the whole graph at once with draw_graph"
        )
    plan = _plan([root], names, show_data, False, max_values, None, None)
    graphs = [
        _step_picture(plan, steps, k, max_values, rankdir, legend, graph_attr)
        for k in range(len(steps))
    ]
    return BackwardSteps(graphs, [op_name(s.node) for s in steps], steps)


def _step_picture(plan: _Plan, steps: list[_Step], k: int, max_values: int, rankdir: str,
                  legend: bool, graph_attr: Mapping[str, str] | None) -> graphviz.Digraph:
    """Step k: op k marked, the gradients known after it visible, the rest invisible.

    Every picture carries the same text (what is not known yet is drawn in the
    background colour), so Graphviz lays each one out exactly alike.
    """
    final, now = steps[-1], steps[k]
    index = {id(n): i for i, n in enumerate(plan.order)}
    complete_after: dict[int, int] = {}  # id(op) -> the step of its last consumer
    for i, node in enumerate(plan.order):
        for edge in node.next_functions:
            if isinstance(edge, Function):
                complete_after[id(edge)] = i
    nodes = {n.id: n.copy() for n in plan.nodes}

    def add(n: _Node, grad: Any, known: bool) -> None:
        if grad is None:
            return
        new = _labelled("grad", grad, max_values)
        if not known:
            n.hidden.update(range(len(n.lines), len(n.lines) + len(new)))
        n.lines += new

    for i, node in enumerate(plan.order):
        n = nodes[plan.op_ids[id(node)]]
        if i > k:
            n.attrs.update(PENDING)
        if i == k:
            n.attrs.update(CURRENT)
    for tid, tensor in plan.tensor_of.items():
        n = nodes[tid]
        if tensor.grad_fn is None:  # a leaf: what has been accumulated into it so far
            so_far = now.leaf_grads.get(id(tensor))
            add(n, so_far if so_far is not None else final.leaf_grads.get(id(tensor)),
                so_far is not None)
        else:  # the root or an intermediate: known once every op that used it has run
            ready = complete_after.get(id(tensor.grad_fn), -1)
            add(n, final.node_grads.get(id(tensor.grad_fn)), ready <= k)

    edges = []
    for (tail, head, attrs), fed in zip(plan.edges, plan.edge_inputs, strict=True):
        if fed is not None:
            i = index[id(fed[0])]
            grad = dict(steps[i].sent).get(fed[1])
            if grad is not None:
                label = "\\n".join(_escape(line) for line in _values(grad, max_values))
                look = SENT_EDGE if i == k else SENT_BEFORE if i < k else {"fontcolor": "#ffffff"}
                attrs = dict(attrs, label=label, **look)
        edges.append((tail, head, attrs))

    title = (f"backward step {k + 1}/{len(steps)}: {op_name(now.node)}\n"
             "red: the op being processed and the gradients it sends to its inputs")
    step_plan = _Plan(list(nodes.values()), edges, plan.edge_inputs, plan.clusters,
                      plan.op_ids, plan.tensor_ids, plan.tensor_of, plan.order)
    return _to_dot(step_plan, rankdir, legend, title, graph_attr,
                   legend_extra=[("op being processed", CURRENT), ("op still waiting", PENDING)],
                   html_labels=True)


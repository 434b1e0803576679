"""``draw_graph``: walk the graph once, root first, and plan what to draw."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..engine import topological_order
from ..function import Function
from ..tensor import Tensor
from .picture import (
    RANKDIRS,
    _labelled,
    _Node,
    _Plan,
    _shape_text,
    _to_dot,
)

if TYPE_CHECKING:
    import graphviz


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
    """The op's name as the lecture writes it: the name of its class (``MatMul``, ``Sigmoid``).

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> ag.viz.op_name((x * x).sum().grad_fn)
        'Sum'
    """
    return type(node).__name__


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
        for edge in node.edges:
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
                inputs = [e for e in run[-1].edges if e is not None]
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
        return chain_end.get(id(node), node).edges

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
            lines += _labelled("data", t._array, max_values)
        grad = t._grad  # not .grad, which warns for a non-leaf drawn without retain_grad()
        if show_grad and grad is not None:
            grad = grad._array if isinstance(grad, Tensor) else grad
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
    writes a file (``"svg"``, ``"pdf"`` too). Raises ValueError for ``max_nodes`` < 1 or a
    ``rankdir`` other than "LR", "TB", "RL", "BT"; rendering without Graphviz's ``dot`` raises
    :class:`GraphvizNotFoundError`.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> loss = (x * x).sum()
        >>> dot = ag.viz.draw_graph(loss, params={'x': x})
        >>> [line.strip() for line in dot.source.splitlines() if "->" in line]
        ['op1 -> op0', 'op0 -> t0', 't1 -> op1', 't1 -> op1']
    """
    roots = _roots_of(root)
    _check_rankdir(rankdir)
    names = _read_params(params)
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1 (or None), got {max_nodes}")
    plan = _plan(roots, names, show_data, show_grad, max_values, max_nodes, collapse_chains)
    return _to_dot(plan, rankdir, legend, title, graph_attr)

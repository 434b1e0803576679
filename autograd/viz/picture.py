"""Turning a plan of nodes and edges into a ``graphviz.Digraph``: looks, labels, legend.

graphviz is imported on first use, so ``import autograd`` does not pay for it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import backend
from ..function import Function
from ..tensor import Tensor

if TYPE_CHECKING:
    import graphviz

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
    """Rendering needs Graphviz's ``dot`` executable, which is not on PATH.

    A RuntimeError raised when a picture is rendered (``.render``, ``save_pngs``, the Jupyter
    display); its message says how to install Graphviz (``sudo apt-get install graphviz``,
    ``brew install graphviz``, ``conda install -c conda-forge graphviz``). The DOT text,
    ``.source``, needs no Graphviz.

    Examples:
        >>> import autograd as ag
        >>> issubclass(ag.viz.GraphvizNotFoundError, RuntimeError)
        True
    """


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

        Graph.__module__, Graph.__qualname__ = "autograd.viz", "Graph"
        _graph_class = Graph
    return _graph_class


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

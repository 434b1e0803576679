"""``backward_steps``: the reverse pass one op at a time, one picture per step."""

from __future__ import annotations

import html
import io
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine import run_backward, topological_order
from ..function import FREED, Function
from ..tensor import Tensor
from .graph import _check_rankdir, _plan, _read_params, op_name
from .picture import (
    CURRENT,
    PENDING,
    SENT_BEFORE,
    SENT_EDGE,
    _escape,
    _labelled,
    _Node,
    _Plan,
    _to_dot,
    _values,
)

if TYPE_CHECKING:
    import graphviz


@dataclass
class _Step:
    """What one step of the reverse pass did and what was known after it."""

    node: Function
    grad: Any  # dL/d(output of node), or None when no gradient reached it
    sent: list[tuple[int, Any]]  # (input index, gradient sent to that input)
    node_grads: dict[int, Any]  # id(op) -> dL/d(its output), for ops processed so far
    leaf_grads: dict[int, Any]  # id(leaf) -> gradient accumulated so far


def _trace_backward(root: Tensor, gradient: Any) -> list[_Step]:
    """Run the engine's reverse pass on ``root``, recording each step (one per node, in
    the engine's order; a node that no gradient reached is a step that sends nothing).

    Nothing is written into any ``.grad`` and nothing is released: the
    user's graph and gradients stay as they were.
    """
    if root.grad_fn is None:
        raise ValueError(
            "backward_steps needs a root made by ops (it has no grad_fn): a leaf has "
            "no backward pass to step through"
        )
    order = topological_order([root.grad_fn])
    for node in order:
        if node.saved_tensors is FREED:
            raise RuntimeError(
                f"backward_steps needs the values {node.name()} saved for backward, "
                "and an earlier backward() freed them. Call backward_steps before "
                "loss.backward(), or call loss.backward(retain_graph=True)."
            )
    ran: dict[int, tuple[Any, list]] = {}

    def record(node: Function, grad: Any, sent: list) -> None:
        ran[id(node)] = (grad, sent)

    # inputs=[]: gradients are computed and passed on, and none is kept anywhere
    run_backward([root], [gradient], retain_graph=True, create_graph=False, inputs=[],
                 on_node=record)
    node_grads: dict[int, Any] = {}
    leaf_grads: dict[int, Any] = {}
    steps = []
    for node in order:
        g, sent = ran.get(id(node), (None, []))
        if g is not None:
            node_grads[id(node)] = g
        for i, ig in sent:
            edge = node.edges[i]
            if not isinstance(edge, Function):
                key = id(edge)
                leaf_grads[key] = ig if key not in leaf_grads else leaf_grads[key] + ig
        steps.append(_Step(node, g, sent, dict(node_grads), dict(leaf_grads)))
    return steps


class BackwardSteps(Sequence):
    """The reverse pass, one picture per op: ``len()``, indexing, a stepper in Jupyter.

    ``steps[i]`` is the ``graphviz.Digraph`` of step i; ``steps.ops`` their
    op names; ``steps.trace[i]`` the numbers behind picture i (``.grad``,
    dL/d(output) of the op; ``.sent``, (input index, gradient) pairs;
    ``.leaf_grads``, id(leaf) -> gradient so far); ``save_gif(path)`` and
    ``save_pngs(folder)`` write the pictures out.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> steps = ag.viz.backward_steps((x * x).sum(), params={'x': x})
        >>> len(steps), steps.ops
        (2, ['Sum', 'Mul'])
        >>> type(steps[0]).__name__
        'Graph'
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
        """Write ``step_000.png``, ``step_001.png``, ... into ``folder``; return their paths.

        Examples:
            >>> import autograd as ag
            >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
            >>> steps = ag.viz.backward_steps((x * x).sum(), params={'x': x})
            >>> steps.ops
            ['Sum', 'Mul']
            >>> paths = steps.save_pngs('steps')  # doctest: +SKIP
            >>> [p.name for p in paths]  # doctest: +SKIP
            ['step_000.png', 'step_001.png']
        """
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

        Examples:
            >>> import autograd as ag
            >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
            >>> steps = ag.viz.backward_steps((x * x).sum(), params={'x': x})
            >>> steps.ops
            ['Sum', 'Mul']
            >>> steps.save_gif('steps.gif').name  # doctest: +SKIP
            'steps.gif'
        """
        try:
            from PIL import Image
        except ImportError as err:
            raise ImportError(
                "save_gif needs Pillow: pip install pillow (it comes with "
                "pip install 'gradschool[notebooks]'); save_pngs() works without it"
            ) from err
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

    Returns a :class:`BackwardSteps`. Drawing needs no Graphviz; rendering (``save_pngs``,
    ``save_gif``, the Jupyter display) needs its ``dot`` executable.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> loss = (x * x).sum()
        >>> steps = ag.viz.backward_steps(loss, params={'x': x})
        >>> len(steps), steps.ops
        (2, ['Sum', 'Mul'])
        >>> steps.trace[1].sent
        [(0, array([1., 2.], dtype=float32)), (1, array([1., 2.], dtype=float32))]
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
        for edge in node.edges:
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

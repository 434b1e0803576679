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

from typing import Any

from .graph import draw_graph, op_name
from .picture import GraphvizNotFoundError, _graph_type
from .steps import BackwardSteps, backward_steps

__all__ = ["draw_graph", "backward_steps", "BackwardSteps", "GraphvizNotFoundError", "op_name"]


def __getattr__(name: str) -> Any:
    """``Graph``, the ``graphviz.Digraph`` subclass, made when first asked for."""
    if name == "Graph":
        return _graph_type()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

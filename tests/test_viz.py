"""Graph pictures: exact DOT structure, names, gradients, the backward stepper, rendering."""

from __future__ import annotations

import html
import re
import shutil
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import autograd as ag
from autograd import viz
from autograd.engine import topological_order

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's dot is not installed (make test installs it)",
)

NODE_LINE = re.compile(r"^\t+(\w+) \[(.*)\]$")
EDGE_LINE = re.compile(r"^\t+(\w+) -> (\w+)(?: \[(.*)\])?$")
ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^ \]]+)')
HTML_LABEL = re.compile(r"label=(<.*>)(?= \w+=)")


def attributes(text: str) -> dict[str, str]:
    """Attributes of one DOT statement; an HTML-like label is kept whole, brackets included."""
    found = {}
    html_label = HTML_LABEL.search(text)
    if html_label:
        found["label"] = html_label.group(1)
        text = text[: html_label.start()] + text[html_label.end():]
    for key, value in ATTR.findall(text):
        found.setdefault(key, value.strip('"'))
    return found


def parse(source: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, str]]]:
    """The nodes (id -> attributes) and edges (tail, head) of a DOT source, in order."""
    nodes, edges = {}, []
    for line in source.splitlines():
        edge = EDGE_LINE.match(line)
        if edge:
            edges.append((edge.group(1), edge.group(2)))
            continue
        node = NODE_LINE.match(line)
        if node and node.group(1) not in ("graph", "node", "edge"):
            nodes[node.group(1)] = attributes(node.group(2))
    return nodes, edges


def edge_attrs(source: str, tail: str, head: str) -> dict[str, str]:
    for line in source.splitlines():
        edge = EDGE_LINE.match(line)
        if edge and edge.group(1) == tail and edge.group(2) == head:
            return attributes(edge.group(3) or "")
    raise AssertionError(f"no edge {tail} -> {head}")


def lines(label: str) -> list[str]:
    """A label's visible lines, from plain DOT text (lines end in \\l or \\n) or HTML-like."""
    if label.startswith("<"):  # the step pictures: invisible lines are in a <font> of their own
        parts = re.split(r"<br[^>]*/>", label[1:-1])
        return [html.unescape(p).replace("\xa0", " ") for p in parts
                if p and not p.startswith("<font")]
    return [s for s in re.split(r"\\[ln]", label) if s]


def lecture_network(dtype=ag.float64):
    """The lecture's 2-3-1 network: sigmoid hidden and output layer, MSE on one pair (x, t)."""
    W1 = ag.tensor([[0.1, -0.2], [0.4, 0.3], [-0.5, 0.2]], dtype=dtype, requires_grad=True)
    b1 = ag.tensor([0.1, 0.0, -0.1], dtype=dtype, requires_grad=True)
    W2 = ag.tensor([[0.7, -0.3, 0.5]], dtype=dtype, requires_grad=True)
    b2 = ag.tensor([0.2], dtype=dtype, requires_grad=True)
    x = ag.tensor([1.0, 2.0], dtype=dtype)
    t = ag.tensor([1.0], dtype=dtype)
    a2 = W1 @ x + b1
    y2 = a2.sigmoid()
    a3 = W2 @ y2 + b2
    y3 = a3.sigmoid()
    loss = ((y3 - t) ** 2).mean()
    params = {"hidden.weight": W1, "hidden.bias": b1, "output.weight": W2, "output.bias": b2}
    return params, loss, dict(x=x, t=t, a2=a2, y2=y2, a3=a3, y3=y3)


OPS_2_3_1 = {
    "op0": "Mean", "op1": "Pow", "op2": "Sub", "op3": "Sigmoid", "op4": "Add",
    "op5": "MatMul", "op6": "Sigmoid", "op7": "Add", "op8": "MatMul",
}
EDGES_2_3_1 = [
    ("op1", "op0"), ("op0", "t0"), ("op2", "op1"), ("op3", "op2"), ("op4", "op3"),
    ("op5", "op4"), ("t1", "op4"), ("t2", "op5"), ("op6", "op5"), ("op7", "op6"),
    ("op8", "op7"), ("t3", "op7"), ("t4", "op8"),
]


# --- structure -------------------------------------------------------------------------
def test_2_3_1_network_has_exactly_the_expected_nodes_and_edges():
    params, loss, _ = lecture_network()
    dot = ag.viz.draw_graph(loss, params=params)
    graphviz = pytest.importorskip("graphviz")
    assert isinstance(dot, graphviz.Digraph) and isinstance(dot, viz.Graph)
    nodes, edges = parse(dot.source)

    ops = {k: v["label"] for k, v in nodes.items() if k.startswith("op")}
    assert ops == OPS_2_3_1
    tensors = {k: lines(v["label"]) for k, v in nodes.items() if k.startswith("t")}
    assert tensors == {
        "t0": ["scalar float64"],
        "t1": ["output.bias", "(1,) float64"],
        "t2": ["output.weight", "(1, 3) float64"],
        "t3": ["hidden.bias", "(3,) float64"],
        "t4": ["hidden.weight", "(3, 2) float64"],
    }
    assert len(nodes) == 14
    assert edges == EDGES_2_3_1


def test_kinds_look_different_and_root_is_marked():
    params, loss, _ = lecture_network()
    del params["output.bias"]  # an unnamed leaf that requires grad is an input
    nodes, _ = parse(ag.viz.draw_graph(loss, params=params).source)
    looks = {k: (v["shape"], v["fillcolor"], v.get("style"), v.get("peripheries"))
             for k, v in nodes.items()}
    assert looks["t0"] == ("box", "#ffd8a8", "filled", "2")  # output
    assert looks["t1"] == ("box", "#dae8fc", "rounded,filled", None)  # input leaf
    assert looks["t2"] == ("box", "#d5e8d4", "filled", None)  # parameter
    assert {looks[k] for k in OPS_2_3_1} == {("ellipse", "#e8e8e8", "filled", None)}
    assert len({looks["t0"], looks["t1"], looks["t2"], looks["op0"]}) == 4


def test_parameters_of_one_module_form_a_cluster_with_their_ops():
    params, loss, _ = lecture_network()
    source = ag.viz.draw_graph(loss, params=params).source
    clusters = re.findall(r"subgraph (cluster_\d+) \{\n(.*?)\n\t\}", source, re.S)
    members = {}
    for _, body in clusters:
        label = re.search(r"label=(\w+)", body).group(1)
        members[label] = sorted(re.findall(r"^\t\t(\w+) \[label", body, re.M))
    assert members == {
        "hidden": ["op7", "op8", "t3", "t4"],
        "output": ["op4", "op5", "t1", "t2"],
    }


def test_source_is_the_same_every_run():
    first = ag.viz.draw_graph(lecture_network()[1]).source
    second = ag.viz.draw_graph(lecture_network()[1]).source
    assert first == second


def test_names_from_a_module_like_object_and_clusters_by_class_name():
    params, loss, _ = lecture_network()

    class Linear:  # duck-typed: autograd knows nothing of nn
        pass

    class Net:
        def named_parameters(self):
            return [("0.weight", params["hidden.weight"]), ("0.bias", params["hidden.bias"]),
                    ("2.weight", params["output.weight"]), ("2.bias", params["output.bias"])]

        def named_modules(self):
            return [("", self), ("0", Linear()), ("2", Linear())]

    source = ag.viz.draw_graph(loss, params=Net()).source
    assert "label=\"0: Linear\"" in source and "label=\"2: Linear\"" in source
    nodes, _ = parse(source)
    assert lines(nodes["t4"]["label"])[0] == "0.weight"
    assert lines(nodes["t1"]["label"])[0] == "2.bias"


def test_names_from_pairs_and_bad_params():
    params, loss, _ = lecture_network()
    nodes, _ = parse(ag.viz.draw_graph(loss, params=list(params.items())).source)
    assert lines(nodes["t2"]["label"])[0] == "output.weight"
    with pytest.raises(TypeError, match="params must be"):
        ag.viz.draw_graph(loss, params=3)
    with pytest.raises(TypeError, match=r"\(name, Tensor\) pairs"):
        ag.viz.draw_graph(loss, params={"w": 1.0})
    with pytest.raises(TypeError, match="draws Tensors"):
        ag.viz.draw_graph([loss, 2.0])
    with pytest.raises(ValueError, match="max_nodes"):
        ag.viz.draw_graph(loss, max_nodes=0)
    with pytest.raises(ValueError, match="rankdir must be one of LR, TB"):
        ag.viz.draw_graph(loss, rankdir="left")
    with pytest.raises(ValueError, match="rankdir"):
        ag.viz.backward_steps(loss, rankdir="down")


def test_named_intermediates_are_drawn_between_their_ops():
    params, loss, v = lecture_network()
    names = dict(params, a2=v["a2"], y3=v["y3"])
    nodes, edges = parse(ag.viz.draw_graph(loss, params=names).source)
    a2 = next(k for k, n in nodes.items() if lines(n["label"])[0] == "a2")
    y3 = next(k for k, n in nodes.items() if lines(n["label"])[0] == "y3")
    assert nodes[a2]["style"] == "rounded,filled,dashed"
    assert (("op7", a2) in edges and (a2, "op6") in edges) and ("op7", "op6") not in edges
    assert ("op3", y3) in edges and (y3, "op2") in edges
    assert "grad:" not in nodes[a2]["label"]


def test_root_leaf_and_several_roots():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    nodes, edges = parse(ag.viz.draw_graph(w).source)
    assert list(nodes) == ["t0"] and edges == []
    s, p = (w * 2).sum(), (w * w).sum()
    nodes, edges = parse(ag.viz.draw_graph([s, p]).source)
    assert [k for k in nodes if k.startswith("t")] == ["t0", "t1", "t2"]
    assert ("op0", "t1") in edges or ("op0", "t0") in edges
    assert sum(1 for e in edges if e[0] == "t2") == 3  # w: once into Mul(w, 2), twice into w*w


# --- values and gradients --------------------------------------------------------------
def test_gradients_appear_after_backward_and_not_before():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    x = ag.tensor([3.0, 4.0])
    y = (w * x).sum()
    before = ag.viz.draw_graph(y, params={"w": w}).source
    assert "grad" not in before
    y.backward()
    nodes, _ = parse(ag.viz.draw_graph(y, params={"w": w}).source)
    assert lines(nodes["t1"]["label"]) == ["w", "(2,) float32", "grad: [3., 4.]"]
    hidden = ag.viz.draw_graph(y, params={"w": w}, show_grad=False).source
    assert "grad" not in hidden


def test_gradients_of_2_3_1_network_show_on_every_parameter_only():
    params, loss, _ = lecture_network()
    loss.backward()
    nodes, _ = parse(ag.viz.draw_graph(loss, params=params).source)
    with_grad = {k for k, n in nodes.items() if "grad:" in n["label"]}
    assert with_grad == {"t1", "t2", "t3", "t4"}
    assert lines(nodes["t4"]["label"])[2].startswith("grad: [[")
    assert len(lines(nodes["t4"]["label"])) == 5  # name, shape, three rows of dL/dW1


def test_show_data_small_values_and_large_summaries():
    w = ag.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    big = ag.ones(40, requires_grad=True)
    y = (w.sum() * big).sum()
    nodes, _ = parse(ag.viz.draw_graph(y, params={"w": w, "big": big}, show_data=True).source)
    w_node = next(n for n in nodes.values() if lines(n["label"])[0] == "w")
    assert lines(w_node["label"])[2:] == ["data: [[ 0.5 , -1.  ],", "       [ 2.  ,  0.25]]"]
    big_node = next(n for n in nodes.values() if lines(n["label"])[0] == "big")
    norm = float(np.sqrt(40.0))
    assert lines(big_node["label"])[2] == f"data: 40 values, norm {norm:.4g}"


def test_retained_intermediate_shows_its_gradient():
    params, loss, v = lecture_network()
    v["a3"].retain_grad()
    nodes, edges = parse(ag.viz.draw_graph(loss, params=params).source)
    retained = [k for k, n in nodes.items() if n.get("style") == "rounded,filled,dashed"]
    assert len(retained) == 1 and ("op4", retained[0]) in edges
    assert "grad:" not in nodes[retained[0]]["label"]
    loss.backward()
    nodes, _ = parse(ag.viz.draw_graph(loss, params=params).source)
    grad = float(v["a3"].grad._array[0])
    assert lines(nodes[retained[0]]["label"]) == ["(1,) float64", f"grad: [{grad:.4f}]"]


# --- large graphs ----------------------------------------------------------------------
def test_long_chain_of_one_op_collapses_to_one_node():
    x = ag.tensor([0.5], requires_grad=True)
    y = x
    for _ in range(3000):  # deep: drawing must not recurse
        y = y.tanh()
    nodes, edges = parse(ag.viz.draw_graph(y).source)
    assert {k: v["label"] for k, v in nodes.items() if k.startswith("op")} == {
        "op0": "Tanh \u00d73000"
    }
    assert edges == [("t1", "op0"), ("op0", "t0")]
    a, b = x, x
    for _ in range(6):  # two chains built in turn: their ops interleave in creation order
        a, b = a.tanh(), b.sin()
    nodes, edges = parse(ag.viz.draw_graph(a + b).source)
    assert {k: v["label"] for k, v in nodes.items() if k.startswith("op")} == {
        "op0": "Add", "op1": "Sin \u00d76", "op2": "Tanh \u00d76"}
    assert sorted(edges) == [("op0", "t0"), ("op1", "op0"), ("op2", "op0"),
                             ("t1", "op1"), ("t1", "op2")]
    y = x.tanh().tanh()  # too short to collapse
    nodes, _ = parse(ag.viz.draw_graph(y).source)
    assert sum(k.startswith("op") for k in nodes) == 2


def test_max_nodes_summarises_the_rest_in_one_node():
    h = ag.tensor([0.3], requires_grad=True)
    for i in range(30):
        w = ag.tensor([0.1 * i], requires_grad=True)
        h = (h * w).sin()
    full, _ = parse(ag.viz.draw_graph(h, max_nodes=None).source)
    assert len(full) == 1 + 60 + 31  # root, 60 ops, 31 leaves
    nodes, edges = parse(ag.viz.draw_graph(h, max_nodes=10).source)
    assert len(nodes) <= 11
    more = nodes["more"]["label"]
    count = int(re.fullmatch(r"\u2026 (\d+) more nodes", more).group(1))
    assert len(nodes) - 1 + count == len(full)
    assert sum(1 for e in edges if e[0] == "more") == 1
    assert all(a in nodes and b in nodes for a, b in edges)


# --- backward step by step -------------------------------------------------------------
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_backward_steps_one_picture_per_op_with_the_right_node_marked():
    params, loss, _ = lecture_network()
    steps = ag.viz.backward_steps(loss, params=params)
    assert len(steps) == 9
    assert steps.ops == [OPS_2_3_1[f"op{k}"] for k in range(9)]
    for k, graph in enumerate(steps):
        assert graph is steps[k]
        nodes, edges = parse(graph.source)
        marked = [i for i, n in nodes.items() if n.get("penwidth") == "3"]
        assert marked == [f"op{k}"]
        assert edges == EDGES_2_3_1
        waiting = {i for i, n in nodes.items() if n.get("color") == "#aaaaaa"}
        assert waiting == {f"op{i}" for i in range(k + 1, 9)}
        assert f"backward step {k + 1}/9: {OPS_2_3_1[f'op{k}']}" in graph.source


def test_backward_steps_follow_the_lectures_deltas():
    params, loss, v = lecture_network()
    W1, W2 = params["hidden.weight"], params["output.weight"]
    x, t = v["x"]._array, v["t"]._array
    y2 = sigmoid(W1._array @ x + params["hidden.bias"]._array)
    y3 = sigmoid(W2._array @ y2 + params["output.bias"]._array)
    delta3 = 2 * (y3 - t) * y3 * (1 - y3)  # dL/da(3) for L = mean((y3 - t)^2), one output
    delta2 = y2 * (1 - y2) * (W2._array.T @ delta3)  # f'(a(2)) * W(2)^T delta(3)

    steps = ag.viz.backward_steps(loss, params=params)
    trace = steps.trace
    assert np.allclose(trace[4].grad, delta3)  # Add of the output layer receives delta(3)
    sent_by_matmul = dict(trace[5].sent)
    assert np.allclose(sent_by_matmul[0], np.outer(delta3, y2))  # dL/dW(2) = delta(3) y(2)^T
    assert np.allclose(trace[7].grad, delta2)  # Add of the hidden layer receives delta(2)
    assert np.allclose(dict(trace[8].sent)[0], np.outer(delta2, x))  # dL/dW(1)

    # The red edge into the processed op carries what it sends back: delta(3) into Add.
    attrs = edge_attrs(steps[3].source, "op4", "op3")
    assert attrs["color"] == "#cc0000"
    assert attrs["label"] == f"[{delta3[0]:.4f}]"
    nodes, _ = parse(steps[4].source)  # Add has sent delta(3) to b(3); W(2) is still waiting
    assert lines(nodes["t1"]["label"])[2] == f"grad: [{delta3[0]:.4f}]"
    assert len(lines(nodes["t2"]["label"])) == 2


def test_backward_steps_show_an_intermediates_gradient_once_its_consumers_ran():
    params, loss, v = lecture_network()
    steps = ag.viz.backward_steps(loss, params=dict(params, a2=v["a2"]))
    y2 = sigmoid(v["a2"]._array)
    W2 = params["output.weight"]._array
    y3 = v["y3"]._array
    delta3 = 2 * (y3 - v["t"]._array) * y3 * (1 - y3)
    delta2 = y2 * (1 - y2) * (W2.T @ delta3)
    for k, graph in enumerate(steps):
        nodes, _ = parse(graph.source)
        a2 = next(n for n in nodes.values() if lines(n["label"])[0] == "a2")
        shown = lines(a2["label"])[2:]
        if k < 6:  # its only consumer, the hidden Sigmoid, is step 6
            assert shown == []
        else:
            assert shown == ["grad: " + np.array2string(
                delta2, precision=4, suppress_small=True, separator=", ")]


def test_draws_nn_modules_with_clusters_by_layer():
    nn = pytest.importorskip("nn")
    F = pytest.importorskip("nn.functional")
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())
    loss = F.mse_loss(model(ag.tensor([[1.0, 2.0]])), ag.tensor([[1.0]]))
    source = ag.viz.draw_graph(loss, params=model).source
    assert '"0: Linear"' in source and '"2: Linear"' in source
    nodes, _ = parse(source)
    names = sorted(lines(n["label"])[0] for k, n in nodes.items() if k.startswith("t")
                   and n["fillcolor"] == "#d5e8d4")
    assert names == ["0.bias", "0.weight", "2.bias", "2.weight"]
    steps = ag.viz.backward_steps(loss, params=model)
    order = topological_order([loss.grad_fn])
    assert steps.ops == [viz.op_name(n) for n in order] and steps.ops[1] == "Sigmoid"
    loss.backward()
    for name, p in model.named_parameters():
        assert np.allclose(steps.trace[-1].leaf_grads[id(p)], p.grad._array), name


@needs_dot
def test_backward_steps_keep_one_layout_for_every_step():
    params, loss, _ = lecture_network()
    steps = ag.viz.backward_steps(loss, params=params)
    layouts = set()
    for graph in steps:
        plain = graph.pipe(format="plain", encoding="utf-8")
        layouts.add(tuple(line for line in plain.splitlines() if line.startswith("node")
                          for line in [" ".join(line.split()[:6])]))
    assert len(layouts) == 1


def test_backward_steps_final_gradients_equal_the_engines_and_leave_grads_alone():
    params, loss, _ = lecture_network()
    steps = ag.viz.backward_steps(loss, params=params)
    assert all(p.grad is None for p in params.values())
    last, _ = parse(steps[-1].source)
    loss.backward()  # the graph was not freed by backward_steps
    after, _ = parse(ag.viz.draw_graph(loss, params=params).source)
    for tid in ("t1", "t2", "t3", "t4"):
        assert lines(last[tid]["label"]) == lines(after[tid]["label"])
    for leaf in params.values():
        assert np.allclose(steps.trace[-1].leaf_grads[id(leaf)], leaf.grad._array)


def test_backward_steps_with_broadcasting_and_a_user_function():
    class Square(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    W = ag.tensor([[0.5, -1.0, 2.0], [1.5, 0.5, -0.5]], dtype=ag.float64, requires_grad=True)
    b = ag.tensor([0.1, 0.2, 0.3], dtype=ag.float64, requires_grad=True)
    X = ag.tensor(np.arange(8.0).reshape(4, 2) / 8, dtype=ag.float64)
    loss = Square.apply(X @ W + b).sum()
    steps = ag.viz.backward_steps(loss, params={"W": W, "b": b})
    assert steps.ops == ["Sum", "Square", "Add", "MatMul"]
    loss.backward()
    assert np.allclose(steps.trace[-1].leaf_grads[id(b)], b.grad._array)
    assert np.allclose(steps.trace[-1].leaf_grads[id(W)], W.grad._array)


def test_backward_steps_errors():
    params, loss, _ = lecture_network()
    loss.backward()  # frees the saved values
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        ag.viz.backward_steps(loss, params=params)
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="no grad_fn"):
        ag.viz.backward_steps(w)
    with pytest.raises(RuntimeError, match="scalar outputs"):
        ag.viz.backward_steps(w * 2)
    with pytest.raises(RuntimeError, match=r"shape \(3,\)"):
        ag.viz.backward_steps(w * 2, gradient=ag.ones(3))
    steps = ag.viz.backward_steps(w * 3, gradient=ag.tensor([1.0, -1.0]))
    assert np.allclose(steps.trace[0].leaf_grads[id(w)], [3.0, -3.0])
    y = w
    for _ in range(5):
        y = y * 2
    with pytest.raises(ValueError, match="max_steps=3"):
        ag.viz.backward_steps(y.sum(), max_steps=3)
    with pytest.raises(TypeError, match="needs a Tensor"):
        ag.viz.backward_steps([y])


def test_legend_names_each_kind():
    params, loss, _ = lecture_network()
    source = ag.viz.draw_graph(loss, params=params, legend=True).source
    legend = re.search(r"subgraph cluster_legend \{(.*?)\n\t\}", source, re.S).group(1)
    assert re.findall(r"legend\d+ \[label=(\"[^\"]*\"|\w+)", legend) == [
        "parameter", '"output (root)"', "op"]
    steps = ag.viz.backward_steps(loss, params=params, legend=True)
    assert '"op being processed"' in steps[0].source


# --- rendering -------------------------------------------------------------------------
@needs_dot
def test_render_png_and_svg_write_real_files(tmp_path):
    params, loss, _ = lecture_network()
    loss.backward()
    dot = ag.viz.draw_graph(loss, params=params, show_data=True)
    png = dot.render(tmp_path / "graph", format="png", cleanup=True)
    with open(png, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    svg = dot.render(tmp_path / "graph", format="svg", cleanup=True)
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    titles = {e.text for e in root.iter("{http://www.w3.org/2000/svg}title")}
    assert {"op0", "op8", "t0", "t4"} <= titles
    assert "image/svg+xml" in dot._repr_mimebundle_()


@needs_dot
def test_backward_steps_as_html_stepper_pngs_and_gif(tmp_path):
    params, loss, _ = lecture_network()
    steps = ag.viz.backward_steps(loss, params=params)
    page = steps._repr_html_()
    assert page.count("<svg") == 9 and 'type="range"' in page and "http" not in page.split(
        "<svg")[0]
    paths = steps.save_pngs(tmp_path / "frames", dpi=30)
    assert [p.name for p in paths] == [f"step_{i:03d}.png" for i in range(9)]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths)
    Image = pytest.importorskip("PIL.Image")
    gif = steps.save_gif(tmp_path / "steps.gif", dpi=30)
    with Image.open(gif) as im:
        assert im.format == "GIF" and im.n_frames == 9


def test_save_gif_without_pillow_says_what_to_install(monkeypatch):
    w = ag.tensor([1.0], requires_grad=True)
    steps = ag.viz.backward_steps((w * 2).sum())
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match="pip install pillow"):
        steps.save_gif("never.gif")


def test_missing_graphviz_gives_source_and_a_clear_error(monkeypatch, tmp_path):
    params, loss, _ = lecture_network()
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    dot = ag.viz.draw_graph(loss, params=params)
    assert "op8 -> op7" in dot.source
    for attempt in (lambda: dot.pipe(format="png"),
                    lambda: dot.render(tmp_path / "g", format="svg"),
                    lambda: dot._repr_mimebundle_()):
        with pytest.raises(viz.GraphvizNotFoundError) as info:
            attempt()
        message = str(info.value)
        assert "sudo apt-get install graphviz" in message and "brew install graphviz" in message
        assert isinstance(info.value, RuntimeError)


def test_draws_and_steps_through_a_graph_on_a_gpu():
    fake_cuda = pytest.importorskip("fake_cuda")  # a strict CuPy stand-in (tests/fake_cuda.py)
    with fake_cuda.installed():
        w = ag.tensor([1.0, 2.0], device="cuda", requires_grad=True)
        x = ag.tensor([3.0, 4.0], device="cuda")
        y = (w * x).sum()
        steps = ag.viz.backward_steps(y, params={"w": w})
        assert np.allclose(ag.backend.to_numpy(steps.trace[-1].leaf_grads[id(w)]), [3.0, 4.0])
        y.backward()
        nodes, _ = parse(ag.viz.draw_graph(y, params={"w": w}, show_data=True).source)
    assert lines(nodes["t1"]["label"]) == ["w", "(2,) float32", "data: [1., 2.]",
                                           "grad: [3., 4.]"]
    assert lines(parse(steps[-1].source)[0]["t1"]["label"])[-1] == "grad: [3., 4.]"


@needs_dot
def test_awkward_names_are_escaped_in_plain_and_html_labels():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    name = 'w "quoted" \\ <b>&'
    y = (w * 3).sum()
    for graph in (ag.viz.draw_graph(y, params={name: w}), ag.viz.backward_steps(y, {name: w})[0]):
        svg = ET.fromstring(graph.pipe(format="svg"))
        texts = [e.text for e in svg.iter("{http://www.w3.org/2000/svg}text")]
        assert any(t is not None and t.replace("\xa0", " ") == name for t in texts)

"""Draw the README's pictures: the lecture's 2-3-1 network after backward, and its backward pass.

Run from the repository root: ``.venv/bin/python docs/make_images.py`` (needs Graphviz's dot).
"""

from __future__ import annotations

from pathlib import Path

import autograd as ag

HERE = Path(__file__).parent


def lecture_network():
    """2 inputs, 3 hidden and 1 output neuron, sigmoid everywhere, MSE on one pair (x, t).

    a(2) = W(1) y(1) + b(2), y(2) = f(a(2)); a(3) = W(2) y(2) + b(3), y(3) = f(a(3)).
    """
    W1 = ag.tensor([[0.1, -0.2], [0.4, 0.3], [-0.5, 0.2]], requires_grad=True)
    b2 = ag.tensor([0.1, 0.0, -0.1], requires_grad=True)
    W2 = ag.tensor([[0.7, -0.3, 0.5]], requires_grad=True)
    b3 = ag.tensor([0.2], requires_grad=True)
    x = ag.tensor([1.0, 2.0])
    t = ag.tensor([1.0])
    a2 = W1 @ x + b2
    y2 = a2.sigmoid()
    a3 = W2 @ y2 + b3
    y3 = a3.sigmoid()
    loss = ((y3 - t) ** 2).mean()
    names = {"W(1)": W1, "b(2)": b2, "W(2)": W2, "b(3)": b3,
             "a(2)": a2, "y(2)": y2, "a(3)": a3, "y(3)": y3, "L": loss}
    return names, loss


def main() -> None:
    names, loss = lecture_network()
    steps = ag.viz.backward_steps(loss, params=names, rankdir="TB")
    steps.save_gif(HERE / "backward_steps_2_3_1.gif", dpi=72, colors=48)
    for name in ("a(2)", "a(3)"):
        names[name].retain_grad()  # the lecture's delta(2), delta(3)
    loss.backward()
    dot = ag.viz.draw_graph(loss, params=names, show_data=True, rankdir="TB",
                            graph_attr={"dpi": "80"})
    dot.render(HERE / "graph_2_3_1", format="png", cleanup=True)
    for path in sorted(HERE.glob("*_2_3_1.*")):
        print(f"{path}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()

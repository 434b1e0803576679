"""``make demo``: train a handwritten-digit classifier with gradschool, as one would with PyTorch.

The data are the 1797 8x8 digits that scikit-learn ships (no download). A
64-64-10 MLP with ReLU is trained with Adam on mini-batches of 32, with a
softmax + cross-entropy loss. The script prints the test accuracy and writes
two pictures to ``demo_output/``:

* ``graph.png``: the computation graph of one mini-batch's loss, drawn by
  ``ag.viz.draw_graph`` with the model's parameter names;
* ``loss_curve.png``: training and validation loss per epoch.

Run it with ``make demo`` or ``.venv/bin/python demo.py [--epochs N] [--out DIR]
[--device cuda]``: on a GPU (``pip install 'gradschool[cuda]'``) the same code trains
there, which is all that ``device=`` changes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from tqdm import tqdm  # noqa: E402

import autograd as ag  # noqa: E402
import nn  # noqa: E402
import nn.functional as F  # noqa: E402
import optim  # noqa: E402
from autograd.data import DataLoader, TensorDataset, random_split  # noqa: E402

OUTPUT_DIR = Path(__file__).resolve().parent / "demo_output"
REQUIRED_ACCURACY = 0.95


def load_splits(seed: int, device: str = "cpu") -> tuple[TensorDataset, ...]:
    """The digits, scaled to [0, 1], split 60/20/20 into training, validation and test sets
    (kept on ``device``, so that every mini-batch is already there)."""
    digits = load_digits()
    X = ag.tensor(digits.data.astype(np.float32) / 16.0, device=device)
    y = ag.tensor(digits.target, device=device)
    return tuple(random_split(TensorDataset(X, y), [0.6, 0.2, 0.2],
                              generator=ag.Generator().manual_seed(seed)))


def whole(subset: TensorDataset) -> tuple[ag.Tensor, ag.Tensor]:
    """Every sample of a dataset as two tensors: inputs and labels."""
    return next(iter(DataLoader(subset, batch_size=len(subset))))


def evaluate(model: nn.Module, X: ag.Tensor, y: ag.Tensor) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of the model on X, y, without building a graph."""
    with ag.no_grad():
        logits = model(X)
        loss = F.cross_entropy(logits, y).item()
        accuracy = (logits.argmax(dim=1) == y).float().mean().item()
    return loss, accuracy


def main(out_dir: Path = OUTPUT_DIR, epochs: int = 30, seed: int = 0,
         device: str = "cpu") -> dict[str, object]:
    """Train, test, draw; returns the test accuracy and the paths written."""
    ag.manual_seed(seed)
    train_set, val_set, test_set = load_splits(seed, device)
    X_val, y_val = whole(val_set)
    X_test, y_test = whole(test_set)

    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    loader = DataLoader(train_set, batch_size=32, shuffle=True)
    print(model)
    print(f"training on {len(train_set)} digits, validating on {len(val_set)}, "
          f"testing on {len(test_set)}, on {ag.device(device)}")

    train_losses: list[float] = []
    val_losses: list[float] = []
    with tqdm(range(epochs), desc="training", unit="epoch") as bar:
        for _ in bar:
            model.train()
            batch_losses = []
            for xb, yb in loader:
                optimizer.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                optimizer.step()
                batch_losses.append(loss.item())
            model.eval()
            train_losses.append(float(np.mean(batch_losses)))
            val_loss, val_acc = evaluate(model, X_val, y_val)
            val_losses.append(val_loss)
            bar.set_postfix(loss=f"{train_losses[-1]:.3f}", val_acc=f"{val_acc:.1%}")

    test_loss, test_acc = evaluate(model, X_test, y_test)
    print(f"test accuracy: {test_acc:.1%} (cross-entropy {test_loss:.3f})")

    out_dir.mkdir(parents=True, exist_ok=True)
    xb, yb = next(iter(DataLoader(test_set, batch_size=8)))
    loss = loss_fn(model(xb), yb)
    loss.backward()  # so that the picture shows each parameter's gradient
    names = {**dict(model.named_parameters()), "loss": loss}
    graph = ag.viz.draw_graph(loss, params=names,
                              title="one mini-batch's loss and its gradients", legend=True)
    graph_path = Path(graph.render(out_dir / "graph", format="png", cleanup=True))

    fig, ax = plt.subplots(figsize=(5, 3.2), dpi=100)
    ax.plot(range(1, epochs + 1), train_losses, label="training")
    ax.plot(range(1, epochs + 1), val_losses, label="validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy")
    ax.set_yscale("log")
    ax.set_title(f"digits MLP: test accuracy {test_acc:.1%}")
    ax.legend()
    fig.tight_layout()
    curve_path = out_dir / "loss_curve.png"
    fig.savefig(curve_path)
    plt.close(fig)

    print(f"graph picture: {graph_path}")
    print(f"loss curve:    {curve_path}")
    return {"test_accuracy": test_acc, "graph": graph_path, "loss_curve": curve_path}


def cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train a digit classifier with gradschool.")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--out", type=Path, default=OUTPUT_DIR, help="output folder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu",
                        help="cpu, cuda or cuda:N; 'auto' picks the GPU where there is one")
    args = parser.parse_args(argv)
    device = args.device
    if device == "auto":
        device = "cuda" if ag.cuda.is_available() else "cpu"
    result = main(args.out, args.epochs, args.seed, device)
    if result["test_accuracy"] < REQUIRED_ACCURACY:
        print(f"test accuracy below {REQUIRED_ACCURACY:.0%}: something is wrong", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(cli())

"""PyTorch's "Quickstart" tutorial (pytorch.org/tutorials/beginner/basics/quickstart_tutorial),
written as the tutorial writes it, with two changes so that it runs anywhere and gives the
same numbers in every framework:

- the data is a small synthetic stand-in for FashionMNIST (1x28x28 images, 10 classes),
  made with numpy, instead of a download;
- the weights start from numpy draws (the tutorial keeps the framework's random init),
  and the network is narrower (64 instead of 512), to keep the run short.

tests/test_ported_programs.py runs it with PyTorch and, after swapping the imports, here.
"""

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

# A stand-in for datasets.FashionMNIST: one noisy template image per class.
rng = np.random.default_rng(0)
templates = rng.uniform(0.0, 1.0, size=(10, 1, 28, 28)).astype(np.float32)


def make_split(n):
    labels = rng.integers(0, 10, size=n)
    images = templates[labels] + 0.8 * rng.standard_normal((n, 1, 28, 28)).astype(np.float32)
    return TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))


training_data = make_split(512)
test_data = make_split(128)

batch_size = 64

# Create data loaders.
train_dataloader = DataLoader(training_data, batch_size=batch_size)
test_dataloader = DataLoader(test_data, batch_size=batch_size)

for X, y in test_dataloader:
    print(f"Shape of X [N, C, H, W]: {list(X.shape)}")
    print(f"Shape of y: {list(y.shape)}")
    break

device = "cuda" if torch.cuda.is_available() else "cpu"
device = "cpu"  # the comparison runs on the CPU
print(f"Using {device} device")


# Define model
class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 64),
            nn.ReLU(),
            nn.Linear(64, 64),
            nn.ReLU(),
            nn.Linear(64, 10)
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork().to(device)
print(model)

# The same starting weights in every framework.
init_rng = np.random.default_rng(1)
with torch.no_grad():
    for param in model.parameters():
        bound = 1.0 / np.sqrt(param.shape[-1])
        param.copy_(torch.from_numpy(
            init_rng.uniform(-bound, bound, size=tuple(param.shape)).astype(np.float32)))

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-1)


def train(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)

        # Compute prediction error
        pred = model(X)
        loss = loss_fn(pred, y)

        # Backpropagation
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

        if batch % 2 == 0:
            loss, current = loss.item(), (batch + 1) * len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test(dataloader, model, loss_fn):
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    model.eval()
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).float().sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")


epochs = 3
for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train(train_dataloader, model, loss_fn, optimizer)
    test(test_dataloader, model, loss_fn)
print("Done!")

classes = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]

model.eval()
x, y = test_data[0][0], test_data[0][1]
with torch.no_grad():
    x = x.to(device)
    pred = model(x)
    predicted, actual = classes[pred[0].argmax(0)], classes[y]
    print(f'Predicted: "{predicted}", Actual: "{actual}"')

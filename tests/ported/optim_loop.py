"""Two training loops in the style of PyTorch's tutorials:

1. "PyTorch: optim" (pytorch.org/tutorials/beginner/pytorch_with_examples): a third-order
   polynomial fitted to sin(x) by an nn.Sequential with RMSprop, as the tutorial writes it
   (500 steps instead of 2000);
2. "Optimizing Model Parameters" (pytorch.org/tutorials/beginner/basics/optimization_tutorial):
   a train_loop / test_loop over DataLoaders, here a small regression with NAdam, a
   CosineAnnealingWarmRestarts schedule stepped per batch, and gradient clipping.

Weights start from numpy draws so that every framework starts from the same point.
tests/test_ported_programs.py runs it with PyTorch and, after swapping the imports, here.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def init_from_numpy(model, seed):
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for param in model.parameters():
            bound = 1.0 / math.sqrt(param.shape[-1])
            param.copy_(torch.tensor(rng.uniform(-bound, bound, size=tuple(param.shape)),
                                     dtype=torch.float32))


# --- 1. PyTorch: optim ------------------------------------------------------------------------
# Create Tensors to hold input and outputs.
x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

# Prepare the input tensor (x, x^2, x^3).
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)

# Use the nn package to define our model and loss function.
model = torch.nn.Sequential(
    torch.nn.Linear(3, 1),
    torch.nn.Flatten(0, 1)
)
init_from_numpy(model, 0)
loss_fn = torch.nn.MSELoss(reduction='sum')

# Use the optim package to define an Optimizer that will update the weights of
# the model for us. Here we will use RMSprop; the optim package contains many other
# optimization algorithms. The first argument to the RMSprop constructor tells the
# optimizer which Tensors it should update.
learning_rate = 1e-3
optimizer = torch.optim.RMSprop(model.parameters(), lr=learning_rate)
for t in range(500):
    # Forward pass: compute predicted y by passing x to the model.
    y_pred = model(xx)

    # Compute and print loss.
    loss = loss_fn(y_pred, y)
    if t % 50 == 49:
        print(t, loss.item())

    # Before the backward pass, use the optimizer object to zero all of the
    # gradients for the variables it will update (which are the learnable
    # weights of the model).
    optimizer.zero_grad()

    # Backward pass: compute gradient of the loss with respect to model
    # parameters
    loss.backward()

    # Calling the step function on an Optimizer makes an update to its
    # parameters
    optimizer.step()


linear_layer = model[0]
print(f'Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + '
      f'{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3')


# --- 2. Optimizing Model Parameters ------------------------------------------------------------
rng = np.random.default_rng(3)
features = rng.standard_normal((320, 5)).astype(np.float32)
targets = (np.tanh(features @ rng.standard_normal((5, 2))) + 0.05 * rng.standard_normal(
    (320, 2))).astype(np.float32)
training_data = TensorDataset(torch.from_numpy(features[:256]), torch.from_numpy(targets[:256]))
test_data = TensorDataset(torch.from_numpy(features[256:]), torch.from_numpy(targets[256:]))
train_dataloader = DataLoader(training_data, batch_size=32)
test_dataloader = DataLoader(test_data, batch_size=32)


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(5, 16)
        self.out = nn.Linear(16, 2)

    def forward(self, x):
        return self.out(F.gelu(self.hidden(x)))


model = Regressor()
init_from_numpy(model, 4)

learning_rate = 1e-2
batch_size = 32
epochs = 4

loss_fn = nn.MSELoss()
optimizer = torch.optim.NAdam(model.parameters(), lr=learning_rate, weight_decay=1e-3)
scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=2, T_mult=2)


def train_loop(dataloader, model, loss_fn, optimizer, epoch):
    size = len(dataloader.dataset)
    iters = len(dataloader)
    # Set the model to training mode - important for batch normalization and dropout layers
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        # Compute prediction and loss
        pred = model(X)
        loss = loss_fn(pred, y)

        # Backpropagation
        loss.backward()
        total_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        optimizer.zero_grad()
        scheduler.step(epoch + batch / iters)

        if batch % 4 == 0:
            loss, current = loss.item(), batch * batch_size + len(X)
            print(f"loss: {loss:>7f}  grad norm: {total_norm.item():>7f}  "
                  f"lr: {scheduler.get_last_lr()[0]:>7f}  [{current:>5d}/{size:>5d}]")


def test_loop(dataloader, model, loss_fn):
    # Set the model to evaluation mode - important for batch normalization and dropout layers
    model.eval()
    num_batches = len(dataloader)
    test_loss = 0

    # Evaluating the model with torch.no_grad() ensures that no gradients are computed during
    # test mode
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()

    test_loss /= num_batches
    print(f"Test Error: \n Avg loss: {test_loss:>8f} \n")


for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer, t)
    test_loop(test_dataloader, model, loss_fn)
print("Done!")

"""Optimizers and learning-rate schedules, as ``torch.optim``.

::

    import optim

    opt = optim.Adam(model.parameters(), lr=1e-3)
    for x, y in loader:
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

The loop in full, fitting y = 2x + 1 by gradient descent:

Examples:
    >>> import autograd as ag, nn, optim
    >>> x = ag.linspace(-1, 1, 20).reshape(20, 1)
    >>> y = 2 * x + 1
    >>> model = nn.Linear(1, 1)
    >>> opt = optim.SGD(model.parameters(), lr=0.5)
    >>> for epoch in range(100):
    ...     opt.zero_grad()
    ...     loss = nn.functional.mse_loss(model(x), y)
    ...     loss.backward()
    ...     opt.step()
    >>> model.weight.detach().round(decimals=3), model.bias.detach().round(decimals=3)
    (tensor([[2.]]), tensor([1.]))
"""

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "lr_scheduler",
           "Adadelta", "Adamax", "NAdam", "RAdam"]

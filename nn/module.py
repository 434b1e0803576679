"""``nn.Module``: the base class of every layer and network, as ``torch.nn.Module``.

A Module owns Parameters (the w's and b's of its neurons), buffers (other
state that is saved but not trained) and sub-modules, each registered in the
order it is assigned. That order gives ``parameters()``, ``state_dict()``
keys such as ``0.weight``, ``0.bias``, ``2.weight`` and the ``repr``, all
exactly as PyTorch's.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import autograd as ag
from autograd import backend

from .parameter import Parameter

__all__ = ["Module"]

Tensor = ag.Tensor


class _IncompatibleKeys(NamedTuple):
    missing_keys: list[str]
    unexpected_keys: list[str]

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return (f"_IncompatibleKeys(missing_keys={self.missing_keys}, "
                f"unexpected_keys={self.unexpected_keys})")

    __str__ = __repr__


# What every call of a module looks at, kept as module globals (a global read is cached by
# the interpreter, an attribute of a Module is not, as Module defines __getattr__): while no
# forward hook is registered anywhere and no Module subclass defines its own __call__,
# module(x) is exactly module.forward(x), so containers call forward directly.
forward_hooks = 0  # forward (pre-)hooks registered on any module and not yet removed
custom_call = False  # True once a Module subclass defines __call__


class RemovableHandle:
    """What ``register_forward_hook`` returns: ``handle.remove()`` unregisters the hook.

    Also a context manager: the hook is removed when the ``with`` block ends.

    Examples:
        >>> import autograd as ag, nn
        >>> layer = nn.Linear(2, 1)
        >>> calls = []
        >>> with layer.register_forward_hook(lambda m, args, out: calls.append(1)):
        ...     _ = layer(ag.ones(1, 2))
        >>> _ = layer(ag.ones(1, 2))
        >>> len(calls)
        1
    """

    registered = 0  # hooks ever registered, on any module: the ids

    def __init__(self, hooks: OrderedDict, hook: Callable[..., Any]) -> None:
        global forward_hooks
        self.id = RemovableHandle.registered
        RemovableHandle.registered += 1
        self._hooks = hooks
        hooks[self.id] = hook
        forward_hooks += 1

    def remove(self) -> None:
        """Unregister the hook (a second call does nothing).

        Examples:
            >>> import autograd as ag, nn
            >>> layer = nn.Linear(2, 1)
            >>> calls = []
            >>> handle = layer.register_forward_hook(lambda m, args, out: calls.append(1))
            >>> _ = layer(ag.ones(1, 2))
            >>> handle.remove()
            >>> _ = layer(ag.ones(1, 2))
            >>> len(calls)
            1
        """
        global forward_hooks
        if self._hooks.pop(self.id, None) is not None:
            forward_hooks -= 1

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def _addindent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    first = lines.pop(0)
    return first + "\n" + "\n".join(" " * spaces + line for line in lines)


def _check_name(kind: str, name: Any, owner: Module) -> None:
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
    if name == "":
        raise KeyError(f'{kind} name can\'t be empty string ""')
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain ".", got: {name}')


class Module:
    """Base class for all neural network modules: subclass it, assign layers in ``__init__``,
    and define ``forward``.

    Calling the module, ``net(x)``, runs ``forward(x)`` (and any hooks). Layers, Parameters
    and buffers assigned as attributes are registered in assignment order, which gives
    ``parameters()`` (for an optimizer), ``state_dict()`` keys and the repr.

    Examples:
        >>> import autograd as ag, nn
        >>> _ = ag.manual_seed(0)
        >>> class Net(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.hidden = nn.Linear(2, 3)
        ...         self.out = nn.Linear(3, 1)
        ...     def forward(self, x):
        ...         return self.out(self.hidden(x).sigmoid())
        >>> net = Net()
        >>> net(ag.ones(4, 2)).shape
        autograd.Size([4, 1])
        >>> sum(p.numel() for p in net.parameters())
        13
        >>> list(net.state_dict())
        ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
    """

    training: bool

    def __init_subclass__(cls, **kwargs: Any) -> None:
        global custom_call
        super().__init_subclass__(**kwargs)
        if "__call__" in cls.__dict__:  # containers then call every module through __call__
            custom_call = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() got unexpected arguments; Module.__init__ "
                "takes none"
            )
        set_ = object.__setattr__
        set_(self, "training", True)
        set_(self, "_parameters", OrderedDict())
        set_(self, "_buffers", OrderedDict())
        set_(self, "_non_persistent_buffers_set", set())
        set_(self, "_modules", OrderedDict())
        set_(self, "_forward_pre_hooks", OrderedDict())
        set_(self, "_forward_hooks", OrderedDict())

    # --- running ---------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """What the module computes: every subclass defines it. Call the module (``m(x)``)
        rather than ``m.forward(x)``, so that its hooks run.

        Raises:
            NotImplementedError: the subclass did not define ``forward``.

        Examples:
            >>> import autograd as ag, nn
            >>> class Double(nn.Module):
            ...     def forward(self, x):
            ...         return 2 * x
            >>> Double()(ag.tensor([1.0, 2.0]))
            tensor([2., 4.])
        """
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not forward_hooks or not (self._forward_pre_hooks or self._forward_hooks):
            return self.forward(*args, **kwargs)
        for hook in list(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    def register_forward_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, args)`` before every forward; a non-None result replaces args.

        Examples:
            >>> import autograd as ag, nn
            >>> layer = nn.Linear(2, 1)
            >>> handle = layer.register_forward_pre_hook(lambda module, args: (args[0] * 0,))
            >>> layer(ag.ones(1, 2)) == layer.bias
            tensor([[True]])
            >>> handle.remove()
        """
        return RemovableHandle(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after every forward (e.g. to record the y's of a
        layer); a non-None result replaces the output. ``handle.remove()`` takes it away.

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
            >>> shapes = []
            >>> def record(module, args, output):
            ...     shapes.append(tuple(output.shape))
            >>> handle = net[1].register_forward_hook(record)
            >>> _ = net(ag.ones(4, 2))
            >>> handle.remove()
            >>> shapes
            [(4, 3)]
        """
        return RemovableHandle(self._forward_hooks, hook)

    # --- registration ----------------------------------------------------------------
    # Registered objects live in the ordered dicts (the source of truth, as in PyTorch)
    # and, for fast attribute access, also in the instance __dict__.
    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                    "(nn.Parameter or None expected)"
                )
            self.register_parameter(name, None)
        elif isinstance(value, Module):
            if params is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name)
            self.add_module(name, value)
        elif params is not None and name in self._modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as child module '{name}' "
                    "(nn.Module or None expected)"
                )
            self._modules[name] = None
            object.__setattr__(self, name, None)
        elif params is not None and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                    "(Tensor or None expected)"
                )
            self._buffers[name] = value
            object.__setattr__(self, name, value)
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str) -> None:
        """Drop ``name`` from every registry, before it is registered as something else."""
        self.__dict__.pop(name, None)
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        self._non_persistent_buffers_set.discard(name)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: registered names are in __dict__ as well,
        # so this is a fallback for objects put into the registries directly.
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry in d and name in d[registry]:
                return d[registry][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        if name in self._parameters or name in self._buffers or name in self._modules:
            self._forget(name)
        else:
            object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or None, a placeholder such as a missing bias) under ``name``.

        A name that is not a string, is empty or contains '.' raises TypeError or KeyError.

        Examples:
            >>> import autograd as ag, nn
            >>> m = nn.Module()
            >>> m.register_parameter('scale', nn.Parameter(ag.ones(2)))
            >>> list(m.state_dict())
            ['scale']
        """
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        _check_name("parameter", name, self)
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                "(nn.Parameter or None required)"
            )
        if param is not None and param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                "created explicitly; wrap the result in nn.Parameter(t.detach()) if you mean it"
            )
        self._parameters[name] = param
        object.__setattr__(self, name, param)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under ``name``; it appears in ``children()`` and the state_dict.

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential()
            >>> net.add_module('hidden', nn.Linear(2, 3))
            >>> net
            Sequential(
              (hidden): Linear(in_features=2, out_features=3, bias=True)
            )
        """
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        _check_name("module", name, self)
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        self._modules[name] = module
        object.__setattr__(self, name, module)

    register_module = add_module

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add state that is not a parameter (e.g. running statistics); saved in the state_dict
        unless ``persistent=False``, moved by ``to()``.

        Examples:
            >>> import autograd as ag, nn
            >>> m = nn.Module()
            >>> m.register_buffer('count', ag.zeros(1))
            >>> m.register_buffer('cache', ag.zeros(3), persistent=False)
            >>> list(m.state_dict())
            ['count']
            >>> [name for name, _ in m.named_buffers()]
            ['count', 'cache']
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        _check_name("buffer", name, self)
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                "(Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)
        object.__setattr__(self, name, tensor)

    # --- traversal -------------------------------------------------------------------
    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """(name, module) for this module and every module below it, depth first.

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
            >>> [name for name, _ in net.named_modules()]
            ['', '0', '1', '2']
        """
        if memo is None:
            memo = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:  # iterative: no recursion limit for very deep nestings
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in memo:
                    continue
                memo.add(id(module))
            yield name, module
            children = [(name + ("." if name else "") + key, child)
                        for key, child in module._modules.items() if child is not None]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """Every module in the tree, this one first, depth first (as ``named_modules``).

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
            >>> [type(m).__name__ for m in net.modules()]
            ['Sequential', 'Linear', 'ReLU', 'Linear']
        """
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for each direct child, in registration order.

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
            >>> [name for name, _ in net.named_children()]
            ['0', '1', '2']
        """
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """Each direct child module, in registration order.

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
            >>> len(list(net.children()))
            3
        """
        for _, module in self.named_children():
            yield module

    def _named_members(self, registry: str, prefix: str, recurse: bool,
                       remove_duplicate: bool) -> Iterator[tuple[str, Any]]:
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) \
            if recurse else [(prefix, self)]
        seen: set[int] = set()
        for module_prefix, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None:
                    continue
                if remove_duplicate:
                    if id(value) in seen:
                        continue
                    seen.add(id(value))
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(name, parameter) pairs such as ('0.weight', ...), in registration order; a
        parameter shared by two modules appears once.

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
            >>> [(n, tuple(p.shape)) for n, p in net.named_parameters()]
            [('0.weight', (3, 2)), ('0.bias', (3,)), ('2.weight', (1, 3)), ('2.bias', (1,))]
        """
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter, for an optimizer: ``optim.SGD(model.parameters(), lr=0.1)``.

        The order and de-duplication of ``named_parameters()``, without building names
        (it runs on every training step, in zero_grad and in the update).

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
            >>> sum(p.numel() for p in net.parameters())
            13
        """
        if not recurse:
            yield from (p for p in self._parameters.values() if p is not None)
            return
        seen_modules: set[int] = set()
        seen: set[int] = set()
        stack: list[Module] = [self]
        while stack:
            module = stack.pop()
            if id(module) in seen_modules:
                continue
            seen_modules.add(id(module))
            for param in module._parameters.values():
                if param is not None and id(param) not in seen:
                    seen.add(id(param))
                    yield param
            children = [m for m in module._modules.values() if m is not None]
            stack.extend(reversed(children))

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(name, buffer) pairs such as ('0.running_mean', ...), in registration order.

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential(nn.BatchNorm1d(2))
            >>> [name for name, _ in net.named_buffers()]
            ['0.running_mean', '0.running_var', '0.num_batches_tracked']
        """
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer (running statistics and the like) of this module and below.

        Examples:
            >>> import autograd as ag, nn
            >>> len(list(nn.BatchNorm1d(2).buffers()))
            3
        """
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def get_submodule(self, target: str) -> Module:
        """The module at a dotted path such as ``'encoder.0'``.

        A path that names no submodule raises AttributeError.

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
            >>> net.get_submodule('2')
            Linear(in_features=3, out_features=1, bias=True)
        """
        if target == "":
            return self
        module: Module = self
        for item in target.split("."):
            if item not in module._modules or module._modules[item] is None:
                raise AttributeError(f"{module._get_name()} has no attribute `{item}`")
            module = module._modules[item]
        return module

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at a dotted path such as ``'0.weight'``; a path that names none raises
        AttributeError.

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
            >>> net.get_parameter('0.bias').shape
            autograd.Size([3])
        """
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if name not in module._parameters or module._parameters[name] is None:
            raise AttributeError(f"{module._get_name()} has no parameter `{name}`")
        return module._parameters[name]

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every submodule (children first) and then on self; e.g. to initialise.

        Returns the module itself.

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
            >>> def init_weights(m):
            ...     if isinstance(m, nn.Linear):
            ...         nn.init.zeros_(m.bias)
            >>> _ = net.apply(init_weights)
            >>> net[0].bias
            Parameter containing:
            tensor([0., 0., 0.], requires_grad=True)
        """
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # --- modes and gradients ---------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Training mode (Dropout drops); ``train(False)`` equals ``eval()``.

        Sets ``training`` on this module and every submodule; returns the module.

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential(nn.Dropout(0.5))
            >>> net.train().training, net[0].training
            (True, True)
        """
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        object.__setattr__(self, "training", mode)
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode: Dropout is the identity.

        Sets ``training=False`` on every submodule (BatchNorm uses its running statistics); returns
        the module.

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential(nn.Dropout(0.5))
            >>> _ = net.eval()
            >>> net.training, net[0].training
            (False, False)
            >>> net(ag.ones(3))
            tensor([1., 1., 1.])
        """
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Switch gradient tracking of every parameter on or off (e.g. to freeze a layer).

        Returns the module.

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
            >>> _ = net[0].requires_grad_(False)
            >>> [p.requires_grad for p in net.parameters()]
            [False, False, True, True]
        """
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's ``.grad``: to None (default) or to zeros.

        Examples:
            >>> import autograd as ag, nn
            >>> layer = nn.Linear(2, 1)
            >>> layer(ag.ones(1, 2)).sum().backward()
            >>> layer.bias.grad
            tensor([1.])
            >>> layer.zero_grad()
            >>> layer.bias.grad is None
            True
        """
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                if param.grad.grad_fn is not None:
                    param.grad.detach_()
                else:
                    param.grad.requires_grad_(False)
                param.grad.zero_()

    # --- state_dict ------------------------------------------------------------------
    def state_dict(self, *args: Any, destination: Any = None, prefix: str = "",
                   keep_vars: bool = False) -> OrderedDict:
        """An OrderedDict name -> tensor of every parameter and persistent buffer.

        Keys follow registration order (``0.weight``, ``0.bias``, ...); values share
        memory with the parameters but are detached from the graph (unless keep_vars).

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
            >>> sd = net.state_dict()
            >>> list(sd)
            ['0.weight', '0.bias', '2.weight', '2.bias']
            >>> sd['0.weight'].requires_grad
            False
        """
        if args:
            raise TypeError("state_dict() takes keyword arguments only: destination, prefix, "
                            "keep_vars")
        if destination is None:
            destination = OrderedDict()
        for name, module in self.named_modules(prefix=prefix.rstrip("."),
                                               remove_duplicate=False):
            base = name + "." if name else ""
            for key, param in module._parameters.items():
                if param is not None:
                    destination[base + key] = param if keep_vars else param.detach()
            for key, buf in module._buffers.items():
                if buf is not None and key not in module._non_persistent_buffers_set:
                    destination[base + key] = buf if keep_vars else buf.detach()
        return destination

    def _state_entries(self) -> OrderedDict:
        """name -> (the Module that owns it, its local name, the Tensor), as in state_dict()."""
        entries: OrderedDict = OrderedDict()
        for name, module in self.named_modules(remove_duplicate=False):
            base = name + "." if name else ""
            for key, param in module._parameters.items():
                if param is not None:
                    entries[base + key] = (module, key, param)
            for key, buf in module._buffers.items():
                if buf is not None and key not in module._non_persistent_buffers_set:
                    entries[base + key] = (module, key, buf)
        return entries

    def load_state_dict(self, state_dict: Any, strict: bool = True,
                        assign: bool = False) -> _IncompatibleKeys:
        """Copy values from ``state_dict`` into this module's parameters and buffers, in place.

        The Parameter objects stay the same (an optimizer built on them keeps working).
        Missing or unexpected keys (with ``strict=True``) and wrongly shaped values raise a
        RuntimeError that names every one of them.

        Examples:
            >>> import autograd as ag, nn
            >>> a, b = nn.Linear(2, 1), nn.Linear(2, 1)
            >>> b.load_state_dict(a.state_dict())
            <All keys matched successfully>
            >>> bool((a.weight == b.weight).all())
            True
        """
        if not hasattr(state_dict, "keys"):
            raise TypeError(
                f"Expected state_dict to be dict-like, got {type(state_dict).__name__}."
            )
        entries = self._state_entries()
        missing = [k for k in entries if k not in state_dict]
        unexpected = [k for k in state_dict if k not in entries]
        errors = []
        to_copy = []
        for key, (module, local, target) in entries.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            if isinstance(value, Tensor):
                array = value._array
            elif hasattr(value, "shape") and hasattr(value, "dtype"):
                array = value
            else:
                errors.append(
                    f'While copying the parameter named "{key}", expected a Tensor or array '
                    f"from the state_dict but received {type(value).__name__}"
                )
                continue
            if tuple(array.shape) != tuple(target.shape):
                errors.append(
                    f"size mismatch for {key}: copying a param with shape {tuple(array.shape)} "
                    f"from checkpoint, the shape in current model is {tuple(target.shape)}."
                )
                continue
            to_copy.append((module, local, target, array))
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in unexpected) + ". ")
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in missing) + ". ")
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {self._get_name()}:\n\t" + "\n\t".join(errors)
            )
        with ag.no_grad():
            for module, local, target, array in to_copy:
                if assign:
                    new = backend.asarray(array, device=target.device)
                    if isinstance(target, Parameter):
                        module.__setattr__(local, Parameter(new, target.requires_grad))
                    else:
                        module.__setattr__(local, Tensor(new))
                else:
                    target._array[...] = backend.asarray(array, dtype=target._array.dtype,
                                                       device=target.device)
        return _IncompatibleKeys(missing, unexpected)

    # --- devices and dtypes ----------------------------------------------------------
    def _apply_to_arrays(self, convert: Callable[[Any], Any]) -> Module:
        """Replace every parameter's, gradient's and buffer's array by ``convert(array)``, in
        place: the Parameter objects stay the same, so optimizers keep pointing at them."""
        for module in self.modules():
            for param in module._parameters.values():
                if param is None:
                    continue
                param._array = convert(param._array)
                if param.grad is not None:
                    param.grad._array = convert(param.grad._array)
            for buf in module._buffers.values():
                if buf is not None:
                    buf._array = convert(buf._array)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """``to(device)``, ``to(dtype)``, ``to(device, dtype)`` or ``to(tensor)``, in place.

        A dtype applies to floating-point parameters and buffers only, as in PyTorch.

        Returns the module itself (its Parameter objects are kept).

        Examples:
            >>> import autograd as ag, nn
            >>> layer = nn.Linear(2, 1).to(ag.float64)
            >>> layer.weight.dtype
            autograd.float64
        """
        device = kwargs.pop("device", None)
        dtype = kwargs.pop("dtype", None)
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, (str, backend.Device)):
                device = a
            elif isinstance(a, Tensor):
                device, dtype = a.device, a.dtype
            elif isinstance(a, ag.DType):
                dtype = a
            else:
                raise TypeError(f"to() received an invalid argument {a!r}")
        np_dtype = None
        if dtype is not None:
            np_dtype = ag.dtypes.to_numpy_dtype(dtype)
            if np_dtype.kind != "f":
                raise TypeError(
                    "nn.Module.to only accepts floating point dtypes, but got desired "
                    f"dtype={dtype}"
                )
        target = None if device is None else backend.Device(device)

        def convert(array: Any) -> Any:
            if np_dtype is not None and array.dtype.kind == "f" and array.dtype != np_dtype:
                array = array.astype(np_dtype)
            if target is not None:
                array = backend.to_device(array, target)
            return array

        return self._apply_to_arrays(convert)

    def cuda(self, device: Any = None) -> Module:
        """Move every parameter and buffer to a CUDA device (``device``: an index or a device
        name); returns the module.

        Examples:
            >>> import nn
            >>> net = nn.Linear(2, 1)
            >>> net = net.cuda()  # doctest: +SKIP
            >>> net.cpu().weight.device
            device(type='cpu')
        """
        if device is None:
            return self.to("cuda")
        return self.to(f"cuda:{device}" if isinstance(device, int) else device)

    def cpu(self) -> Module:
        """Move every parameter and buffer to the CPU; returns the module.

        Examples:
            >>> import nn
            >>> net = nn.Linear(2, 1).cpu()
            >>> net.weight.device, net.bias.device
            (device(type='cpu'), device(type='cpu'))
        """
        return self.to("cpu")

    def double(self) -> Module:
        """Cast floating-point parameters and buffers to float64; returns the module.

        Examples:
            >>> import autograd as ag, nn
            >>> nn.Linear(2, 1).double().weight.dtype
            autograd.float64
        """
        return self.to(ag.float64)

    def float(self) -> Module:
        """Cast floating-point parameters and buffers to float32; returns the module.

        Examples:
            >>> import autograd as ag, nn
            >>> nn.Linear(2, 1).double().float().weight.dtype
            autograd.float32
        """
        return self.to(ag.float32)

    def half(self) -> Module:
        """Cast floating-point parameters and buffers to float16; returns the module.

        Examples:
            >>> import autograd as ag, nn
            >>> nn.Linear(2, 1).half().weight.dtype
            autograd.float16
        """
        return self.to(ag.float16)

    # --- repr ------------------------------------------------------------------------
    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        """The text inside this module's parentheses in its repr; override it in subclasses.

        Examples:
            >>> import autograd as ag, nn
            >>> nn.Linear(2, 1).extra_repr()
            'in_features=2, out_features=1, bias=True'
        """
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({key}): " + _addindent(repr(module), 2)
                       for key, module in self._modules.items()]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()))

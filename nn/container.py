"""Containers: ``Sequential``, ``ModuleList`` and ``ModuleDict``, as in PyTorch."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import autograd as ag

from . import module as _module
from .module import Module, _addindent
from .parameter import Parameter

__all__ = ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"]


def _index(idx: Any, length: int) -> int:
    """A list index in range, negative counting from the end, as a list would take it."""
    idx = int(idx.__index__())
    if not -length <= idx < length:
        raise IndexError(f"index {idx} is out of range")
    return idx % length


class Sequential(Module):
    """Modules applied one after another: ``Sequential(Linear(2, 3), Sigmoid(), Linear(3, 1))``.

    Children are named ``'0'``, ``'1'``, ... (or by the keys of an OrderedDict), so the
    state_dict keys are ``0.weight``, ``0.bias``, ``2.weight``, ... as in PyTorch.

    Calling it passes the input through each module in turn and returns the last output.
    Indexing (``net[0]``, ``net[-1]``, slices give a Sequential), ``len``, iteration,
    ``append``, ``insert`` and ``del net[i]`` work as on a list.

    Examples:
        >>> import autograd as ag, nn
        >>> net = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))
        >>> net(ag.ones(4, 2)).shape
        autograd.Size([4, 1])
        >>> list(net.state_dict())
        ['0.weight', '0.bias', '2.weight', '2.bias']
        >>> net[0]
        Linear(in_features=2, out_features=3, bias=True)
    """

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for key, module in args[0].items():
                self.add_module(key, module)
        else:
            for i, module in enumerate(args):
                self.add_module(str(i), module)

    def forward(self, input: Any) -> Any:
        if _module.forward_hooks or _module.custom_call:
            for module in self._modules.values():  # __call__ runs the hooks
                input = module(input)
            return input
        for module in self._modules.values():  # module(input) is module.forward(input)
            input = module.forward(input)
        return input

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, slice):
            return type(self)(OrderedDict(list(self._modules.items())[idx]))
        return list(self._modules.values())[_index(idx, len(self._modules))]

    def __setitem__(self, idx: int, module: Module) -> None:
        key = list(self._modules.keys())[_index(idx, len(self._modules))]
        setattr(self, key, module)

    def __delitem__(self, idx: Any) -> None:
        keys = list(self._modules.keys())
        if isinstance(idx, slice):
            doomed = keys[idx]
        else:
            doomed = [keys[_index(idx, len(keys))]]
        for key in doomed:
            delattr(self, key)
        # Renumber, so the names stay 0, 1, 2, ... as in PyTorch.
        modules = list(self._modules.items())
        for key, _ in modules:
            delattr(self, key)
        for i, (_, module) in enumerate(modules):
            self.add_module(str(i), module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end (named by its position); returns the Sequential.

        Examples:
            >>> import nn
            >>> net = nn.Sequential(nn.Linear(2, 3))
            >>> net.append(nn.ReLU())
            Sequential(
              (0): Linear(in_features=2, out_features=3, bias=True)
              (1): ReLU()
            )
        """
        self.add_module(str(len(self)), module)
        return self

    def extend(self, sequential: Iterable[Module]) -> Sequential:
        """Append each module of ``sequential`` in turn; returns the Sequential.

        Examples:
            >>> import autograd as ag, nn
            >>> net = nn.Sequential(nn.Linear(2, 3))
            >>> len(net.extend([nn.ReLU(), nn.Linear(3, 1)]))
            3
        """
        for module in sequential:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> Sequential:
        """Insert ``module`` before position ``index`` (negative counts from the end) and
        renumber; returns the Sequential.

        An index outside [-len, len] raises IndexError.

        Examples:
            >>> import nn
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
            >>> net.insert(1, nn.ReLU())
            Sequential(
              (0): Linear(in_features=2, out_features=3, bias=True)
              (1): ReLU()
              (2): Linear(in_features=3, out_features=1, bias=True)
            )
        """
        n = len(self._modules)
        if not -n <= index <= n:
            raise IndexError(f"Index out of range: {index}")
        if index < 0:
            index += n
        modules = list(self._modules.values())
        modules.insert(index, module)
        for key in list(self._modules.keys()):
            delattr(self, key)
        for i, m in enumerate(modules):
            self.add_module(str(i), m)
        return self


class ModuleList(Module):
    """A list of modules whose parameters the owner sees: ``self.layers = nn.ModuleList([...])``.

    Indexable and iterable like a list (``append``, ``extend``, ``insert``); it has no forward
    of its own: the owner's forward loops over it. A plain Python list would hide the layers
    from ``parameters()`` and the state_dict.

    Examples:
        >>> import autograd as ag, nn
        >>> layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
        >>> len(layers), len(list(layers.parameters()))
        (3, 6)
        >>> x = ag.ones(2, 4)
        >>> for layer in layers:
        ...     x = layer(x).relu()
        >>> x.shape
        autograd.Size([2, 4])
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, slice):
            return type(self)(list(self._modules.values())[idx])
        return self._modules[str(_index(idx, len(self._modules)))]

    def __setitem__(self, idx: int, module: Module) -> None:
        setattr(self, str(_index(idx, len(self._modules))), module)

    def __delitem__(self, idx: Any) -> None:
        modules = list(self._modules.values())
        if isinstance(idx, slice):
            del modules[idx]
        else:
            del modules[_index(idx, len(modules))]
        for key in list(self._modules.keys()):
            delattr(self, key)
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def append(self, module: Module) -> ModuleList:
        """Add ``module`` at the end; returns the ModuleList.

        Examples:
            >>> import autograd as ag, nn
            >>> layers = nn.ModuleList()
            >>> _ = layers.append(nn.Linear(2, 2))
            >>> list(layers.state_dict())
            ['0.weight', '0.bias']
        """
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append each module of ``modules``; returns the ModuleList.

        Examples:
            >>> import nn
            >>> layers = nn.ModuleList([nn.Linear(2, 2)])
            >>> len(layers.extend([nn.ReLU(), nn.Linear(2, 1)]))
            3
            >>> layers[2]
            Linear(in_features=2, out_features=1, bias=True)
        """
        if isinstance(modules, Module) and not isinstance(modules, (ModuleList, Sequential)):
            raise TypeError(
                "ModuleList.extend should be called with an iterable, but got "
                + type(modules).__name__
            )
        for module in list(modules):
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index`` and renumber the rest.

        Examples:
            >>> import autograd as ag, nn
            >>> layers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 1)])
            >>> layers.insert(1, nn.ReLU())
            >>> [type(m).__name__ for m in layers]
            ['Linear', 'ReLU', 'Linear']
        """
        modules = list(self._modules.values())
        modules.insert(index, module)
        for key in list(self._modules.keys()):
            delattr(self, key)
        for i, m in enumerate(modules):
            self.add_module(str(i), m)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            "ModuleList has no forward(): iterate over it in your module's forward"
        )

    def __repr__(self) -> str:
        """PyTorch's layout, which folds runs of equal entries: ``(0-2): 3 x Linear(...)``."""
        reprs = [repr(m) for m in self]
        if not reprs:
            return self._get_name() + "()"
        runs: list[list[int]] = [[0, 0]]
        blocks = [reprs[0]]
        for i, text in enumerate(reprs[1:], 1):
            if text == blocks[-1]:
                runs[-1][1] += 1
                continue
            runs.append([i, i])
            blocks.append(text)
        lines = []
        for (start, end), text in zip(runs, blocks, strict=True):
            line = f"({start}): {text}" if start == end else \
                f"({start}-{end}): {end - start + 1} x {text}"
            lines.append(_addindent(line, 2))
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """A dict of modules whose parameters the owner sees, in insertion order.

    Keys are strings (used in the state_dict keys); supports ``[key]``, ``in``, ``keys()``,
    ``items()``, ``values()``, ``update`` and ``pop``. No forward of its own.

    Examples:
        >>> import nn
        >>> heads = nn.ModuleDict({'cls': nn.Linear(8, 3), 'box': nn.Linear(8, 4)})
        >>> list(heads.keys())
        ['cls', 'box']
        >>> list(heads.state_dict())
        ['cls.weight', 'cls.bias', 'box.weight', 'box.bias']
    """

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None
                 ) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def clear(self) -> None:
        """Remove every module.

        Examples:
            >>> import nn
            >>> heads = nn.ModuleDict({'a': nn.Linear(2, 2), 'b': nn.ReLU()})
            >>> heads.clear()
            >>> len(heads), list(heads.parameters())
            (0, [])
        """
        for key in list(self._modules):
            delattr(self, key)

    def pop(self, key: str) -> Module:
        """Remove the module under ``key`` and return it (KeyError if there is none).

        Examples:
            >>> import nn
            >>> heads = nn.ModuleDict({'a': nn.Linear(2, 2), 'b': nn.ReLU()})
            >>> heads.pop('b')
            ReLU()
            >>> list(heads.keys())
            ['a']
        """
        module = self._modules[key]
        delattr(self, key)
        return module

    def keys(self) -> Any:
        """The keys, in insertion order.

        Examples:
            >>> import nn
            >>> heads = nn.ModuleDict({'b': nn.Linear(2, 2), 'a': nn.ReLU()})
            >>> list(heads.keys())
            ['b', 'a']
        """
        return self._modules.keys()

    def items(self) -> Any:
        """(key, module) pairs, in insertion order.

        Examples:
            >>> import nn
            >>> heads = nn.ModuleDict({'b': nn.Linear(2, 2), 'a': nn.ReLU()})
            >>> [(key, type(module).__name__) for key, module in heads.items()]
            [('b', 'Linear'), ('a', 'ReLU')]
        """
        return self._modules.items()

    def values(self) -> Any:
        """The modules, in insertion order.

        Examples:
            >>> import nn
            >>> heads = nn.ModuleDict({'b': nn.Linear(2, 2), 'a': nn.ReLU()})
            >>> list(heads.values())
            [Linear(in_features=2, out_features=2, bias=True), ReLU()]
        """
        return self._modules.values()

    def update(self, modules: Any) -> None:
        """Add (key, module) pairs from a mapping or an iterable of pairs; existing keys are
        replaced.

        An element that is not a (key, module) pair raises ValueError.

        Examples:
            >>> import autograd as ag, nn
            >>> heads = nn.ModuleDict()
            >>> heads.update({'out': nn.Linear(4, 2)})
            >>> list(heads.state_dict())
            ['out.weight', 'out.bias']
        """
        pairs = modules.items() if isinstance(modules, (Mapping, ModuleDict)) else modules
        for j, pair in enumerate(pairs):
            if isinstance(pair, Module) or len(pair) != 2:
                raise ValueError(
                    f"ModuleDict update sequence element #{j} should be a (key, module) pair"
                )
            self[pair[0]] = pair[1]

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ModuleDict has no forward(): look modules up by key")


def _as_parameter(value: Any) -> Any:
    """A Tensor that is not yet a Parameter becomes one (sharing its array), as in PyTorch."""
    if isinstance(value, ag.Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


def _parameter_line(key: Any, value: Any) -> str:
    if isinstance(value, ag.Tensor):
        size = "x".join(str(n) for n in value.shape)
        device = f" ({value.device})" if value.device.type != "cpu" else ""
        kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
        return f"  ({key}): {kind} containing: [{value.dtype} of size {size}{device}]"
    return f"  ({key}): Object of type: {type(value).__name__}"


class ParameterList(Module):
    """A list of Parameters that the owner's ``parameters()`` sees, named '0', '1', ...

    Tensors that are not yet Parameters are wrapped as Parameters when added.

    Examples:
        >>> import autograd as ag, nn
        >>> params = nn.ParameterList([nn.Parameter(ag.zeros(2)), ag.ones(3)])
        >>> shapes = [tuple(p.shape) for p in params.parameters()]
        >>> shapes
        [(2,), (3,)]
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self.extend(values)

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, slice):
            return type(self)([self[i] for i in range(len(self))[idx]])
        return getattr(self, str(_index(idx, self._size)))

    def __setitem__(self, idx: int, value: Any) -> None:
        setattr(self, str(_index(idx, self._size)), _as_parameter(value))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(self._size))

    def __iadd__(self, values: Iterable[Any]) -> ParameterList:
        return self.extend(values)

    def append(self, value: Any) -> ParameterList:
        """Add ``value`` (made a Parameter if it is not one) at the end; returns the list.

        Examples:
            >>> import autograd as ag, nn
            >>> params = nn.ParameterList()
            >>> _ = params.append(ag.zeros(3))
            >>> type(params[0]).__name__
            'Parameter'
        """
        index = self._size
        self._size += 1
        setattr(self, str(index), _as_parameter(value))
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Append each of ``values``; returns the list.

        Examples:
            >>> import autograd as ag, nn
            >>> params = nn.ParameterList([nn.Parameter(ag.ones(2))])
            >>> len(params.extend([ag.zeros(3), ag.zeros(1)]))
            3
            >>> [(type(p).__name__, tuple(p.shape)) for p in params]
            [('Parameter', (2,)), ('Parameter', (3,)), ('Parameter', (1,))]
        """
        if isinstance(values, ag.Tensor):
            raise TypeError("ParameterList.extend should be called with an iterable, but got "
                            "a Tensor")
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return "\n".join(_parameter_line(i, p) for i, p in enumerate(self))

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ParameterList has no forward(): index it in your forward")


class ParameterDict(Module):
    """A dict of Parameters that the owner's ``parameters()`` sees, in insertion order.

    Tensors that are not yet Parameters are wrapped as Parameters when added.

    Examples:
        >>> import autograd as ag, nn
        >>> params = nn.ParameterDict({'scale': nn.Parameter(ag.ones(3))})
        >>> list(params.state_dict())
        ['scale']
    """

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        self._keys: dict[str, None] = {}
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys:
            raise KeyError(key)
        return getattr(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        self._keys[key] = None
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def keys(self) -> Any:
        """The keys, in insertion order.

        Examples:
            >>> import autograd as ag, nn
            >>> params = nn.ParameterDict({'w': ag.ones(2), 'b': ag.zeros(1)})
            >>> list(params.keys())
            ['b', 'w']
        """
        return self._keys.keys()

    def items(self) -> Any:
        """(key, parameter) pairs, in insertion order.

        Examples:
            >>> import autograd as ag, nn
            >>> params = nn.ParameterDict({'w': ag.ones(2), 'b': ag.zeros(1)})
            >>> [(key, tuple(p.shape)) for key, p in params.items()]
            [('b', (1,)), ('w', (2,))]
        """
        return [(k, self[k]) for k in self._keys]

    def values(self) -> Any:
        """The parameters, in insertion order.

        Examples:
            >>> import autograd as ag, nn
            >>> params = nn.ParameterDict({'w': ag.ones(2), 'b': ag.zeros(1)})
            >>> [p.tolist() for p in params.values()]
            [[0.0], [1.0, 1.0]]
        """
        return [self[k] for k in self._keys]

    def pop(self, key: str) -> Any:
        """Remove the parameter under ``key`` and return it (KeyError if there is none).

        Examples:
            >>> import autograd as ag, nn
            >>> params = nn.ParameterDict({'a': nn.Parameter(ag.ones(1))})
            >>> params.pop('a').shape
            autograd.Size([1])
            >>> len(params)
            0
        """
        value = self[key]
        del self[key]
        return value

    def update(self, parameters: Any) -> None:
        """Add (key, value) pairs; a plain dict goes in sorted by key, as in PyTorch (an
        OrderedDict or ParameterDict keeps its order).

        Examples:
            >>> import autograd as ag, nn
            >>> params = nn.ParameterDict({'w': nn.Parameter(ag.ones(2))})
            >>> params.update({'z': ag.zeros(1), 'a': ag.zeros(1)})
            >>> list(params.keys()), type(params['a']).__name__
            (['w', 'a', 'z'], 'Parameter')
        """
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs = list(parameters.items())
        elif isinstance(parameters, Mapping):
            pairs = sorted(parameters.items())
        else:
            pairs = list(parameters)
        for key, value in pairs:
            self[key] = value

    def extra_repr(self) -> str:
        return "\n".join(_parameter_line(k, p) for k, p in self.items())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ParameterDict has no forward(): look parameters up by key")

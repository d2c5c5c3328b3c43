"""Building a module at full size without allocating its weights (torch 1.13 has no
`with torch.device('meta')`, which torch 2 implements the same way: a TorchFunctionMode that puts
every tensor a factory function makes on the meta device)."""
import torch
from torch.overrides import TorchFunctionMode

_FACTORIES = {torch.empty, torch.zeros, torch.ones, torch.randn, torch.rand, torch.full, torch.eye}


class on_meta(TorchFunctionMode):
    """`with on_meta(): model = Model(cfg)` gives parameters with shapes and dtypes but no storage."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        if func in _FACTORIES:
            kwargs['device'] = 'meta'
        return func(*args, **kwargs)

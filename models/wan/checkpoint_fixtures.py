"""Small real torch.save files for the TypeScript checkpoint reader's tests (make_twins.py writes
them into <out>/fixtures/): valid ones in each dtype and layout a state dict can have, and hostile
ones that a strict reader must refuse (each named by what it tries)."""
import collections
import os
import shutil
import zipfile

import torch


class CallsAGlobal:
    """Pickles as a call of os.system: what a malicious checkpoint does. The reader must refuse
    the global by name before anything could call it (nothing here ever unpickles it)."""

    def __reduce__(self):
        return (os.system, ('echo this checkpoint ran a command',))


class LoadsFromBytes:
    """Pickles as torch.storage._load_from_bytes(b'...'), a nested torch.load that torch's own
    unpickler would run."""

    def __reduce__(self):
        return (torch.storage._load_from_bytes, (b'not a checkpoint',))


def small_state_dict():
    """A few tensors of each float dtype, a scalar, and a view into a larger storage (offset 2)."""
    g = torch.Generator().manual_seed(5)
    base = torch.randn(8, generator=g)
    sd = collections.OrderedDict()
    sd['blocks.0.weight'] = torch.randn(3, 4, generator=g)
    sd['blocks.0.bias'] = torch.randn(4, generator=g).half()
    sd['blocks.1.weight'] = torch.randn(2, 3, generator=g).bfloat16()
    sd['scale'] = torch.tensor(0.5)
    sd['view'] = base[2:5]
    return sd


def write(out):
    d = os.path.join(out, 'fixtures')
    os.makedirs(d, exist_ok=True)
    sd = small_state_dict()
    torch.save(sd, os.path.join(d, 'small.pth'))
    torch.save({'generator_ema': collections.OrderedDict((f'model.{k}', v) for k, v in list(sd.items())[:3]),
                'critic': {'w': torch.zeros(2)}}, os.path.join(d, 'nested.pt'))
    # What the values are, for the reader to compare with (f32 text, not the file's own bytes).
    with open(os.path.join(d, 'small.json'), 'w') as f:
        import json
        json.dump({k: {'dtype': str(v.dtype), 'shape': list(v.shape), 'values': v.float().flatten().tolist()} for k, v in sd.items()}, f)

    torch.save({'w': torch.ones(2), 'payload': CallsAGlobal()}, os.path.join(d, 'calls_os_system.pth'))
    torch.save({'w': torch.ones(2), 'payload': LoadsFromBytes()}, os.path.join(d, 'load_from_bytes.pth'))
    torch.save({'ids': torch.arange(3)}, os.path.join(d, 'int64.pth'))
    torch.save({'t': torch.ones(3, 4).t()}, os.path.join(d, 'transposed.pth'))
    torch.save([torch.ones(2)], os.path.join(d, 'list.pth'))
    recompress(os.path.join(d, 'small.pth'), os.path.join(d, 'deflated.pth'))


def recompress(src, dst):
    """The same entries, deflated: what a zip tool makes of a checkpoint (torch.save stores them)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, 'w', compression=zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))

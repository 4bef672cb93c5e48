#!/usr/bin/env python3
"""Writes src/test/resources/legacy/pytorch_model.bin: a state dict in torch.save's zip format, without torch.

torch.save (since PyTorch 1.6) writes a zip archive with `<name>/data.pkl` (pickle protocol 2), one entry
`<name>/data/<key>` per storage (raw little-endian bytes) and `<name>/version`. In the pickle, each tensor is
`torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks)` and each storage a
persistent id `('storage', torch.<Type>Storage, key, location, numel)`. This script reproduces that byte layout with
stand-in classes registered under torch's module names, so the Java reader can be tested on CI machines without
PyTorch. Values are deterministic (see `expected` below) so the test can check them independently.

Usage: python3 scripts/make_torch_bin_fixture.py
"""
import collections
import io
import os
import pickle
import struct
import sys
import types
import zipfile

torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks):
    raise RuntimeError("only for pickling")


_rebuild_tensor_v2.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2


def storage_type(name):
    cls = type(name, (), {})
    cls.__module__ = "torch"
    setattr(torch, name, cls)
    return cls


FloatStorage = storage_type("FloatStorage")
HalfStorage = storage_type("HalfStorage")
BFloat16Storage = storage_type("BFloat16Storage")
LongStorage = storage_type("LongStorage")


class Storage:
    def __init__(self, key, kind, fmt, values, raw=None):
        self.key, self.kind, self.values = key, kind, values
        self.data = raw if raw is not None else b"".join(struct.pack("<" + fmt, v) for v in values)


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def __reduce__(self):
        return (_rebuild_tensor_v2, (self.storage, self.offset, tuple(self.size), tuple(self.stride), False,
                                     collections.OrderedDict()))


def bf16(x):
    bits = struct.unpack("<I", struct.pack("<f", x))[0]
    return struct.pack("<H", bits >> 16)


# Expected values (the Java test recomputes them): w[i] = i / 8 - 1, shape [3, 4]; b = 0.5 * (i + 1) in f16, [4];
# e = -i / 4 in bf16 (exact), [2, 3]; ids = arange(6) int64, [1, 6]; "v" is a view at offset 2 into w's storage.
w_storage = Storage("0", FloatStorage, "f", [i / 8 - 1 for i in range(12)])
b_storage = Storage("1", HalfStorage, "e", [0.5 * (i + 1) for i in range(4)])
e_storage = Storage("2", BFloat16Storage, None, None, raw=b"".join(bf16(-i / 4) for i in range(6)))
ids_storage = Storage("3", LongStorage, "q", list(range(6)))

state = collections.OrderedDict()
state["encoder.weight"] = Tensor(w_storage, 0, [3, 4], [4, 1])
state["encoder.bias"] = Tensor(b_storage, 0, [4], [1])
state["embeddings.weight"] = Tensor(e_storage, 0, [2, 3], [3, 1])
state["embeddings.position_ids"] = Tensor(ids_storage, 0, [1, 6], [6, 1])
state["view.weight"] = Tensor(w_storage, 2, [2, 2], [2, 1])


class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            width = {FloatStorage: 4, HalfStorage: 2, BFloat16Storage: 2, LongStorage: 8}[obj.kind]
            return ("storage", obj.kind, obj.key, "cpu", len(obj.data) // width)
        return None


buffer = io.BytesIO()
Pickler(buffer, protocol=2).dump(state)
out = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "legacy", "pytorch_model.bin")
with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
    archive.writestr("pytorch_model/data.pkl", buffer.getvalue())
    for storage in (w_storage, b_storage, e_storage, ids_storage):
        archive.writestr("pytorch_model/data/" + storage.key, storage.data)
    archive.writestr("pytorch_model/version", "3\n")
print("wrote", os.path.normpath(out))

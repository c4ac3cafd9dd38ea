"""Counting shared by the reference scripts in this folder.

params: every trainable tensor (BN gamma/beta included, running statistics not).
MAdds: forward hooks on every Conv2d (Cout*Hout*Wout*(Cin/groups)*kh*kw) and Linear (in*out), on a
1x3xRxR input of zeros in eval mode; one row (output shape, params, madds) per conv/linear in
forward order.
"""
import importlib.util
import json
import sys
import types

import torch
from torch import nn


def count(model, resolution=224):
    """(params, madds, rows) of a model, rows as (output shape, params, madds) per Conv2d/Linear."""
    rows = []

    def hook(m, _inp, out):
        if isinstance(m, nn.Conv2d):
            kh, kw = m.kernel_size
            madds = out.numel() // out.shape[0] * (m.in_channels // m.groups) * kh * kw
        else:
            madds = m.in_features * m.out_features
        rows.append((tuple(out.shape), sum(p.numel() for p in m.parameters()), madds))

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, resolution, resolution))
    for h in handles:
        h.remove()
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return params, sum(r[2] for r in rows), rows


def print_rows(rows):
    """One 'NxCxHxW params madds' line per row."""
    for shape, params, madds in rows:
        print("x".join(map(str, shape)), params, madds)


def print_shapes(rows):
    """One '[N, C, H, W] params' line per row."""
    for shape, params, _ in rows:
        print(list(shape), params)


def totals_or_layers(argv, ids, build, header=None):
    """The command line `[--layers ID]`: with it, print_rows of that id's model; without, the header
    (if any) and one 'ID params madds' line per id. build(id) returns the model."""
    if len(argv) == 2 and argv[0] == "--layers":
        print_rows(count(build(argv[1]))[2])
        return
    if header:
        print(header)
    for model_id in ids:
        params, madds, _ = count(build(model_id))
        print(f"{model_id} {params} {madds}")


def print_json(builders, resolution, layers):
    """{id: {params, madds[, layers]}} as indented JSON; builders maps each id to a function that
    returns its model, layers adds the rows as {shape, params, madds}."""
    result = {}
    for model_id, build in builders.items():
        params, madds, rows = count(build(), resolution)
        entry = {'params': params, 'madds': madds}
        if layers:
            entry['layers'] = [{'shape': list(s), 'params': p, 'madds': m} for s, p, m in rows]
        result[model_id] = entry
    print(json.dumps(result, indent=1))


def load(path, name):
    """The Python file at path, imported as module name."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stub_timm():
    """Where timm is not installed, stand-ins for the timm helpers the official files import:
    register_model returns the function unchanged, DropPath holds no parameters and is the identity
    at inference, trunc_normal_ only initialises weights; none changes a count. Says which is used."""
    try:
        import timm.models.layers  # noqa: F401
        return 'timm'
    except ImportError:
        pass
    layers = types.ModuleType('timm.models.layers')

    class DropPath(nn.Module):
        def __init__(self, p=0.0):
            super().__init__()

        def forward(self, x):
            return x

    layers.DropPath = DropPath
    layers.to_2tuple = lambda x: (x, x)
    layers.trunc_normal_ = lambda t, std=1.0, **kw: nn.init.normal_(t, std=std)
    registry = types.ModuleType('timm.models.registry')
    registry.register_model = lambda f: f
    timm = types.ModuleType('timm')
    models = types.ModuleType('timm.models')
    timm.models = models
    models.layers = layers
    models.registry = registry
    sys.modules.update({'timm': timm, 'timm.models': models, 'timm.models.layers': layers, 'timm.models.registry': registry})
    return 'stubbed timm helpers'

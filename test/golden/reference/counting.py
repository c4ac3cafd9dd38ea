"""Counting shared by the reference scripts in this folder.

params: every trainable tensor (BN gamma/beta included, running statistics not).
MAdds: forward hooks on every Conv2d (Cout*Hout*Wout*(Cin/groups)*kh*kw) and Linear (in*out), on a
1x3xRxR input of zeros in eval mode; one row (output shape, params, madds) per conv/linear in
forward order.
"""
import importlib.util
import os
import subprocess
import json
import math
import sys
import types

import torch
from torch import nn


def layer_madds(m, out):
    """MAdds of one call of a Conv2d (Cout*Hout*Wout*(Cin/groups)*kh*kw per image) or Linear (in*out), from its output."""
    if isinstance(m, nn.Conv2d):
        kh, kw = m.kernel_size
        return out.numel() // out.shape[0] * (m.in_channels // m.groups) * kh * kw
    return m.in_features * m.out_features


def trace(model, inputs, layers=(nn.Conv2d, nn.Linear)):
    """Runs model(*inputs) once in eval mode without gradients, with forward hooks on every module of
    the types `layers`. Returns (model output, rows): one row (module name, module, output shape,
    params, madds) per call, in forward order."""
    rows = []

    def hook(name):
        def fn(m, _inp, out):
            rows.append((name, m, tuple(out.shape), sum(p.numel() for p in m.parameters()), layer_madds(m, out)))
        return fn

    handles = [m.register_forward_hook(hook(n)) for n, m in model.named_modules() if isinstance(m, layers)]
    model.eval()
    with torch.no_grad():
        output = model(*inputs)
    for h in handles:
        h.remove()
    return output, rows


def count(model, resolution=224):
    """(params, madds, rows) of a model, rows as (output shape, params, madds) per Conv2d/Linear."""
    _, traced = trace(model, [torch.zeros(1, 3, resolution, resolution)])
    rows = [(shape, params, madds) for _, _, shape, params, madds in traced]
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return params, sum(r[2] for r in rows), rows


def count_named_parts(model, inputs, part_of, counted=lambda name: True):
    """Conv2d MAdds and params of model on inputs, split into parts by name: part_of(name) gives the part
    of a conv (by its module name) and of a parameter (by its parameter name); parameters whose name
    fails counted(name) are left out. Returns (model output, rows as (output shape, params, madds) per
    conv call, {part: {params, madds}})."""
    output, traced = trace(model, inputs, nn.Conv2d)
    parts = {}
    for name, _, _, _, madds in traced:
        parts.setdefault(part_of(name), {'params': 0, 'madds': 0})['madds'] += madds
    for name, p in model.named_parameters():
        if counted(name):
            parts.setdefault(part_of(name), {'params': 0, 'madds': 0})['params'] += p.numel()
    return output, [(shape, params, madds) for _, _, shape, params, madds in traced], parts


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
            entry['layers'] = layer_entries(rows)
        result[model_id] = entry
    print(json.dumps(result, indent=1))


def features_at(x, layers, taps):
    """Runs x through layers in turn; returns the outputs of the layers at the indices in taps, in order
    (a backbone's feature maps for a detection head)."""
    outs = []
    for i, layer in enumerate(layers):
        x = layer(x)
        if i in taps:
            outs.append(x)
    return outs


def layer_entries(rows):
    """Rows (output shape, params, madds) as the JSON the --layers options print: {shape, params, madds}."""
    return [{'shape': list(s), 'params': p, 'madds': m} for s, p, m in rows]


def zero_features(taps, resolution, strides=(8, 16, 32)):
    """Inputs for a neck and head alone: one 1xCxceil(R/s)xceil(R/s) map of zeros per tap's channels C and stride s."""
    return [torch.zeros(1, c, math.ceil(resolution / s), math.ceil(resolution / s)) for c, s in zip(taps, strides)]


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


def source(checkout, path):
    """The text of path in checkout: a work tree, or a bare git directory at HEAD."""
    if os.path.exists(os.path.join(checkout, path)):
        with open(os.path.join(checkout, path)) as f:
            return f.read()
    return subprocess.run(['git', f'--git-dir={checkout}', 'show', f'HEAD:{path}'], check=True, capture_output=True, text=True).stdout


def commit(checkout):
    """The checkout's HEAD commit, or 'unknown (not a git checkout)' for an unpacked archive."""
    git_dir = checkout if not os.path.isdir(os.path.join(checkout, '.git')) else os.path.join(checkout, '.git')
    head = subprocess.run(['git', f'--git-dir={git_dir}', 'rev-parse', 'HEAD'], capture_output=True, text=True).stdout.strip()
    return head or 'unknown (not a git checkout)'

"""Counts params and MAdds of the official GhostNetV2 (huawei-noah/Efficient-AI-Backbones,
ghostnetv2_pytorch/model/ghostnetv2_torch.py), as lcnb counts them.

Usage: /usr/bin/python3 ghostnet_v2.py PATH/TO/ghostnetv2_torch.py [--width W] [--resolution R]
                                      [--no-dfc] [--layers]

The reference imports timm only for its `register_model` decorator; timm is not needed to build
the network, so a stand-in decorator that returns the function unchanged is installed first.
params: every trainable tensor (BN gamma/beta included, running statistics not).
MAdds: forward hooks on every Conv2d (Cout*Hout*Wout*(Cin/groups)*kh*kw) and Linear (in*out),
batch 1. --no-dfc builds every Ghost module in 'original' mode (no DFC attention branch).
--layers also prints (output shape, params) of every conv/linear in forward order.
"""
import argparse
import importlib.util
import json
import sys
import types

import torch
import torch.nn as nn


def stub_timm():
    registry = types.ModuleType('timm.models.registry')
    registry.register_model = lambda fn: fn
    models = types.ModuleType('timm.models')
    models.registry = registry
    timm = types.ModuleType('timm')
    timm.models = models
    sys.modules.update({'timm': timm, 'timm.models': models, 'timm.models.registry': registry})


def load(path):
    stub_timm()
    spec = importlib.util.spec_from_file_location('ghostnetv2_reference', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def count(model, resolution):
    layers = []

    def hook(m, _inputs, out):
        if isinstance(m, nn.Conv2d):
            kh, kw = m.kernel_size
            madds = out.numel() * (m.in_channels // m.groups) * kh * kw
        else:
            madds = m.in_features * m.out_features
        layers.append({'shape': list(out.shape), 'params': sum(p.numel() for p in m.parameters()), 'madds': madds})

    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            m.register_forward_hook(hook)
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, resolution, resolution))
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return params, sum(l['madds'] for l in layers), layers


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('reference')
    parser.add_argument('--width', type=float, default=None)
    parser.add_argument('--resolution', type=int, default=224)
    parser.add_argument('--no-dfc', action='store_true')
    parser.add_argument('--layers', action='store_true')
    args = parser.parse_args()

    ref = load(args.reference)
    if args.no_dfc:
        init = ref.GhostModuleV2.__init__

        def original_only(self, *a, mode=None, **k):
            init(self, *a, mode='original', **k)

        ref.GhostModuleV2.__init__ = original_only
    widths = [args.width] if args.width else [1.0, 1.3, 1.6]
    result = {}
    for width in widths:
        model = ref.ghostnetv2(num_classes=1000, width=width, dropout=0.2, args=None)
        params, madds, layers = count(model, args.resolution)
        entry = {'params': params, 'madds': madds}
        if args.layers:
            entry['layers'] = layers
        result[f'ghostnet_v2_x{str(width).replace(".", "_")}'] = entry
    print(json.dumps(result, indent=1))


if __name__ == '__main__':
    main()

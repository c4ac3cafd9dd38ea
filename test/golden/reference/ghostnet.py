"""Counts params and MAdds of the official GhostNet (huawei-noah/Efficient-AI-Backbones,
ghostnet_pytorch/ghostnet.py), as lcnb counts them.

Usage: /usr/bin/python3 ghostnet.py PATH/TO/ghostnet.py [--width W] [--resolution R]
                                   [--ratio S] [--dw-kernel D] [--layers]

params: every trainable tensor (BN gamma/beta included, running statistics not).
MAdds: forward hooks on every Conv2d (Cout*Hout*Wout*(Cin/groups)*kh*kw) and Linear (in*out),
batch 1. --ratio and --dw-kernel change the Ghost module's defaults (the paper's s and d
ablation); --layers also prints (output shape, params) of every conv/linear in forward order.
"""
import argparse
import importlib.util
import json

import torch
import torch.nn as nn


def load(path):
    spec = importlib.util.spec_from_file_location('ghostnet_reference', path)
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
    parser.add_argument('--ratio', type=int, default=2)
    parser.add_argument('--dw-kernel', type=int, default=3)
    parser.add_argument('--layers', action='store_true')
    args = parser.parse_args()

    ref = load(args.reference)
    # GhostModule(inp, oup, kernel_size=1, ratio=2, dw_size=3, stride=1, relu=True)
    ref.GhostModule.__init__.__defaults__ = (1, args.ratio, args.dw_kernel, 1, True)
    widths = [args.width] if args.width else [0.5, 1.0, 1.3]
    result = {}
    for width in widths:
        params, madds, layers = count(ref.ghostnet(width=width), args.resolution)
        entry = {'params': params, 'madds': madds}
        if args.layers:
            entry['layers'] = layers
        result[f'ghostnet_x{str(width).replace(".", "_")}'] = entry
    print(json.dumps(result, indent=1))


if __name__ == '__main__':
    main()

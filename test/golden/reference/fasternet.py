"""Counts params and MAdds of the official FasterNet (JierunChen/FasterNet, models/fasternet.py).

Usage: /usr/bin/python3 fasternet.py <FasterNet checkout> [--layers ID] [--n-div N] [--act GELU|RELU]
       [--mlp-ratio R] [--resolution R]

The official file imports DropPath, to_2tuple and trunc_normal_ from timm; where timm is not
installed they are replaced by stand-ins (DropPath holds no parameters and is the identity at
inference; trunc_normal_ only initialises weights), which changes no count.
MAdds: every Conv2d Cout·Hout·Wout·(Cin/groups)·kh·kw plus in·out of every Linear, counted with
forward hooks on a 1×3×R×R input in eval mode, forward type 'split_cat' (the training graph).
"""
import argparse
import sys
import types

import torch
import torch.nn as nn
import yaml

VARIANTS = ['t0', 't1', 't2', 's', 'm', 'l']


def stub_timm():
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


def count(model, resolution):
    rows = []

    def hook(mod, inp, out):
        if isinstance(mod, nn.Conv2d):
            kh, kw = mod.kernel_size
            madds = out.numel() // out.shape[0] * (mod.in_channels // mod.groups) * kh * kw
        else:
            madds = mod.in_features * mod.out_features
        rows.append((tuple(out.shape), sum(p.numel() for p in mod.parameters()), madds))

    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            m.register_forward_hook(hook)
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, resolution, resolution))
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return params, sum(r[2] for r in rows), rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('checkout')
    ap.add_argument('--layers', help='print (output shape, params) of every conv/linear of this variant')
    ap.add_argument('--n-div', type=int)
    ap.add_argument('--act')
    ap.add_argument('--mlp-ratio', type=float)
    ap.add_argument('--resolution', type=int, default=224)
    args = ap.parse_args()
    helpers = stub_timm()
    sys.path.insert(0, args.checkout)
    from models.fasternet import FasterNet

    print(f'# helpers: {helpers}; torch {torch.__version__}')
    for v in [args.layers] if args.layers else VARIANTS:
        with open(f'{args.checkout}/cfg/fasternet_{v}.yaml') as f:
            cfg = yaml.safe_load(f)
        keys = ['mlp_ratio', 'embed_dim', 'depths', 'feature_dim', 'patch_size', 'patch_stride', 'patch_size2',
                'patch_stride2', 'layer_scale_init_value', 'drop_path_rate', 'norm_layer', 'act_layer', 'n_div']
        kwargs = {k: cfg[k] for k in keys}
        if args.n_div:
            kwargs['n_div'] = args.n_div
        if args.act:
            kwargs['act_layer'] = args.act
        if args.mlp_ratio:
            kwargs['mlp_ratio'] = args.mlp_ratio
        model = FasterNet(num_classes=1000, pconv_fw_type='split_cat', **kwargs)
        params, madds, rows = count(model, args.resolution)
        print(f'fasternet_{v} params {params} madds {madds}')
        if args.layers:
            for shape, p, _ in rows:
                print(list(shape), p)


if __name__ == '__main__':
    main()

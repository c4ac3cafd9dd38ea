"""Counts params and MAdds of StarNet (Ma et al., "Rewrite the Stars", arXiv:2403.19967) as timm's
timm/models/starnet.py builds it, cross-checked against the official ma-xu/Rewrite-the-Stars
imagenet/starnet.py.

Usage: /usr/bin/python3 starnet.py <pytorch-image-models checkout> [<Rewrite-the-Stars checkout>]
       [--layers ID] [--mlp-ratio R] [--resolution R]

A checkout is a work tree or a bare git directory (read with `git show HEAD:<path>`). timm's file
imports its helpers from timm; where timm is not installed they are replaced by parameter-free
stand-ins: DropPath (identity at inference), trunc_normal_ (initialisation only), SelectAdaptivePool2d
('avg': a global average pool), Linear (nn.Linear), calculate_drop_path_rates, register_model,
generate_default_cfgs and build_model_with_cfg (calls the class with the variant's arguments). None
changes a count. The official file imports DropPath, trunc_normal_ and register_model (stub_timm).
MAdds: every Conv2d Cout·Hout·Wout·(Cin/groups)·kh·kw plus in·out of every Linear, counted with forward
hooks on a 1×3×R×R input in eval mode. The star operation (an elementwise Mul), the BatchNorms, ReLU6
and the residual Adds hold no multiply-adds under this convention.
"""
import argparse
import os
import subprocess
import sys
import types

import torch
from torch import nn

from counting import commit, count, print_shapes, source, stub_timm

VARIANTS = ['s050', 's100', 's150', 's1', 's2', 's3', 's4']



class DropPath(nn.Module):
    def __init__(self, p=0.0):
        super().__init__()

    def forward(self, x):
        return x


class SelectAdaptivePool2d(nn.Module):
    """timm's SelectAdaptivePool2d for pool_type 'avg' (flatten False): a global average pool."""

    def __init__(self, pool_type='avg', **kwargs):
        super().__init__()
        assert pool_type == 'avg'
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        return self.pool(x)


def build_model_with_cfg(cls, variant, pretrained, pretrained_filter_fn=None, feature_cfg=None, **kwargs):
    assert not pretrained
    return cls(**kwargs)


def timm_module(checkout):
    """timm/models/starnet.py executed with its timm imports replaced by the stand-ins above."""
    text = source(checkout, 'timm/models/starnet.py')
    kept = [line for line in text.splitlines() if not line.startswith(('from timm', 'from ._'))]
    ns = {
        '__name__': 'timm_starnet',
        'IMAGENET_DEFAULT_MEAN': (0.485, 0.456, 0.406), 'IMAGENET_DEFAULT_STD': (0.229, 0.224, 0.225),
        'DropPath': DropPath, 'SelectAdaptivePool2d': SelectAdaptivePool2d, 'Linear': nn.Linear, 'LayerType': object,
        'trunc_normal_': lambda t, std=1.0, **kw: nn.init.normal_(t, std=std),
        'calculate_drop_path_rates': lambda rate, n: [x.item() for x in torch.linspace(0, rate, n)],
        'build_model_with_cfg': build_model_with_cfg, 'feature_take_indices': None, 'checkpoint_seq': None,
        'register_model': lambda f: f, 'generate_default_cfgs': lambda cfgs: cfgs,
    }
    exec(compile('\n'.join(kept), 'timm/models/starnet.py', 'exec'), ns)
    return types.SimpleNamespace(**ns)


def official_module(checkout):
    stub_timm()
    ns = {'__name__': 'official_starnet'}
    exec(compile(source(checkout, 'imagenet/starnet.py'), 'imagenet/starnet.py', 'exec'), ns)
    return types.SimpleNamespace(**ns)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('timm_checkout')
    ap.add_argument('official_checkout', nargs='?')
    ap.add_argument('--layers', help='print (output shape, params) of every conv/linear of this variant (timm)')
    ap.add_argument('--mlp-ratio', type=int)
    ap.add_argument('--resolution', type=int, default=224)
    args = ap.parse_args()
    timm = timm_module(args.timm_checkout)
    official = official_module(args.official_checkout) if args.official_checkout else None
    print(f'# timm {commit(args.timm_checkout)}' + (f'; official {commit(args.official_checkout)}' if official else '') + f'; torch {torch.__version__}')
    extra = {'mlp_ratio': args.mlp_ratio} if args.mlp_ratio else {}
    for v in [args.layers] if args.layers else VARIANTS:
        name = f'starnet_{v}'
        params, madds, rows = count(getattr(timm, name)(num_classes=1000, **extra), args.resolution)
        line = f'{name} params {params} madds {madds}'
        if official is not None:
            if not hasattr(official, name):
                line += ' official: no such variant'
            elif extra and v in ('s050', 's100', 's150'):
                # The official very small variants pass mlp_ratio positionally and take no other.
                line += ' official: mlp_ratio fixed'
            else:
                o_params, o_madds, o_rows = count(getattr(official, name)(num_classes=1000, **extra), args.resolution)
                same = (o_params, o_madds, o_rows) == (params, madds, rows)
                line += ' official ' + ('same (every conv/linear row equal)' if same else f'DIFFERS params {o_params} madds {o_madds}')
        print(line)
        if args.layers:
            print_shapes(rows)


if __name__ == '__main__':
    main()

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

import torch
import yaml

from counting import count, print_shapes, stub_timm

VARIANTS = ['t0', 't1', 't2', 's', 'm', 'l']


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
            print_shapes(rows)


if __name__ == '__main__':
    main()

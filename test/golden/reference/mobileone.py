"""Counts params and MAdds of MobileOne (Vasu et al., "MobileOne: An Improved One millisecond Mobile
Backbone", arXiv:2206.04040) in both its forms as timm's timm/models/byobnet.py builds it,
cross-checked against the official apple/ml-mobileone mobileone.py.

Usage: /usr/bin/python3 mobileone.py <pytorch-image-models checkout> [<ml-mobileone checkout>]
       [--layers ID] [--form training|deploy] [--resolution R] [--timm-commit SHA]

The timm checkout is a work tree, imported as it is (timm and its dependencies must import under
this Python); --timm-commit names its commit where it is an unpacked snapshot rather than a git
work tree. The official checkout is a work tree or a bare git directory (read with
`git show HEAD:mobileone.py`); the file imports only torch.

Forms: 'training' is the model as created (k conv-BN branches, a 1×1 conv-BN scale branch where the
kernel is larger than 1, a BN-only identity branch where input and output channels match at
stride 1, SE where s4 has it); 'deploy' is that model after the reference's own re-parameterisation
(timm.utils.model.reparameterize_model; the official file's reparameterize_model), every block one
conv with bias.

params: every parameter tensor of the model, BN gamma/beta included, running statistics not. Both
re-parameterisations detach the tensors of the modules they keep around a fused conv (timm: the SE
of s4; the official file: every tensor of the block, the new conv included), which turns their
requires_grad off; they are parameters all the same and the deploy model uses them, so this script
counts parameters regardless of requires_grad.
MAdds: every Conv2d Cout·Hout·Wout·(Cin/groups)·kh·kw plus in·out of every Linear, counted with
forward hooks on a 1×3×R×R input in eval mode. BN (the identity branch included), the branch sums,
ReLU, the SE pool, sigmoid and scale hold no multiply-adds under this convention.
"""
import argparse
import os
import subprocess
import sys
import types

import torch

from counting import commit, print_shapes, source, trace

VARIANTS = ['s0', 's1', 's2', 's3', 's4']



def count(model, resolution):
    """(params, madds, rows): every parameter tensor (requires_grad or not, see above), and
    (output shape, params, madds) per Conv2d/Linear call in forward order."""
    _, traced = trace(model, [torch.zeros(1, 3, resolution, resolution)])
    rows = [(shape, params, madds) for _, _, shape, params, madds in traced]
    return sum(p.numel() for p in model.parameters()), sum(r[2] for r in rows), rows


def timm_models(checkout):
    """(build(variant), reparameterize(model)) from timm imported from checkout."""
    sys.path.insert(0, checkout)
    import timm
    from timm.utils.model import reparameterize_model
    return (lambda v: timm.create_model(f'mobileone_{v}', num_classes=1000)), reparameterize_model


def official_models(checkout):
    ns = {'__name__': 'official_mobileone'}
    exec(compile(source(checkout, 'mobileone.py'), 'mobileone.py', 'exec'), ns)
    m = types.SimpleNamespace(**ns)
    return (lambda v: m.mobileone(num_classes=1000, variant=v)), m.reparameterize_model


def forms(build, reparameterize, variant):
    """{'training': model, 'deploy': model} of one variant."""
    torch.manual_seed(0)
    training = build(variant).eval()
    return {'training': training, 'deploy': reparameterize(training).eval()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('timm_checkout')
    ap.add_argument('official_checkout', nargs='?')
    ap.add_argument('--layers', help='print (output shape, params) of every conv/linear of this variant (timm), in --form')
    ap.add_argument('--form', choices=['training', 'deploy'], default='deploy')
    ap.add_argument('--resolution', type=int, default=224)
    ap.add_argument('--timm-commit', help='the commit of an unpacked timm snapshot (printed in the header)')
    args = ap.parse_args()
    timm = timm_models(args.timm_checkout)
    official = official_models(args.official_checkout) if args.official_checkout else None
    print(f'# timm {args.timm_commit or commit(args.timm_checkout)}' + (f'; official {commit(args.official_checkout)}' if official else '') + f'; torch {torch.__version__}')
    for v in [args.layers.replace('mobileone_', '')] if args.layers else VARIANTS:
        name = f'mobileone_{v}'
        models = forms(*timm, v)
        others = forms(*official, v) if official else None
        for form in [args.form] if args.layers else ['training', 'deploy']:
            params, madds, rows = count(models[form], args.resolution)
            line = f'{name} {form} params {params} madds {madds}'
            if others is not None:
                o_params, o_madds, o_rows = count(others[form], args.resolution)
                if (o_params, o_madds, o_rows) == (params, madds, rows):
                    line += ' official same (every conv/linear row equal)'
                else:
                    diff = [i for i, (a, b) in enumerate(zip(rows, o_rows)) if a != b]
                    line += f' official DIFFERS params {o_params} madds {o_madds} rows {len(o_rows)} vs {len(rows)}, first differing row {diff[:1]}'
            if form == 'deploy':
                for who, m in [('timm', models)] + ([('official', others)] if others else []):
                    trainable = sum(p.numel() for p in m[form].parameters() if p.requires_grad)
                    if trainable != params:
                        line += f'; {who} leaves requires_grad on {trainable} of them'
            print(line)
            if args.layers:
                print_shapes(rows)


if __name__ == '__main__':
    main()

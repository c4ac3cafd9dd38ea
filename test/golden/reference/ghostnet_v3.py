"""Counts params and MAdds of GhostNetV3 (Liu et al., arXiv:2404.11202) in both of its forms as
timm's timm/models/ghostnet.py builds it (ghostnetv3_050/100/130/160), cross-checked against the
official huawei-noah/Efficient-AI-Backbones ghostnetv3_pytorch/ghostnetv3.py.

Usage: /usr/bin/python3 ghostnet_v3.py <pytorch-image-models checkout> [<Efficient-AI-Backbones checkout>]
       [--layers ID] [--form training|deploy] [--resolution R]

A checkout is a work tree or a bare git directory (read with `git show HEAD:<path>`). The timm
checkout is put first on sys.path and imported whole; the official file is executed from its text
without its one timm import (register_model), replaced by a decorator that returns the function.

Forms: 'training' is the model as constructed, with its parallel conv-BN branches, 1×1 scale
branches and BN identity branches; 'deploy' is what timm.utils.model.reparameterize_model makes of
a copy (each module's own reparameterize) and, for the official model, what calling reparameterize
on every GhostModule and GhostBottleneck does (collected before any is changed, since they replace
their own children).

params: every parameter tensor's elements. Not only those with requires_grad: the references'
re-parameterisation calls detach_() on every parameter of a re-parameterised module, which clears
requires_grad, so counting trainable tensors would drop the fused convs.
MAdds: forward hooks on every Conv2d (Cout·Hout·Wout·(Cin/groups)·kh·kw) and Linear (in·out) on a
1×3×R×R input of zeros in eval mode (counting.trace); BN, the branch sums, the concat, the 2×2
average pool, sigmoid, the nearest upsampling and the gating product count 0.
--layers prints (output shape, params) of every Conv2d/Linear of that id in forward order, in the
form --form (default deploy), as JSON.
"""
import argparse
import json
import os
import subprocess
import sys
import types

import torch

from counting import commit, source, trace

WIDTHS = {'050': 0.5, '100': 1.0, '130': 1.3, '160': 1.6}



def lcnb_id(suffix):
    return 'ghostnet_v3_x' + str(WIDTHS[suffix]).replace('.', '_')


def count_all(model, resolution):
    """(params, madds, rows): every parameter counted, rows (output shape, params, madds) per Conv2d/Linear call."""
    _, traced = trace(model, [torch.zeros(1, 3, resolution, resolution)])
    rows = [(shape, params, madds) for _, _, shape, params, madds in traced]
    return sum(p.numel() for p in model.parameters()), sum(r[2] for r in rows), rows


def timm_models(checkout):
    sys.path.insert(0, checkout)
    import timm
    from timm.utils.model import reparameterize_model

    def build(suffix, form):
        model = timm.create_model(f'ghostnetv3_{suffix}', num_classes=1000)
        return model if form == 'training' else reparameterize_model(model)
    return build


def official_models(checkout):
    text = source(checkout, 'ghostnetv3_pytorch/ghostnetv3.py')
    kept = [line for line in text.splitlines() if not line.startswith('from timm')]
    ns = {'__name__': 'official_ghostnetv3', 'register_model': lambda f: f}
    exec(compile('\n'.join(kept), 'ghostnetv3_pytorch/ghostnetv3.py', 'exec'), ns)
    ref = types.SimpleNamespace(**ns)

    def build(suffix, form):
        model = ref.ghostnetv3(width=WIDTHS[suffix])
        if form == 'deploy':
            for m in [m for m in model.modules() if isinstance(m, (ref.GhostModule, ref.GhostBottleneck))]:
                m.reparameterize()
        return model
    return build


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('timm_checkout')
    ap.add_argument('official_checkout', nargs='?')
    ap.add_argument('--layers', help='an lcnb id (ghostnet_v3_x1_0): print its (output shape, params) rows (timm)')
    ap.add_argument('--form', choices=['training', 'deploy'], default='deploy')
    ap.add_argument('--resolution', type=int, default=224)
    args = ap.parse_args()
    timm_build = timm_models(args.timm_checkout)
    if args.layers:
        suffix = next(s for s in WIDTHS if lcnb_id(s) == args.layers)
        rows = count_all(timm_build(suffix, args.form), args.resolution)[2]
        print(json.dumps([[list(shape), params] for shape, params, _ in rows]))
        return
    official_build = official_models(args.official_checkout) if args.official_checkout else None
    print(f'# timm {commit(args.timm_checkout)}' + (f'; official {commit(args.official_checkout)}' if official_build else '') + f'; torch {torch.__version__}')
    for suffix in WIDTHS:
        for form in ('training', 'deploy'):
            params, madds, rows = count_all(timm_build(suffix, form), args.resolution)
            line = f'{lcnb_id(suffix)} {form} params {params} madds {madds}'
            if official_build:
                o_params, o_madds, o_rows = count_all(official_build(suffix, form), args.resolution)
                # The official forward runs the DFC branch before the Ghost maps, so rows are compared as multisets.
                same_rows = sorted(map(str, o_rows)) == sorted(map(str, rows))
                line += ' official ' + ('same' if (o_params, o_madds) == (params, madds) else f'DIFFERS params {o_params} madds {o_madds}')
                line += ' (every conv/linear row equal as a multiset)' if same_rows else ' (conv/linear rows differ)'
            print(line)


if __name__ == '__main__':
    main()

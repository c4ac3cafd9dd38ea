"""Counts params and MAdds of RepViT (Wang et al., "RepViT: Revisiting Mobile CNN From ViT
Perspective", arXiv:2307.09283) in both its forms, as timm's timm/models/repvit.py builds it,
cross-checked against the official THU-MIG/RepViT model/repvit.py.

Usage: /usr/bin/python3 repvit.py <pytorch-image-models checkout> [<THU-MIG/RepViT checkout>]
       [--layers ID] [--form training|deploy] [--mlp-ratio R] [--resolution R]

The timm checkout is a work tree that can be imported (timm itself is loaded from it). The official
checkout is a work tree or a bare git directory (read with `git show HEAD:<path>`); its model file
is executed with its register_model replaced by the identity (so it does not overwrite timm's
registry entries), its other imports (SqueezeExcite, trunc_normal_) taken from that timm.

Forms: 'training' is the model as timm's create_model builds it (distillation=True: two BN+Linear
heads averaged); 'deploy' is that model after timm.utils.model.reparameterize_model, which calls
every module's fuse(): Conv-BN pairs become one conv with bias, each RepVGG-style token mixer (3×3
depthwise conv-BN, 1×1 depthwise conv, identity, BN) one 3×3 depthwise conv with bias, and the two
heads one Linear. The official model is built with distillation=True (as its main.py trains it;
its factory's own default is False) and deployed with its utils.replace_batchnorm.

MAdds: every Conv2d Cout·Hout·Wout·(Cin/groups)·kh·kw plus in·out of every Linear, counted with forward
hooks on a 1×3×R×R input in eval mode. BNs, GELU, the SE gate and scale, the residual Adds and the
heads' average hold no multiply-adds under this convention.
"""
import argparse
import os
import subprocess
import sys
import types

import torch

from counting import commit, count, print_shapes, source

VARIANTS = ['m0_9', 'm1_0', 'm1_1', 'm1_5', 'm2_3']
# timm's legacy variants (the 1×1 token-mixer branch a Conv-BN pair): counted for the record only.
LEGACY = ['m1', 'm2', 'm3']



def official_module(checkout):
    """model/repvit.py executed with register_model as the identity; the rest of its imports from timm."""
    text = source(checkout, 'model/repvit.py')
    kept = [line for line in text.splitlines() if line.strip() != 'from timm.models import register_model']
    ns = {'__name__': 'official_repvit', 'register_model': lambda f: f}
    exec(compile('\n'.join(kept), 'model/repvit.py', 'exec'), ns)
    return types.SimpleNamespace(**ns)


def replace_batchnorm(net):
    """The official utils.replace_batchnorm, restated: fuse() every module that has one, recursing into
    the result, and replace a BatchNorm2d left on its own by the identity (RepViT leaves none)."""
    for name, child in net.named_children():
        if hasattr(child, 'fuse'):
            fused = child.fuse()
            setattr(net, name, fused)
            replace_batchnorm(fused)
        elif isinstance(child, torch.nn.BatchNorm2d):
            setattr(net, name, torch.nn.Identity())
        else:
            replace_batchnorm(child)
    return net


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('timm_checkout')
    ap.add_argument('official_checkout', nargs='?')
    ap.add_argument('--layers', help='print (output shape, params) of every conv/linear of this variant (timm)')
    ap.add_argument('--form', choices=['training', 'deploy'], default='deploy', help='the form --layers prints')
    ap.add_argument('--mlp-ratio', type=int)
    ap.add_argument('--resolution', type=int, default=224)
    ap.add_argument('--legacy', action='store_true', help="also count timm's legacy repvit_m1/m2/m3")
    args = ap.parse_args()
    sys.path.insert(0, args.timm_checkout)
    import timm
    from timm.utils.model import reparameterize_model

    official = official_module(args.official_checkout) if args.official_checkout else None
    print(f'# timm {commit(args.timm_checkout)}' + (f'; official {commit(args.official_checkout)}' if official else '') + f'; torch {torch.__version__}')
    extra = {'mlp_ratio': args.mlp_ratio} if args.mlp_ratio else {}

    def forms(model):
        model.eval()
        return {'training': model, 'deploy': reparameterize_model(model)}

    variants = [args.layers.removeprefix('repvit_')] if args.layers else VARIANTS + (LEGACY if args.legacy else [])
    for v in variants:
        name = f'repvit_{v}'
        counted = {form: count(m, args.resolution) for form, m in forms(timm.create_model(name, num_classes=1000, **extra)).items()}
        line = name + ''.join(f' {form} params {c[0]} madds {c[1]}' for form, c in counted.items())
        if official is not None:
            if not hasattr(official, name):
                line += ' official: no such variant'
            elif extra:
                line += ' official: mlp_ratio fixed at 2'
            else:
                model = getattr(official, name)(num_classes=1000, distillation=True).eval()
                o_training = count(model, args.resolution)
                o_deploy = count(replace_batchnorm(model), args.resolution)
                for form, o in (('training', o_training), ('deploy', o_deploy)):
                    same = o == counted[form]
                    line += f' official {form} ' + ('same (every conv/linear row equal)' if same else f'DIFFERS params {o[0]} madds {o[1]}')
                no_dist = count(getattr(official, name)(num_classes=1000).eval(), args.resolution)
                line += f' official default (distillation=False) training params {no_dist[0]} madds {no_dist[1]}'
        print(line)
        if args.layers:
            print_shapes(counted[args.form][2])


if __name__ == '__main__':
    main()

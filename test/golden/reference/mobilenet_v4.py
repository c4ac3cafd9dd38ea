"""Counts params and MAdds of MobileNetV4 (Qin et al., arXiv:2404.10518) as timm builds it:
timm/models/mobilenetv3.py `_gen_mobilenet_v4`, blocks from timm/models/_efficientnet_blocks.py,
Mobile MQA from timm/layers/attention2d.py. The official code is TensorFlow (tensorflow/models
official/vision/modeling/backbones/mobilenet.py) and is not run here.

Usage: /usr/bin/python3 mobilenet_v4.py <pytorch-image-models checkout> [--layers ID] [--width W]
       [--resolution R]

The checkout is a work tree with the timm package at its top; it is put first on sys.path and timm is
imported from it. Each model is built with timm.create_model (no pretrained weights, 1000 classes) and
run once on a 1x3xRxR input of zeros in eval mode, R the model's own resolution (below) unless
--resolution is given.

params: every trainable tensor (BN gamma/beta and the hybrids' layer-scale gammas included, BN running
statistics not).
MAdds: Cout*Hout*Wout*(Cin/groups)*kh*kw of every Conv2d and in*out of the Linear, from forward hooks
(counting.py), plus every matrix product the attention computes, counted as it runs: Tensor.__matmul__
and torch.matmul are wrapped for the forward pass, and each product a @ b adds numel(a @ b) *
a.shape[-1] (output elements times the shared axis, batch axes broadcast). In a Mobile MQA block these
are Q.K^T and attention.V: heads*L*P*key_dim and heads*L*P*value_dim per image, L query positions and
P key positions. timm's fused scaled_dot_product_attention path is switched off so both products run
as matmuls (torch 1.13 has no fused path anyway). Softmax, the 1/sqrt(key_dim) scale, BN, activations,
layer scale and residual adds hold no multiply-adds under this convention.

--layers ID prints, in forward order, '[N, C, H, W] params' for every Conv2d/Linear call and
'matmul [shape] madds' for every matrix product.
"""
import argparse
import os
import subprocess
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from counting import trace  # noqa: E402

# lcnb id -> (timm name, default input resolution). The resolutions are those of the paper's
# ImageNet table (Conv-S 224, Conv-M and Hybrid-M 256, Conv-L and Hybrid-L 384).
MODELS = {
    'mobilenet_v4_conv_s': ('mobilenetv4_conv_small', 224),
    'mobilenet_v4_conv_m': ('mobilenetv4_conv_medium', 256),
    'mobilenet_v4_conv_l': ('mobilenetv4_conv_large', 384),
    'mobilenet_v4_hybrid_m': ('mobilenetv4_hybrid_medium', 256),
    'mobilenet_v4_hybrid_l': ('mobilenetv4_hybrid_large', 384),
}


def commit(checkout):
    out = subprocess.run(['git', '-C', checkout, 'rev-parse', 'HEAD'], capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else 'commit unknown (not a git work tree)'


class MatmulCounter:
    """Wraps Tensor.__matmul__ and torch.matmul while active; records (output shape, madds) per product."""

    def __init__(self):
        self.rows = []

    def _wrap(self, fn):
        def counted(a, b):
            out = fn(a, b)
            self.rows.append((tuple(out.shape), out.numel() * a.shape[-1]))
            return out
        return counted

    def __enter__(self):
        self.saved = (torch.Tensor.__matmul__, torch.matmul)
        torch.Tensor.__matmul__ = self._wrap(self.saved[0])
        torch.matmul = self._wrap(self.saved[1])
        return self

    def __exit__(self, *exc):
        torch.Tensor.__matmul__, torch.matmul = self.saved


def count(model, resolution):
    """(params, madds, rows): rows in forward order, ('layer', shape, params, madds) per Conv2d/Linear
    call and ('matmul', shape, 0, madds) per matrix product."""
    for m in model.modules():
        if hasattr(m, 'fused_attn'):
            m.fused_attn = False
        if hasattr(m, 'einsum'):
            m.einsum = False
    events = []
    counter = MatmulCounter()

    def hook(m, _inp, out):
        # Flush the products that ran before this layer so the rows keep forward order.
        events.extend(('matmul', s, 0, n) for s, n in counter.rows)
        counter.rows.clear()
        events.append(('layer', tuple(out.shape), sum(p.numel() for p in m.parameters()), None))

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with counter:
        _, traced = trace(model, [torch.zeros(1, 3, resolution, resolution)])
    for h in handles:
        h.remove()
    layer_madds = iter(r[4] for r in traced)
    rows = [(kind, shape, params, madds if kind == 'matmul' else next(layer_madds)) for kind, shape, params, madds in events]
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return params, sum(r[3] for r in rows), rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('timm_checkout')
    ap.add_argument('--layers', help='print every conv/linear (output shape, params) and matmul (shape, madds) of this id')
    ap.add_argument('--width', type=float, help="timm's channel multiplier (1.0 by default)")
    ap.add_argument('--resolution', type=int)
    args = ap.parse_args()
    sys.path.insert(0, os.path.abspath(args.timm_checkout))
    import timm
    from timm.models.mobilenetv3 import _gen_mobilenet_v4
    print(f'# timm {timm.__version__} at {args.timm_checkout}, {commit(args.timm_checkout)}; torch {torch.__version__}')
    for model_id in [args.layers] if args.layers else MODELS:
        name, resolution = MODELS[model_id]
        resolution = args.resolution or resolution
        if args.width:
            model = _gen_mobilenet_v4(name, args.width, num_classes=1000)
        else:
            model = timm.create_model(name, num_classes=1000)
        params, madds, rows = count(model, resolution)
        attention = sum(r[3] for r in rows if r[0] == 'matmul')
        print(f'{model_id} ({name}, {resolution}x{resolution}) params {params} madds {madds} (attention matmuls {attention})')
        if args.layers:
            for kind, shape, p, m in rows:
                print(list(shape), p) if kind == 'layer' else print('matmul', list(shape), m)


if __name__ == '__main__':
    main()

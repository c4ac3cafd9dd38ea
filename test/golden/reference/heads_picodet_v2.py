"""Counts params and MAdds of PP-PicoDet v2 (PaddleDetection's current PicoDet: LCNet + LCPAN + PicoHeadV2).

PaddlePaddle is not installed, so the network is rebuilt here in PyTorch from the PaddleDetection
sources at commit 666f597fd00d3157e84dd9fb2dd3f40bf9918ebc (Paddle's Conv2D / BatchNorm2D hold the
same trainable tensors as PyTorch's: conv weight [out, in/groups, k, k] (+ bias), BN scale and shift):
- configs/picodet/_base_/picodet_v2.yml with picodet_{xs,s,m,l}_{320,416,640}_coco_lcnet.yml:
  LCNet scale 0.35 / 0.75 / 1.5 / 2.0, feature_maps [3, 4, 5]; LCPAN out_channels 96 / 96 / 128 / 160,
  use_depthwise, num_features 4 (kernel 5, hard_swish); PicoHeadV2 with PicoFeat(feat_in = feat_out =
  the neck channels, num_convs 2 / 2 / 4 / 4, num_fpn_stride 4, share_cls_reg, use_se),
  fpn_stride [8, 16, 32, 64], reg_max 7, use_align_head, 80 classes;
- ppdet/modeling/backbones/lcnet.py: LCNet (as PaddleClas' PP-LCNet up to its last block: no GAP,
  last conv or classifier), DepthwiseSeparable (k x k depthwise -> BN -> hardswish, SE c // 4 with
  biased 1x1 convs, 1x1 -> BN -> hardswish);
- ppdet/modeling/necks/lc_pan.py: LCPAN: Channel_T (1x1 ConvBNLayer per tap to the neck channels);
  top-down and bottom-up blocks are two DepthwiseSeparable each (5x5, 2C -> 2C, then 2C -> C, no SE)
  on the concat; downsamples and first/second_top_conv are csp_pan.py DPModules (5x5/2 depthwise ->
  BN -> act -> 1x1 -> BN -> act); the stride-64 map is first_top_conv(P5 in) + second_top_conv(P5 out);
- ppdet/modeling/heads/pico_head.py: PicoFeat per level: num_convs x (5x5 depthwise ConvNormLayer, 1x1
  ConvNormLayer; no bias, BN, hard_swish after each); PicoSE: GAP -> 1x1 conv with bias -> sigmoid
  gate -> 1x1 ConvNormLayer (BN), then hard_swish; PicoHeadV2 per level: head_cls (1x1, bias, 80) and
  head_reg (1x1, bias, 4 (reg_max + 1)) on the SE output, cls_align = DPModule(C, 1, 5,
  use_act_in_out=False) on the conv output: a full 5x5 conv C -> 1 (groups = out = 1), BN, hardswish,
  1x1 conv 1 -> 1, BN; score = sqrt(sigmoid(cls) * sigmoid(align) + eps). Eval output without
  post-processing (export.post_process=False): scores [1, A, 80] and raw distributions [1, A, 32].
- ppdet/modeling/heads/gfl_head.py: GFLHead.__init__ registers one ScaleReg scalar per level
  (p3_feat ... p6_feat) that PicoHeadV2 never uses (it sets gfl_head_cls / gfl_head_reg to None,
  which drops those two, but the ScaleRegs stay registered): "registered" is 4 higher than "params".

Usage: /usr/bin/python3 heads_picodet_v2.py [--model picodet_s] [--resolution 416] [--layers]
MAdds: Cout*Hout*Wout*(Cin/groups)*kh*kw of every Conv2d, forward hooks (counting.py).
paddleslim_gflops: the README's FLOPS rule, 2 x PaddleSlim dygraph_flops (what PaddleDetection's
print_flops prints, MACs; docs/feature_models/PaddleYOLO_MODEL.md: FLOPs = 2 x MACs) of the eval
model: conv MAdds + one per element of every batch_norm, relu and sigmoid input and of every pool2d
output (hard_swish / hard_sigmoid are not counted; the post-processing's small matmul is left out).
"""
import argparse
import json

import torch
from torch import nn
import torch.nn.functional as F

from counting import count_named_parts, layer_entries
from heads_picodet import LCNet, conv_bn, dp_module

# name: (LCNet scale, neck/head channels, PicoFeat num_convs, zoo backbone, README resolutions)
MODELS = {
    'picodet_xs': (0.35, 96, 2, 'pplcnet_x0_35', (320, 416)),
    'picodet_s': (0.75, 96, 2, 'pplcnet_x0_75', (320, 416)),
    'picodet_m': (1.5, 128, 4, 'pplcnet_x1_5', (320, 416)),
    'picodet_l': (2.0, 160, 4, 'pplcnet_x2_0', (320, 416, 640)),
}


def depthwise_separable(cin, cout, k):
    """lcnet.py DepthwiseSeparable without SE, stride 1."""
    return nn.Sequential(conv_bn(cin, cin, k, 1, groups=cin), conv_bn(cin, cout, 1))


class LCPAN(nn.Module):
    def __init__(self, in_channels, c, k=5):
        super().__init__()
        self.conv_t = nn.ModuleList(conv_bn(ci, c, 1) for ci in in_channels)
        n = len(in_channels)
        self.first_top_conv = dp_module(c, c, k, 2)
        self.second_top_conv = dp_module(c, c, k, 2)
        block = lambda: nn.Sequential(depthwise_separable(2 * c, 2 * c, k), depthwise_separable(2 * c, c, k))
        self.top_down_blocks = nn.ModuleList(block() for _ in range(n - 1))
        self.downsamples = nn.ModuleList(dp_module(c, c, k, 2) for _ in range(n - 1))
        self.bottom_up_blocks = nn.ModuleList(block() for _ in range(n - 1))

    def forward(self, inputs):
        inputs = [conv(x) for conv, x in zip(self.conv_t, inputs)]
        n = len(inputs)
        inner = [inputs[-1]]
        for idx in range(n - 1, 0, -1):
            up = F.interpolate(inner[0], scale_factor=2, mode='nearest')
            inner.insert(0, self.top_down_blocks[n - 1 - idx](torch.cat([up, inputs[idx - 1]], 1)))
        outs = [inner[0]]
        for idx in range(n - 1):
            down = self.downsamples[idx](outs[-1])
            outs.append(self.bottom_up_blocks[idx](torch.cat([down, inner[idx + 1]], 1)))
        outs.append(self.first_top_conv(inputs[-1]) + self.second_top_conv(outs[-1]))
        return outs


class PicoSE(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.fc = nn.Conv2d(c, c, 1)
        self.conv = conv_bn(c, c, 1, act=False)

    def forward(self, feat):
        return F.hardswish(self.conv(feat * torch.sigmoid(self.fc(feat.mean((2, 3), keepdim=True)))))


class PicoHeadV2(nn.Module):
    def __init__(self, c, num_convs, num_classes=80, levels=4, reg_max=7):
        super().__init__()
        self.num_classes, self.bins = num_classes, 4 * (reg_max + 1)
        self.cls_convs = nn.ModuleList(
            nn.Sequential(*[m for _ in range(num_convs) for m in (conv_bn(c, c, 5, groups=c), conv_bn(c, c, 1))])
            for _ in range(levels))
        self.se = nn.ModuleList(PicoSE(c) for _ in range(levels))
        self.head_cls = nn.ModuleList(nn.Conv2d(c, num_classes, 1) for _ in range(levels))
        self.head_reg = nn.ModuleList(nn.Conv2d(c, self.bins, 1) for _ in range(levels))
        # csp_pan.DPModule(C, 1, 5, use_act_in_out=False): dwconv has groups = out_channel = 1
        self.cls_align = nn.ModuleList(
            nn.Sequential(conv_bn(c, 1, 5), nn.Conv2d(1, 1, 1, bias=False), nn.BatchNorm2d(1)) for _ in range(levels))
        # GFLHead.__init__'s ScaleReg per level: registered, never used by PicoHeadV2
        self.unused_scale_regs = nn.ParameterList(nn.Parameter(torch.ones(1)) for _ in range(levels))

    def forward(self, feats):
        scores, boxes = [], []
        for i, x in enumerate(feats):
            feat = self.cls_convs[i](x)
            se = self.se[i](feat)
            cls = torch.sigmoid(self.head_cls[i](se))
            score = (cls * torch.sigmoid(self.cls_align[i](feat)) + 1e-9).sqrt()
            scores.append(score.flatten(2).transpose(1, 2))
            boxes.append(self.head_reg[i](se).flatten(2).transpose(1, 2))
        return [torch.cat(scores, 1), torch.cat(boxes, 1)]


class PicoDetV2(nn.Module):
    def __init__(self, scale, c, num_convs, num_classes=80):
        super().__init__()
        self.backbone = LCNet(scale)
        self.neck = LCPAN(self.backbone.out_channels, c)
        self.head = PicoHeadV2(c, num_convs, num_classes)

    def forward(self, x):
        return self.head(self.neck(self.backbone(x)))


def part_of(name):
    return name.split('.')[0]


def count(model, inputs):
    used = lambda name: 'unused_scale_regs' not in name
    outs, rows, parts = count_named_parts(model, inputs, part_of, counted=used)
    registered = sum(p.numel() for p in model.parameters())
    unused = sum(p.numel() for n, p in model.named_parameters() if not used(n))
    return {'params': registered - unused, 'registered': registered, 'madds': sum(r[2] for r in rows),
            'parts': parts, 'outputs': [list(o.shape) for o in outs]}, rows


def paddleslim_gflops(model, r):
    """2 x PaddleSlim's dygraph_flops(only_conv=False) of the model at r x r, in G (see the docstring)."""
    counts = {'conv': 0, 'other': 0}

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            counts['conv'] += out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.BatchNorm2d):
            counts['other'] += inp[0].numel()

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.BatchNorm2d))]
    model.eval()
    with torch.no_grad():
        scores, _ = model(torch.zeros(1, 3, r, r))
    for h in handles:
        h.remove()
    anchors, c = scores.shape[1], model.head.se[0].fc.in_channels
    se = [m.conv1.in_channels for m in model.backbone.modules() if type(m).__name__ == 'LCNetSE']
    counts['other'] += sum(se) + sum(x // 4 for x in se)  # LCNet SE: pool2d outputs, relu inputs
    counts['other'] += 4 * c * 2  # PicoSE: pool2d outputs, sigmoid inputs
    counts['other'] += anchors * (scores.shape[2] + 1)  # sigmoid of the class logits and of the alignment map
    return 2 * (counts['conv'] + counts['other']) / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', action='append', choices=list(MODELS))
    ap.add_argument('--resolution', type=int, action='append')
    ap.add_argument('--classes', type=int, default=80)
    ap.add_argument('--layers', action='store_true')
    args = ap.parse_args()
    result = {}
    for name in args.model or list(MODELS):
        scale, c, num_convs, backbone, resolutions = MODELS[name]
        for r in args.resolution or resolutions:
            model = PicoDetV2(scale, c, num_convs, args.classes)
            entry, rows = count(model, [torch.zeros(1, 3, r, r)])
            entry['backbone'] = backbone
            entry['paddleslim_gflops'] = round(paddleslim_gflops(model, r), 4)
            entry['taps'] = model.backbone.out_channels
            if args.layers:
                entry['layers'] = layer_entries(rows)
            result[f'{name} {r}'] = entry
    print(json.dumps(result, indent=1))


if __name__ == '__main__':
    main()

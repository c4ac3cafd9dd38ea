"""Counts params and MAdds of PicoDet's neck and head (PaddleDetection, legacy PicoDet configs).

PaddlePaddle is not installed, so the network is rebuilt here in PyTorch from the PaddleDetection
sources at commit 666f597fd00d3157e84dd9fb2dd3f40bf9918ebc (Paddle's Conv2D / BatchNorm2D hold the
same trainable tensors as PyTorch's: conv weight [out, in/groups, k, k] (+ bias), BN scale and shift):
- configs/picodet/legacy_model/_base_/picodet_esnet.yml, more_config/picodet_lcnet_1_0x_416_coco.yml
  and picodet_mobilenetv3_large_1x_416_coco.yml: CSPPAN(out_channels 128, use_depthwise, 1 CSP block,
  num_features 4), PicoHead(PicoFeat(feat_in 128, feat_out 128, num_convs 4, num_fpn_stride 4,
  share_cls_reg), fpn_stride [8, 16, 32, 64], reg_max 7), 80 classes, 416x416;
- ppdet/modeling/necks/csp_pan.py: ConvBNLayer, DPModule (k x k depthwise -> BN -> act -> 1x1 -> BN
  -> act), DarknetBottleneck, CSPLayer, Channel_T, CSPPAN (kernel 5, act hard_swish; with 4 features
  the extra stride-64 map is first_top_conv(P5 in) + second_top_conv(P5 out), both DPModules /2);
- ppdet/modeling/heads/pico_head.py: PicoFeat (per level, num_convs pairs of 5x5 depthwise and 1x1
  ConvNormLayer without bias, BN, hard_swish after each), PicoHead (per level one 1x1 conv with bias
  to num_classes + 4 (reg_max + 1) channels when share_cls_reg); its eval output without
  post-processing (export_post_process=False): sigmoid class scores and the raw box distributions;
- ppdet/modeling/heads/gfl_head.py: GFLHead.__init__ also registers one ScaleReg scalar per level
  (sub-layers p3_feat ... p6_feat) that PicoHead never uses; Paddle lists them among the model's
  parameters, so the count "registered" below is 4 higher than the count of what the forward uses.
- backbones for the whole-model cross-check against the legacy README's Params column:
  ppdet/modeling/backbones/lcnet.py (LCNet, feature_maps [3, 4, 5]) and mobilenet_v3.py
  (MobileNetV3 large, feature_maps [7, 13, 16]: every bneck has its expand conv, SE squeeze c // 4).
- lcnb's MobileNetV3-Large is torchvision's (SE squeeze make_divisible(c // 4, 8), no expand conv in
  the first bneck): 'torchvision_mobilenet_v3_large_x*' is that backbone up to its last bneck under
  the same neck and head, read where Paddle's feature_maps read (the whole-model golden numbers of
  the MobileNetV3 pairs; at 1.0 it has 1,546 more parameters than Paddle's, all in the SE and first
  bneck, the neck and head identical).

Usage: /usr/bin/python3 heads_picodet.py                       reference pairs at 416, 80 classes
       /usr/bin/python3 heads_picodet.py --taps 128,256,512 [--resolution 416] [--classes 80]
           neck + head alone on stride-8/16/32 features of those channels
       --layers prints one row per conv (output shape, params, madds) in forward order.
MAdds: Cout*Hout*Wout*(Cin/groups)*kh*kw of every Conv2d, forward hooks (counting.py).
"""
import argparse
import json

import torch
from torch import nn
import torch.nn.functional as F

from counting import count_named_parts, features_at, layer_entries, zero_features


def make_divisible(v, divisor=8, min_value=None):
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def conv_bn(cin, cout, k, s=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, s, (k - 1) // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.Hardswish())
    return nn.Sequential(*layers)


# ---- ppdet/modeling/necks/csp_pan.py ----
def dp_module(cin, cout, k, s=1):
    # DPModule: depthwise (groups = out_channel; in == out wherever CSPPAN uses it), then pointwise
    return nn.Sequential(conv_bn(cin, cout, k, s, groups=cout), conv_bn(cout, cout, 1))


class DarknetBottleneck(nn.Module):
    def __init__(self, cin, cout, k, add_identity):
        super().__init__()
        self.conv1 = conv_bn(cin, cout, 1)  # expansion 1.0
        self.conv2 = dp_module(cout, cout, k)
        self.add = add_identity and cin == cout

    def forward(self, x):
        y = self.conv2(self.conv1(x))
        return x + y if self.add else y


class CSPLayer(nn.Module):
    def __init__(self, cin, cout, k, num_blocks=1, add_identity=False):
        super().__init__()
        mid = int(cout * 0.5)
        self.main_conv = conv_bn(cin, mid, 1)
        self.short_conv = conv_bn(cin, mid, 1)
        self.final_conv = conv_bn(2 * mid, cout, 1)
        self.blocks = nn.Sequential(*[DarknetBottleneck(mid, mid, k, add_identity) for _ in range(num_blocks)])

    def forward(self, x):
        return self.final_conv(torch.cat([self.blocks(self.main_conv(x)), self.short_conv(x)], 1))


class CSPPAN(nn.Module):
    def __init__(self, in_channels, out_channels=128, k=5, num_features=4, num_csp_blocks=1):
        super().__init__()
        self.conv_t = nn.ModuleList(conv_bn(c, out_channels, 1) for c in in_channels)
        n = len(in_channels)
        self.num_features = num_features
        if num_features == 4:
            self.first_top_conv = dp_module(out_channels, out_channels, k, 2)
            self.second_top_conv = dp_module(out_channels, out_channels, k, 2)
        self.top_down_blocks = nn.ModuleList(CSPLayer(out_channels * 2, out_channels, k, num_csp_blocks) for _ in range(n - 1))
        self.downsamples = nn.ModuleList(dp_module(out_channels, out_channels, k, 2) for _ in range(n - 1))
        self.bottom_up_blocks = nn.ModuleList(CSPLayer(out_channels * 2, out_channels, k, num_csp_blocks) for _ in range(n - 1))

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
        if self.num_features == 4:
            outs.append(self.first_top_conv(inputs[-1]) + self.second_top_conv(outs[-1]))
        return outs


# ---- ppdet/modeling/heads/pico_head.py (+ gfl_head.py's unused ScaleReg) ----
class PicoHead(nn.Module):
    def __init__(self, num_classes=80, feat=128, num_convs=4, levels=4, reg_max=7):
        super().__init__()
        self.num_classes, self.reg_max = num_classes, reg_max
        self.cls_convs = nn.ModuleList(
            nn.Sequential(*[m for _ in range(num_convs) for m in (conv_bn(feat, feat, 5, groups=feat), conv_bn(feat, feat, 1))])
            for _ in range(levels))
        self.head_cls = nn.ModuleList(nn.Conv2d(feat, num_classes + 4 * (reg_max + 1), 1) for _ in range(levels))
        # GFLHead.__init__'s ScaleReg per level: registered, never used by PicoHead
        self.unused_scale_regs = nn.ParameterList(nn.Parameter(torch.ones(1)) for _ in range(levels))

    def forward(self, feats):
        outs = []
        for convs, head, x in zip(self.cls_convs, self.head_cls, feats):
            cls_score, bbox_pred = head(convs(x)).split([self.num_classes, 4 * (self.reg_max + 1)], 1)
            outs += [torch.sigmoid(cls_score).flatten(2).transpose(1, 2), bbox_pred.flatten(2).transpose(1, 2)]
        return outs


class NeckHead(nn.Module):
    def __init__(self, taps, num_classes=80):
        super().__init__()
        self.neck = CSPPAN(taps)
        self.head = PicoHead(num_classes)

    def forward(self, feats):
        return self.head(self.neck(feats))


# ---- ppdet/modeling/backbones/lcnet.py ----
LCNET = [(3, 16, 32, 1, False), (3, 32, 64, 2, False), (3, 64, 64, 1, False), (3, 64, 128, 2, False),
         (3, 128, 128, 1, False), (3, 128, 256, 2, False)] + [(5, 256, 256, 1, False)] * 5 + \
        [(5, 256, 512, 2, True), (5, 512, 512, 1, True)]
LCNET_TAPS = (4, 10, 12)  # last block of blocks4, blocks5, blocks6 (feature_maps [3, 4, 5])


class LCNetSE(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(c, c // 4, 1), nn.Conv2d(c // 4, c, 1)

    def forward(self, x):
        return x * F.hardsigmoid(self.conv2(F.relu(self.conv1(x.mean((2, 3), keepdim=True)))))


class LCNet(nn.Module):
    def __init__(self, scale):
        super().__init__()
        self.conv1 = conv_bn(3, make_divisible(16 * scale), 3, 2)
        blocks = []
        for k, cin, cout, s, se in LCNET:
            cin, cout = make_divisible(cin * scale), make_divisible(cout * scale)
            layers = [conv_bn(cin, cin, k, s, groups=cin)] + ([LCNetSE(cin)] if se else []) + [conv_bn(cin, cout, 1)]
            blocks.append(nn.Sequential(*layers))
        self.blocks = nn.ModuleList(blocks)
        self.out_channels = [make_divisible(LCNET[i][2] * scale) for i in LCNET_TAPS]

    def forward(self, x):
        return features_at(self.conv1(x), self.blocks, LCNET_TAPS)


# ---- ppdet/modeling/backbones/mobilenet_v3.py (large) ----
MNV3_LARGE = [(3, 16, 16, False, 'relu', 1), (3, 64, 24, False, 'relu', 2), (3, 72, 24, False, 'relu', 1),
              (5, 72, 40, True, 'relu', 2), (5, 120, 40, True, 'relu', 1), (5, 120, 40, True, 'relu', 1),
              (3, 240, 80, False, 'hswish', 2), (3, 200, 80, False, 'hswish', 1), (3, 184, 80, False, 'hswish', 1),
              (3, 184, 80, False, 'hswish', 1), (3, 480, 112, True, 'hswish', 1), (3, 672, 112, True, 'hswish', 1),
              (5, 672, 160, True, 'hswish', 2), (5, 960, 160, True, 'hswish', 1), (5, 960, 160, True, 'hswish', 1)]
MNV3_TAPS = (5, 11, 14)  # feature_maps [7, 13, 16] count blocks from 2


class MNV3Unit(nn.Module):
    def __init__(self, cin, mid, cout, k, s, se, act):
        super().__init__()
        a = nn.Hardswish if act == 'hswish' else nn.ReLU
        self.expand = nn.Sequential(nn.Conv2d(cin, mid, 1, bias=False), nn.BatchNorm2d(mid), a())
        self.dw = nn.Sequential(nn.Conv2d(mid, mid, k, s, (k - 1) // 2, groups=mid, bias=False), nn.BatchNorm2d(mid), a())
        self.se = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(mid, mid // 4, 1), nn.ReLU(),
                                nn.Conv2d(mid // 4, mid, 1), nn.Hardsigmoid()) if se else None
        self.linear = nn.Sequential(nn.Conv2d(mid, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.shortcut = s == 1 and cin == cout

    def forward(self, x):
        y = self.dw(self.expand(x))
        if self.se is not None:
            y = y * self.se(y)
        y = self.linear(y)
        return x + y if self.shortcut else y


class MobileNetV3Large(nn.Module):
    def __init__(self, scale):
        super().__init__()
        cin = make_divisible(16 * scale)
        self.conv1 = conv_bn(3, cin, 3, 2)
        blocks = []
        for k, exp, c, se, act, s in MNV3_LARGE:
            blocks.append(MNV3Unit(cin, make_divisible(scale * exp), make_divisible(scale * c), k, s, se, act))
            cin = make_divisible(scale * c)
        self.blocks = nn.ModuleList(blocks)
        self.out_channels = [make_divisible(scale * MNV3_LARGE[i][2]) for i in MNV3_TAPS]

    def forward(self, x):
        return features_at(self.conv1(x), self.blocks, MNV3_TAPS)


class TorchvisionMobileNetV3Large(nn.Module):
    """lcnb's MobileNetV3-Large: torchvision 0.14's (make_divisible(exp // 4) SE squeeze, no expand conv
    in the first bneck) up to its last bneck, read where PaddleDetection's feature_maps [7, 13, 16]
    read its own: features[6], [12], [15] (the 1x1 conv features[16] is not built)."""

    def __init__(self, width):
        super().__init__()
        from torchvision.models.mobilenetv3 import MobileNetV3, _mobilenet_v3_conf
        setting, last_channel = _mobilenet_v3_conf('mobilenet_v3_large', width_mult=width)
        self.features = MobileNetV3(setting, last_channel).features[:16]
        self.taps = (6, 12, 15)
        self.out_channels = [self.features[i].out_channels for i in self.taps]

    def forward(self, x):
        return features_at(x, self.features, self.taps)


class PicoDet(nn.Module):
    def __init__(self, backbone, num_classes=80):
        super().__init__()
        self.backbone = backbone
        self.neck_head = NeckHead(backbone.out_channels, num_classes)

    def forward(self, x):
        return self.neck_head(self.backbone(x))


def part_of(name):
    """backbone / neck / head of a module or parameter name of PicoDet or NeckHead."""
    name = f'.{name}'
    return 'backbone' if '.backbone.' in name else 'neck' if '.neck.' in name else 'head'


def count(model, inputs):
    def used(name):
        return 'unused_scale_regs' not in name

    outs, rows, parts = count_named_parts(model, inputs, part_of, counted=used)
    registered = sum(p.numel() for p in model.parameters())
    unused = sum(p.numel() for n, p in model.named_parameters() if not used(n))
    return {'params': registered - unused, 'registered': registered, 'madds': sum(r[2] for r in rows),
            'parts': parts, 'outputs': [list(o.shape) for o in outs]}, rows


BACKBONES = {
    'pplcnet_x0_5': lambda: LCNet(0.5), 'pplcnet_x1_0': lambda: LCNet(1.0), 'pplcnet_x1_5': lambda: LCNet(1.5),
    'mobilenet_v3_large_x0_35': lambda: MobileNetV3Large(0.35), 'mobilenet_v3_large_x0_75': lambda: MobileNetV3Large(0.75),
    'mobilenet_v3_large_x1_0': lambda: MobileNetV3Large(1.0),
    'torchvision_mobilenet_v3_large_x0_35': lambda: TorchvisionMobileNetV3Large(0.35),
    'torchvision_mobilenet_v3_large_x0_75': lambda: TorchvisionMobileNetV3Large(0.75),
    'torchvision_mobilenet_v3_large_x1_0': lambda: TorchvisionMobileNetV3Large(1.0),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--taps')
    ap.add_argument('--backbone', action='append', choices=list(BACKBONES))
    ap.add_argument('--resolution', type=int, default=416)
    ap.add_argument('--classes', type=int, default=80)
    ap.add_argument('--layers', action='store_true')
    args = ap.parse_args()
    r = args.resolution
    result = {}
    if args.taps:
        taps = [int(c) for c in args.taps.split(',')]
        feats = zero_features(taps, r)
        entry, rows = count(NeckHead(taps, args.classes), [feats])
        if args.layers:
            entry['layers'] = layer_entries(rows)
        result[f'picodet neck+head on taps {taps}'] = entry
    for name in args.backbone or ([] if args.taps else list(BACKBONES)):
        model = PicoDet(BACKBONES[name](), args.classes)
        image = torch.zeros(1, 3, r, r)
        entry, rows = count(model, [image])
        entry['taps'] = model.backbone.out_channels
        if args.layers:
            entry['layers'] = layer_entries(rows)
        result[f'picodet {name}'] = entry
    print(json.dumps(result, indent=1))


if __name__ == '__main__':
    main()

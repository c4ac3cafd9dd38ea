"""Counts params and MAdds of YOLOv8n / YOLOv8s (Ultralytics), whole and as neck + head on any taps.

Ultralytics is not installed, so the model is rebuilt here in PyTorch from the Ultralytics sources
(github.com/ultralytics/ultralytics: ultralytics/cfg/models/v8/yolov8.yaml as of commit
023641f5f0a4249fd5e6e069758c1d5ebe80ce4f, ultralytics/nn/modules/
conv.py `Conv`, block.py `Bottleneck`, `C2f`, `SPPF`, `DFL`, head.py `Detect` with legacy=True as
parse_model sets it for v8 models, and tasks.py `parse_model` scaling):
- scale n = (depth 0.33, width 0.25, max channels 1024), s = (0.33, 0.50, 1024);
  channels make_divisible(min(c, max) * width, 8), repeats max(round(n * depth), 1) when n > 1;
- Conv = Conv2d (no bias, "same" padding) -> BatchNorm2d -> SiLU;
- C2f(c1, c2, n, shortcut): cv1 1x1 to 2c (c = c2 / 2), split in halves, n Bottlenecks (3x3, 3x3,
  e = 1.0, residual when shortcut) each fed the previous one's output, concat of all (2 + n)c, cv2 1x1;
- SPPF(c1, c2, 5): cv1 1x1 to c1 / 2, three chained 5x5/1 max pools, concat, cv2 1x1;
- Detect(nc, ch): per level box branch Conv(x, c2, 3), Conv(c2, c2, 3), Conv2d(c2, 64, 1) and class
  branch Conv(x, c3, 3), Conv(c3, c3, 3), Conv2d(c3, nc, 1), c2 = max(16, ch[0] // 4, 64),
  c3 = max(ch[0], min(nc, 100)); DFL is a fixed Conv2d(16, 1, 1, bias=False) over the softmax of each
  box side's 16 bins (requires_grad False: Ultralytics counts its 16 weights in "parameters" but not
  in "gradients").

Ultralytics' own summary (yolov8.yaml comments): yolov8n 3,157,200 parameters, 3,157,184
gradients, 8.9 GFLOPs; yolov8s 11,166,560 / 11,166,544 / 28.8 GFLOPs (GFLOPs = 2 x MAdds at 640).

Usage: /usr/bin/python3 heads_yolov8.py                  whole models at 640, 80 classes
       /usr/bin/python3 heads_yolov8.py --taps 40,112,160 --size n [--resolution 640] [--classes 80]
           neck + head alone on stride-8/16/32 features of those channels
       --layers prints one row per conv (output shape, params, madds) in forward order.
params: every parameter (the DFL conv's 16 fixed weights included, as Ultralytics counts them);
MAdds: Cout*Hout*Wout*(Cin/groups)*kh*kw of every Conv2d (the DFL conv included), forward hooks (counting.py).
"""
import argparse
import json
import math

import torch
from torch import nn

from counting import count_named_parts, features_at, layer_entries, zero_features

SCALES = {'n': (0.33, 0.25, 1024), 's': (0.33, 0.50, 1024)}


def make_divisible(x, divisor=8):
    return math.ceil(x / divisor) * divisor


class Conv(nn.Module):
    def __init__(self, c1, c2, k=1, s=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(c2, eps=0.001, momentum=0.03)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c1, c2, shortcut):
        super().__init__()
        self.cv1 = Conv(c1, c2, 3)
        self.cv2 = Conv(c2, c2, 3)
        self.add = shortcut and c1 == c2

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C2f(nn.Module):
    def __init__(self, c1, c2, n=1, shortcut=False):
        super().__init__()
        self.c = int(c2 * 0.5)
        self.cv1 = Conv(c1, 2 * self.c, 1)
        self.cv2 = Conv((2 + n) * self.c, c2, 1)
        self.m = nn.ModuleList(Bottleneck(self.c, self.c, shortcut) for _ in range(n))

    def forward(self, x):
        y = list(self.cv1(x).chunk(2, 1))
        for m in self.m:
            y.append(m(y[-1]))
        return self.cv2(torch.cat(y, 1))


class SPPF(nn.Module):
    def __init__(self, c1, c2, k=5):
        super().__init__()
        c_ = c1 // 2
        self.cv1 = Conv(c1, c_, 1)
        self.cv2 = Conv(c_ * 4, c2, 1)
        self.m = nn.MaxPool2d(k, 1, k // 2)

    def forward(self, x):
        y = [self.cv1(x)]
        for _ in range(3):
            y.append(self.m(y[-1]))
        return self.cv2(torch.cat(y, 1))


class DFL(nn.Module):
    def __init__(self, c1=16):
        super().__init__()
        self.conv = nn.Conv2d(c1, 1, 1, bias=False).requires_grad_(False)
        self.conv.weight.data[:] = torch.arange(c1, dtype=torch.float).view(1, c1, 1, 1)
        self.c1 = c1

    def forward(self, x):
        b, _, a = x.shape
        return self.conv(x.view(b, 4, self.c1, a).transpose(2, 1).softmax(1)).view(b, 4, a)


class Detect(nn.Module):
    """v8 (legacy) Detect; the output is [N, 4 + nc, anchors]: DFL box distances (in grid units,
    before Ultralytics' anchor/stride decode, which has no multiply-adds) and sigmoid class scores."""

    def __init__(self, nc, ch, reg_max=16):
        super().__init__()
        self.nc, self.reg_max = nc, reg_max
        c2, c3 = max((16, ch[0] // 4, reg_max * 4)), max(ch[0], min(nc, 100))
        self.cv2 = nn.ModuleList(nn.Sequential(Conv(x, c2, 3), Conv(c2, c2, 3), nn.Conv2d(c2, 4 * reg_max, 1)) for x in ch)
        self.cv3 = nn.ModuleList(nn.Sequential(Conv(x, c3, 3), Conv(c3, c3, 3), nn.Conv2d(c3, nc, 1)) for x in ch)
        self.dfl = DFL(reg_max)

    def forward(self, xs):
        b = xs[0].shape[0]
        boxes = torch.cat([self.cv2[i](x).view(b, 4 * self.reg_max, -1) for i, x in enumerate(xs)], 2)
        scores = torch.cat([self.cv3[i](x).view(b, self.nc, -1) for i, x in enumerate(xs)], 2)
        return torch.cat([self.dfl(boxes), scores.sigmoid()], 1)


def scaled(size):
    depth, width, max_channels = SCALES[size]
    return (lambda c: make_divisible(min(c, max_channels) * width)), (lambda n: max(round(n * depth), 1) if n > 1 else n)


class Backbone(nn.Module):
    """yolov8.yaml `backbone:` layers 0-9; returns the P3 (layer 4), P4 (layer 6), P5 (layer 9) maps."""

    def __init__(self, size):
        super().__init__()
        ch, rep = scaled(size)
        self.layers = nn.ModuleList([
            Conv(3, ch(64), 3, 2),
            Conv(ch(64), ch(128), 3, 2),
            C2f(ch(128), ch(128), rep(3), True),
            Conv(ch(128), ch(256), 3, 2),
            C2f(ch(256), ch(256), rep(6), True),
            Conv(ch(256), ch(512), 3, 2),
            C2f(ch(512), ch(512), rep(6), True),
            Conv(ch(512), ch(1024), 3, 2),
            C2f(ch(1024), ch(1024), rep(3), True),
            SPPF(ch(1024), ch(1024), 5),
        ])
        self.out_channels = [ch(256), ch(512), ch(1024)]

    def forward(self, x):
        return features_at(x, self.layers, (4, 6, 9))


class NeckHead(nn.Module):
    """yolov8.yaml `head:` layers 10-22 on P3/P4/P5 maps of channels c3, c4, c5."""

    def __init__(self, size, taps, nc):
        super().__init__()
        ch, rep = scaled(size)
        c3, c4, c5 = taps
        self.up = nn.Upsample(scale_factor=2, mode='nearest')
        self.td4 = C2f(c5 + c4, ch(512), rep(3))            # 12
        self.td3 = C2f(ch(512) + c3, ch(256), rep(3))       # 15 (P3 out)
        self.down3 = Conv(ch(256), ch(256), 3, 2)           # 16
        self.bu4 = C2f(ch(256) + ch(512), ch(512), rep(3))  # 18 (P4 out)
        self.down4 = Conv(ch(512), ch(512), 3, 2)           # 19
        self.bu5 = C2f(ch(512) + c5, ch(1024), rep(3))      # 21 (P5 out)
        self.detect = Detect(nc, [ch(256), ch(512), ch(1024)])

    def forward(self, feats):
        p3, p4, p5 = feats
        t4 = self.td4(torch.cat([self.up(p5), p4], 1))
        o3 = self.td3(torch.cat([self.up(t4), p3], 1))
        o4 = self.bu4(torch.cat([self.down3(o3), t4], 1))
        o5 = self.bu5(torch.cat([self.down4(o4), p5], 1))
        return self.detect([o3, o4, o5])


class YOLOv8(nn.Module):
    def __init__(self, size, nc=80):
        super().__init__()
        self.backbone = Backbone(size)
        self.neck_head = NeckHead(size, self.backbone.out_channels, nc)

    def forward(self, x):
        return self.neck_head(self.backbone(x))


def part_of(name):
    """backbone / neck / head of a module or parameter name of YOLOv8 or NeckHead."""
    if name.startswith('backbone.'):
        return 'backbone'
    return 'head' if '.detect.' in f'.{name}' else 'neck'


def count(model, inputs):
    out, rows, parts = count_named_parts(model, inputs, part_of)
    params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return {'params': params, 'gradients': trainable, 'madds': sum(r[2] for r in rows), 'parts': parts,
            'output': list(out.shape)}, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--size', choices=list(SCALES), action='append')
    ap.add_argument('--taps')
    ap.add_argument('--resolution', type=int, default=640)
    ap.add_argument('--classes', type=int, default=80)
    ap.add_argument('--layers', action='store_true')
    args = ap.parse_args()
    r = args.resolution
    result = {}
    for size in args.size or list(SCALES):
        if args.taps:
            taps = [int(c) for c in args.taps.split(',')]
            model = NeckHead(size, taps, args.classes)
            feats = zero_features(taps, r)
            entry, rows = count(model, [feats])
            key = f'yolov8{size} neck+head on taps {taps}'
        else:
            model = YOLOv8(size, args.classes)
            entry, rows = count(model, [torch.zeros(1, 3, r, r)])
            key = f'yolov8{size}'
        if args.layers:
            entry['layers'] = layer_entries(rows)
        result[key] = entry
    print(json.dumps(result, indent=1))


if __name__ == '__main__':
    main()

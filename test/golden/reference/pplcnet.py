"""Counts params and MAdds of PP-LCNet (PaddleClas ppcls/arch/backbone/legendary_models/pp_lcnet.py).

PaddlePaddle is not needed: the network is rebuilt here in PyTorch from PaddleClas' NET_CONFIG
(Paddle's Conv2D/BatchNorm2D/Linear hold the same parameters as PyTorch's: conv weight
[out, in/groups, k, k], BN scale and shift, linear weight and bias). With --timm <checkout> it
also builds timm's independent port (timm/models/mobilenetv3.py `_gen_lcnet`, head_bias=False
because PaddleClas' last_conv has bias_attr=False) and checks that every count agrees.

Usage: /usr/bin/python3 pplcnet.py [--timm PYTORCH_IMAGE_MODELS] [--layers SCALE]
       [--se 12,13] [--k5 7,8,...] [--no-last-conv] [--act relu] [--scale S]
MAdds: every Conv2d Cout·Hout·Wout·(Cin/groups)·kh·kw plus in·out of every Linear, counted with
forward hooks on a 1×3×224×224 input in eval mode.
"""
import argparse
import sys

import torch
import torch.nn as nn

from counting import count, print_shapes

SCALES = [0.25, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5]
# The 13 depthwise-separable blocks as (stride, out channels at scale 1), in order;
# NET_CONFIG's kernel sizes (5×5 from block 7 on) and SE (blocks 12, 13) are the defaults below.
BLOCKS = [(1, 32), (2, 64), (1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (1, 256), (1, 256),
          (1, 256), (1, 256), (2, 512), (1, 512)]
DEFAULT_SE = [12, 13]
DEFAULT_K5 = [7, 8, 9, 10, 11, 12, 13]


def divisible(v, divisor=8):
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def act_layer(name):
    return nn.Hardswish() if name == 'hardswish' else nn.ReLU()


def conv_bn_act(cin, cout, k, s, groups, act):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, (k - 1) // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(cout), act_layer(act))


class SE(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.reduce = nn.Conv2d(c, c // 4, 1)
        self.expand = nn.Conv2d(c // 4, c, 1)

    def forward(self, x):
        s = x.mean((2, 3), keepdim=True)
        return x * nn.functional.hardsigmoid(self.expand(torch.relu(self.reduce(s))))


def lcnet(scale, se, k5, last_conv, act):
    layers = [conv_bn_act(3, divisible(16 * scale), 3, 2, 1, act)]
    cin = divisible(16 * scale)
    for i, (s, out) in enumerate(BLOCKS, start=1):
        k = 5 if i in k5 else 3
        layers.append(conv_bn_act(cin, cin, k, s, cin, act))
        if i in se:
            layers.append(SE(cin))
        cout = divisible(out * scale)
        layers.append(conv_bn_act(cin, cout, 1, 1, 1, act))
        cin = cout
    layers.append(nn.AdaptiveAvgPool2d(1))
    if last_conv:
        layers += [nn.Conv2d(cin, 1280, 1, bias=False), act_layer(act), nn.Dropout(0.2)]
        cin = 1280
    layers += [nn.Flatten(), nn.Linear(cin, 1000)]
    return nn.Sequential(*layers)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--timm')
    ap.add_argument('--layers', type=float)
    ap.add_argument('--scale', type=float)
    ap.add_argument('--se', default=','.join(map(str, DEFAULT_SE)))
    ap.add_argument('--k5', default=','.join(map(str, DEFAULT_K5)))
    ap.add_argument('--no-last-conv', action='store_true')
    ap.add_argument('--act', default='hardswish')
    args = ap.parse_args()
    se = [int(i) for i in args.se.split(',') if i]
    k5 = [int(i) for i in args.k5.split(',') if i]
    gen = None
    if args.timm:
        sys.path.insert(0, args.timm)
        from timm.models.mobilenetv3 import _gen_lcnet
        gen = _gen_lcnet
    scales = [args.layers] if args.layers else [args.scale] if args.scale else SCALES
    for scale in scales:
        params, madds, rows = count(lcnet(scale, se, k5, not args.no_last_conv, args.act))
        line = f'pplcnet_x{str(scale).replace(".", "_")} params {params} madds {madds}'
        if gen:
            tp, tm, trows = count(gen('lcnet', scale, head_bias=False))
            same = [r[:2] for r in rows] == [r[:2] for r in trows]
            line += f' | timm head_bias=False params {tp} madds {tm} layers {"equal" if same else "DIFFER"}'
        print(line)
        if args.layers:
            print_shapes(rows)


if __name__ == '__main__':
    main()

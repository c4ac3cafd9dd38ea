"""Counts params and MAdds of the official GhostNet (huawei-noah/Efficient-AI-Backbones,
ghostnet_pytorch/ghostnet.py), as lcnb counts them.

Usage: /usr/bin/python3 ghostnet.py PATH/TO/ghostnet.py [--width W] [--resolution R]
                                   [--ratio S] [--dw-kernel D] [--layers]

params: every trainable tensor (BN gamma/beta included, running statistics not).
MAdds: forward hooks on every Conv2d (Cout*Hout*Wout*(Cin/groups)*kh*kw) and Linear (in*out),
batch 1. --ratio and --dw-kernel change the Ghost module's defaults (the paper's s and d
ablation); --layers also prints (output shape, params) of every conv/linear in forward order.
"""
import argparse

from counting import load, print_json


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('reference')
    parser.add_argument('--width', type=float, default=None)
    parser.add_argument('--resolution', type=int, default=224)
    parser.add_argument('--ratio', type=int, default=2)
    parser.add_argument('--dw-kernel', type=int, default=3)
    parser.add_argument('--layers', action='store_true')
    args = parser.parse_args()

    ref = load(args.reference, 'ghostnet_reference')
    # GhostModule(inp, oup, kernel_size=1, ratio=2, dw_size=3, stride=1, relu=True)
    ref.GhostModule.__init__.__defaults__ = (1, args.ratio, args.dw_kernel, 1, True)
    widths = [args.width] if args.width else [0.5, 1.0, 1.3]
    print_json({f'ghostnet_x{str(w).replace(".", "_")}': lambda w=w: ref.ghostnet(width=w) for w in widths},
               args.resolution, args.layers)


if __name__ == '__main__':
    main()

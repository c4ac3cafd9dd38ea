"""Counts params and MAdds of the official GhostNetV2 (huawei-noah/Efficient-AI-Backbones,
ghostnetv2_pytorch/model/ghostnetv2_torch.py), as lcnb counts them.

Usage: /usr/bin/python3 ghostnet_v2.py PATH/TO/ghostnetv2_torch.py [--width W] [--resolution R]
                                      [--no-dfc] [--layers]

The reference imports timm only for its `register_model` decorator; timm is not needed to build
the network, so where timm is not installed a stand-in decorator that returns the function
unchanged is installed first.
params: every trainable tensor (BN gamma/beta included, running statistics not).
MAdds: forward hooks on every Conv2d (Cout*Hout*Wout*(Cin/groups)*kh*kw) and Linear (in*out),
batch 1. --no-dfc builds every Ghost module in 'original' mode (no DFC attention branch).
--layers also prints (output shape, params) of every conv/linear in forward order.
"""
import argparse

from counting import load, print_json, stub_timm


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('reference')
    parser.add_argument('--width', type=float, default=None)
    parser.add_argument('--resolution', type=int, default=224)
    parser.add_argument('--no-dfc', action='store_true')
    parser.add_argument('--layers', action='store_true')
    args = parser.parse_args()

    stub_timm()
    ref = load(args.reference, 'ghostnetv2_reference')
    if args.no_dfc:
        init = ref.GhostModuleV2.__init__

        def original_only(self, *a, mode=None, **k):
            init(self, *a, mode='original', **k)

        ref.GhostModuleV2.__init__ = original_only
    widths = [args.width] if args.width else [1.0, 1.3, 1.6]
    print_json({f'ghostnet_v2_x{str(w).replace(".", "_")}':
                lambda w=w: ref.ghostnetv2(num_classes=1000, width=w, dropout=0.2, args=None) for w in widths},
               args.resolution, args.layers)


if __name__ == '__main__':
    main()

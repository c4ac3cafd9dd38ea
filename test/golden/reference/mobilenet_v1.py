"""MobileNetV1 reference counts for test/golden/zoo/mobilenet_v1.json.

There is no MobileNetV1 in torchvision, so the network is built here from paper Table 1
(arXiv:1704.04861) with Keras Applications' width rounding int(filters * alpha) and its head
(global pool -> dropout -> 1x1 conv with bias == Linear). The 13th depthwise layer has stride 1,
as in Keras and every other implementation. Params are trainable tensors; MAdds are counted with
forward hooks: Cout*Hout*Wout*(Cin/groups)*kh*kw per Conv2d plus in*out per Linear.

Run with Debian's python3-torch: /usr/bin/python3 test/golden/reference/mobilenet_v1.py [--layers ID]
"""
import sys

import torch
from torch import nn

WIDTHS = {"x0_25": 0.25, "x0_5": 0.5, "x0_75": 0.75, "x1_0": 1.0}
# Table 1: (output channels, stride) of each depthwise-separable layer.
LAYERS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]


def conv_bn_relu(cin, cout, k, s, groups=1):
    return [nn.Conv2d(cin, cout, k, s, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]


def mobilenet_v1(alpha, num_classes=1000):
    c = int(32 * alpha)
    layers = conv_bn_relu(3, c, 3, 2)
    for out, s in LAYERS:
        out = int(out * alpha)
        layers += conv_bn_relu(c, c, 3, s, groups=c) + conv_bn_relu(c, out, 1, 1)
        c = out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(1e-3), nn.Linear(c, num_classes)]
    return nn.Sequential(*layers)


def count(model, resolution=224):
    rows = []

    def hook(m, _inp, out):
        w = m.weight
        if isinstance(m, nn.Conv2d):
            madds = out.shape[1] * out.shape[2] * out.shape[3] * w.shape[1] * w.shape[2] * w.shape[3]
        else:
            madds = w.shape[0] * w.shape[1]
        rows.append((tuple(out.shape), sum(p.numel() for p in m.parameters()), madds))

    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            m.register_forward_hook(hook)
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, resolution, resolution))
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return params, sum(r[2] for r in rows), rows


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--layers":
        _, _, rows = count(mobilenet_v1(WIDTHS[sys.argv[2].replace("mobilenet_v1_", "")]))
        for shape, params, madds in rows:
            print("x".join(map(str, shape)), params, madds)
    else:
        for suffix, alpha in WIDTHS.items():
            params, madds, _ = count(mobilenet_v1(alpha))
            print(f"mobilenet_v1_{suffix} {params} {madds}")

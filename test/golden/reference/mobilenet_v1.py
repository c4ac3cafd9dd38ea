"""MobileNetV1 reference counts for test/golden/zoo/mobilenet_v1.json.

There is no MobileNetV1 in torchvision, so the network is built here from paper Table 1
(arXiv:1704.04861) with Keras Applications' width rounding int(filters * alpha) and its head
(global pool -> dropout -> 1x1 conv with bias == Linear). The 13th depthwise layer has stride 1,
as in Keras and every other implementation. Params are trainable tensors; MAdds are counted with
forward hooks: Cout*Hout*Wout*(Cin/groups)*kh*kw per Conv2d plus in*out per Linear.

Run with Debian's python3-torch: /usr/bin/python3 test/golden/reference/mobilenet_v1.py [--layers ID]
"""
import sys

from torch import nn

from counting import totals_or_layers

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


def build(model_id):
    return mobilenet_v1(WIDTHS[model_id.replace("mobilenet_v1_", "")])


if __name__ == "__main__":
    totals_or_layers(sys.argv[1:], [f"mobilenet_v1_{suffix}" for suffix in WIDTHS], build)

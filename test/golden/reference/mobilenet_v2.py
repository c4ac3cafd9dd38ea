"""MobileNetV2 reference counts for test/golden/zoo/mobilenet_v2.json.

Builds torchvision.models.mobilenet_v2(width_mult=w) (torchvision 0.14, Debian python3-torchvision)
and counts trainable params and MAdds with forward hooks: Cout*Hout*Wout*(Cin/groups)*kh*kw per
Conv2d plus in*out per Linear, at 1x3x224x224.

Run: /usr/bin/python3 test/golden/reference/mobilenet_v2.py [--layers ID]
"""
import sys

import torch
import torchvision

from counting import totals_or_layers

WIDTHS = {"x0_35": 0.35, "x0_5": 0.5, "x0_75": 0.75, "x1_0": 1.0, "x1_4": 1.4}


def build(model_id):
    return torchvision.models.mobilenet_v2(width_mult=WIDTHS[model_id.replace("mobilenet_v2_", "")])


if __name__ == "__main__":
    totals_or_layers(sys.argv[1:], [f"mobilenet_v2_{suffix}" for suffix in WIDTHS], build,
                     header=f"torchvision {torchvision.__version__}, torch {torch.__version__}")

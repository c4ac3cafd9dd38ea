"""MobileNetV3 reference counts for test/golden/zoo/mobilenet_v3.json.

Builds torchvision's MobileNetV3 (torchvision 0.14, Debian python3-torchvision) from
_mobilenet_v3_conf(arch, width_mult=w) and counts trainable params and MAdds with forward hooks:
Cout*Hout*Wout*(Cin/groups)*kh*kw per Conv2d plus in*out per Linear, at 1x3x224x224.
--no-se clears use_se in every bneck config (lcnb's knob se=false).

Run: /usr/bin/python3 test/golden/reference/mobilenet_v3.py [--no-se] [--layers ID]
"""
import sys

import torch
import torchvision
from torchvision.models.mobilenetv3 import MobileNetV3, _mobilenet_v3_conf

from counting import totals_or_layers

IDS = {
    "mobilenet_v3_large_x0_75": ("mobilenet_v3_large", 0.75),
    "mobilenet_v3_large_x1_0": ("mobilenet_v3_large", 1.0),
    "mobilenet_v3_small_x0_75": ("mobilenet_v3_small", 0.75),
    "mobilenet_v3_small_x1_0": ("mobilenet_v3_small", 1.0),
}


def build(model_id, se=True):
    arch, width = IDS[model_id]
    setting, last_channel = _mobilenet_v3_conf(arch, width_mult=width)
    if not se:
        for cnf in setting:
            cnf.use_se = False
    return MobileNetV3(setting, last_channel)


if __name__ == "__main__":
    args = sys.argv[1:]
    se = "--no-se" not in args
    totals_or_layers([a for a in args if a != "--no-se"], IDS, lambda model_id: build(model_id, se),
                     header=f"torchvision {torchvision.__version__}, torch {torch.__version__}")

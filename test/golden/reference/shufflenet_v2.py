"""ShuffleNetV2 reference counts for test/golden/zoo/shufflenet_v2.json.

Builds torchvision's shufflenet_v2_x0_5 / x1_0 / x1_5 / x2_0 (no weights) and counts trainable
parameters and multiply-adds with forward hooks: Cout*Hout*Wout*(Cin/groups)*kh*kw per Conv2d plus in*out per Linear.

Run with Debian's python3-torch: /usr/bin/python3 test/golden/reference/shufflenet_v2.py [--layers ID]
"""
import sys

import torch
import torchvision

from counting import totals_or_layers

IDS = ["shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0"]


def build(model_id):
    return getattr(torchvision.models, model_id)(weights=None)


if __name__ == "__main__":
    print(f"# torch {torch.__version__}, torchvision {torchvision.__version__}")
    totals_or_layers(sys.argv[1:], IDS, build)

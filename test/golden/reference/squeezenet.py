"""SqueezeNet reference counts for test/golden/zoo/squeezenet.json.

Builds torchvision's squeezenet1_0 / squeezenet1_1 (no weights) and counts trainable parameters and
multiply-adds with forward hooks: Cout*Hout*Wout*(Cin/groups)*kh*kw per Conv2d plus in*out per Linear.

Run with Debian's python3-torch: /usr/bin/python3 test/golden/reference/squeezenet.py [--layers ID]
"""
import sys

import torch
import torchvision

from counting import totals_or_layers

IDS = ["squeezenet1_0", "squeezenet1_1"]


def build(model_id):
    return getattr(torchvision.models, model_id)(weights=None)


if __name__ == "__main__":
    print(f"# torch {torch.__version__}, torchvision {torchvision.__version__}")
    totals_or_layers(sys.argv[1:], IDS, build)

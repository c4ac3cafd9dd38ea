"""MobileNetV2 reference counts for test/golden/zoo/mobilenet_v2.json.

Builds torchvision.models.mobilenet_v2(width_mult=w) (torchvision 0.14, Debian python3-torchvision)
and counts trainable params and MAdds with forward hooks: Cout*Hout*Wout*(Cin/groups)*kh*kw per
Conv2d plus in*out per Linear, at 1x3x224x224.

Run: /usr/bin/python3 test/golden/reference/mobilenet_v2.py [--layers ID]
"""
import sys

import torch
import torchvision
from torch import nn

WIDTHS = {"x0_35": 0.35, "x0_5": 0.5, "x0_75": 0.75, "x1_0": 1.0, "x1_4": 1.4}


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


def build(model_id):
    return torchvision.models.mobilenet_v2(width_mult=WIDTHS[model_id.replace("mobilenet_v2_", "")])


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--layers":
        for shape, params, madds in count(build(sys.argv[2]))[2]:
            print("x".join(map(str, shape)), params, madds)
    else:
        print(f"torchvision {torchvision.__version__}, torch {torch.__version__}")
        for suffix in WIDTHS:
            params, madds, _ = count(build(f"mobilenet_v2_{suffix}"))
            print(f"mobilenet_v2_{suffix} {params} {madds}")

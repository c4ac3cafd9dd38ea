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
from torch import nn
from torchvision.models.mobilenetv3 import MobileNetV3, _mobilenet_v3_conf

IDS = {
    "mobilenet_v3_large_x0_75": ("mobilenet_v3_large", 0.75),
    "mobilenet_v3_large_x1_0": ("mobilenet_v3_large", 1.0),
    "mobilenet_v3_small_x0_75": ("mobilenet_v3_small", 0.75),
    "mobilenet_v3_small_x1_0": ("mobilenet_v3_small", 1.0),
}


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
    args = [a for a in args if a != "--no-se"]
    if len(args) == 2 and args[0] == "--layers":
        for shape, params, madds in count(build(args[1], se))[2]:
            print("x".join(map(str, shape)), params, madds)
    else:
        print(f"torchvision {torchvision.__version__}, torch {torch.__version__}")
        for model_id in IDS:
            params, madds, _ = count(build(model_id, se))
            print(f"{model_id} {params} {madds}")

"""ShuffleNetV2 reference counts for test/golden/zoo/shufflenet_v2.json.

Builds torchvision's shufflenet_v2_x0_5 / x1_0 / x1_5 / x2_0 (no weights) and counts trainable
parameters and multiply-adds with forward hooks: Cout*Hout*Wout*(Cin/groups)*kh*kw per Conv2d plus in*out per Linear.

Run with Debian's python3-torch: /usr/bin/python3 test/golden/reference/shufflenet_v2.py [--layers ID]
"""
import sys

import torch
import torchvision
from torch import nn

IDS = ["shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0"]


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
    return getattr(torchvision.models, model_id)(weights=None)


if __name__ == "__main__":
    print(f"# torch {torch.__version__}, torchvision {torchvision.__version__}")
    if len(sys.argv) == 3 and sys.argv[1] == "--layers":
        for shape, params, madds in count(build(sys.argv[2]))[2]:
            print("x".join(map(str, shape)), params, madds)
    else:
        for model_id in IDS:
            params, madds, _ = count(build(model_id))
            print(f"{model_id} {params} {madds}")

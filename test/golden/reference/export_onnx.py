"""Exports the torchvision reference models to ONNX under the zoo ids, for `npm run bench`.

The bench profiles each file beside lcnb's own export of the same id, in the same run, to check
that lcnb's generated graph is no slower than the reference implementation's own export.
torch.onnx.export (opset 17, eval mode) folds BatchNorm into the convs, like lcnb's inference form.

Run: /usr/bin/python3 test/golden/reference/export_onnx.py OUT_DIR
"""
import os
import sys

import torch

import mobilenet_v2
import mobilenet_v3
import shufflenet_v2
import squeezenet

BUILDERS = {}
for module, ids in [
    (squeezenet, squeezenet.IDS),
    (shufflenet_v2, shufflenet_v2.IDS),
    (mobilenet_v2, [f"mobilenet_v2_{s}" for s in mobilenet_v2.WIDTHS]),
    (mobilenet_v3, list(mobilenet_v3.IDS)),
]:
    for model_id in ids:
        BUILDERS[model_id] = module.build


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for model_id, build in BUILDERS.items():
        model = build(model_id).eval()
        path = os.path.join(out_dir, f"{model_id}.onnx")
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=17, input_names=["input"], output_names=["logits"])
        print(path)


if __name__ == "__main__":
    main(sys.argv[1])

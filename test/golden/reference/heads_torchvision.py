"""Reference counts for test/golden/heads/{ssdlite,lraspp,deeplabv3}.json: torchvision's own models.

Builds, with torchvision 0.14 (Debian python3-torchvision) and no weights (weights=None,
weights_backbone=None, so nothing is downloaded):
- ssdlite320_mobilenet_v3_large(): MobileNetV3-Large with reduced_tail=True (torchvision's choice
  without a pretrained backbone, also the architecture of its COCO checkpoint), 91 classes, 320x320;
- lraspp_mobilenet_v3_large(): dilated MobileNetV3-Large (output stride 16), 21 classes;
- deeplabv3_mobilenet_v3_large(aux_loss=None): the same backbone, ASPP head, no auxiliary head
  (torchvision adds one only with pretrained weights), 21 classes; and with aux_loss=True;
and, as cross-checks of the same heads on other torchvision backbones, through the builders those
functions call (torchvision's own code, nothing rewritten): SSDLite via _mobilenet_extractor +
SSDLiteHead + SSD on mobilenet_v3_large without the reduced tail and on
mobilenet_v3_small(reduced_tail=True) (torchvision's extractor cannot take its MobileNetV2: no .block); LR-ASPP and DeepLabV3 via _lraspp_mobilenetv3 and
_deeplabv3_mobilenetv3 on mobilenet_v3_small(dilated=True);
and counts them with counting.py's conventions (trainable params; MAdds of every Conv2d/Linear by
forward hooks on a 1x3xRxR input of zeros, eval mode), split into parts by module:
backbone = the MobileNetV3 features the model runs (SSDLite: backbone.features, LR-ASPP/DeepLabV3:
backbone), neck = SSDLite's backbone.extra and DeepLabV3's ASPP (classifier[0]), head = the rest.

Run: /usr/bin/python3 test/golden/reference/heads_torchvision.py [RESOLUTION_OVERRIDE]
Prints JSON {case: {resolution, classes, params, madds, parts: {part: {params, madds}}}}.
"""
import json
import sys

import torch
import torchvision
from torch import nn
from functools import partial

from torchvision.models import detection, mobilenet_v3_large, mobilenet_v3_small, segmentation
from torchvision.models.detection import _utils as det_utils
from torchvision.models.detection.anchor_utils import DefaultBoxGenerator
from torchvision.models.detection.ssd import SSD
from torchvision.models.detection.ssdlite import SSDLiteHead, _mobilenet_extractor
from torchvision.models.segmentation.deeplabv3 import _deeplabv3_mobilenetv3
from torchvision.models.segmentation.lraspp import _lraspp_mobilenetv3

from counting import trace


def count_parts(model, resolution, parts):
    """Total trainable params and conv/linear MAdds of model, and the same per part; parts maps a
    part name to its modules. Every counted parameter and MAdd must fall in exactly one part."""
    owner = {}
    for name, modules in parts.items():
        for module in modules:
            for m in module.modules():
                owner[m] = name
    result = {name: {'params': 0, 'madds': 0} for name in parts}
    for name, modules in parts.items():
        seen = set()
        for module in modules:
            for p in module.parameters():
                if p.requires_grad and id(p) not in seen:
                    seen.add(id(p))
                    result[name]['params'] += p.numel()

    for _, m, _, _, madds in trace(model, [torch.zeros(1, 3, resolution, resolution)])[1]:
        result[owner[m]]['madds'] += madds
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert params == sum(r['params'] for r in result.values()), 'parts do not cover the parameters'
    return {'params': params, 'madds': sum(r['madds'] for r in result.values()), 'parts': result}


def ssdlite():
    model = detection.ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None)
    return model, 320, 91, {'backbone': [model.backbone.features], 'neck': [model.backbone.extra], 'head': [model.head]}


def lraspp():
    model = segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None)
    return model, 520, 21, {'backbone': [model.backbone], 'head': [model.classifier]}


def deeplabv3(aux):
    model = segmentation.deeplabv3_mobilenet_v3_large(weights=None, weights_backbone=None, aux_loss=aux)
    head = [model.classifier[i] for i in range(1, len(model.classifier))] + ([model.aux_classifier] if aux else [])
    return model, 520, 21, {'backbone': [model.backbone], 'neck': [model.classifier[0]], 'head': head}


def ssdlite_on(make_backbone):
    """ssdlite320_mobilenet_v3_large's construction (torchvision 0.14 ssdlite.py) on another backbone."""
    norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.03)
    backbone = _mobilenet_extractor(make_backbone(norm_layer), 6, norm_layer)
    size = (320, 320)
    anchors = DefaultBoxGenerator([[2, 3] for _ in range(6)], min_ratio=0.2, max_ratio=0.95)
    out_channels = det_utils.retrieve_out_channels(backbone, size)
    head = SSDLiteHead(out_channels, anchors.num_anchors_per_location(), 91, norm_layer)
    model = SSD(backbone, anchors, size, 91, head=head, image_mean=[0.5] * 3, image_std=[0.5] * 3)
    return model, 320, 91, {'backbone': [model.backbone.features], 'neck': [model.backbone.extra], 'head': [model.head]}


def lraspp_small():
    model = _lraspp_mobilenetv3(mobilenet_v3_small(dilated=True), 21)
    return model, 520, 21, {'backbone': [model.backbone], 'head': [model.classifier]}


def deeplabv3_small():
    model = _deeplabv3_mobilenetv3(mobilenet_v3_small(dilated=True), 21, False)
    head = [model.classifier[i] for i in range(1, len(model.classifier))]
    return model, 520, 21, {'backbone': [model.backbone], 'neck': [model.classifier[0]], 'head': head}


CASES = {
    'ssdlite320_mobilenet_v3_large': ssdlite,
    'lraspp_mobilenet_v3_large': lraspp,
    'deeplabv3_mobilenet_v3_large': lambda: deeplabv3(None),
    'deeplabv3_mobilenet_v3_large_aux': lambda: deeplabv3(True),
    'ssdlite_mobilenet_v3_large_full_tail': lambda: ssdlite_on(lambda norm: mobilenet_v3_large(norm_layer=norm)),
    'ssdlite_mobilenet_v3_small_reduced_tail': lambda: ssdlite_on(lambda norm: mobilenet_v3_small(norm_layer=norm, reduced_tail=True)),
    'lraspp_mobilenet_v3_small': lraspp_small,
    'deeplabv3_mobilenet_v3_small': deeplabv3_small,
}

if __name__ == '__main__':
    torch.manual_seed(0)
    out = {'torchvision': torchvision.__version__, 'torch': torch.__version__}
    for case, build in CASES.items():
        model, resolution, classes, parts = build()
        if len(sys.argv) > 1:
            resolution = int(sys.argv[1])
        out[case] = {'resolution': resolution, 'classes': classes, **count_parts(model, resolution, parts)}
    print(json.dumps(out, indent=1))

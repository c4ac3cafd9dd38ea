"""Reference counts for test/golden/heads/deeplabv3plus.json: PaddleSeg's DeepLabV3+ head in PyTorch.

PaddlePaddle is not installed, so PaddleSeg's DeepLabV3PHead is rebuilt here layer for layer from
its sources (github.com/PaddlePaddle/PaddleSeg, paddleseg/models/deeplab.py: DeepLabV3P,
DeepLabV3PHead, Decoder; paddleseg/models/layers/pyramid_pool.py: ASPPModule;
paddleseg/models/layers/layer_libs.py: ConvBNReLU, ConvBN, SeparableConvBNReLU). Paddle's Conv2D
has a bias unless bias_attr=False, and its BatchNorm holds a trainable scale and shift per channel,
as PyTorch's; so:
- ASPPModule(aspp_ratios (1, 6, 12, 18), out 256, use_sep_conv=True, image_pooling=True): rate 1 is
  ConvBNReLU 1x1 (conv with bias); other rates SeparableConvBNReLU (3x3 depthwise with bias, dilation
  = padding = rate, BN; 1x1 with bias, BN, ReLU); image pooling = AdaptiveAvgPool(1) + ConvBNReLU 1x1
  with bias_attr=False, upsampled bilinearly; concat; ConvBNReLU 1x1 (bias); Dropout(0.1);
- Decoder: ConvBNReLU 1x1 low-level -> 48 (bias); ASPP output upsampled to the low-level size and
  concatenated before it; SeparableConvBNReLU 304 -> 256 and 256 -> 256 (3x3, padding 1); Conv2D 1x1
  -> num_classes (bias); DeepLabV3P upsamples the logits to the input.
The backbone is torchvision 0.14's mobilenet_v3_large(dilated=True).features (output stride 16) up
to its last bneck, as PaddleSeg's MobileNetV3 ends (paddleseg/models/backbones/mobilenetv3.py,
OUT_INDEX large [2, 5, 11, 14]: no 1x1 conv after the blocks; DeepLabV3P backbone_indices [0, 3]):
the decoder's low-level map is features[3] (the last stride-4 block, 24 channels) and the ASPP's
input features[15] (the last bneck, 160 channels, dilated); features[16], torchvision's 960-channel
1x1 conv, is left out. lcnb: mobilenet_v3_large_x1_0's stride-4 tap and its 'last_block' with
outputStride 16. 19 classes (Cityscapes), 512x512.
The PP-LCNet paper's pairs are counted too: the same on MobileNetV3-Large at width 0.75 and 0.5
(torchvision's width_mult), and the same head on PP-LCNet x0.5 and x1.0 as
test/golden/reference/pplcnet.py rebuilds it from PaddleClas (classifier dropped), dilated as
torchvision's dilated=True does (the stride-2 depthwise conv past stride 16 at stride 1 and every
later k>1 conv at dilation 2, padding kept "same"); low-level map = the last one at stride 4.

Run: /usr/bin/python3 test/golden/reference/heads_deeplabv3plus.py [RESOLUTION]
Prints JSON {case: {resolution, classes, params, madds, parts}} (counting as heads_torchvision.py).
"""
import json
import sys

import torch
import torch.nn.functional as F
import torchvision
from torch import nn
from torchvision.models import mobilenet_v3_large

from heads_torchvision import count_parts


class ConvBNReLU(nn.Sequential):
    def __init__(self, cin, cout, k, padding=0, bias=True):
        super().__init__(nn.Conv2d(cin, cout, k, padding=padding, bias=bias), nn.BatchNorm2d(cout), nn.ReLU())


class SeparableConvBNReLU(nn.Sequential):
    def __init__(self, cin, cout, k, padding, dilation=1):
        super().__init__(
            nn.Conv2d(cin, cin, k, padding=padding, dilation=dilation, groups=cin, bias=True),
            nn.BatchNorm2d(cin),
            ConvBNReLU(cin, cout, 1),
        )


class ASPPModule(nn.Module):
    def __init__(self, ratios, cin, cout):
        super().__init__()
        self.aspp_blocks = nn.ModuleList(
            ConvBNReLU(cin, cout, 1) if r == 1 else SeparableConvBNReLU(cin, cout, 3, padding=r, dilation=r) for r in ratios
        )
        self.global_avg_pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), ConvBNReLU(cin, cout, 1, bias=False))
        self.conv_bn_relu = ConvBNReLU(cout * (len(ratios) + 1), cout, 1)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x):
        outputs = [block(x) for block in self.aspp_blocks]
        pooled = self.global_avg_pool(x)
        outputs.append(F.interpolate(pooled, x.shape[2:], mode='bilinear', align_corners=False))
        return self.dropout(self.conv_bn_relu(torch.cat(outputs, dim=1)))


class Decoder(nn.Module):
    def __init__(self, num_classes, cin):
        super().__init__()
        self.conv_bn_relu1 = ConvBNReLU(cin, 48, 1)
        self.conv_bn_relu2 = SeparableConvBNReLU(304, 256, 3, padding=1)
        self.conv_bn_relu3 = SeparableConvBNReLU(256, 256, 3, padding=1)
        self.conv = nn.Conv2d(256, num_classes, 1)

    def forward(self, x, low):
        low = self.conv_bn_relu1(low)
        x = F.interpolate(x, low.shape[2:], mode='bilinear', align_corners=False)
        x = torch.cat([x, low], dim=1)
        return self.conv(self.conv_bn_relu3(self.conv_bn_relu2(x)))


class DeepLabV3P(nn.Module):
    def __init__(self, num_classes, low_index=3, width=1.0):
        super().__init__()
        self.backbone = mobilenet_v3_large(width_mult=width, dilated=True).features[:-1]  # up to the last bneck
        self.low_index = low_index
        low_channels = self.backbone[low_index].out_channels
        self.aspp = ASPPModule((1, 6, 12, 18), self.backbone[-1].out_channels, 256)
        self.decoder = Decoder(num_classes, low_channels)

    def forward(self, x):
        size = x.shape[2:]
        low = None
        for i, layer in enumerate(self.backbone):
            x = layer(x)
            if i == self.low_index:
                low = x
        logit = self.decoder(self.aspp(x), low)
        return F.interpolate(logit, size, mode='bilinear', align_corners=False)


class DeepLabV3POnLayers(nn.Module):
    """The head on a plain sequence of backbone layers, dilated past stride 16."""

    def __init__(self, num_classes, layers, resolution):
        super().__init__()
        self.backbone = nn.Sequential(*layers)
        stride, dilating = 1, False
        for m in self.backbone.modules():
            if isinstance(m, nn.Conv2d):
                if m.stride[0] == 2:
                    if stride * 2 > 16:
                        m.stride, dilating = (1, 1), True
                    else:
                        stride *= 2
                if dilating and m.kernel_size[0] > 1:
                    m.dilation = (2, 2)
                    m.padding = (m.kernel_size[0] - 1, m.kernel_size[1] - 1)
        with torch.no_grad():
            x = torch.zeros(1, 3, resolution, resolution)
            self.low_index = None
            for i, layer in enumerate(self.backbone):
                x = layer(x)
                if x.shape[2] == resolution // 4:
                    self.low_index, low_channels = i, x.shape[1]
            assert x.shape[2] == resolution // 16, x.shape
        self.aspp = ASPPModule((1, 6, 12, 18), x.shape[1], 256)
        self.decoder = Decoder(num_classes, low_channels)

    forward = DeepLabV3P.forward


def pplcnet_layers(scale):
    from pplcnet import DEFAULT_K5, DEFAULT_SE, lcnet
    layers = list(lcnet(scale, DEFAULT_SE, DEFAULT_K5, True, 'hardswish'))
    return layers[:[isinstance(m, nn.AdaptiveAvgPool2d) for m in layers].index(True)]


if __name__ == '__main__':
    resolution = int(sys.argv[1]) if len(sys.argv) > 1 else 512
    model = DeepLabV3P(19)
    counts = count_parts(model, resolution, {'backbone': [model.backbone], 'neck': [model.aspp], 'head': [model.decoder]})
    out = {'torchvision': torchvision.__version__, 'torch': torch.__version__,
           'deeplabv3plus_mobilenet_v3_large': {'resolution': resolution, 'classes': 19, **counts}}
    for width in (0.75, 0.5):  # the PP-LCNet paper's MobileNetV3-Large pairs
        model = DeepLabV3P(19, width=width)
        counts = count_parts(model, resolution, {'backbone': [model.backbone], 'neck': [model.aspp], 'head': [model.decoder]})
        out[f'deeplabv3plus_mobilenet_v3_large_x{width}'] = {'resolution': resolution, 'classes': 19, **counts}
    for scale in (0.5, 1.0):
        model = DeepLabV3POnLayers(19, pplcnet_layers(scale), resolution)
        counts = count_parts(model, resolution, {'backbone': [model.backbone], 'neck': [model.aspp], 'head': [model.decoder]})
        out[f'deeplabv3plus_pplcnet_x{scale}'] = {'resolution': resolution, 'classes': 19, **counts}
    print(json.dumps(out, indent=1))

"""ShuffleNet v1 reference counts for test/golden/zoo/shufflenet_v1.json.

Needs Megvii's official code: a checkout of megvii-model/ShuffleNet-Series (commit aa91feb7,
2020-08-27); pass its ShuffleNetV1 folder (the one holding network.py and blocks.py):

  /usr/bin/python3 test/golden/reference/shufflenet_v1.py PATH/ShuffleNetV1 [--layers ID]

- Groups 3 and 8 at 0.5x, 1.0x, 1.5x, 2.0x: Megvii's network.ShuffleNetV1(group=g, model_size=...)
  as published, with its own channel tables.
- Every other id: Megvii has no channel table for it, so the network is assembled here the way
  network.py assembles it (3x3/2 conv + BN + ReLU stem, 3x3/2 max pool, 4/8/4 units of Megvii's
  blocks.ShuffleV1Block with mid_channels = out // 4 and an ungrouped first 1x1 in the first unit,
  global pool, Linear without bias), with channels from lcnb's rule (`channels` below). For the
  eight published ids the script asserts that this assembly gives the same rows as network.py.

Params are trainable tensors; MAdds are counted with forward hooks: Cout*Hout*Wout*(Cin/groups)*kh*kw
per Conv2d plus in*out per Linear.
"""
import contextlib
import io
import math
import re
import sys

import torch
from torch import nn

from counting import count, print_rows

GROUPS = [1, 2, 3, 4, 8]
WIDTHS = {"x0_25": 0.25, "x0_5": 0.5, "x1_0": 1.0, "x1_5": 1.5, "x2_0": 2.0}
STAGE2_1X = {1: 144, 2: 200, 3: 240, 4: 272, 8: 384}  # paper Table 1
MEGVII_SIZES = {0.5: "0.5x", 1.0: "1.0x", 1.5: "1.5x", 2.0: "2.0x"}


def make_divisible(value, divisor):
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def channels(group, width):
    """lcnb's rule: stage-2 output = Table 1 x width rounded to a multiple of 4g (doubling per stage);
    stem = 24 x width below 1x, 24 x floor(width) from 1x, rounded up to a multiple of g."""
    stage2 = make_divisible(STAGE2_1X[group] * width, 4 * group)
    stem_raw = 24 * width if width < 1 else 24 * math.floor(width)
    stem = max(group, math.ceil(stem_raw / group - 1e-9) * group)
    return stem, [stage2, 2 * stage2, 4 * stage2]


def assemble(blocks, group, width, num_classes=1000):
    stem, stages = channels(group, width)
    layers = [nn.Conv2d(3, stem, 3, 2, 1, bias=False), nn.BatchNorm2d(stem), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = stem
    for idx, (repeats, out) in enumerate(zip([4, 8, 4], stages)):
        for i in range(repeats):
            layers.append(blocks.ShuffleV1Block(cin, out, group=group, first_group=idx == 0 and i == 0,
                                                mid_channels=out // 4, ksize=3, stride=2 if i == 0 else 1))
            cin = out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, num_classes, bias=False)]
    return nn.Sequential(*layers)


def megvii(network, group, width):
    with contextlib.redirect_stdout(io.StringIO()):  # network.py prints the model size
        return network.ShuffleNetV1(model_size=MEGVII_SIZES[width], group=group)


def reference(network, blocks, group, width):
    """(params, madds, rows, how) for one id."""
    assembled = count(assemble(blocks, group, width))
    if group in (3, 8) and width in MEGVII_SIZES:
        official = count(megvii(network, group, width))
        assert official == assembled, f"g{group} {width}: assembly differs from network.py"
        return official + ("megvii network.py",)
    return assembled + ("megvii blocks.py, lcnb channel rule",)


if __name__ == "__main__":
    sys.path.insert(0, sys.argv[1])
    import blocks
    import network

    print(f"# torch {torch.__version__}")
    if len(sys.argv) == 4 and sys.argv[2] == "--layers":
        group, suffix = re.fullmatch(r"shufflenet_v1_g(\d)_(x\d_\d+)", sys.argv[3]).groups()
        print_rows(reference(network, blocks, int(group), WIDTHS[suffix])[2])
    else:
        for group in GROUPS:
            for suffix, width in WIDTHS.items():
                params, madds, _, how = reference(network, blocks, group, width)
                stem, stages = channels(group, width)
                print(f"shufflenet_v1_g{group}_{suffix} {params} {madds} stem={stem} stages={stages} ({how})")

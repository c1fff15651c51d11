"""The v9 upscaler: 32x32 model pixels to 128x128 (x4), as kernels' PixelUpscaler runs it.

conv3x3 3->w, SiLU, conv3x3 w->w, SiLU, conv3x3 w->w, SiLU, conv3x3 w->3*16, pixel shuffle x4, plus the input
repeated 4x4 (nearest): the net learns only the edges the nearest-neighbour enlargement gets wrong.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

SCALE = 4


class Upscaler(nn.Module):
    def __init__(self, width=32):
        super().__init__()
        self.conv_in = nn.Conv2d(3, width, 3, padding=1)
        self.conv_1 = nn.Conv2d(width, width, 3, padding=1)
        self.conv_2 = nn.Conv2d(width, width, 3, padding=1)
        self.conv_out = nn.Conv2d(width, 3 * SCALE * SCALE, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def forward(self, x):
        h = F.silu(self.conv_in(x))
        h = F.silu(self.conv_1(h))
        h = F.silu(self.conv_2(h))
        return F.pixel_shuffle(self.conv_out(h), SCALE) + x.repeat_interleave(SCALE, 2).repeat_interleave(SCALE, 3)


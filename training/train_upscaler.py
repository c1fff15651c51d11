#!/usr/bin/python3
"""Trains the v9 upscaler on procedural pairs: a scene rendered at 32x32 (lightly noised, as the model's own
pixels are not exact) and the same scene rendered at 128x128. Exports upscaler.safetensors next to the model.

  training/train_upscaler.py [--minutes 8] [--seed 2]
"""
import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from imagine_train import export, procedural as P  # noqa: E402
from imagine_train.upscaler import SCALE, Upscaler  # noqa: E402

ROOT = Path(__file__).resolve().parent
DEFAULT_EXPORT = ROOT.parent / "kernels/src/main/resources/dev/imagine/kernels/models/v9"


def pairs(seed, step, n, noise):
    rng = np.random.default_rng([seed, step])
    scenes = [P.random_scene(rng) for _ in range(n)]
    lo = np.stack([P.render(s, 32) for s in scenes]).astype(np.float32) / 127.5 - 1
    hi = np.stack([P.render(s, 32 * SCALE) for s in scenes]).astype(np.float32) / 127.5 - 1
    lo = lo + rng.normal(0, noise, lo.shape).astype(np.float32)
    return torch.from_numpy(lo).permute(0, 3, 1, 2), torch.from_numpy(hi).permute(0, 3, 1, 2)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=8)
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--noise", type=float, default=0.03)
    ap.add_argument("--export", default=str(DEFAULT_EXPORT))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    net = Upscaler()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    lo_t, hi_t = pairs(999, 0, 64, args.noise)
    with torch.no_grad():
        base = (lo_t.repeat_interleave(SCALE, 2).repeat_interleave(SCALE, 3) - hi_t).abs().mean().item()
        bilinear = (torch.nn.functional.interpolate(lo_t, scale_factor=SCALE, mode="bilinear", align_corners=False)
                    - hi_t).abs().mean().item()
    start, step = time.time(), 0
    while time.time() - start < args.minutes * 60:
        lo, hi = pairs(args.seed, step, args.batch, args.noise)
        loss = (net(lo) - hi).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 100 == 0:
            with torch.no_grad():
                held = (net(lo_t) - hi_t).abs().mean().item()
            print(f"step {step} {(time.time() - start) / 60:.1f} min  train L1 {loss.item():.4f}  held-out L1 {held:.4f}"
                  f" (nearest {base:.4f})", flush=True)
    with torch.no_grad():
        held = (net(lo_t) - hi_t).abs().mean().item()
    out = Path(args.export)
    out.mkdir(parents=True, exist_ok=True)
    export.write_safetensors(out / "upscaler.safetensors", net.state_dict(), "F16",
                             {"model": "v9-upscaler", "scale": SCALE, "steps": step, "heldOutL1": round(held, 4),
                              "nearestL1": round(base, 4), "bilinearL1": round(bilinear, 4)})
    print(f"exported {out / 'upscaler.safetensors'}: held-out L1 {held:.4f} vs nearest {base:.4f}, bilinear "
          f"{bilinear:.4f} ({step} steps)")


if __name__ == "__main__":
    main()

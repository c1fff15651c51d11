#!/usr/bin/python3
"""PyTorch CPU timing of one DiT step (a batch-8 CFG forward) on the same weights as the Java engine.

usage: dit_bench.py <model-dir> <latent-h> <latent-w> <text-tokens> <iterations> <threads>
prints: torch_dit_step_ms=<median ms>  torch_threads=<n>  torch_version=<v>
"""
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from dit_reference import Dit, read_safetensors  # noqa: E402


def main(model_dir, lh, lw, text_tokens, iterations, threads):
    torch.set_num_threads(threads)
    model_dir = Path(model_dir)
    config = json.loads((model_dir / "model.json").read_text())
    weights, _ = read_safetensors(model_dir / "transformer.safetensors", np.float32)
    generator = torch.Generator().manual_seed(1)
    text = torch.randn(8, text_tokens, config["textHidden"], generator=generator)
    dit = Dit(weights, config["depth"], config["heads"], text, [text_tokens] * 8)
    latents = torch.randn(8, 4, lh, lw, generator=generator)
    for _ in range(3):
        dit.forward(latents, 500.0)
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        dit.forward(latents, 500.0)
        times.append((time.perf_counter() - start) * 1000)
    print(f"torch_dit_step_ms={statistics.median(times):.3f}")
    print(f"torch_threads={torch.get_num_threads()}")
    print(f"torch_version={torch.__version__}")


if __name__ == "__main__":
    a = sys.argv
    main(a[1], int(a[2]), int(a[3]), int(a[4]), int(a[5]), int(a[6]))

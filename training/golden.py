#!/usr/bin/python3
"""Golden outputs of the shipped v9 weights from the training framework, for kernels' TrainedGoldenTest.

Loads the exported model (the f16 safetensors the Java engine ships) into the torch module in float64, and
writes inputs (token ids of a prompt and of the empty negative prompt, initial noise of four images) and
expected outputs (text states, one CFG forward at t = 1000, the final pixels after the default 20 Euler steps
with guidance) next to the other goldens. Rerun after every export: training/golden.py
"""
import hashlib
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from imagine_train import export, procedural as P  # noqa: E402
from imagine_train.model import Model  # noqa: E402
from imagine_train.upscaler import Upscaler  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "kernels/src/main/resources/dev/imagine/kernels/models/v9"
GOLDEN = ROOT / "kernels/src/test/resources/golden"
PROMPT = "a red circle in the top left on a blue background"


def main():
    torch.set_grad_enabled(False)
    cfg = json.loads((MODEL / "model.json").read_text())
    model = Model(cfg)
    export.load_into(model, MODEL)
    model = model.double()
    ids = [P.encode(PROMPT)[0], P.encode("")[0]]
    n = max(len(i) for i in ids)
    tok = torch.zeros(2, n, dtype=torch.long)
    for r, seq in enumerate(ids):
        tok[r, :len(seq)] = torch.tensor(seq)
    lengths = torch.tensor([len(i) for i in ids])
    states, pad = model.text_encoder(tok, lengths)
    y, pooled, pad = model.encode(tok, lengths)
    side = cfg["imageSize"]
    noise = torch.randn(4, 3, side, side, generator=torch.Generator().manual_seed(7), dtype=torch.float64)
    pick = torch.tensor([0] * 4 + [1] * 4)
    yb, pb, padb = y[pick], pooled[pick], pad[pick]
    first = model.transformer(torch.cat([noise, noise]), torch.full((8,), 1000.0, dtype=torch.float64), yb, pb, padb)
    x = noise.clone()
    steps, g = cfg["steps"], cfg["guidance"]
    for s in range(steps):
        t = 1.0 - s / steps
        out = model.transformer(torch.cat([x, x]), torch.full((8,), t * 1000.0, dtype=torch.float64), yb, pb, padb)
        v = out[4:] + g * (out[:4] - out[4:])
        x = x - v / steps
    expected = {"text_states": states, "first_forward": first, "final_pixels": x}
    if (MODEL / "upscaler.safetensors").exists():
        up = Upscaler()
        up.load_state_dict(export.read_safetensors(MODEL / "upscaler.safetensors"))
        expected["upscaled_pixels"] = up.double()(x)
    digest = hashlib.sha256((MODEL / "model.json").read_bytes()).hexdigest()
    meta = {"prompt": PROMPT, "steps": steps, "guidance": g, "modelJsonSha256": digest}
    export.write_safetensors(GOLDEN / "v9-inputs.safetensors", {
        "prompt_ids": torch.tensor(ids[0], dtype=torch.float32), "negative_ids": torch.tensor(ids[1], dtype=torch.float32),
        "noise": noise}, "F32", meta)
    export.write_safetensors(GOLDEN / "v9-expected.safetensors", expected, "F32", meta)
    print(f"wrote {GOLDEN}/v9-*.safetensors (torch {torch.__version__}, float64; model.json {digest[:12]})")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Independent PyTorch reference of imagine's DiT pipeline, for golden outputs.

Reads the model's safetensors files and the golden inputs (token ids, initial noise, sampling
parameters) written by the Java GoldenCase, runs the text encoder, one DiT forward, a full
rectified-flow sampling run with classifier-free guidance and the decoder with torch ops
(F.conv2d, F.interpolate, F.layer_norm, ...), and writes the expected outputs next to the inputs.

usage: dit_reference.py <model-dir> <golden-dir>
"""
import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

torch.set_grad_enabled(False)
DTYPES = {"F32": np.float32, "I32": np.int32, "F16": np.float16}


def read_safetensors(path, float_type=np.float64):
    data = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        array = np.frombuffer(body[begin:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.astype(float_type) if info["dtype"] != "I32" else array.astype(np.int64))
    return tensors, meta


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        array = tensors[name].detach().to(torch.float32).contiguous().numpy()
        blob = array.tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def linear(w, prefix, x):
    return x @ w[prefix + ".weight"].T + w[prefix + ".bias"]


def attention(q, k, v, heads, key_lengths):
    """q [B, Tq, D], k/v [B, Tk, D]; keys at or beyond key_lengths[b] are masked."""
    b, tq, d = q.shape
    tk = k.shape[1]
    hd = d // heads
    q = q.view(b, tq, heads, hd).transpose(1, 2)
    k = k.view(b, tk, heads, hd).transpose(1, 2)
    v = v.view(b, tk, heads, hd).transpose(1, 2)
    scores = q @ k.transpose(-1, -2) / math.sqrt(hd)
    mask = torch.arange(tk)[None, :] >= torch.tensor(key_lengths)[:, None]
    scores = scores.masked_fill(mask[:, None, None, :], float("-inf"))
    return (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, tq, d)


def gelu(x):
    return F.gelu(x, approximate="tanh")


def text_encoder(w, prompts_ids, layers, heads):
    lengths = [len(ids) for ids in prompts_ids]
    longest = max(lengths)
    ids = torch.zeros(len(prompts_ids), longest, dtype=torch.long)
    for i, seq in enumerate(prompts_ids):
        ids[i, :len(seq)] = torch.tensor(seq)
    x = w["text_model.embeddings.token_embedding.weight"][ids] + w["text_model.embeddings.position_embedding.weight"][:longest]
    for i in range(layers):
        p = f"text_model.encoder.layers.{i}."
        h = F.layer_norm(x, (x.shape[-1],), w[p + "layer_norm1.weight"], w[p + "layer_norm1.bias"], 1e-5)
        a = attention(linear(w, p + "self_attn.q_proj", h), linear(w, p + "self_attn.k_proj", h),
                      linear(w, p + "self_attn.v_proj", h), heads, lengths)
        x = x + linear(w, p + "self_attn.out_proj", a)
        h = F.layer_norm(x, (x.shape[-1],), w[p + "layer_norm2.weight"], w[p + "layer_norm2.bias"], 1e-5)
        x = x + linear(w, p + "mlp.fc2", gelu(linear(w, p + "mlp.fc1", h)))
    f = "text_model.final_layer_norm"
    return F.layer_norm(x, (x.shape[-1],), w[f + ".weight"], w[f + ".bias"], 1e-5), lengths


def timestep_features(t, dim=256, dtype=torch.float64):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=dtype) / half)
    args = t * freqs
    return torch.cat([torch.cos(args), torch.sin(args)])


def position_2d(grid_h, grid_w, dim, dtype=torch.float64):
    quarter = dim // 4
    omega = 1.0 / 10000.0 ** (torch.arange(quarter, dtype=dtype) / quarter)
    ys, xs = torch.meshgrid(torch.arange(grid_h, dtype=dtype), torch.arange(grid_w, dtype=dtype), indexing="ij")
    xs, ys = xs.reshape(-1, 1) * omega, ys.reshape(-1, 1) * omega
    return torch.cat([torch.sin(xs), torch.cos(xs), torch.sin(ys), torch.cos(ys)], dim=1)


class Dit:
    def __init__(self, w, depth, heads, text_states, text_lengths):
        self.w, self.depth, self.heads = w, depth, heads
        self.lengths = text_lengths
        y = linear(w, "y_embedder.y_proj.fc2", gelu(linear(w, "y_embedder.y_proj.fc1", text_states)))
        self.kv = [linear(w, f"blocks.{i}.cross_attn.kv_linear", y) for i in range(depth)]

    def forward(self, latents, t):
        w = self.w
        b, c, h, wd = latents.shape
        x = F.conv2d(latents, w["x_embedder.proj.weight"], w["x_embedder.proj.bias"], stride=2)  # [B, D, h/2, w/2]
        d = x.shape[1]
        x = x.flatten(2).transpose(1, 2) + position_2d(h // 2, wd // 2, d, latents.dtype)
        temb = linear(w, "t_embedder.mlp.2", F.silu(linear(w, "t_embedder.mlp.0", timestep_features(t, dtype=latents.dtype))))
        c_act = F.silu(temb)
        for i in range(self.depth):
            p = f"blocks.{i}."
            mod = linear(w, p + "adaLN_modulation.1", c_act)
            shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = mod.chunk(6)
            norm = F.layer_norm(x, (d,), eps=1e-6) * (1 + scale_msa) + shift_msa
            q, k, v = linear(w, p + "attn.qkv", norm).chunk(3, dim=-1)
            x = x + gate_msa * linear(w, p + "attn.proj", attention(q, k, v, self.heads, [x.shape[1]] * b))
            ck, cv = self.kv[i].chunk(2, dim=-1)
            cross = attention(linear(w, p + "cross_attn.q_linear", x), ck, cv, self.heads, self.lengths)
            x = x + linear(w, p + "cross_attn.proj", cross)
            norm = F.layer_norm(x, (d,), eps=1e-6) * (1 + scale_mlp) + shift_mlp
            x = x + gate_mlp * linear(w, p + "mlp.fc2", gelu(linear(w, p + "mlp.fc1", norm)))
        shift, scale = linear(w, "final_layer.adaLN_modulation.1", c_act).chunk(2)
        out = linear(w, "final_layer.linear", F.layer_norm(x, (d,), eps=1e-6) * (1 + scale) + shift)  # [B, T, p*p*C]
        out = out.view(b, h // 2, wd // 2, 2, 2, c)
        return torch.einsum("nhwpqc->nchpwq", out).reshape(b, c, h, wd)


def decode(w, latent, stages=3):
    x = F.conv2d(latent[None], w["decoder.conv_in.weight"], w["decoder.conv_in.bias"], padding=1)
    mean = x.mean(dim=(2, 3), keepdim=True)
    var = ((x - mean) ** 2).mean(dim=(2, 3), keepdim=True)
    x = F.silu((x - mean) / torch.sqrt(var + 1e-5))
    for s in range(stages):
        x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        p = f"decoder.up_blocks.{s}.conv"
        x = F.silu(F.conv2d(x, w[p + ".weight"], w[p + ".bias"], padding=1))
    x = F.conv2d(x, w["decoder.conv_out.weight"], w["decoder.conv_out.bias"], padding=1)
    return torch.sigmoid(x)[0] * 255.0


def main(model_dir, golden_dir):
    model_dir, golden_dir = Path(model_dir), Path(golden_dir)
    config = json.loads((model_dir / "model.json").read_text())
    transformer, _ = read_safetensors(model_dir / "transformer.safetensors")
    text_weights, _ = read_safetensors(model_dir / "text_encoder.safetensors")
    vae, _ = read_safetensors(model_dir / "vae.safetensors")
    inputs, meta = read_safetensors(golden_dir / "tiny-v8-inputs.safetensors")
    heads = config["heads"]
    text_heads = heads  # TINY: the text encoder has as many heads as the DiT

    states, lengths = text_encoder(text_weights, [inputs["prompt_ids"].tolist(), inputs["negative_ids"].tolist()],
                                   config["textLayers"], text_heads)
    batch_states = torch.cat([states[0:1].expand(4, -1, -1), states[1:2].expand(4, -1, -1)])
    dit = Dit(transformer, config["depth"], heads, batch_states, [lengths[0]] * 4 + [lengths[1]] * 4)

    noise = inputs["noise"]
    steps, guidance = int(meta["steps"]), float(meta["guidance"])
    first_forward = dit.forward(torch.cat([noise, noise]), 1000.0)
    x = noise.clone()
    for s in range(steps):
        t = 1.0 - s / steps
        out = dit.forward(torch.cat([x, x]), t * 1000.0)
        v = out[4:] + guidance * (out[:4] - out[4:])
        x = x - (1.0 / steps) * v
    image0 = decode(vae, x[0])
    write_safetensors(golden_dir / "tiny-v8-expected.safetensors", {
        "text_states": states, "first_forward": first_forward, "final_latents": x, "image0_rgb": image0})
    print(f"wrote {golden_dir / 'tiny-v8-expected.safetensors'} (torch {torch.__version__}, float64)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

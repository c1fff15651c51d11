"""The DiT that imagine's Java engine runs (kernels/DitNetwork.java), as a trainable torch module.

Parameter names are the engine's tensor names: the state dicts of `TextEncoder` and `Dit` are written as
text_encoder.safetensors and transformer.safetensors as they are. Pixel space: 3 image channels, patch p.
Differences from DiT-XL/2 are configuration (model.json), plus pooled text added to the timestep conditioning.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def gelu(x):
    return F.gelu(x, approximate="tanh")


def attention(q, k, v, heads, key_mask=None):
    """q [B, Tq, D], k/v [B, Tk, D]; key_mask [B, Tk] True where a key is padding."""
    b, tq, d = q.shape
    tk = k.shape[1]
    hd = d // heads
    q = q.view(b, tq, heads, hd).transpose(1, 2)
    k = k.view(b, tk, heads, hd).transpose(1, 2)
    v = v.view(b, tk, heads, hd).transpose(1, 2)
    scores = q @ k.transpose(-1, -2) / math.sqrt(hd)
    if key_mask is not None:
        scores = scores.masked_fill(key_mask[:, None, None, :], float("-inf"))
    return (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, tq, d)


class Mlp(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        return self.fc2(gelu(self.fc1(x)))


class TextLayer(nn.Module):
    def __init__(self, w, heads):
        super().__init__()
        self.heads = heads
        self.layer_norm1 = nn.LayerNorm(w, eps=1e-5)
        self.self_attn = nn.Module()
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            setattr(self.self_attn, n, nn.Linear(w, w))
        self.layer_norm2 = nn.LayerNorm(w, eps=1e-5)
        self.mlp = Mlp(w, 4 * w)

    def forward(self, x, pad):
        a = self.self_attn
        h = self.layer_norm1(x)
        x = x + a.out_proj(attention(a.q_proj(h), a.k_proj(h), a.v_proj(h), self.heads, pad))
        return x + self.mlp(self.layer_norm2(x))


class TextEncoder(nn.Module):
    """CLIP's names, bidirectional with padding masked (kernels/TextEncoder.java)."""

    def __init__(self, vocab, width, heads, layers, max_tokens):
        super().__init__()
        self.text_model = nn.Module()
        tm = self.text_model
        tm.embeddings = nn.Module()
        tm.embeddings.token_embedding = nn.Embedding(vocab, width)
        tm.embeddings.position_embedding = nn.Embedding(max_tokens, width)
        tm.encoder = nn.Module()
        tm.encoder.layers = nn.ModuleList([TextLayer(width, heads) for _ in range(layers)])
        tm.final_layer_norm = nn.LayerNorm(width, eps=1e-5)
        nn.init.normal_(tm.embeddings.token_embedding.weight, std=0.02)
        nn.init.normal_(tm.embeddings.position_embedding.weight, std=0.01)

    def forward(self, ids, lengths):
        """ids [B, L] (padded with 0), lengths [B] to states [B, L, W] and the padding mask [B, L]."""
        tm = self.text_model
        pad = torch.arange(ids.shape[1])[None, :] >= lengths[:, None]
        x = tm.embeddings.token_embedding(ids) + tm.embeddings.position_embedding.weight[: ids.shape[1]]
        for layer in tm.encoder.layers:
            x = layer(x, pad)
        return tm.final_layer_norm(x), pad


def timestep_features(t, dim=256):
    """t [B] on the 0..1000 scale: [cos(t f_i), sin(t f_i)], f_i = 10000^(-i/half) (Embeddings.timestep)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float64) / half)
    args = t.double()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1).to(t.dtype)


def position_2d(grid_h, grid_w, dim, dtype=torch.float32):
    quarter = dim // 4
    omega = 1.0 / 10000.0 ** (torch.arange(quarter, dtype=torch.float64) / quarter)
    ys, xs = torch.meshgrid(torch.arange(grid_h, dtype=torch.float64), torch.arange(grid_w, dtype=torch.float64),
                            indexing="ij")
    xs, ys = xs.reshape(-1, 1) * omega, ys.reshape(-1, 1) * omega
    return torch.cat([torch.sin(xs), torch.cos(xs), torch.sin(ys), torch.cos(ys)], dim=1).to(dtype)


def modulate(x, shift, scale):
    return F.layer_norm(x, (x.shape[-1],), eps=1e-6) * (1 + scale[:, None, :]) + shift[:, None, :]


class Block(nn.Module):
    def __init__(self, d, heads, mlp_ratio):
        super().__init__()
        self.heads = heads
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(d, 6 * d))
        self.attn = nn.Module()
        self.attn.qkv = nn.Linear(d, 3 * d)
        self.attn.proj = nn.Linear(d, d)
        self.cross_attn = nn.Module()
        self.cross_attn.q_linear = nn.Linear(d, d)
        self.cross_attn.kv_linear = nn.Linear(d, 2 * d)
        self.cross_attn.proj = nn.Linear(d, d)
        self.mlp = Mlp(d, d * mlp_ratio)
        nn.init.zeros_(self.adaLN_modulation[1].weight)
        nn.init.zeros_(self.adaLN_modulation[1].bias)

    def forward(self, x, c, y, pad):
        shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = self.adaLN_modulation(c).chunk(6, dim=1)
        q, k, v = self.attn.qkv(modulate(x, shift_msa, scale_msa)).chunk(3, dim=-1)
        x = x + gate_msa[:, None, :] * self.attn.proj(attention(q, k, v, self.heads))
        ck, cv = self.cross_attn.kv_linear(y).chunk(2, dim=-1)
        x = x + self.cross_attn.proj(attention(self.cross_attn.q_linear(x), ck, cv, self.heads, pad))
        return x + gate_mlp[:, None, :] * self.mlp(modulate(x, shift_mlp, scale_mlp))


class Dit(nn.Module):
    """DiT blocks with PixArt cross-attention; pooled text (y_embedder.pooled_proj) joins the timestep."""

    def __init__(self, cfg):
        super().__init__()
        d, p, ch = cfg["hidden"], cfg["patch"], cfg["imageChannels"]
        self.cfg = cfg
        self.x_embedder = nn.Module()
        self.x_embedder.proj = nn.Conv2d(ch, d, p, stride=p)
        self.t_embedder = nn.Module()
        self.t_embedder.mlp = nn.Sequential(nn.Linear(256, d), nn.SiLU(), nn.Linear(d, d))
        self.y_embedder = nn.Module()
        self.y_embedder.y_proj = nn.Module()
        self.y_embedder.y_proj.fc1 = nn.Linear(cfg["textHidden"], d)
        self.y_embedder.y_proj.fc2 = nn.Linear(d, d)
        self.y_embedder.pooled_proj = nn.Linear(cfg["textHidden"], d)
        self.blocks = nn.ModuleList([Block(d, cfg["heads"], cfg["mlpRatio"]) for _ in range(cfg["depth"])])
        self.final_layer = nn.Module()
        self.final_layer.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(d, 2 * d))
        self.final_layer.linear = nn.Linear(d, p * p * ch)
        for m in (self.final_layer.adaLN_modulation[1], self.final_layer.linear):
            nn.init.zeros_(m.weight)
            nn.init.zeros_(m.bias)
        nn.init.normal_(self.t_embedder.mlp[0].weight, std=0.02)
        nn.init.normal_(self.t_embedder.mlp[2].weight, std=0.02)

    def condition(self, text, pad):
        """Per-prompt work done once per sampling run: y for cross-attention and the pooled text."""
        proj = self.y_embedder.y_proj
        y = proj.fc2(gelu(proj.fc1(text)))
        valid = (~pad).float()[..., None]
        pooled = (text * valid).sum(1) / valid.sum(1).clamp(min=1)
        return y, self.y_embedder.pooled_proj(pooled)

    def forward(self, x, t, y, pooled, pad):
        """x [B, C, H, W], t [B] (0..1000) to the velocity [B, C, H, W]."""
        b, ch, h, w = x.shape
        p = self.cfg["patch"]
        tok = self.x_embedder.proj(x)
        d = tok.shape[1]
        tok = tok.flatten(2).transpose(1, 2) + position_2d(h // p, w // p, d, tok.dtype)
        c = self.t_embedder.mlp(timestep_features(t)) + pooled
        for block in self.blocks:
            tok = block(tok, c, y, pad)
        shift, scale = self.final_layer.adaLN_modulation(c).chunk(2, dim=1)
        out = self.final_layer.linear(modulate(tok, shift, scale))
        out = out.view(b, h // p, w // p, p, p, ch)
        return torch.einsum("nhwpqc->nchpwq", out).reshape(b, ch, h, w)


class Model(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.text_encoder = TextEncoder(cfg["vocabSize"], cfg["textHidden"], cfg["textHeads"], cfg["textLayers"],
                                        cfg["maxTokens"])
        self.transformer = Dit(cfg)

    def encode(self, ids, lengths):
        text, pad = self.text_encoder(ids, lengths)
        y, pooled = self.transformer.condition(text, pad)
        return y, pooled, pad

    def forward(self, x, t, ids, lengths):
        y, pooled, pad = self.encode(ids, lengths)
        return self.transformer(x, t, y, pooled, pad)


@torch.no_grad()
def sample(model, ids, lengths, noise, steps, guidance):
    """Rectified-flow Euler from t = 1 (noise) to 0 with classifier-free guidance (as DitDiffusionModel)."""
    b = noise.shape[0]
    uncond = torch.zeros_like(ids)
    uncond[:, 0], uncond[:, 1] = 1, 2
    all_ids = torch.cat([ids, uncond])
    all_len = torch.cat([lengths, torch.full_like(lengths, 2)])
    y, pooled, pad = model.encode(all_ids, all_len)
    x = noise.clone()
    for s in range(steps):
        t = 1.0 - s / steps
        out = model.transformer(torch.cat([x, x]), torch.full((2 * b,), t * 1000.0), y, pooled, pad)
        v = out[b:] + guidance * (out[:b] - out[b:])
        x = x - v / steps
    return x

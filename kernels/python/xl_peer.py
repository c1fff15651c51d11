#!/usr/bin/env python3
"""The peers `imagine bench kernels` measures the Java engine against, run in rounds interleaved with its own.

A long-lived process: it builds its inputs once, prints `ready`, then answers one command per line on stdin with
one `key=value` line, so the Java side can alternate its timings with ours on a shared, noisy machine and take a
ratio per round.

usage: xl_peer.py <threads> <numpy|torch>          (threads: set before NumPy loads its BLAS)
commands:
  matmul N            N products [512 x 1152] . [1152 x 1152], float32      -> gflops=<rate over the N>
  block SIDE N        one DiT-XL/2 block, batch 8 (CFG), SIDE*SIDE image tokens, median of N    -> ms=<median>
  forward SIDE        one whole forward: patch embedding, timestep and caption MLPs, 28 blocks with their own
                      weights, final layer, unpatchify                                           -> ms=<once>
  version                                                                                        -> version=<v>

The maths is the engine's: adaLN-Zero modulation, self-attention (16 heads of 72), PixArt-style cross-attention
over 16 text tokens (their keys and values projected once per request, as the engine does), the tanh-GELU MLP,
written as a user of each library would: NumPy with one GEMM per linear and batched matmuls for attention;
PyTorch with F.linear (addmm, weights as transposed views, no copy), F.layer_norm, torch.softmax, no mask where
none is needed. Weights are random; only shapes and operations matter for time.
"""
import os
import statistics
import sys
import time

threads = sys.argv[1] if len(sys.argv) > 1 else "2"
lib = sys.argv[2] if len(sys.argv) > 2 else "numpy"
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = threads

import numpy as np  # noqa: E402

B, L, D, H, DEPTH, CH, PATCH, TEXT = 8, 16, 1152, 16, 28, 4, 2, 768
HD = D // H
F = np.float32
rng = np.random.default_rng(1)


def w(i, o):
    return (rng.standard_normal((i, o), dtype=F) * F(1 / np.sqrt(i))).astype(F, copy=False)


def block_weights():
    return dict(ada=w(D, 6 * D), qkv=w(D, 3 * D), proj=w(D, D), cq=w(D, D), ckv=w(D, 2 * D), cproj=w(D, D),
                fc1=w(D, 4 * D), fc2=w(4 * D, D))


def zeros_like_bias(ws):
    return {k: np.zeros(v.shape[1], F) for k, v in ws.items()}


c_in = rng.standard_normal((B, D), dtype=F)
text_in = rng.standard_normal((B, L, D), dtype=F)
a_mm = rng.standard_normal((512, 1152), dtype=F)
b_mm = rng.standard_normal((1152, 1152), dtype=F)
_one_block = None
_network = None


def one_block():
    global _one_block
    if _one_block is None:
        ws = block_weights()
        _one_block = (ws, zeros_like_bias(ws))
    return _one_block


def network():
    """28 blocks with their own weights plus the embedders and final layer (3.3 GB of float32)."""
    global _network
    if _network is None:
        blocks = []
        for _ in range(DEPTH):
            ws = block_weights()
            blocks.append((ws, zeros_like_bias(ws)))
        extra = dict(patch=w(CH * PATCH * PATCH, D), t1=w(256, D), t2=w(D, D), y1=w(TEXT, D), y2=w(D, D),
                     fada=w(D, 2 * D), final=w(D, CH * PATCH * PATCH))
        _network = (blocks, extra, zeros_like_bias(extra))
    return _network


# ---------------------------------------------------------------- NumPy
def np_layer_norm(x):
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + F(1e-6))


def np_attention(q, k, v):
    s = (q @ k.transpose(0, 1, 3, 2)) * F(1.0 / np.sqrt(HD))
    s -= s.max(-1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(-1, keepdims=True)
    return s @ v


def np_heads(t, n):
    return t.reshape(B, n, H, HD).transpose(0, 2, 1, 3)


def np_gelu(x):
    return F(0.5) * x * (F(1) + np.tanh(F(0.7978845608) * (x + F(0.044715) * x * x * x)))


def np_silu(x):
    return x / (F(1) + np.exp(-x))


def np_block(x, ws, bs, silu_c, ck, cv):
    t = x.shape[1]
    mod = silu_c @ ws["ada"] + bs["ada"]
    sh1, sc1, g1, sh2, sc2, g2 = (mod[:, None, i * D:(i + 1) * D] for i in range(6))
    n = np_layer_norm(x) * (F(1) + sc1) + sh1
    qkv = n.reshape(B * t, D) @ ws["qkv"] + bs["qkv"]
    q, k, v = (np_heads(qkv[:, i * D:(i + 1) * D], t) for i in range(3))
    a = np_attention(q, k, v).transpose(0, 2, 1, 3).reshape(B * t, D)
    x = x + g1 * (a @ ws["proj"] + bs["proj"]).reshape(B, t, D)
    cq = np_heads(x.reshape(B * t, D) @ ws["cq"] + bs["cq"], t)
    a = np_attention(cq, ck, cv).transpose(0, 2, 1, 3).reshape(B * t, D)
    x = x + (a @ ws["cproj"] + bs["cproj"]).reshape(B, t, D)
    n = np_layer_norm(x) * (F(1) + sc2) + sh2
    h = np_gelu(n.reshape(B * t, D) @ ws["fc1"] + bs["fc1"])
    return x + g2 * (h @ ws["fc2"] + bs["fc2"]).reshape(B, t, D)


def np_cross_kv(ws, bs, text):
    kv = text.reshape(B * L, D) @ ws["ckv"] + bs["ckv"]
    return np_heads(kv[:, :D], L), np_heads(kv[:, D:], L)


def np_block_once(side):
    ws, bs = one_block()
    x = rng.standard_normal((B, side * side, D), dtype=F)
    ck, cv = np_cross_kv(ws, bs, text_in)
    silu_c = np_silu(c_in)
    return lambda: np_block(x, ws, bs, silu_c, ck, cv)


def np_forward_once(side):
    blocks, ex, eb = network()
    latent = rng.standard_normal((B, CH, 2 * side, 2 * side), dtype=F)
    text = rng.standard_normal((B, L, TEXT), dtype=F)
    freq = rng.standard_normal((1, 256), dtype=F)
    # per request, as the engine: caption MLP and each block's text keys/values
    y = np_silu(text.reshape(B * L, TEXT) @ ex["y1"] + eb["y1"]) @ ex["y2"] + eb["y2"]
    y = y.reshape(B, L, D)
    kvs = [np_cross_kv(ws, bs, y) for ws, bs in blocks]

    def run():
        p = latent.reshape(B, CH, side, PATCH, side, PATCH).transpose(0, 2, 4, 1, 3, 5).reshape(B * side * side, -1)
        x = (p @ ex["patch"] + eb["patch"]).reshape(B, side * side, D)
        temb = np_silu(freq @ ex["t1"] + eb["t1"]) @ ex["t2"] + eb["t2"]
        silu_c = np_silu(np.repeat(temb, B, axis=0))
        for (ws, bs), (ck, cv) in zip(blocks, kvs):
            x = np_block(x, ws, bs, silu_c, ck, cv)
        mod = silu_c @ ex["fada"] + eb["fada"]
        n = np_layer_norm(x) * (F(1) + mod[:, None, D:]) + mod[:, None, :D]
        out = n.reshape(B * side * side, D) @ ex["final"] + eb["final"]
        return out.reshape(B, side, side, CH, PATCH, PATCH).transpose(0, 3, 1, 4, 2, 5).reshape(B, CH, 2 * side, 2 * side)
    return run


# ---------------------------------------------------------------- PyTorch
torch = None
if lib == "torch":
    import torch
    import torch.nn.functional as TF
    torch.set_num_threads(int(threads))
    torch.set_grad_enabled(False)

    def tt(a):
        return torch.from_numpy(a)

    def t_weights(ws, bs):
        # nn.Linear keeps [out][in]; a transposed view of our [in][out] is that layout with no copy
        return {k: tt(v).t() for k, v in ws.items()}, {k: tt(v) for k, v in bs.items()}

    def t_heads(t, n):
        return t.view(B, n, H, HD).transpose(1, 2)

    def t_attention(q, k, v):
        return torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * (1.0 / np.sqrt(HD)), dim=-1) @ v

    def t_block(x, tw, tb, silu_c, ck, cv):
        t = x.shape[1]
        mod = TF.linear(silu_c, tw["ada"], tb["ada"])
        sh1, sc1, g1, sh2, sc2, g2 = (m.unsqueeze(1) for m in mod.chunk(6, dim=1))
        n = TF.layer_norm(x, (D,), eps=1e-6) * (1 + sc1) + sh1
        q, k, v = TF.linear(n, tw["qkv"], tb["qkv"]).chunk(3, dim=-1)
        a = t_attention(t_heads(q, t), t_heads(k, t), t_heads(v, t)).transpose(1, 2).reshape(B, t, D)
        x = x + g1 * TF.linear(a, tw["proj"], tb["proj"])
        cq = t_heads(TF.linear(x, tw["cq"], tb["cq"]), t)
        a = t_attention(cq, ck, cv).transpose(1, 2).reshape(B, t, D)
        x = x + TF.linear(a, tw["cproj"], tb["cproj"])
        n = TF.layer_norm(x, (D,), eps=1e-6) * (1 + sc2) + sh2
        h = TF.gelu(TF.linear(n, tw["fc1"], tb["fc1"]), approximate="tanh")
        return x + g2 * TF.linear(h, tw["fc2"], tb["fc2"])

    def t_cross_kv(tw, tb, text):
        ck, cv = TF.linear(text, tw["ckv"], tb["ckv"]).chunk(2, dim=-1)
        return t_heads(ck, L), t_heads(cv, L)

    def t_block_once(side):
        tw, tb = t_weights(*one_block())
        x = tt(rng.standard_normal((B, side * side, D), dtype=F))
        ck, cv = t_cross_kv(tw, tb, tt(text_in))
        silu_c = TF.silu(tt(c_in))
        # the same maths as the NumPy block, to float32 rounding
        ws, bs = one_block()
        nck, ncv = np_cross_kv(ws, bs, text_in)
        assert np.allclose(t_block(x, tw, tb, silu_c, ck, cv).numpy(),
                           np_block(x.numpy(), ws, bs, np_silu(c_in), nck, ncv), rtol=1e-3, atol=1e-3)
        return lambda: t_block(x, tw, tb, silu_c, ck, cv)

    def t_forward_once(side):
        blocks, ex, eb = network()
        tblocks = [t_weights(ws, bs) for ws, bs in blocks]
        tex, teb = t_weights(ex, eb)
        latent = tt(rng.standard_normal((B, CH, 2 * side, 2 * side), dtype=F))
        text = tt(rng.standard_normal((B, L, TEXT), dtype=F))
        freq = tt(rng.standard_normal((1, 256), dtype=F))
        y = TF.linear(TF.silu(TF.linear(text, tex["y1"], teb["y1"])), tex["y2"], teb["y2"])
        kvs = [t_cross_kv(tw, tb, y) for tw, tb in tblocks]

        def run():
            p = latent.view(B, CH, side, PATCH, side, PATCH).permute(0, 2, 4, 1, 3, 5).reshape(B, side * side, -1)
            x = TF.linear(p, tex["patch"], teb["patch"])
            temb = TF.linear(TF.silu(TF.linear(freq, tex["t1"], teb["t1"])), tex["t2"], teb["t2"])
            silu_c = TF.silu(temb.expand(B, D))
            for (tw, tb), (ck, cv) in zip(tblocks, kvs):
                x = t_block(x, tw, tb, silu_c, ck, cv)
            shift, scale = TF.linear(silu_c, tex["fada"], teb["fada"]).chunk(2, dim=1)
            n = TF.layer_norm(x, (D,), eps=1e-6) * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)
            out = TF.linear(n, tex["final"], teb["final"])
            return out.view(B, side, side, CH, PATCH, PATCH).permute(0, 3, 1, 4, 2, 5).reshape(B, CH, 2 * side, 2 * side)
        return run


def timed_ms(f):
    start = time.perf_counter()
    f()
    return (time.perf_counter() - start) * 1000


def main():
    if torch is not None:
        mm = (lambda ta, tb: (lambda: ta @ tb))(tt(a_mm), tt(b_mm))
        make_block, make_forward, version = t_block_once, t_forward_once, torch.__version__
    else:
        mm = lambda: a_mm @ b_mm  # noqa: E731
        make_block, make_forward, version = np_block_once, np_forward_once, np.__version__
    mm()
    blocks, forwards = {}, {}
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == "matmul":
                n = int(words[1])
                start = time.perf_counter()
                for _ in range(n):
                    mm()
                print(f"gflops={n * 2 * 512 * 1152 * 1152 / (time.perf_counter() - start) / 1e9:.1f}", flush=True)
            elif words[0] == "block":
                side, n = int(words[1]), int(words[2])
                if side not in blocks:
                    blocks[side] = make_block(side)
                    blocks[side]()  # warm-up
                print(f"ms={statistics.median(timed_ms(blocks[side]) for _ in range(n)):.3f}", flush=True)
            elif words[0] == "forward":
                side = int(words[1])
                if side not in forwards:
                    forwards[side] = make_forward(side)
                print(f"ms={timed_ms(forwards[side]):.3f}", flush=True)
            elif words[0] == "version":
                print(f"version={version}", flush=True)
            else:
                print(f"error=unknown_command_{words[0]}", flush=True)
        except MemoryError:
            print("error=out_of_memory", flush=True)


if __name__ == "__main__":
    main()

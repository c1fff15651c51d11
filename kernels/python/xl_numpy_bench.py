#!/usr/bin/env python3
"""NumPy (float32, its OpenBLAS) timing of one DiT-XL/2 block as the Java engine runs it, and of its matmul.

One block, batch 8 (CFG), 256 image tokens, 16 text tokens: adaLN-Zero modulation, self-attention (16 heads of 72),
PixArt-style cross-attention, the GELU MLP, written as a NumPy user would (one GEMM per linear, batched matmuls for
attention, no mask where none is needed). The matmul is the Java bench's shape: [512 x 1152] . [1152 x 1152].

usage: xl_numpy_bench.py <iterations> <threads> [numpy|torch|both]   (threads: set before NumPy loads)
prints: numpy_dit_block_ms_xl256=<median ms>  openblas_matmul_gflops=<median>  numpy_version=<v>
and, when this Python has PyTorch, the same block as a PyTorch user writes it (F.linear, F.layer_norm, batched
matmuls, no mask where none is needed), on the same weights and threads:
        torch_dit_block_ms_xl256=<median ms>  torch_matmul_gflops=<median>  torch_version=<v>
"""
import os
import statistics
import sys
import time

iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 5
threads = sys.argv[2] if len(sys.argv) > 2 else "2"
mode = sys.argv[3] if len(sys.argv) > 3 else "both"
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = threads

import numpy as np  # noqa: E402

B, T, L, D, H = 8, 256, 16, 1152, 16
HD = D // H
F = np.float32
rng = np.random.default_rng(1)


def w(i, o):
    return (rng.standard_normal((i, o), dtype=F) / np.sqrt(i)).astype(F)


W = dict(ada=w(D, 6 * D), qkv=w(D, 3 * D), proj=w(D, D), cq=w(D, D), ckv=w(D, 2 * D), cproj=w(D, D),
         fc1=w(D, 4 * D), fc2=w(4 * D, D))
bias = {k: np.zeros(v.shape[1], F) for k, v in W.items()}
x0 = rng.standard_normal((B, T, D), dtype=F)
c = rng.standard_normal((B, D), dtype=F)
text = rng.standard_normal((B, L, D), dtype=F)


def layer_norm(x):
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + F(1e-6))


def attention(q, k, v):
    # q [B, H, Tq, HD], k/v [B, H, Tk, HD]
    s = (q @ k.transpose(0, 1, 3, 2)) * F(1.0 / np.sqrt(HD))
    s -= s.max(-1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(-1, keepdims=True)
    return s @ v


def heads(t, n):
    return t.reshape(B, n, H, HD).transpose(0, 2, 1, 3)


def gelu(x):
    return F(0.5) * x * (F(1) + np.tanh(F(0.7978845608) * (x + F(0.044715) * x * x * x)))


def block(x):
    silu = c / (F(1) + np.exp(-c))
    mod = silu @ W["ada"] + bias["ada"]
    sh1, sc1, g1, sh2, sc2, g2 = (mod[:, None, i * D:(i + 1) * D] for i in range(6))
    n = layer_norm(x) * (F(1) + sc1) + sh1
    qkv = n.reshape(B * T, D) @ W["qkv"] + bias["qkv"]
    q, k, v = (heads(qkv[:, i * D:(i + 1) * D], T) for i in range(3))
    a = attention(q, k, v).transpose(0, 2, 1, 3).reshape(B * T, D)
    x = x + g1 * (a @ W["proj"] + bias["proj"]).reshape(B, T, D)
    cq = heads(x.reshape(B * T, D) @ W["cq"] + bias["cq"], T)
    kv = text.reshape(B * L, D) @ W["ckv"] + bias["ckv"]
    ck, cv = heads(kv[:, :D], L), heads(kv[:, D:], L)
    a = attention(cq, ck, cv).transpose(0, 2, 1, 3).reshape(B * T, D)
    x = x + (a @ W["cproj"] + bias["cproj"]).reshape(B, T, D)
    n = layer_norm(x) * (F(1) + sc2) + sh2
    h = gelu(n.reshape(B * T, D) @ W["fc1"] + bias["fc1"])
    return x + g2 * (h @ W["fc2"] + bias["fc2"]).reshape(B, T, D)


def median_ms(f, n):
    f()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        f()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


assert block(x0).dtype == F
a = rng.standard_normal((512, 1152), dtype=F)
b = rng.standard_normal((1152, 1152), dtype=F)
if mode in ("numpy", "both"):
    print(f"numpy_dit_block_ms_xl256={median_ms(lambda: block(x0), iterations):.3f}", flush=True)
    ms = median_ms(lambda: a @ b, max(20, 4 * iterations))
    print(f"openblas_matmul_gflops={2 * 512 * 1152 * 1152 / ms / 1e6:.1f}")
    print(f"numpy_version={np.__version__}", flush=True)

torch = None
if mode in ("torch", "both"):
    try:
        import torch
        import torch.nn.functional as TF
    except ImportError:
        print("torch=not_installed")

if torch is not None:
    torch.set_num_threads(int(threads))
    T_ = {k: torch.from_numpy(np.ascontiguousarray(v.T)) for k, v in W.items()}  # nn.Linear layout [out][in]
    tb = {k: torch.from_numpy(v) for k, v in bias.items()}
    tx0, tc, ttext = torch.from_numpy(x0), torch.from_numpy(c), torch.from_numpy(text)
    scale = 1.0 / np.sqrt(HD)

    def t_heads(t, n):
        return t.view(B, n, H, HD).transpose(1, 2)

    def t_attention(q, k, v):
        return torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * scale, dim=-1) @ v

    @torch.no_grad()
    def t_block(x):
        mod = TF.linear(TF.silu(tc), T_["ada"], tb["ada"])
        sh1, sc1, g1, sh2, sc2, g2 = (m.unsqueeze(1) for m in mod.chunk(6, dim=1))
        n = TF.layer_norm(x, (D,), eps=1e-6) * (1 + sc1) + sh1
        q, k, v = TF.linear(n, T_["qkv"], tb["qkv"]).chunk(3, dim=-1)
        a = t_attention(t_heads(q, T), t_heads(k, T), t_heads(v, T)).transpose(1, 2).reshape(B, T, D)
        x = x + g1 * TF.linear(a, T_["proj"], tb["proj"])
        cq = t_heads(TF.linear(x, T_["cq"], tb["cq"]), T)
        ck, cv = TF.linear(ttext, T_["ckv"], tb["ckv"]).chunk(2, dim=-1)
        a = t_attention(cq, t_heads(ck, L), t_heads(cv, L)).transpose(1, 2).reshape(B, T, D)
        x = x + TF.linear(a, T_["cproj"], tb["cproj"])
        n = TF.layer_norm(x, (D,), eps=1e-6) * (1 + sc2) + sh2
        h = TF.gelu(TF.linear(n, T_["fc1"], tb["fc1"]), approximate="tanh")
        return x + g2 * TF.linear(h, T_["fc2"], tb["fc2"])

    # the same maths as the NumPy block, to float32 rounding
    assert np.allclose(t_block(tx0).numpy(), block(x0), rtol=1e-3, atol=1e-3)
    print(f"torch_dit_block_ms_xl256={median_ms(lambda: t_block(tx0), iterations):.3f}", flush=True)
    ta, tbm = torch.from_numpy(a), torch.from_numpy(b)
    ms = median_ms(lambda: ta @ tbm, max(20, 4 * iterations))
    print(f"torch_matmul_gflops={2 * 512 * 1152 * 1152 / ms / 1e6:.1f}")
    print(f"torch_version={torch.__version__}")

#!/usr/bin/python3
"""Trains imagine's shapes model (v9) on procedural images; see training/README.md.

  training/train.py [--minutes 90] [--resume] [--seed 1] [--run runs/v9] [--export DIR]

Checkpoints (model, EMA, optimiser, step) go to <run>/last.pt every eval; every --eval-every minutes the EMA
model samples --eval-prompts fresh prompts and the checker scores them; when `all` improves the EMA weights
are exported (f16 safetensors + model.json) to --export. The data and the noise of step s come from
(seed, s) alone, so the same seed and command reproduce a run, resumed or not.
"""
import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from imagine_train import checker, export, procedural as P  # noqa: E402
from imagine_train.model import Model, sample  # noqa: E402

ROOT = Path(__file__).resolve().parent
DEFAULT_EXPORT = ROOT.parent / "kernels/src/main/resources/dev/imagine/kernels/models/v9"


def config(args):
    return {
        "version": "v9", "hidden": args.width, "heads": 4, "depth": args.depth, "mlpRatio": 4, "patch": 4,
        "imageChannels": 3, "decoder": "none", "imageSize": P_SIDE,
        "textHidden": args.width, "textHeads": 4, "textLayers": 2,
        "tokenizer": "words", "vocabulary": P.WORDS, "vocabSize": P.FIRST_WORD + len(P.WORDS),
        "maxTokens": P.MAX_TOKENS, "pooledText": True,
        "sampler": "RECTIFIED_FLOW", "steps": 20, "guidance": 4.5, "previewEverySteps": 5,
    }


P_SIDE = 32


def tokens(prompts):
    enc = [P.encode(p)[0] for p in prompts]
    n = max(len(e) for e in enc)
    ids = torch.zeros(len(enc), n, dtype=torch.long)
    for i, e in enumerate(enc):
        ids[i, :len(e)] = torch.tensor(e)
    return ids, torch.tensor([len(e) for e in enc])


def to_pixels(imgs):
    return torch.from_numpy(imgs).permute(0, 3, 1, 2).float() / 127.5 - 1.0


def to_bytes(x):
    return ((x.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()


def training_batch(seed, step, batch, drop):
    rng = np.random.default_rng([seed, step])
    imgs, masks, scenes = P.batch(rng, batch, P_SIDE)
    prompts = [s.prompt(int(rng.integers(len(P.TEMPLATES)))) for s in scenes]
    prompts = ["" if rng.random() < drop else p for p in prompts]
    ids, lengths = tokens(prompts)
    return to_pixels(imgs), torch.from_numpy(masks), ids, lengths


def eval_set(n, seed=20261202):
    rng = np.random.default_rng(seed)
    scenes = [P.random_scene(rng) for _ in range(n)]
    prompts = [s.prompt(i % len(P.TEMPLATES_FOR_EVAL)) for i, s in enumerate(scenes)]
    g = torch.Generator().manual_seed(seed)
    return scenes, prompts, torch.randn(n, 3, P_SIDE, P_SIDE, generator=g)


def evaluate(model, cfg, n, guidance=None):
    scenes, prompts, noise = eval_set(n)
    ids, lengths = tokens(prompts)
    imgs = []
    for i in range(0, n, 64):
        x = sample(model, ids[i:i + 64], lengths[i:i + 64], noise[i:i + 64], cfg["steps"],
                   guidance or cfg["guidance"])
        imgs.append(to_bytes(x))
    return checker.score(np.concatenate(imgs), scenes), np.concatenate(imgs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=90, help="training time (not counting evals) to stop at")
    ap.add_argument("--resume", action="store_true", help="continue from <run>/last.pt (or the exported weights)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--run", default=str(ROOT / "runs/v9"))
    ap.add_argument("--export", default=str(DEFAULT_EXPORT))
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--width", type=int, default=128)
    ap.add_argument("--depth", type=int, default=6)
    ap.add_argument("--lr", type=float, default=1.5e-3)
    ap.add_argument("--ema", type=float, default=0.995)
    ap.add_argument("--t-mean", type=float, default=0.7, help="logit-normal timestep mean (t = 1 is pure noise)")
    ap.add_argument("--object-weight", type=float, default=3.0, help="extra loss weight on the object's pixels")
    ap.add_argument("--drop", type=float, default=0.1, help="share of empty prompts (classifier-free guidance)")
    ap.add_argument("--eval-every", type=float, default=5.0, help="minutes of training between evaluations")
    ap.add_argument("--eval-prompts", type=int, default=64)
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (0: by --minutes)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    run = Path(args.run)
    run.mkdir(parents=True, exist_ok=True)
    cfg = config(args)
    torch.manual_seed(args.seed)
    model = Model(cfg)
    ema = Model(cfg)
    ema.load_state_dict(model.state_dict())
    ema.requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0, betas=(0.9, 0.99))
    step, trained_s, best = 0, 0.0, -1.0
    last = run / "last.pt"
    if args.resume and last.exists():
        ck = torch.load(last)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        step, trained_s, best = ck["step"], ck["trained_s"], ck["best"]
        print(f"resumed {last} at step {step} ({trained_s / 60:.1f} min trained, best all={best:.3f})", flush=True)
    elif args.resume and (Path(args.export) / "model.json").exists():
        info = json.loads((Path(args.export) / "model.json").read_text()).get("training", {})
        export.load_into(model, args.export)
        ema.load_state_dict(model.state_dict())
        step, trained_s, best = info.get("step", 0), info.get("minutes", 0) * 60, info.get("all", -1)
        print(f"no checkpoint in {run}: resumed from the exported weights in {args.export} at step {step}; "
              f"the optimiser starts afresh", flush=True)
    elif args.resume:
        print(f"nothing to resume in {run}; starting afresh", flush=True)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"v9: {n_params / 1e6:.2f} M parameters, {args.threads} threads, batch {args.batch}", flush=True)
    curve = run / "curve.jsonl"
    next_eval = (math.floor(trained_s / 60 / args.eval_every) + 1) * args.eval_every
    tty = sys.stdout.isatty()
    window_t, window_n, losses = time.time(), 0, []
    while trained_s < args.minutes * 60 and (args.max_steps == 0 or step < args.max_steps):
        t0 = time.time()
        x0, obj, ids, lengths = training_batch(args.seed, step, args.batch, args.drop)
        g = torch.Generator().manual_seed(args.seed * 1_000_003 + step)
        noise = torch.randn(x0.shape, generator=g)
        t = torch.sigmoid(torch.randn(args.batch, generator=g) + args.t_mean)
        xt = (1 - t)[:, None, None, None] * x0 + t[:, None, None, None] * noise
        v = model(xt, t * 1000.0, ids, lengths)
        weight = 1.0 + args.object_weight * obj[:, None]
        loss = (weight * (v - (noise - x0)) ** 2).mean()
        for group in opt.param_groups:
            group["lr"] = args.lr * min(1.0, (step + 1) / 300)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(args.ema).add_(pm, alpha=1 - args.ema)
        step += 1
        trained_s += time.time() - t0
        losses.append(loss.item())
        window_n += args.batch
        if step % 25 == 0:
            rate = window_n / (time.time() - window_t)
            left = max(0.0, args.minutes * 60 - trained_s)
            done = min(1.0, trained_s / (args.minutes * 60))
            bar = "#" * int(30 * done) + "." * (30 - int(30 * done))
            line = (f"[{bar}] step {step} {trained_s / 60:5.1f}/{args.minutes:.0f} min  loss {np.mean(losses):.4f}"
                    f"  {rate:5.1f} img/s  eta {left / 60:4.1f} min")
            print(("\r" + line) if tty else line, end="" if tty else "\n", flush=True)
            window_t, window_n, losses = time.time(), 0, []
        final = trained_s >= args.minutes * 60 or (args.max_steps and step >= args.max_steps)
        if trained_s / 60 >= next_eval or final:
            next_eval += args.eval_every
            e0 = time.time()
            score, _ = evaluate(ema, cfg, args.eval_prompts)
            row = {"step": step, "minutes": round(trained_s / 60, 2), "images": step * args.batch,
                   **{k: round(v, 4) for k, v in score.items()}, "eval_s": round(time.time() - e0, 1)}
            with curve.open("a") as f:
                f.write(json.dumps(row) + "\n")
            print(("\n" if tty else "") + "eval " + " ".join(f"{k}={v}" for k, v in row.items()), flush=True)
            if score["all"] > best:
                best = score["all"]
                info = {"step": step, "minutes": row["minutes"], "images": row["images"], "all": best,
                        "seed": args.seed, "evalPrompts": args.eval_prompts,
                        "recipe": {k: getattr(args, k) for k in ("batch", "lr", "ema", "t_mean", "object_weight",
                                                                   "drop", "width", "depth")},
                        "torch": torch.__version__, "threads": args.threads}
                export.export(ema, cfg, args.export, info)
                print(f"exported weights (all={best:.3f}) to {args.export}", flush=True)
            tmp = run / "last.pt.tmp"
            torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "step": step,
                        "trained_s": trained_s, "best": best}, tmp)
            tmp.replace(last)
    print(f"done: step {step}, {trained_s / 60:.1f} min trained, best all={best:.3f}", flush=True)


if __name__ == "__main__":
    main()

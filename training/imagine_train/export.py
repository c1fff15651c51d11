"""safetensors files in the engine's tensor names, and the model.json the engine reads its shapes from."""
import json
import struct
from pathlib import Path

import numpy as np
import torch

NP = {"F32": np.float32, "F16": np.float16}


def write_safetensors(path, tensors, dtype="F16", metadata=None):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        array = tensors[name].detach().to(torch.float32).contiguous().numpy().astype(NP[dtype])
        blob = array.tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = Path(str(path) + ".tmp")
    tmp.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    tmp.replace(path)


def read_safetensors(path):
    data = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(body[b:e], dtype=NP[info["dtype"]]).reshape(info["shape"])
                                     .astype(np.float32))
    return out


def export(model, cfg, out_dir, info, dtype="F16"):
    """Writes transformer / text_encoder safetensors and model.json (shapes, vocabulary, sampler, training)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_safetensors(out / "transformer.safetensors", model.transformer.state_dict(), dtype, {"model": cfg["version"]})
    write_safetensors(out / "text_encoder.safetensors", model.text_encoder.state_dict(), dtype, {"model": cfg["version"]})
    doc = dict(cfg)
    doc["training"] = info
    tmp = out / "model.json.tmp"
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    tmp.replace(out / "model.json")


def load_into(model, model_dir):
    d = Path(model_dir)
    model.transformer.load_state_dict(read_safetensors(d / "transformer.safetensors"))
    model.text_encoder.load_state_dict(read_safetensors(d / "text_encoder.safetensors"))

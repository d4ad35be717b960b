#!/usr/bin/env python3
"""srlm GPU check, HF side of the sampling benchmark: HF transformers' generate() on the same model directory and
the same shape `srlm bench engine --model DIR` measures (random prompt ids, no EOS stop, batch B, P prompt tokens,
N new tokens), sampled (T=0.7, top-p 0.9) and greedy.

usage: hf_generate_bench.py MODEL_DIR OUT.json [--batch 32] [--prompt 16] [--new 128] [--memory-new 256]
       [--dtype float16] [--reps 3] [--device cuda]

Decode tok/s = batch x (N - 1) / (time of N new tokens - time of 1 new token), the median of --reps, as srlm's
bench defines it (prefill excluded). Memory, for batch x --memory-new sampled tokens after
torch.cuda.reset_peak_memory_stats(): max_memory_allocated (the figure issue 15 compares against), max reserved,
and device memory in use (mem_get_info; includes the CUDA context, like srlm's figure).
"""
import argparse
import json
import statistics
import time

ap = argparse.ArgumentParser()
ap.add_argument("model")
ap.add_argument("out")
ap.add_argument("--batch", type=int, default=32)
ap.add_argument("--prompt", type=int, default=16)
ap.add_argument("--new", type=int, default=128)
ap.add_argument("--memory-new", type=int, default=256)
ap.add_argument("--dtype", default="float16")
ap.add_argument("--reps", type=int, default=3)
ap.add_argument("--device", default="cuda")
a = ap.parse_args()

import torch  # noqa: E402
from transformers import LlamaForCausalLM  # noqa: E402

dev = torch.device(a.device)
gpu = dev.type == "cuda"
m = LlamaForCausalLM.from_pretrained(a.model, torch_dtype=getattr(torch, a.dtype)).to(dev).eval()
vocab = m.config.vocab_size
g = torch.Generator().manual_seed(1000)
ids = torch.randint(3, vocab, (a.batch, a.prompt), generator=g).to(dev)
mask = torch.ones_like(ids)


def sync():
    if gpu:
        torch.cuda.synchronize()


def gen(new, sampled):
    kw = dict(do_sample=True, temperature=0.7, top_p=0.9, top_k=0) if sampled else dict(do_sample=False)
    with torch.inference_mode():
        return m.generate(ids, attention_mask=mask, max_new_tokens=new, min_new_tokens=new, eos_token_id=None,
                          pad_token_id=0, **kw)


def timed(new, sampled):
    sync()
    t = time.perf_counter()
    out = gen(new, sampled)
    sync()
    assert out.shape[1] == a.prompt + new, out.shape
    return time.perf_counter() - t


out = {"model": a.model, "dtype": a.dtype, "batch": a.batch, "prompt": a.prompt, "new": a.new,
       "torch": torch.__version__, "device": torch.cuda.get_device_name(0) if gpu else "cpu"}
try:
    import transformers
    out["transformers"] = transformers.__version__
except Exception:  # noqa: BLE001
    pass
for sampled in (True, False):
    timed(a.new, sampled)  # warm-up
    rates = []
    for _ in range(a.reps):
        t1, tn = timed(1, sampled), timed(a.new, sampled)
        rates.append(a.batch * (a.new - 1) / (tn - t1))
    key = "sampled" if sampled else "greedy"
    out[key + "_decode_tok_s"] = statistics.median(rates)
    out[key + "_all"] = rates
    print(f"hf_generate_bench: {key} {statistics.median(rates):.0f} tok/s", flush=True)
if gpu:
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    gen(a.memory_new, True)
    sync()
    free, total = torch.cuda.mem_get_info()
    out.update({"memory_new": a.memory_new,
                "max_allocated_mib": torch.cuda.max_memory_allocated() / 2**20,
                "max_reserved_mib": torch.cuda.max_memory_reserved() / 2**20,
                "device_used_mib": (total - free) / 2**20})
with open(a.out, "w") as f:
    json.dump(out, f, indent=1)
print(json.dumps(out), flush=True)

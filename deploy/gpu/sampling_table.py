#!/usr/bin/env python3
"""srlm GPU check: the sampling table of issue 15, srlm's bench against HF transformers on the same weights.

usage: sampling_table.py OUT MODEL [MODEL ...]
Reads OUT/bench-MODEL/engine.json (srlm bench engine, batch sizes incl. 32), OUT/bench-mem-MODEL/engine.json (the
same at batch 32 x 256 new tokens, with --projection-rounds: greedy decode with joined and separate projections) and
OUT/hf-gen-MODEL.json (hf_generate_bench.py); prints two markdown tables.
"""
import json
import os
import sys


def section(report, prefix):
    return next((s["rows"] for s in report["sections"] if s["name"].startswith(prefix)), [])


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def fmt(x, spec=".0f"):
    return "-" if x is None else format(x, spec)


def ratio(a, b):
    return None if a is None or not b else a / b


out = sys.argv[1]
print("| model | batch | srlm sampled tok/s | srlm greedy tok/s | HF sampled tok/s | HF greedy tok/s "
      "| srlm/HF sampled | srlm peak MiB (32 x 256 sampled) | srlm after MiB | HF max allocated MiB "
      "| HF device used MiB | srlm peak / HF allocated |")
print("| " + " | ".join(["---"] * 12) + " |")
for m in sys.argv[2:]:
    srlm = load(os.path.join(out, f"bench-{m}", "engine.json"))
    mem = load(os.path.join(out, f"bench-mem-{m}", "engine.json"))
    hf = load(os.path.join(out, f"hf-gen-{m}.json")) or {}
    rows = section(srlm, "sampled") if srlm else []
    peak = after = None
    if mem:
        g = [r for r in section(mem, "generation") if r["sampling"].startswith("T=")]
        if g:
            peak, after = g[0]["peak MiB"], g[0]["after MiB"]
    if not rows:
        rows = [{"batch": hf.get("batch")}]
    for r in rows:
        b = r.get("batch")
        hs = hf.get("sampled_decode_tok_s") if b == hf.get("batch") else None
        hg = hf.get("greedy_decode_tok_s") if b == hf.get("batch") else None
        at32 = b == 32
        print(f"| {m} | {b} | {fmt(r.get('sampled tok/s'))} | {fmt(r.get('greedy tok/s'))} | {fmt(hs)} | {fmt(hg)} "
              f"| {fmt(ratio(r.get('sampled tok/s'), hs), '.2f')} | {fmt(peak if at32 else None)} "
              f"| {fmt(after if at32 else None)} | {fmt(hf.get('max_allocated_mib') if at32 else None)} "
              f"| {fmt(hf.get('device_used_mib') if at32 else None)} "
              f"| {fmt(ratio(peak, hf.get('max_allocated_mib')) if at32 else None, '.2f')} |")

print()
print("Projections in generation at batch 32 x the memory run's new tokens, greedy (srlm bench engine "
      "--projection-rounds 1; the model's default on this device is in bench-mem-MODEL/engine.md):")
print()
print("| model | joined tok/s | separate tok/s | separate/joined | joined peak MiB | separate peak MiB "
      "| HF max allocated MiB | separate peak / HF allocated |")
print("| " + " | ".join(["---"] * 8) + " |")
for m in sys.argv[2:]:
    mem = load(os.path.join(out, f"bench-mem-{m}", "engine.json"))
    hf = load(os.path.join(out, f"hf-gen-{m}.json")) or {}
    rows = [r for r in section(mem, "projections") if r.get("round") == 1] if mem else []
    for r in rows:
        print(f"| {m} | {fmt(r.get('joined tok/s'))} | {fmt(r.get('separate tok/s'))} "
              f"| {fmt(r.get('separate/joined'), '.2f')} | {fmt(r.get('joined peak MiB'))} "
              f"| {fmt(r.get('separate peak MiB'))} | {fmt(hf.get('max_allocated_mib'))} "
              f"| {fmt(ratio(r.get('separate peak MiB'), hf.get('max_allocated_mib')), '.2f')} |")

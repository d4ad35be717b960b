#!/usr/bin/env python3
"""srlm GPU check: compare outputs (standard library only, so the CPU rehearsal runs it too).

  compare.py parity MODEL_DIR GEN_OUT.jsonl SCORE_OUT.jsonl
      srlm generate/score (fp32) against HF's rows in MODEL_DIR/hf_rows.json: greedy rows equal (srlm may stop
      early at an EOS id of the borrowed tokenizer: then its tokens must be a prefix of HF's), max |log-prob diff|.
  compare.py tables CPU_DIR GPU_DIR
      one self-reward iteration run twice (cpu, cuda): for each TABLE.jsonl in both folders (rows {"id", "text",
      "greedy"}), whether the ids are the same and how many texts are equal (all must be, where greedy).
Prints a markdown table; exit code 1 when a check fails.
"""
import json
import os
import sys


def rows(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def parity(model_dir, gen_out, score_out):
    hf = json.load(open(os.path.join(model_dir, "hf_rows.json")))
    gen, score = rows(gen_out), rows(score_out)
    equal = 0
    for ours, ref in zip(gen, hf["greedy_ids"]):
        ids = ours["token_ids"]
        if ids == ref or (ours.get("finish_reason") == "stop" and ids == ref[:len(ids)]):
            equal += 1
    diff = max(abs(o["logprob_sum"] - r) for o, r in zip(score, hf["logprob_sum"]))
    ok = equal == len(hf["greedy_ids"]) == len(gen) and diff < 1e-2
    name = os.path.basename(model_dir.rstrip("/"))
    print(f"| {name} | {equal}/{len(hf['greedy_ids'])} | {diff:.2e} | {'ok' if ok else 'FAIL'} |")
    return ok


def tables(cpu_dir, gpu_dir):
    ok = True
    print("| table | rows cpu | rows cuda | same ids | equal texts | greedy texts equal |")
    print("| --- | --- | --- | --- | --- | --- |")
    for fn in sorted(os.listdir(cpu_dir)):
        if not fn.endswith(".jsonl") or not os.path.exists(os.path.join(gpu_dir, fn)):
            continue
        a = {r["id"]: r for r in rows(os.path.join(cpu_dir, fn))}
        b = {r["id"]: r for r in rows(os.path.join(gpu_dir, fn))}
        same = set(a) == set(b)
        both = set(a) & set(b)
        eq = sum(1 for i in both if a[i].get("text") == b[i].get("text"))
        greedy = [i for i in both if a[i].get("greedy")]
        geq = sum(1 for i in greedy if a[i].get("text") == b[i].get("text"))
        ok = ok and same and geq == len(greedy)
        print(f"| {fn[:-6]} | {len(a)} | {len(b)} | {'yes' if same else 'NO'} | {eq}/{len(both)} | {geq}/{len(greedy)} |")
    return ok


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "parity":
        sys.exit(0 if parity(*args) else 1)
    if cmd == "tables":
        sys.exit(0 if tables(*args) else 1)
    sys.exit(f"compare.py: unknown command {cmd}")

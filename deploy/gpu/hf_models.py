#!/usr/bin/env python3
"""srlm GPU check, HF side: random Llama models as HF directories and HF transformers' fp32 reference rows.

usage: hf_models.py WORK --tokenizer-from DIR [--only stories15m,tinyllama] [--device cuda]

For each model: WORK/<name>/ with model.safetensors (fp16), config.json and the tokenizer files of DIR (srlm's
tiny model: its vocabulary is smaller than the model's 32000, which srlm accepts), then, with transformers, greedy
rows and log-prob sums in fp32 written as srlm CLI inputs and expected outputs:
  WORK/<name>/gen_in.jsonl    {"prompt_ids": [...]}               -> srlm generate --temperature 0
  WORK/<name>/score_in.jsonl  {"prompt_ids", "completion_ids"}    -> srlm score
  WORK/<name>/hf_rows.json    {"greedy_ids", "logprob_sum", "top2_gap"}
Needs torch (and transformers for the rows). Exit code 0 even when transformers is missing (rows are skipped).
"""
import argparse
import json
import os
import shutil
import time

SPECS = {
    "stories15m": dict(vocab_size=32000, hidden_size=288, intermediate_size=768, num_hidden_layers=6,
                       num_attention_heads=6, num_key_value_heads=6, max_position_embeddings=256,
                       tie_word_embeddings=True),
    "tinyllama": dict(vocab_size=32000, hidden_size=2048, intermediate_size=5632, num_hidden_layers=22,
                      num_attention_heads=32, num_key_value_heads=4, max_position_embeddings=2048,
                      tie_word_embeddings=False),
}
ROWS, PROMPT, NEW, COMPLETION = 4, 32, 64, 64
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")


def config(spec):
    c = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", **spec}
    c.update({"head_dim": spec["hidden_size"] // spec["num_attention_heads"], "hidden_act": "silu",
              "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "rope_scaling": None, "attention_bias": False,
              "mlp_bias": False, "torch_dtype": "float16", "bos_token_id": 1, "eos_token_id": 2})
    return c


def weights(torch, spec, seed):
    g = torch.Generator().manual_seed(seed)
    d, f, layers, v = spec["hidden_size"], spec["intermediate_size"], spec["num_hidden_layers"], spec["vocab_size"]
    hd = d // spec["num_attention_heads"]
    q, kv = spec["num_attention_heads"] * hd, spec["num_key_value_heads"] * hd
    n = lambda *s: (torch.randn(*s, generator=g) * 0.02).to(torch.float16)  # noqa: E731
    w = {"model.embed_tokens.weight": n(v, d), "model.norm.weight": torch.ones(d, dtype=torch.float16)}
    for i in range(layers):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = torch.ones(d, dtype=torch.float16)
        w[p + "post_attention_layernorm.weight"] = torch.ones(d, dtype=torch.float16)
        for name, shape in (("self_attn.q_proj", (q, d)), ("self_attn.k_proj", (kv, d)), ("self_attn.v_proj", (kv, d)),
                            ("self_attn.o_proj", (d, q)), ("mlp.gate_proj", (f, d)), ("mlp.up_proj", (f, d)),
                            ("mlp.down_proj", (d, f))):
            w[p + name + ".weight"] = n(*shape)
    if not spec["tie_word_embeddings"]:
        w["lm_head.weight"] = n(v, d)
    return w


def save(torch, w, path):
    """safetensors' own writer when installed, else the same format by hand (F16 only)."""
    try:
        from safetensors.torch import save_file
        save_file({k: t.contiguous() for k, t in w.items()}, path, metadata={"format": "pt"})
        return
    except ImportError:
        pass
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for k, t in w.items():
        b = t.contiguous().numpy().tobytes()
        header[k] = {"dtype": "F16", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as fo:
        fo.write(len(h).to_bytes(8, "little") + h + b"".join(blobs))


def reference_rows(torch, d, spec, device):
    from transformers import LlamaForCausalLM
    m = LlamaForCausalLM.from_pretrained(d, torch_dtype=torch.float32).to(device).eval()
    g = torch.Generator().manual_seed(99)
    p = torch.randint(3, spec["vocab_size"], (ROWS, PROMPT), generator=g)
    c = torch.randint(3, spec["vocab_size"], (ROWS, COMPLETION), generator=g)
    with torch.inference_mode():
        seq = p.to(device)
        for _ in range(NEW):  # greedy without EOS, full forwards: no generate() config involved
            seq = torch.cat([seq, m(seq).logits[:, -1].argmax(-1, keepdim=True)], 1)
        lg = m(seq).logits[:, PROMPT - 1:-1].float()
        top2 = lg.topk(2, dim=-1).values
        full = torch.cat([p, c], 1).to(device)
        lp = torch.log_softmax(m(full).logits[:, :-1].float(), -1).gather(-1, full[:, 1:, None])[..., 0]
        sums = lp[:, PROMPT - 1:].sum(1).double().cpu()
    rows = {"greedy_ids": seq[:, PROMPT:].cpu().tolist(), "logprob_sum": sums.tolist(),
            "top2_gap": (top2[..., 0] - top2[..., 1]).cpu().tolist(), "device": device, "dtype": "float32"}
    with open(os.path.join(d, "hf_rows.json"), "w") as f:
        json.dump(rows, f)
    with open(os.path.join(d, "gen_in.jsonl"), "w") as f:
        f.writelines(json.dumps({"prompt_ids": r}) + "\n" for r in p.tolist())
    with open(os.path.join(d, "score_in.jsonl"), "w") as f:
        f.writelines(json.dumps({"prompt_ids": a, "completion_ids": b}) + "\n" for a, b in zip(p.tolist(), c.tolist()))
    del m
    if device == "cuda":
        torch.cuda.empty_cache()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("work")
    ap.add_argument("--tokenizer-from", required=True)
    ap.add_argument("--only", default=",".join(SPECS))
    ap.add_argument("--device", default="cuda")
    a = ap.parse_args()
    import torch
    for i, name in enumerate(a.only.split(",")):
        t = time.time()
        spec, d = SPECS[name], os.path.join(a.work, name)
        os.makedirs(d, exist_ok=True)
        save(torch, weights(torch, spec, 1234 + i), os.path.join(d, "model.safetensors"))
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(config(spec), f, indent=1)
        for fn in TOKENIZER_FILES:
            if os.path.exists(os.path.join(a.tokenizer_from, fn)):
                shutil.copy(os.path.join(a.tokenizer_from, fn), d)
        print(f"hf_models: wrote {d} in {time.time() - t:.1f}s", flush=True)
        try:
            reference_rows(torch, d, spec, a.device)
            print(f"hf_models: {name} reference rows in {time.time() - t:.1f}s", flush=True)
        except ImportError as e:
            print(f"hf_models: no reference rows for {name}: {e}", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""srlm GPU check, PyTorch side: DPO seconds per optimizer step on the same weights srlm trains.

usage: torch_dpo_ref.py MODEL_DIR OUT.json [--pairs 4] [--prompt 128] [--completion 128] [--steps 6]
       [--finetune full,lora] [--device cuda]

fp32 weights (srlm's training policy), AdamW, grad-norm clipping 1.0, the sigmoid DPO loss on summed completion
log-probs with beta 0.1 against fixed reference log-probs, one fixed random batch (2 x pairs rows of prompt +
completion tokens): the shape `srlm bench train --model MODEL_DIR --dpo-batch-size PAIRS --seq-len P+C` times.
LoRA: r 16, alpha 32, all seven projections (PEFT, if installed). Median of the steps after the first.
"""
import argparse
import json
import math
import time
import traceback

ap = argparse.ArgumentParser()
ap.add_argument("model")
ap.add_argument("out")
ap.add_argument("--pairs", type=int, default=4)
ap.add_argument("--prompt", type=int, default=128)
ap.add_argument("--completion", type=int, default=128)
ap.add_argument("--steps", type=int, default=6)
ap.add_argument("--finetune", default="full,lora")
ap.add_argument("--device", default="cuda")
a = ap.parse_args()

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from transformers import AutoModelForCausalLM  # noqa: E402

cuda = a.device.startswith("cuda")
res = {"model": a.model, "device": a.device, "pairs": a.pairs, "prompt": a.prompt, "completion": a.completion,
       "torch": torch.__version__, "runs": {}}


def sync():
    if cuda:
        torch.cuda.synchronize()


def logp(model, x):
    lp = model(x).logits[:, :-1].float().log_softmax(-1).gather(-1, x[:, 1:, None])[..., 0]
    return lp[:, a.prompt - 1:].sum(-1)


for finetune in a.finetune.split(","):
    r = res["runs"][finetune] = {}
    try:
        if cuda:
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
        model = AutoModelForCausalLM.from_pretrained(a.model, torch_dtype=torch.float32).to(a.device)
        if finetune == "lora":
            from peft import LoraConfig, get_peft_model
            model = get_peft_model(model, LoraConfig(r=16, lora_alpha=32, lora_dropout=0.0, target_modules=[
                "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]))
        model.train()
        params = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=1e-5, weight_decay=0.0)
        g = torch.Generator().manual_seed(11)
        ids = lambda n: torch.randint(3, model.config.vocab_size, (a.pairs, n), generator=g)  # noqa: E731
        prompt = ids(a.prompt)
        x = torch.cat([torch.cat([prompt, ids(a.completion)], 1), torch.cat([prompt, ids(a.completion)], 1)])
        x = x.to(a.device)
        ref = -a.completion * math.log(model.config.vocab_size)
        times, losses = [], []
        for _ in range(a.steps):
            sync()
            t = time.perf_counter()
            lp = logp(model, x)
            loss = -F.logsigmoid(0.1 * ((lp[:a.pairs] - ref) - (lp[a.pairs:] - ref))).mean()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
            losses.append(loss.item())
            sync()
            times.append(time.perf_counter() - t)
        later = sorted(times[1:]) or times
        r.update({"s_per_step": later[len(later) // 2], "losses": losses})
        if cuda:
            r["max_memory_allocated_mib"] = torch.cuda.max_memory_allocated() / 2**20
        del model, opt
    except Exception:  # noqa: BLE001
        r["error"] = traceback.format_exc()[-1500:]
    print("torch_dpo_ref", finetune, r, flush=True)
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)

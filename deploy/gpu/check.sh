#!/usr/bin/env bash
# shellcheck disable=SC2012,SC2015,SC2016,SC2086,SC2011,SC1091
# srlm's GPU check: one call on a GPU machine proves the GPU path end to end through srlm's own CLI (docs/gpu.md).
#
#   On the GPU machine, from the project root, with .gpu/ beside the checkout (DJL_SRC=... deploy/gpu/assemble.sh):
#     bash deploy/gpu/check.sh                 # $OUT gets the results; allow ~9 minutes
#   CPU rehearsal (no GPU, no torch needed; GPUs are simulated for placement, tensors stay on the CPU):
#     mvn -q -B -DskipTests package && bash deploy/gpu/check.sh --rehearse
#
# Phases (each guarded: a failing phase does not stop the later ones; results in $OUT, summary in $OUT/summary.md):
#   a facts       torch/CUDA/GPU facts (facts.log)
#   b jni         DJL 0.32.0's JNI library built against the machine's pip torch (jni-build.log), in the background
#   c models      srlm's tiny model; random stories15M- and TinyLlama-1.1B-shaped Llama dirs with its tokenizer and
#                 HF transformers' fp32 reference rows (hf_models.py)
#   s sampling    issue 15's table: `srlm bench engine --model DIR --device cuda --dtype f16` (batch 1 and 32, 128 new
#                 tokens, T=0.7/top-p 0.9 and greedy; peak memory at 32 x 256, the default separate projections
#                 and joined ones) vs HF transformers' generate() on the same dirs (hf_generate_bench.py); sampling.md
#                 (sampling_table.py)
#   f dpo         DPO seconds per step: `srlm bench train --model DIR` (stories15M shape) vs PyTorch on the same
#                 weights (torch_dpo_ref.py)
#   d parity      `srlm generate --temperature 0` and `srlm score` on cuda in f32 vs HF's rows (compare.py parity)
#   m memory      `srlm bench memory --device cuda` on the TinyLlama-shaped dir: device memory held after load and
#                 between generate() calls, default allocator and PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True
#   e train       `srlm bench train --device cuda` on the TinyLlama-1.1B-shaped dir (SFT/DPO, full/LoRA), then
#                 PyTorch's DPO on it
#   g loop        one self-reward iteration on local[2], run with engine.device = auto (cuda) and cpu, same config
#                 (f32); ids and texts compared table by table (compare.py tables), placements from the executor
#                 log. Needs Spark's jars: SRLM_SPARK_JARS=DIR, or a pip pyspark 3.5.x; skipped (and said so) otherwise.
#                 Not spark.task.resource.gpu.amount: Spark's local mode cannot schedule GPUs (see loop_run).
# Environment: OUT, GPU_BUDGET_S (default 540), GPU_WORK (scratch), GPU_MODELS (default "stories15m tinyllama"),
# GPU_LOOP_S (seconds per loop run, default 400), GPU_LOOP_SFT_STEPS (SFT steps of the loop's M1, default 640: fewer
# leave a tiny model that writes no acceptable prompt), GPU_LOOP_BASE (model.base of the loop, e.g. an SFT'd tiny
# model), GPU_PHASES (default "c s f d e g": the order they run in, most wanted first), GPU_S_DTYPE/GPU_S_NEW/GPU_S_MEM_NEW
# (sampling phase: f16, 128, 256), GPU_TRAIN_MODELS (phase e: tinyllama).
# No `set -e`: a failing phase must leave the others and the summary.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
D=$ROOT/deploy/gpu
G=$ROOT/.gpu
REHEARSE=0
SIM=""
[[ ${1:-} == --rehearse ]] && REHEARSE=1
OUT=${OUT:-$(mktemp -d -t srlm-gpu-out.XXXX)}
W=${GPU_WORK:-$(mktemp -d -t srlm-gpu-work.XXXX)}
mkdir -p "$OUT" "$W"
MODELS=${GPU_MODELS:-stories15m tinyllama}
T0=$(date +%s)
DEADLINE=$((T0 + ${GPU_BUDGET_S:-540}))
left() { echo $((DEADLINE - $(date +%s))); }
ts() { echo "[check $(($(date +%s) - T0))s, $(left)s left] $*" | tee -a "$OUT/run.log"; }
status() { echo "| $1 | $2 | $3 |" >> "$OUT/status.md"; ts "phase $1: $2 $3"; }
printf '| phase | result | detail |\n| --- | --- | --- |\n' > "$OUT/status.md"

# srlm: the project's CLI. GPU: the jlink'd JRE of .gpu/ with the machine's torch. Rehearsal: bin/srlm.
# srlm_cmd ARGS: sets CMD to the command line of `srlm ARGS` (an array, so that `timeout` can run it).
# GPU: the jlink'd JRE of .gpu/ with the machine's torch. Rehearsal: the non-Spark verbs on .gpu/'s minimal runtime
# when assemble.sh made one (DJL's CPU natives from ~/.djl.ai, offline: the jlink module list and the trimmed jars
# are exercised before the GPU run), the rest with bin/srlm.
srlm_cmd() {
  if ((REHEARSE)) && [[ -x $G/jre/bin/java && $1 != loop && $1 != sql ]]; then
    local lib
    lib=$(ls -d "${DJL_CACHE_DIR:-$HOME/.djl.ai}"/pytorch/*-cpu-linux-x86_64 2> /dev/null | head -1)
    CMD=(env PYTORCH_LIBRARY_PATH="$lib" PYTORCH_VERSION="$(basename "$lib" | cut -d- -f1)" PYTORCH_FLAVOR=cpu
      "$G/jre/bin/java" -Xmx6g ${SIM:+"$SIM"} -Dai.djl.offline=true -cp "$(ls "$G"/lib/*.jar | paste -sd: -)"
      io.srlm.cli.Srlm "$@")
  elif ((REHEARSE)); then
    CMD=(env SRLM_JAVA_OPTS="-Xmx6g $SIM" "$ROOT/bin/srlm" "$@")
  else
    CMD=("${JAVA[@]}" "${JAVA_OPTS[@]}" -cp "$CP${SPARK_CP:+:$SPARK_CP}" io.srlm.cli.Srlm "$@")
  fi
}
srlm() {
  srlm_cmd "$@"
  "${CMD[@]}"
}
# box SECONDS CMD...: CMD (srlm or a program) within SECONDS and the time left
box() {
  local s=$1 l
  shift
  l=$(left)
  ((l < s)) && s=$l
  ((s < 10)) && return 124
  if [[ $1 == srlm ]]; then
    shift
    srlm_cmd "$@"
    set -- "${CMD[@]}"
  fi
  timeout "$s" "$@"
}

phase_facts() {
  TORCH=0
  python3 -c 'import torch' 2> /dev/null && TORCH=1
  if ((TORCH)); then
    eval "$(python3 - <<'PY'
import os, torch
cu = torch.version.cuda
print(f"TORCH_DIR={os.path.dirname(torch.__file__)} PTV={torch.__version__.split('+')[0]}")
print(f"FLAVOR={'cu' + cu.replace('.', '') if cu else 'cpu'} TORCH_ABI={int(torch._C._GLIBCXX_USE_CXX11_ABI)}")
cr = ""
if torch.cuda.is_available():
    torch.zeros(1, device="cuda")
    cr = next((l.split()[-1] for l in open("/proc/self/maps") if "libcudart.so" in l), "")
print(f"CUDART={cr}")
PY
)"
  fi
  { date -u; uname -a; nproc; free -g | head -2; java -version 2>&1 | head -1
    python3 -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)'
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
    python3 -c 'import pyspark; print("pyspark", pyspark.__version__)' 2>&1 | tail -1
    python3 -c 'import peft; print("peft", peft.__version__)' 2>&1 | tail -1; } > "$OUT/facts.log" 2>&1
  status a "$( ((TORCH)) && echo "torch $PTV $FLAVOR" || echo "no torch")" \
    "$(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2> /dev/null | head -1 | grep . || echo "no GPU")"
}

phase_jni_start() {
  if ((REHEARSE)); then
    status b skipped "rehearsal: DJL's CPU natives from ~/.djl.ai"
    return
  fi
  [[ -d $G/djl-native ]] || { status b FAILED "no .gpu/djl-native: run DJL_SRC=... deploy/gpu/assemble.sh"; return; }
  export TORCH_CXX11_ABI=$TORCH_ABI
  bash "$D/build_jni.sh" "$G/djl-native" "$TORCH_DIR" "$W/jni" "$(nproc)" > "$OUT/jni-build.log" 2>&1 &
  JNI_PID=$!
}

phase_jni_wait() {
  ((REHEARSE)) && return 0
  [[ -n ${JNI_PID:-} ]] && wait "$JNI_PID"
  if [[ ! -f $W/jni/libdjl_torch.so ]]; then
    status b FAILED "see jni-build.log"
    return 1
  fi
  status b ok "$(grep -m1 'exports' "$OUT/jni-build.log")"
  # shellcheck source=java_env.sh
  source "$D/java_env.sh"
  setup_java_env "$G" "$TORCH_DIR" "$PTV" "$FLAVOR" "$W/jni/libdjl_torch.so" "$W" "$CUDART" >> "$OUT/run.log"
}

phase_models() {
  box 120 srlm tiny --profile tiny --out "$W/tiny" > "$OUT/tiny.log" 2>&1 ||
    { status c FAILED "srlm tiny (tiny.log)"; return 1; }
  if ((TORCH)); then
    box 200 python3 "$D/hf_models.py" "$W" --tokenizer-from "$W/tiny" --only "${MODELS// /,}" --device $TDEV \
      > "$OUT/hf_models.log" 2>&1 || status c FAILED "hf_models.py (hf_models.log)"
  fi
  status c ok "tiny model$( ((TORCH)) && echo " + $MODELS")"
}

phase_parity() {
  if ! ((TORCH)); then # no HF rows: at least srlm's cuda path against its cpu path on the tiny model
    printf '{"prompt": "Write a short story about a cat."}\n{"prompt_ids": [1, 5, 6, 7]}\n' > "$W/tiny_in.jsonl"
    local d
    for d in cpu "$DEV"; do
      box 120 srlm generate --model "$W/tiny" --device "$d" --temperature 0 --max-new-tokens 16 \
        --input "$W/tiny_in.jsonl" > "$OUT/gen_tiny_$d.jsonl" 2> "$OUT/gen_tiny_$d.log"
    done
    if [[ -s $OUT/gen_tiny_cpu.jsonl ]] && cmp -s "$OUT/gen_tiny_cpu.jsonl" "$OUT/gen_tiny_$DEV.jsonl"; then
      status d "no HF rows" "no torch/transformers here; srlm generate on $DEV equals cpu on the tiny model"
    else
      status d FAILED "no torch/transformers here; srlm generate on $DEV differs from cpu (gen_tiny_*)"
    fi
    return
  fi
  printf '| model | greedy rows equal | max abs log-prob diff | result |\n| --- | --- | --- | --- |\n' > "$OUT/parity.md"
  for m in $MODELS; do
    [[ -f $W/$m/hf_rows.json ]] || continue
    box 120 srlm generate --model "$W/$m" --device "$DEV" --dtype f32 --temperature 0 --max-new-tokens 64 \
      --input "$W/$m/gen_in.jsonl" > "$OUT/gen_$m.jsonl" 2> "$OUT/gen_$m.log"
    box 120 srlm score --model "$W/$m" --device "$DEV" --dtype f32 --input "$W/$m/score_in.jsonl" \
      > "$OUT/score_$m.jsonl" 2> "$OUT/score_$m.log"
    python3 "$D/compare.py" parity "$W/$m" "$OUT/gen_$m.jsonl" "$OUT/score_$m.jsonl" >> "$OUT/parity.md" 2>&1
  done
  status d "$(grep -c '| ok |' "$OUT/parity.md") ok" "parity.md"
}

# s: issue 15's sampling table: srlm bench engine on the same HF dirs HF transformers generates from (f16, batch 1
# and 32, T=0.7/top-p 0.9 and greedy), srlm's peak memory at batch 32 x 256 new tokens, HF's own figures.
phase_sampling() {
  local m ok=0 n=0 src
  for m in $MODELS; do
    n=$((n + 1))
    src=(--models tiny --model "$W/$m")
    [[ -d $W/$m ]] || src=(--models "$m") # rehearsal without torch: bench's own random weights of that shape
    box 200 srlm bench engine "${src[@]}" --device "$DEV" --dtype "$S_DTYPE" --batch-sizes 1,32 --new-tokens "$S_NEW" \
      --prompt-tokens 16 --long-tokens 0 --no-thread-compare --matmul-size 2048 --reps 3 --format markdown \
      --out "$OUT/bench-$m" > "$OUT/bench-$m.log" 2>&1 && ok=$((ok + 1))
    box 200 srlm bench engine "${src[@]}" --device "$DEV" --dtype "$S_DTYPE" --batch-sizes 32 --new-tokens "$S_MEM_NEW" \
      --prompt-tokens 16 --long-tokens 0 --no-thread-compare --matmul-size 256 --reps 1 --warmup 1 \
      --projection-rounds 1 --format markdown --out "$OUT/bench-mem-$m" > "$OUT/bench-mem-$m.log" 2>&1
    if ((TORCH)) && [[ -d $W/$m ]]; then
      local hfx=()
      ((REHEARSE)) && hfx=(--dtype float32)
      box 150 python3 "$D/hf_generate_bench.py" "$W/$m" "$OUT/hf-gen-$m.json" --batch 32 --prompt 16 --new "$S_NEW" \
        --memory-new "$S_MEM_NEW" --device "$TDEV" "${hfx[@]}" > "$OUT/hf-gen-$m.log" 2>&1
    fi
    python3 "$D/sampling_table.py" "$OUT" $MODELS > "$OUT/sampling.md" 2>> "$OUT/run.log"
  done
  status s "$ok/$n srlm ok" "sampling.md, bench-*/engine.md, hf-gen-*.json"
}

# m: GPU memory held between generate() calls (srlm bench memory: the device's used memory with the caching
# allocator emptied, after load and every few calls), with PyTorch's default allocator and with expandable segments.
phase_memory() {
  local m=${MEM_MODEL:-tinyllama} ok=0
  [[ -d $W/$m ]] || { status m skipped "no $W/$m"; return; }
  box 120 srlm bench memory --model "$W/$m" --device "$DEV" --dtype "$S_DTYPE" --batch 32 --new-tokens 64 --calls 12 \
    --every 4 --format markdown --out "$OUT/memory-$m" > "$OUT/memory-$m.log" 2>&1 && ok=$((ok + 1))
  PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True box 120 srlm bench memory --model "$W/$m" --device "$DEV" \
    --dtype "$S_DTYPE" --batch 32 --new-tokens 64 --calls 12 --every 4 --format markdown --out "$OUT/memory-exp-$m" \
    > "$OUT/memory-exp-$m.log" 2>&1 && ok=$((ok + 1))
  status m "$ok/2 ok" "memory-$m/memory.md (default allocator), memory-exp-$m/memory.md (expandable segments)"
}

# e: srlm bench train (SFT and DPO, full and LoRA, shipped precision policy) on each HF dir, on the GPU.
phase_bench() {
  local m ok=0 n=0
  for m in $TRAIN_MODELS; do
    [[ -d $W/$m ]] || continue
    n=$((n + 1))
    box 200 srlm bench train --device "$DEV" --models tiny --model "$W/$m" --dpo-batch-size 4 --seq-len 256 \
      --batch-size 8 --steps 4 --format markdown --out "$OUT/train-$m" > "$OUT/train-$m.log" 2>&1 && ok=$((ok + 1))
    ((TORCH)) && box 150 python3 "$D/torch_dpo_ref.py" "$W/$m" "$OUT/dpo-torch-$m.json" --pairs 4 --prompt 128 \
      --completion 128 --device $TDEV > "$OUT/dpo-torch-$m.log" 2>&1
  done
  status e "$ok/$n ok" "train-*/train.md, train-*.log"
}

phase_dpo() {
  local m=stories15m dir
  dir=$W/$m
  [[ -d $dir ]] || dir=$W/tiny
  box 150 srlm bench train --device "$DEV" --models tiny --model "$dir" --dpo-batch-size 4 --seq-len 256 --steps 6 \
    --format markdown --out "$OUT/dpo-srlm" > "$OUT/dpo-srlm.log" 2>&1
  local s=$?
  if ((TORCH)) && [[ -d $W/$m ]]; then
    box 150 python3 "$D/torch_dpo_ref.py" "$dir" "$OUT/dpo-torch.json" --pairs 4 --prompt 128 --completion 128 \
      --device $TDEV > "$OUT/dpo-torch.log" 2>&1
  fi
  status f "srlm rc=$s" "dpo-srlm/, dpo-torch.json$( ((TORCH)) || echo " (no torch: PyTorch side skipped)")"
}

# Spark 3.5's local mode schedules no GPU resources: with spark.task.resource.gpu.amount alone SparkContext refuses
# to start ("No executor resource configs were specified for the following task configs: gpu"), and with the
# executor's gpu amount and discovery script as well, tasks wait forever (measured with Spark 3.5.7, docs/gpu.md).
# So the local[2] run leaves GPU scheduling to engine.device = auto (the first visible GPU); Spark's address
# mapping is tested in mvn verify (DevicesTest, ExecutorModelsDeviceTest) and needs a cluster to run for real.
loop_run() { # loop_run NAME DEVICE
  local name=$1 device=$2 conf=$W/loop-$1.conf base=""
  [[ -n ${GPU_LOOP_BASE:-} ]] && base="model.base = \"$GPU_LOOP_BASE\""
  cat > "$conf" <<CONF
loop { iterations = 1, evaluate = false, report = false }
sft.max_steps = ${GPU_LOOP_SFT_STEPS:-640}
prompts.target_count = 12
$base
seed.builtin { ift_per_task = 40, eft_groups_per_task = 12, task_creation_rows = 40 }
engine { device = "$device", dtype = "f32" }
storage { table_root = "$W/loop-$name/tables", model_root = "$W/loop-$name/models" }
CONF
  box "${GPU_LOOP_S:-400}" srlm loop --profile local,tiny -c "$conf" --run-id gpu-check > "$OUT/loop-$name.log" 2>&1 || return 1
  mkdir -p "$OUT/tables-$name"
  local q
  for q in "prompts:prompt_id:raw_output" "responses:response_id:response" "judgements:judgement_id:judge_text" \
    "preference_pairs:pair_id:chosen" "training_metrics:concat(stage,'/',step,'/',metric):cast(round(value,4) as string)"; do
    IFS=: read -r t id text <<< "$q"
    srlm sql --profile local,tiny -c "$conf" --json --limit 100000 \
      "select $id as id, $text as text, false as greedy from $t where run_id = 'gpu-check'" \
      > "$OUT/tables-$name/$t.jsonl" 2>> "$OUT/loop-$name.log"
  done
}

phase_loop() {
  if ! ((REHEARSE)); then
    if [[ -z ${SRLM_SPARK_JARS:-} ]]; then
      SRLM_SPARK_JARS=$(python3 -c 'import pyspark, os; v = pyspark.__version__; assert v.startswith("3.5"), v
print(os.path.join(os.path.dirname(pyspark.__file__), "jars"))' 2> /dev/null)
    fi
    if [[ ! -d ${SRLM_SPARK_JARS:-/nonexistent} ]]; then
      status g skipped "no Spark 3.5 jars on this machine (set SRLM_SPARK_JARS or pip pyspark 3.5.x; Delta's jars too)"
      return
    fi
    SPARK_CP=$(ls "$SRLM_SPARK_JARS"/*.jar | paste -sd: -)
  fi
  SIM=${SIM_LOOP:-} loop_run gpu auto || { status g FAILED "loop on cuda (loop-gpu.log)"; return; }
  SIM="" loop_run cpu cpu || { status g FAILED "loop on cpu (loop-cpu.log)"; return; }
  grep -ho 'Executor model load #[0-9]* of .* on [a-z:0-9]*[^)]*)*' "$OUT/loop-gpu.log" | sort | uniq -c \
    > "$OUT/loop-gpu-placements.txt"
  local r=DIFFERS
  python3 "$D/compare.py" tables "$OUT/tables-cpu" "$OUT/tables-gpu" > "$OUT/loop.md" 2>&1 && r=ok
  status g "$r" "loop.md, loop-gpu-placements.txt"
}

DEV=cuda
TDEV=cuda                                        # where the Python references run
S_DTYPE=${GPU_S_DTYPE:-f16} S_NEW=${GPU_S_NEW:-128} S_MEM_NEW=${GPU_S_MEM_NEW:-256}
TRAIN_MODELS=${GPU_TRAIN_MODELS:-tinyllama}
if ((REHEARSE)); then
  TDEV=cpu S_DTYPE=${GPU_S_DTYPE:-f32} S_NEW=${GPU_S_NEW:-8} S_MEM_NEW=${GPU_S_MEM_NEW:-8}
  SIM="-Dsrlm.devices.simulated-gpus=1" # cuda placement, CPU tensors
  SIM_LOOP=$SIM
  [[ -f $ROOT/jobs/target/classpath.txt ]] || { echo "check: build first: mvn -q -B -DskipTests package" >&2; exit 1; }
fi
ts "start: OUT=$OUT WORK=$W rehearse=$REHEARSE"
phase_facts
phase_jni_start
PHASES=" ${GPU_PHASES:-c s f d e g} "
if phase_jni_wait; then
  [[ $PHASES == *" c "* || $PHASES == *" s "* || $PHASES == *" m "* || $PHASES == *" d "* || $PHASES == *" f "* ]] && phase_models
  [[ $PHASES == *" s "* ]] && phase_sampling
  [[ $PHASES == *" f "* ]] && phase_dpo
  [[ $PHASES == *" d "* ]] && phase_parity
  [[ $PHASES == *" m "* ]] && phase_memory
  [[ $PHASES == *" e "* ]] && phase_bench
  [[ $PHASES == *" g "* ]] && phase_loop
fi
{ echo "# srlm GPU check $(date -u +%FT%TZ)$( ((REHEARSE)) && echo ' (CPU rehearsal: GPUs simulated)')"; echo
  cat "$OUT/status.md"; for f in sampling parity loop; do [[ -f $OUT/$f.md ]] && { echo; echo "## $f"; cat "$OUT/$f.md"; }; done
  for f in "$OUT"/bench-*/*.md "$OUT"/dpo-srlm/*.md "$OUT"/train-*/*.md "$OUT"/memory-*/*.md; do [[ -f $f ]] && { echo; echo "## ${f#"$OUT"/}"; cat "$f"; }; done
  for f in "$OUT"/dpo-torch*.json; do [[ -f $f ]] && { echo; echo "## PyTorch DPO ${f#"$OUT"/}"; cat "$f"; }; done
} > "$OUT/summary.md"
cat "$OUT/summary.md"
ts "done"

#!/usr/bin/env bash
# Spark resource discovery script for GPUs (spark.executor.resource.gpu.discoveryScript, or the worker's
# spark.worker.resource.gpu.discoveryScript on standalone clusters). Prints the GPUs of this node in the format
# Spark expects:
#   {"name": "gpu", "addresses": ["0","1"]}
# Without nvidia-smi (or when it fails) it prints an empty list, and says why on stderr; Spark then refuses to
# start an executor that asked for a GPU, with a clear message, rather than hanging.
set -euo pipefail

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-discovery.sh: nvidia-smi not found; reporting no GPUs" >&2
  echo '{"name": "gpu", "addresses": []}'
  exit 0
fi

if ! indexes=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null); then
  echo "gpu-discovery.sh: nvidia-smi failed; reporting no GPUs" >&2
  indexes=""
fi

addresses=""
while IFS= read -r line; do
  index=${line//[[:space:]]/}
  [[ $index =~ ^[0-9]+$ ]] || continue
  addresses+="${addresses:+,}\"$index\""
done <<<"$indexes"

echo "{\"name\": \"gpu\", \"addresses\": [$addresses]}"

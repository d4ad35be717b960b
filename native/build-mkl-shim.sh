#!/usr/bin/env bash
# Builds native/mkl_any_cpu.c into <repo>/target/native/libsrlm_mkl_any_cpu.so when it is missing or older than its
# source, and prints the LD_PRELOAD value to use: the shim's path followed by any LD_PRELOAD already set, or just the
# existing LD_PRELOAD where the shim does not apply (not x86-64, SRLM_MKL_SHIM=0, or no C compiler: then it says so
# on stderr and the engine runs without it). Used by bin/srlm and by the Maven build (for the test JVMs).
#   native/build-mkl-shim.sh                     print the value
#   native/build-mkl-shim.sh --properties FILE   write it as srlm.mkl.preload=<value> into FILE (for Maven)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shim="$root/target/native/libsrlm_mkl_any_cpu.so"
src="$root/native/mkl_any_cpu.c"
value="${LD_PRELOAD:-}"
if [[ "${SRLM_MKL_SHIM:-1}" != 0 && "$(uname -m)" == x86_64 ]]; then
  if [[ ! "$shim" -nt "$src" ]]; then
    if command -v cc > /dev/null; then
      mkdir -p "$(dirname "$shim")"
      cc -shared -fPIC -O2 -o "$shim.tmp.$$" "$src" && mv -f "$shim.tmp.$$" "$shim"
    else
      echo "srlm: no C compiler (cc), so MKL keeps its vendor check (slower on AMD CPUs; see native/mkl_any_cpu.c)" >&2
    fi
  fi
  if [[ -f "$shim" ]]; then
    value="$shim${value:+:$value}"
  fi
fi
if [[ "${1:-}" == --properties ]]; then
  file="${2:?--properties needs a file}"
  mkdir -p "$(dirname "$file")"
  printf 'srlm.mkl.preload=%s\n' "$value" > "$file"
else
  printf '%s\n' "$value"
fi

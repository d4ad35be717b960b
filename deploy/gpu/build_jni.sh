#!/usr/bin/env bash
# shellcheck disable=SC2012,SC2015,SC2016,SC2086,SC2011,SC1091
# Builds DJL 0.32.0's PyTorch JNI library (libdjl_torch.so) against an installed pip torch, without Maven/Gradle
# (srlm GPU check, deploy/gpu/; see docs/gpu.md).
# usage: build_jni.sh DJL_NATIVE TORCH_DIR OUT_DIR [JOBS] [OPT]
#   DJL_NATIVE: the folder deploy/gpu/assemble.sh made (.gpu/djl-native): DJL v0.32.0's JNI sources in DJL's own
#               layout (engines/pytorch/pytorch-native/src/main/native, api/src/main/native), the 0.32.0 JNI header
#               in include/, and jni.h/jni_md.h in jni/. Never committed: DJL's code stays DJL's (Apache-2.0).
#   TORCH_DIR:  the torch package folder (holds include/, lib/, share/cmake/Torch)
#   OUT_DIR:    where objects and libdjl_torch.so go
# Same flags as DJL's build.sh/CMakeLists.txt (C++ standard raised to what the torch headers need, see below),
# but with plain g++ so that no CMake CUDA/cuDNN discovery is involved: the JNI code calls ATen ops only. USE_CUDA
# in DJL gates two things: a separate-stream option for TorchScript modules (unused by srlm) and
# JniUtils.emptyCudaCache(), which srlm's GPU memory figures rely on: without it emptyCache is a no-op and "memory
# held after a call" reads the caching allocator's reserved high-water mark (found on the H200, 2026-12-04). So the
# system file is compiled with -DUSE_CUDA when the CUDA runtime headers are found (CUDA_HOME, /usr/local/cuda, or
# the nvidia-* pip wheels beside torch); otherwise without, with a warning. libtorch_cuda/libc10_cuda are linked
# when present so that CUDA kernels are registered whenever this library is loaded.
set -uo pipefail
N=$1
TORCH_DIR=$2
OUT=$3
JOBS=${4:-16}
OPT=${5:--O2}
SRC=$N/engines/pytorch/pytorch-native/src/main/native
TI=$TORCH_DIR/include
TL=$TORCH_DIR/lib
mkdir -p "$OUT/obj"
CXX=${CXX:-g++}
# C++ standard: C++20, or more if TorchConfig.cmake asks its consumers for more. Recent torch headers need C++20;
# DJL's sources (written for C++17) compile unmodified as C++20 (on the device: torch 2.11 cu130, g++ 13, ~30 s).
STD=$(grep -ho 'CXX_STANDARD [0-9][0-9]' "$TORCH_DIR/share/cmake/Torch/TorchConfig.cmake" 2>/dev/null | head -1 | awk '{print $2}')
STD=${STD:-20}
((STD < 20)) && STD=20
# CXX11 ABI: from TORCH_CXX_FLAGS if the config still sets it (torch < 2.10), else from the environment, else 1.
ABI=$(grep -ho '_GLIBCXX_USE_CXX11_ABI=[01]' "$TORCH_DIR/share/cmake/Torch/TorchConfig.cmake" 2>/dev/null | head -1 | cut -d= -f2)
ABI=${TORCH_CXX11_ABI:-${ABI:-1}}
echo "build_jni: torch=$TORCH_DIR std=c++$STD abi=$ABI opt=$OPT jobs=$JOBS cxx=$($CXX --version | head -1)"
FLAGS="-std=c++$STD $OPT -fPIC -D_GLIBCXX_USE_CXX11_ABI=$ABI -DNDEBUG -w \
  -I$TI -I$TI/torch/csrc/api/include -I$N/include -I$N/jni -I$N/api/src/main/native -I$SRC"
CUDA_INC=""
for d in ${CUDA_HOME:+$CUDA_HOME/include} /usr/local/cuda/include $(ls -d "$TORCH_DIR"/../nvidia/*/include 2>/dev/null); do
  [[ -f $d/cuda_runtime_api.h ]] && { CUDA_INC=$d; break; }
done
CUDA_FLAGS=""
[[ -n $CUDA_INC && -f $TL/libc10_cuda.so ]] && CUDA_FLAGS="-DUSE_CUDA -I$CUDA_INC"
echo "build_jni: CUDA runtime headers: ${CUDA_INC:-none found} (emptyCudaCache $([[ -n $CUDA_FLAGS ]] && echo enabled || echo 'a no-op'))"
export CXX FLAGS OUT CUDA_FLAGS
ls "$SRC"/*.cc | xargs -P "$JOBS" -I{} bash -c \
  'f={}; b=$(basename $f .cc); x=""; [[ $b == *_system ]] && x=$CUDA_FLAGS
   if [[ -n $x ]] && ! $CXX $FLAGS $x -c $f -o $OUT/obj/$b.o > $OUT/obj/$b.cuda.log 2>&1; then
     echo "build_jni: WARNING: $b with USE_CUDA failed (see obj/$b.cuda.log); emptyCudaCache stays a no-op"; fi
   if [[ -f $OUT/obj/$b.o ]] || $CXX $FLAGS -c $f -o $OUT/obj/$b.o > $OUT/obj/$b.log 2>&1; then echo "compiled $b"; else echo "FAILED $b"; cat $OUT/obj/$b.log; exit 1; fi'
rc=$?
if [[ $rc -ne 0 ]]; then
  echo "build_jni: compile failed (rc=$rc)"
  exit 1
fi
LIBS="-ltorch -ltorch_cpu -lc10"
for l in torch_cuda c10_cuda; do
  [[ -f $TL/lib$l.so ]] && LIBS="$LIBS -l$l"
done
echo "build_jni: linking with $LIBS"
$CXX -shared -o "$OUT/libdjl_torch.so" "$OUT"/obj/*.o -L"$TL" -Wl,-rpath,"$TL" -Wl,--no-as-needed $LIBS || exit 1
n=$(nm -D --defined-only "$OUT/libdjl_torch.so" | grep -c ' T Java_ai_djl_pytorch_jni_PyTorchLibrary_')
want=$(grep -c '^JNIEXPORT' "$N/include/ai_djl_pytorch_jni_PyTorchLibrary.h")
echo "build_jni: libdjl_torch.so exports $n of the $want JNI functions the 0.32.0 header declares"
ldd "$OUT/libdjl_torch.so" | grep -E 'torch|c10|not found'
[[ $n -eq $want ]] || echo "build_jni: WARNING: export count differs"
exit 0

# shellcheck shell=bash disable=SC2034,SC2010,SC2012
# Sourced by deploy/gpu/check.sh on the GPU machine: makes DJL 0.32.0 load the machine's pip torch and the
# libdjl_torch.so that build_jni.sh made, offline, and sets JAVA (the jlink'd JRE of .gpu/jre) and CP.
# usage: setup_java_env GPU_DIR TORCH_DIR PT_VERSION FLAVOR JNI_SO WORKDIR [LIBCUDART]
#
# How DJL 0.32.0 (ai.djl.pytorch.jni.LibUtils) finds its natives:
#  - PYTORCH_LIBRARY_PATH=<torch>/lib is the libtorch; every *.so in it is loaded except PYTORCH_LIBRARY_EXCLUSION
#    (we exclude everything but libc10/libtorch*/libgomp: the wheel's extra libraries need not load).
#  - version PYTORCH_VERSION, flavor PYTORCH_FLAVOR, then the JNI library is looked up as
#    $DJL_CACHE_DIR/pytorch/<version>-<flavor>-linux-x86_64/0.32.0-libdjl_torch.so; nothing is downloaded.
#  - the GPU count comes from torch and from CUDA's cudart through JNA: jna.library.path points at a folder with
#    a libcudart.so link to torch's cudart.
setup_java_env() {
  local g=$1 td=$2 ptv=$3 fl=$4 so=$5 wd=$6 cudart=${7:-}
  local cache=$wd/djlcache/pytorch/$ptv-$fl-linux-x86_64
  mkdir -p "$cache" "$wd/tmp" "$wd/cudart"
  cp "$so" "$cache/0.32.0-libdjl_torch.so"
  unset ENGINE_CACHE_DIR
  export DJL_CACHE_DIR=$wd/djlcache PYTORCH_LIBRARY_PATH=$td/lib PYTORCH_VERSION=$ptv PYTORCH_FLAVOR=$fl
  export DJL_OFFLINE=true
  PYTORCH_LIBRARY_EXCLUSION=$(cd "$td/lib" && ls | grep -E '\.so(\.[0-9]+)*$' |
    grep -vE '^(libc10\.so|libc10_cuda\.so|libtorch\.so|libtorch_cpu\.so|libtorch_cuda\.so|libgomp.*|libcaffe2_nvrtc\.so)$' |
    paste -sd, -)
  export PYTORCH_LIBRARY_EXCLUSION
  [[ -n $cudart && -f $cudart ]] && ln -sf "$cudart" "$wd/cudart/libcudart.so"
  chmod +x "$g/jre/bin/"* "$g/jre/lib/jspawnhelper" 2>/dev/null || true
  if [[ -x $g/jre/bin/java ]]; then
    JAVA=("$g/jre/bin/java")
  else # the copy lost its exec bits on a read-only folder: run a writable copy
    rm -rf "$wd/jre" && cp -r "$g/jre" "$wd/jre" && chmod +x "$wd/jre/bin/"* "$wd/jre/lib/jspawnhelper"
    JAVA=("$wd/jre/bin/java")
  fi
  CP=$(ls "$g"/lib/*.jar | paste -sd: -)
  JAVA_OPTS=(-Xmx32g -XX:MaxDirectMemorySize=32g -Dai.djl.offline=true -Djava.io.tmpdir="$wd/tmp"
    -Djna.tmpdir="$wd/tmp" -Djna.library.path="$wd/cudart" -Dorg.slf4j.simpleLogger.showDateTime=true
    -Dorg.slf4j.simpleLogger.log.ai.djl.pytorch.jni.LibUtils=debug)
  echo "java env: PYTORCH_LIBRARY_PATH=$PYTORCH_LIBRARY_PATH PYTORCH_VERSION=$PYTORCH_VERSION" \
    "PYTORCH_FLAVOR=$PYTORCH_FLAVOR jni=$cache/0.32.0-libdjl_torch.so cudart=$cudart"
}

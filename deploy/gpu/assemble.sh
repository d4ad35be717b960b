#!/usr/bin/env bash
# shellcheck disable=SC2012,SC2015,SC2016,SC2086,SC2011,SC1091
# Assembles .gpu/ (git-ignored, never committed) in the project root for deploy/gpu/check.sh: a jlink'd JRE with the
# modules srlm's CLI needs without Spark, the CLI's jars, and DJL 0.32.0's JNI sources for the build on the GPU
# machine. See docs/gpu.md.
#
#   DJL_SRC=/path/to/djl deploy/gpu/assemble.sh [--spark-jars]
#
# DJL_SRC: a checkout of https://github.com/deepjavalibrary/djl at tag v0.32.0 (git clone --depth 1 --branch
#   v0.32.0 ...). Its engines/pytorch/pytorch-native/src/main/native and api/src/main/native are copied into
#   .gpu/djl-native (Apache-2.0; LICENSE and NOTICE go with them); the JNI header is generated here with javac -h
#   from its PyTorchLibrary.java (or taken from DJL_SRC/include if that folder already holds it).
# --spark-jars: also copy Spark/Delta/Hadoop jars (the loop phase); far over the 64 MiB a device call carries, so
#   only for machines where .gpu/ does not travel (the CPU rehearsal runs bin/srlm instead).
# Environment: JAVA_HOME (a Linux x86-64 JDK 17+ with jmods), MVN_FLAGS (e.g. -o).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
G=$ROOT/.gpu
say() { echo "assemble: $*"; }
die() { echo "assemble: ERROR: $*" >&2; exit 1; }
SPARK=0
[[ ${1:-} == --spark-jars ]] && SPARK=1

if [[ -z ${JAVA_HOME:-} ]]; then
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
fi
for t in javac jlink jar; do [[ -x $JAVA_HOME/bin/$t ]] || die "$JAVA_HOME/bin/$t missing (need a full JDK 17+)"; done

CPF=$ROOT/jobs/target/classpath.txt
V=0.1.0-SNAPSHOT
if [[ ! -f $CPF || ! -f $ROOT/jobs/target/srlm-jobs-$V.jar || ! -f $ROOT/common/target/srlm-common-$V.jar ]]; then
  say "building the jars: mvn -q -B -DskipTests package"
  # shellcheck disable=SC2086
  (cd "$ROOT" && mvn -q -B -DskipTests ${MVN_FLAGS:-} package) || die "maven build failed"
fi

EX=$(cd "$ROOT" && git rev-parse --git-path info/exclude)
grep -qxF '/.gpu/' "$EX" 2>/dev/null || echo '/.gpu/' >> "$EX"
[[ -z $(cd "$ROOT" && git ls-files -- .gpu | head -1) ]] || die ".gpu/ has tracked files; it must stay out of git"
rm -rf "$G" && mkdir -p "$G/lib"

# --- DJL's JNI sources (built on the GPU machine by build_jni.sh) ------------------------------------------------
if [[ -n ${DJL_SRC:-} ]]; then
  N=$G/djl-native
  NAT=engines/pytorch/pytorch-native/src/main/native
  [[ -d $DJL_SRC/$NAT ]] || die "DJL_SRC=$DJL_SRC has no $NAT (clone deepjavalibrary/djl at tag v0.32.0)"
  mkdir -p "$N/$NAT" "$N/api/src/main/native/djl" "$N/include" "$N/jni"
  cp "$DJL_SRC/$NAT"/*.cc "$DJL_SRC/$NAT"/*.h "$N/$NAT/"
  cp "$DJL_SRC/api/src/main/native/djl/utils.h" "$N/api/src/main/native/djl/"
  cp "$DJL_SRC/LICENSE" "$DJL_SRC/NOTICE" "$N/" 2>/dev/null || true
  H=ai_djl_pytorch_jni_PyTorchLibrary.h
  if [[ -f $DJL_SRC/include/$H ]]; then
    cp "$DJL_SRC/include/$H" "$N/include/"
  else
    DJLCP=$(tr ':' '\n' < "$CPF" | grep -E '/ai/djl/(api|pytorch/pytorch-engine)/' | paste -sd: -)
    "$JAVA_HOME/bin/javac" -h "$N/include" -d "$(mktemp -d)" -cp "$DJLCP" \
      "$DJL_SRC/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java" ||
      die "javac -h on DJL's PyTorchLibrary.java failed"
  fi
  cp "$JAVA_HOME/include/jni.h" "$JAVA_HOME/include/linux/jni_md.h" "$N/jni/"
  say "DJL JNI sources: $(ls "$N/$NAT"/*.cc | wc -l) files, header exports $(grep -c '^JNIEXPORT' "$N/include/$H")"
else
  say "WARNING: DJL_SRC unset: no .gpu/djl-native (the GPU run needs it; the CPU rehearsal does not)"
fi

# --- jars: the CLI without Spark (engine, tokenizer, jinjava, picocli, config) ------------------------------------
PAT='/ai/djl/api/|/ai/djl/pytorch/pytorch-engine/|/com/fasterxml/jackson/|/com/google/code/gson/|/net/java/dev/jna/'
PAT="$PAT|/org/slf4j/slf4j-api/|/ai/djl/huggingface/tokenizers/|/com/hubspot/jinjava/|/com/google/guava/"
PAT="$PAT|/org/javassist/|/com/google/re2j/|/org/apache/commons/commons-lang3/|/commons-net/|/com/googlecode/java-ipv6/"
PAT="$PAT|/ch/obermuhlner/|/org/jsoup/|/de/odysseus/juel/|/org/yaml/snakeyaml/|/info/picocli/|/com/typesafe/config/"
((SPARK)) && PAT="$PAT|/org/apache/|/org/scala-lang/|/io/delta/|/org/json4s/|/com/esotericsoftware/|/io/netty/"
cp "$ROOT/jobs/target/srlm-jobs-$V.jar" "$ROOT/common/target/srlm-common-$V.jar" "$G/lib/"
tr ':' '\n' < "$CPF" | grep -E "$PAT" | grep -v '/srlm-' | while read -r j; do cp "$j" "$G/lib/"; done
((SPARK)) || rm -f "$G"/lib/jackson-module-scala_*.jar "$G"/lib/jackson-dataformat-cbor-*.jar # Spark's, not ours
SIMPLE=$(ls "$HOME"/.m2/repository/org/slf4j/slf4j-simple/2.*/slf4j-simple-2.*.jar 2>/dev/null | sort -V | tail -1)
[[ -n $SIMPLE ]] && cp "$SIMPLE" "$G/lib/" || say "WARNING: no slf4j-simple in ~/.m2: DJL's log lines will be missing"

# keep one platform's natives in the JNA and tokenizers jars: slim JAR KEEP_DIR_REGEX DROP_DIR_REGEX
slim() {
  local t
  t=$(mktemp -d)
  (cd "$t" && "$JAVA_HOME/bin/jar" xf "$1")
  find "$t" -depth -type d | grep -E "$3" | grep -vE "$2" | xargs -r rm -rf
  rm -f "$t"/META-INF/*.SF "$t"/META-INF/*.RSA "$t"/META-INF/*.DSA
  rm -f "$1" && "$JAVA_HOME/bin/jar" cfm "$1" "$t/META-INF/MANIFEST.MF" -C "$t" . && rm -rf "$t"
}
for j in "$G"/lib/jna-[0-9]*.jar; do [[ -f $j ]] && slim "$j" '/com/sun/jna/linux-x86-64$' '/com/sun/jna/[a-z0-9]+-[a-z0-9-]+$'; done
for j in "$G"/lib/tokenizers-[0-9]*.jar; do [[ -f $j ]] && slim "$j" '/native/lib/linux-x86_64(/|$)' '/native/lib/[^/]+$'; done

# --- the JRE: java.desktop because jinjava (chat templates) uses java.beans ------------------------------------------
MODS=java.base,java.logging,java.management,jdk.management,jdk.unsupported,java.desktop
((SPARK)) && MODS=$MODS,java.security.jgss,jdk.management,java.instrument,java.compiler,jdk.jdwp.agent,java.net.http
# java.beans needs none of java.desktop's AWT/sound/image natives: leaving them out keeps .gpu/ under the limit
AWT=$(printf '**/lib%s.so,' awt awt_xawt awt_headless fontmanager freetype javajpeg jsound lcms mlib_image splashscreen)
"$JAVA_HOME/bin/jlink" --add-modules "$MODS" --output "$G/jre" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --exclude-files="${AWT%,}" 2>/dev/null || die "jlink failed (a JDK without jmods? install openjdk-17-jmods or use Temurin)"
command -v strip > /dev/null && strip --strip-unneeded "$G/jre/lib/server/libjvm.so" || true
mib() { du -sm "$1" | cut -f1; }
say "modules: $MODS"
say "sizes (MiB): jre $(mib "$G/jre"), lib $(mib "$G/lib"), .gpu $(mib "$G") (a device call carries 64 MiB in all)"

# shellcheck shell=bash
# Shared by spark-submit-gpu.sh and spark-submit-cpu.sh. Sourced, never run on its own.
#
# The caller sets SRLM_FLAVOUR (gpu | cpu) and SRLM_SCRIPT (its own path), then calls srlm_submit "$@".
# The JDK 17 flags are read from conf/jvm.properties (keys srlm.jvm.opens and srlm.jvm.djl): that file is the one
# place they live, so nothing here spells them out.

# One per step registry row (io.srlm.registry.StepRegistry) that has its own, the generic StepJob, the report and
# the loop (checked by a test).
SRLM_JOB_CLASSES=(LoadSeedJob BaseModelJob TrainSftJob GeneratePromptsJob SampleResponsesJob JudgeResponsesJob
  JudgePairwiseJob ScoreRewardsJob BuildPreferencePairsJob SpinGenerateJob BuildSpinPairsJob TrainDpoJob
  EvaluateJudgeJob EvaluateTasksJob HeadToHeadJob StepJob WriteReportJob RunLoopJob)
SRLM_JOB_PACKAGE=io.srlm.jobs
SRLM_CLI_CLASS=io.srlm.cli.Srlm

srlm_die() {
  echo "$(basename "${SRLM_SCRIPT:-$0}"): $*" >&2
  exit 2
}

srlm_usage() {
  local gpu_only=""
  if [[ $SRLM_FLAVOUR == gpu ]]; then
    gpu_only="
  GPU_DISCOVERY_SCRIPT  discovery script shipped with --files  [deploy/gpu-discovery.sh]
  EXECUTOR_GPUS         spark.executor.resource.gpu.amount     [1]
  TASK_GPUS             spark.task.resource.gpu.amount         [1]"
  fi
  cat <<EOF
Usage: $(basename "$SRLM_SCRIPT") [--dry-run] [--conf KEY=VALUE]... [JOB] [JOB ARGS...]

Submits one srlm job with spark-submit to a ${SRLM_FLAVOUR^^} cluster.

JOB        a job class of package ${SRLM_JOB_PACKAGE} (default RunLoopJob):
           ${SRLM_JOB_CLASSES[*]}
           or a fully qualified class name, e.g. ${SRLM_CLI_CLASS} (then the first JOB ARG is the verb).
JOB ARGS   passed to the job unchanged (--run-id, --stage, --set, --config, ...). The script adds
           --conf-dir (unless given) and puts its profile first in --profile (PROFILE below).

Options (before JOB):
  --dry-run            print the command instead of running it (also DRY_RUN=1)
  --conf KEY=VALUE     an extra Spark setting, repeatable; it wins over the script's own settings
  -h, --help           this text

Environment [default]:
  SRLM_HOME             the srlm checkout                      [the folder above deploy/]
  SPARK_HOME            Spark installation                     [/opt/spark]
  SPARK_SUBMIT          the submit command, may be several words, e.g.
                        "java -cp CLASSPATH org.apache.spark.deploy.SparkSubmit"
                                                               [\$SPARK_HOME/bin/spark-submit]
  MASTER                --master                               [${SRLM_DEFAULT_MASTER}]
  DEPLOY_MODE           client | cluster                       [client]
  JAR                   the shaded jar                         [jobs/target/srlm-jobs-*-spark.jar]
  PROFILE               srlm profile(s) put first              [${SRLM_DEFAULT_PROFILE:-none}]
  CONF_DIR              srlm conf folder (local)               [\$SRLM_HOME/conf]
  DRIVER_CONF_DIR       --conf-dir as the driver sees it       [CONF_DIR; cluster mode: shipped with --archives]
  JVM_PROPERTIES        where the JVM flags are read           [\$SRLM_HOME/conf/jvm.properties]
  EXTRA_JAVA_OPTS       appended to driver and executor JVM options
  DRIVER_MEMORY         --driver-memory                        [${SRLM_DEFAULT_DRIVER_MEMORY}]
  EXECUTOR_MEMORY       --executor-memory                      [${SRLM_DEFAULT_EXECUTOR_MEMORY}]
  EXECUTOR_MEMORY_OVERHEAD  spark.executor.memoryOverhead (native model memory lives here)
                                                               [${SRLM_DEFAULT_OVERHEAD}]
  EXECUTOR_CORES        --executor-cores                       [${SRLM_DEFAULT_EXECUTOR_CORES}]
  NUM_EXECUTORS         executors (spark.executor.instances; on spark:// masters
                        --total-executor-cores = NUM_EXECUTORS x EXECUTOR_CORES)  [2]
  EXECUTOR_DJL_CACHE_DIR  DJL_CACHE_DIR of each executor, a local scratch path  [/tmp/srlm-djl-cache]
  DRIVER_DJL_CACHE_DIR  DJL_CACHE_DIR of the driver            [\$DJL_CACHE_DIR or /tmp/srlm-djl-cache]
  PACKAGES              --packages (empty: none)               [${SRLM_DEFAULT_PACKAGES}]
  JARS                  --jars, comma-separated local jars (the offline alternative to PACKAGES)
  REPOSITORIES          --repositories for PACKAGES
  EXTRA_CONF            extra Spark settings, one KEY=VALUE per line (before --conf options)
  DRY_RUN               1: print the command only${gpu_only}

Offline clusters: PACKAGES= JARS=/jars/delta-spark_2.12-3.3.3.jar,/jars/delta-storage-3.3.3.jar,\\
  /jars/hadoop-aws-3.3.4.jar,/jars/aws-java-sdk-bundle-1.12.262.jar
EOF
}

# The value of KEY in a Java properties file: 'key=value' or 'key: value' lines, '#'/'!' comments, and values
# continued over lines ending in a backslash.
srlm_prop() {
  local file=$1 key=$2 value
  [[ -r $file ]] || srlm_die "cannot read $file (set JVM_PROPERTIES)"
  value=$(awk -v key="$key" '
    function finish(v) { sub(/[ \t\r]+$/, "", v); print v; found = 1; exit }
    more { line = $0; sub(/^[ \t]+/, "", line); c = sub(/\\$/, "", line); val = val line; if (!c) finish(val); next }
    /^[ \t]*([#!]|$)/ { next }
    {
      line = $0; sub(/^[ \t]+/, "", line)
      k = line; sub(/[ \t]*[=:].*$/, "", k)
      if (k != key) next
      v = line; sub(/^[^=:]*[=:][ \t]*/, "", v)
      more = sub(/\\$/, "", v); val = v
      if (!more) finish(val)
    }
    END { if (more && !found) { sub(/[ \t\r]+$/, "", val); print val } }
  ' "$file")
  [[ -n $value ]] || srlm_die "$key is missing or empty in $file"
  printf '%s\n' "$value"
}

srlm_main_class() {
  local name=$1 j
  if [[ $name == *.* ]]; then
    printf '%s\n' "$name"
    return
  fi
  for j in "${SRLM_JOB_CLASSES[@]}"; do
    if [[ $j == "$name" ]]; then
      printf '%s.%s\n' "$SRLM_JOB_PACKAGE" "$j"
      return
    fi
  done
  srlm_die "unknown job '$name'; use one of: ${SRLM_JOB_CLASSES[*]} (or a fully qualified class name)"
}

srlm_find_jar() {
  if [[ -n ${JAR:-} ]]; then
    printf '%s\n' "$JAR"
    return
  fi
  local jars=()
  local f
  for f in "$SRLM_HOME"/jobs/target/srlm-jobs-*-spark.jar; do
    [[ -e $f ]] && jars+=("$f")
  done
  if ((${#jars[@]} == 0)); then
    srlm_die "no jobs/target/srlm-jobs-*-spark.jar under $SRLM_HOME: build it (mvn -DskipTests package) or set JAR"
  fi
  if ((${#jars[@]} > 1)); then
    srlm_die "several shaded jars under $SRLM_HOME/jobs/target (${jars[*]}): set JAR"
  fi
  printf '%s\n' "${jars[0]}"
}

# "base" put first in a comma-separated profile list, unless it is already there.
srlm_merge_profile() {
  local base=$1 given=$2
  if [[ -z $base ]]; then
    printf '%s\n' "$given"
  elif [[ -z $given ]]; then
    printf '%s\n' "$base"
  elif [[ ",$given," == *",$base,"* ]]; then
    printf '%s\n' "$given"
  else
    printf '%s,%s\n' "$base" "$given"
  fi
}

srlm_submit() {
  : "${SRLM_FLAVOUR:?}" "${SRLM_SCRIPT:?}"
  local script_dir
  script_dir=$(cd "$(dirname "$SRLM_SCRIPT")" && pwd)
  SRLM_HOME=${SRLM_HOME:-$(cd "$script_dir/.." && pwd)}

  local dry_run=${DRY_RUN:-0}
  local -a cli_conf=()
  while (($#)); do
    case $1 in
      -h | --help)
        srlm_usage
        exit 0
        ;;
      --dry-run)
        dry_run=1
        shift
        ;;
      --conf)
        (($# >= 2)) || srlm_die "--conf needs KEY=VALUE"
        cli_conf+=("$2")
        shift 2
        ;;
      --conf=*)
        cli_conf+=("${1#--conf=}")
        shift
        ;;
      --)
        shift
        break
        ;;
      *) break ;;
    esac
  done

  local job=RunLoopJob
  if (($#)) && [[ $1 != -* ]]; then
    job=$1
    shift
  fi
  local main_class
  main_class=$(srlm_main_class "$job")

  # ---- settings ----
  local spark_home=${SPARK_HOME:-/opt/spark}
  local master=${MASTER:-$SRLM_DEFAULT_MASTER}
  local deploy_mode=${DEPLOY_MODE:-client}
  local profile=${PROFILE-$SRLM_DEFAULT_PROFILE}
  local conf_dir=${CONF_DIR:-$SRLM_HOME/conf}
  local jvm_properties=${JVM_PROPERTIES:-$SRLM_HOME/conf/jvm.properties}
  local num_executors=${NUM_EXECUTORS:-2}
  local executor_cores=${EXECUTOR_CORES:-$SRLM_DEFAULT_EXECUTOR_CORES}
  local executor_cache=${EXECUTOR_DJL_CACHE_DIR:-/tmp/srlm-djl-cache}
  local driver_cache=${DRIVER_DJL_CACHE_DIR:-${DJL_CACHE_DIR:-/tmp/srlm-djl-cache}}
  local packages=${PACKAGES-$SRLM_DEFAULT_PACKAGES}
  [[ $deploy_mode == client || $deploy_mode == cluster ]] || srlm_die "DEPLOY_MODE must be client or cluster"
  [[ $num_executors =~ ^[0-9]+$ && $executor_cores =~ ^[0-9]+$ ]] ||
    srlm_die "NUM_EXECUTORS and EXECUTOR_CORES must be whole numbers"

  local jar
  jar=$(srlm_find_jar)
  if [[ $dry_run != 1 && ! -f $jar ]]; then
    srlm_die "jar not found: $jar"
  fi

  local opens djl
  opens=$(srlm_prop "$jvm_properties" srlm.jvm.opens)
  djl=$(srlm_prop "$jvm_properties" srlm.jvm.djl)
  local driver_java="$opens $djl -DDJL_CACHE_DIR=$driver_cache${EXTRA_JAVA_OPTS:+ $EXTRA_JAVA_OPTS}"
  local executor_java="$opens $djl -DDJL_CACHE_DIR=$executor_cache${EXTRA_JAVA_OPTS:+ $EXTRA_JAVA_OPTS}"

  # ---- the submit command ----
  local -a submit
  read -r -a submit <<<"${SPARK_SUBMIT:-$spark_home/bin/spark-submit}"
  ((${#submit[@]})) || srlm_die "SPARK_SUBMIT is empty"
  # A plain 'java ... SparkSubmit' in client mode *is* the driver JVM: spark.driver.extraJavaOptions cannot reach
  # it any more, so the driver flags go on that java command itself.
  if [[ $(basename "${submit[0]}") == java && $deploy_mode == client ]]; then
    local -a driver_words
    read -r -a driver_words <<<"$driver_java"
    submit=("${submit[0]}" "${driver_words[@]}" "${submit[@]:1}")
  fi

  local -a cmd=("${submit[@]}"
    --master "$master"
    --deploy-mode "$deploy_mode"
    --name "srlm-${job##*.}"
    --class "$main_class"
    --driver-memory "${DRIVER_MEMORY:-$SRLM_DEFAULT_DRIVER_MEMORY}"
    --executor-memory "${EXECUTOR_MEMORY:-$SRLM_DEFAULT_EXECUTOR_MEMORY}"
    --executor-cores "$executor_cores")
  case $master in
    spark://*) cmd+=(--total-executor-cores "$((num_executors * executor_cores))") ;;
    local*) ;;
    *) cmd+=(--conf "spark.executor.instances=$num_executors") ;;
  esac
  cmd+=(
    --conf "spark.driver.extraJavaOptions=$driver_java"
    --conf "spark.executor.extraJavaOptions=$executor_java"
    --conf "spark.executorEnv.DJL_CACHE_DIR=$executor_cache"
    --conf "spark.executor.memoryOverhead=${EXECUTOR_MEMORY_OVERHEAD:-$SRLM_DEFAULT_OVERHEAD}"
    --conf "spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension"
    --conf "spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog"
    # Each executor caches the models it loaded; keep executors for the whole job.
    --conf "spark.dynamicAllocation.enabled=false")
  case $master in
    yarn*) cmd+=(--conf "spark.yarn.appMasterEnv.DJL_CACHE_DIR=$driver_cache") ;;
    k8s://*) cmd+=(--conf "spark.kubernetes.driverEnv.DJL_CACHE_DIR=$driver_cache") ;;
  esac

  if [[ $SRLM_FLAVOUR == gpu ]]; then
    local discovery=${GPU_DISCOVERY_SCRIPT:-$script_dir/gpu-discovery.sh}
    [[ $dry_run == 1 || -r $discovery ]] || srlm_die "GPU discovery script not found: $discovery"
    cmd+=(
      --files "$discovery"
      --conf "spark.executor.resource.gpu.amount=${EXECUTOR_GPUS:-1}"
      --conf "spark.task.resource.gpu.amount=${TASK_GPUS:-1}"
      --conf "spark.executor.resource.gpu.discoveryScript=./$(basename "$discovery")")
    if [[ $master == k8s://* ]]; then
      cmd+=(--conf "spark.executor.resource.gpu.vendor=nvidia.com")
    fi
  fi

  if [[ -n $packages ]]; then
    cmd+=(--packages "$packages")
  fi
  if [[ -n ${REPOSITORIES:-} ]]; then
    cmd+=(--repositories "$REPOSITORIES")
  fi
  if [[ -n ${JARS:-} ]]; then
    cmd+=(--jars "$JARS")
  fi

  # The srlm conf folder as the driver sees it. In cluster mode the driver runs elsewhere: ship the local folder.
  local driver_conf_dir=${DRIVER_CONF_DIR:-}
  local tmp_dir=""
  if [[ -z $driver_conf_dir ]]; then
    if [[ $deploy_mode == cluster ]]; then
      [[ $master != spark://* ]] ||
        srlm_die "standalone cluster mode cannot ship files to the driver: put conf/ on every node and set DRIVER_CONF_DIR"
      [[ -d $conf_dir ]] || srlm_die "CONF_DIR is not a folder: $conf_dir"
      tmp_dir=$(mktemp -d)
      # shellcheck disable=SC2064  # expand now: tmp_dir is local
      trap "rm -rf '$tmp_dir'" EXIT
      tar -czf "$tmp_dir/srlm-conf.tgz" -C "$conf_dir" .
      cmd+=(--archives "$tmp_dir/srlm-conf.tgz#srlm-conf")
      driver_conf_dir=srlm-conf
    else
      driver_conf_dir=$conf_dir
    fi
  fi

  local kv
  if [[ -n ${EXTRA_CONF:-} ]]; then
    while IFS= read -r kv; do
      if [[ -n ${kv//[[:space:]]/} ]]; then
        cmd+=(--conf "$kv")
      fi
    done <<<"$EXTRA_CONF"
  fi
  for kv in "${cli_conf[@]}"; do
    cmd+=(--conf "$kv")
  done

  cmd+=("$jar")

  # ---- the job's own arguments ----
  local -a args=("$@") head=() rest=()
  # The CLI takes its verb first.
  if [[ $main_class == "$SRLM_CLI_CLASS" ]] && ((${#args[@]})) && [[ ${args[0]} != -* ]]; then
    head=("${args[0]}")
    args=("${args[@]:1}")
  fi
  local has_conf_dir=0 has_profile=0 i=0
  while ((i < ${#args[@]})); do
    local a=${args[i]}
    case $a in
      --conf-dir | --conf-dir=*)
        has_conf_dir=1
        rest+=("$a")
        ;;
      --profile)
        has_profile=1
        ((i + 1 < ${#args[@]})) || srlm_die "--profile needs a value"
        i=$((i + 1))
        rest+=(--profile "$(srlm_merge_profile "$profile" "${args[i]}")")
        ;;
      --profile=*)
        has_profile=1
        rest+=("--profile=$(srlm_merge_profile "$profile" "${a#--profile=}")")
        ;;
      *) rest+=("$a") ;;
    esac
    i=$((i + 1))
  done
  if ((!has_conf_dir)); then
    head+=(--conf-dir "$driver_conf_dir")
  fi
  if ((!has_profile)) && [[ -n $profile ]]; then
    head+=(--profile "$profile")
  fi
  cmd+=("${head[@]}" "${rest[@]}")

  if [[ $dry_run == 1 ]]; then
    # One option per line, with its value: easy to read, and still a command that can be pasted.
    local n=${#cmd[@]} j=0
    printf '%q' "${cmd[0]}"
    j=1
    while ((j < n)); do
      printf ' \\\n  %q' "${cmd[j]}"
      if [[ ${cmd[j]} == -* ]] && ((j + 1 < n)) && [[ ${cmd[j + 1]} != -* ]]; then
        printf ' %q' "${cmd[j + 1]}"
        j=$((j + 1))
      fi
      j=$((j + 1))
    done
    printf '\n'
    return 0
  fi

  # Client mode: the driver is started from here and inherits this environment.
  export DJL_CACHE_DIR=$driver_cache
  "${cmd[@]}"
}

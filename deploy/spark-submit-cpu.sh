#!/usr/bin/env bash
# Submits an srlm job (default RunLoopJob) to a CPU Spark cluster (standalone spark://, YARN, Kubernetes): the
# same as spark-submit-gpu.sh without the GPU settings and without a default profile. Run with -h for the settings.
#
#   MASTER=spark://head:7077 deploy/spark-submit-cpu.sh RunLoopJob --profile tiny \
#       --set storage.table_root=/shared/srlm/tables --set storage.model_root=/shared/srlm/models
#   SPARK_SUBMIT="java -cp $(cat jobs/target/classpath.txt) org.apache.spark.deploy.SparkSubmit" \
#       MASTER=spark://127.0.0.1:7077 PACKAGES= deploy/spark-submit-cpu.sh LoadSeedJob --run-id r1
set -euo pipefail

SRLM_SCRIPT=${BASH_SOURCE[0]}
SRLM_FLAVOUR=cpu
SRLM_DEFAULT_MASTER=yarn
SRLM_DEFAULT_PROFILE=
SRLM_DEFAULT_DRIVER_MEMORY=4g
SRLM_DEFAULT_EXECUTOR_MEMORY=6g
SRLM_DEFAULT_OVERHEAD=2g
SRLM_DEFAULT_EXECUTOR_CORES=4
SRLM_DEFAULT_PACKAGES=io.delta:delta-spark_2.12:3.3.3,org.apache.hadoop:hadoop-aws:3.3.4

# shellcheck source-path=SCRIPTDIR source=submit-common.sh
source "$(dirname "$SRLM_SCRIPT")/submit-common.sh"
srlm_submit "$@"

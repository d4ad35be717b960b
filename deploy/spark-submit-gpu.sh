#!/usr/bin/env bash
# Submits an srlm job (default RunLoopJob) to a Spark cluster with one GPU per executor: every model-holding task
# gets a whole GPU. Run with -h for the settings; deploy/README.md has examples.
#
#   deploy/spark-submit-gpu.sh                       # the whole loop, profile gpu-cluster
#   deploy/spark-submit-gpu.sh TrainDpoJob --run-id run-1 --stage 2
#   MASTER=yarn DEPLOY_MODE=cluster deploy/spark-submit-gpu.sh --dry-run RunLoopJob --set loop.iterations=2
#
# Build the jar with CUDA natives first: mvn -Pcuda -DskipTests package
set -euo pipefail

SRLM_SCRIPT=${BASH_SOURCE[0]}
SRLM_FLAVOUR=gpu
SRLM_DEFAULT_MASTER=yarn
SRLM_DEFAULT_PROFILE=gpu-cluster
SRLM_DEFAULT_DRIVER_MEMORY=16g
SRLM_DEFAULT_EXECUTOR_MEMORY=32g
SRLM_DEFAULT_OVERHEAD=24g
SRLM_DEFAULT_EXECUTOR_CORES=8
SRLM_DEFAULT_PACKAGES=io.delta:delta-spark_2.12:3.3.3,org.apache.hadoop:hadoop-aws:3.3.4

# shellcheck source-path=SCRIPTDIR source=submit-common.sh
source "$(dirname "$SRLM_SCRIPT")/submit-common.sh"
srlm_submit "$@"

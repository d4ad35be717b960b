/*
 * Preloaded by bin/srlm (LD_PRELOAD) so that the MKL inside libtorch picks its code path from the CPU's features
 * (CPUID: AVX2, AVX-512) instead of its vendor string. Without it MKL runs its generic path on AMD CPUs: on the
 * 2-core AMD EPYC VM of docs/performance.md the lm_head's sgemv ran at ~14 GB/s instead of ~23 (the machine's
 * streaming rate), training was 1.55x slower and batch-32 decode 1.49x slower. On Intel CPUs MKL answers the same
 * thing itself, so this changes nothing there. Opt out with SRLM_MKL_SHIM=0.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }

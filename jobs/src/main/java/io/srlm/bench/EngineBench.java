package io.srlm.bench;

import ai.djl.pytorch.jni.JniUtils;
import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.model.Devices;
import io.srlm.model.GenerationRequest;
import io.srlm.model.Generator;
import io.srlm.model.ModelArch;
import io.srlm.model.SamplingParams;
import io.srlm.model.Scorer;
import io.srlm.util.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code srlm bench engine}: the engine's fp32 matmul rate (the ceiling), its per-op overhead, then generation
 * (prefill and decode, sampled with T=0.7/top-p 0.9 and greedy) and scoring throughput at several batch sizes for
 * the built-in tiny model and a ~20M random Llama, each as a fraction of the ceiling in model FLOPs, and
 * generation at 1 vs 2 intra-op threads.
 */
public final class EngineBench {
  public static final String TINY = "tiny";
  public static final String MEDIUM = "20m";
  public static final String D512 = "d512";
  public static final String STORIES = "stories15m";
  public static final String TINYLLAMA = "tinyllama";
  /** The model names the engine and train benches accept. */
  public static final List<String> MODELS = List.of(TINY, MEDIUM, D512, STORIES, TINYLLAMA);
  static final double TEMPERATURE = 0.7;
  static final double TOP_P = 0.9;

  private EngineBench() {}

  /**
   * @param threads intra-op threads; 0 = engine.threads from the config (0 there = the engine's default)
   * @param batchSizes batch sizes for generation and scoring
   * @param newTokens tokens generated per row (at least 2: decode is timed as the difference to a 1-token run)
   * @param promptTokens prompt length of each generation row
   * @param scoreTokens sequence length of each scored row (half prompt, half completion)
   * @param longTokens generated tokens of the decode-length check (0 = skip it)
   * @param matmulSize n of the n^3 ceiling matmul
   * @param models which models: tiny and/or 20m
   * @param compareThreads also measure 1 vs 2 threads (generation at batch 8)
   * @param peakGflopsPerCore physical fp32 peak per core for the "% of peak" column; 0 = no such column
   * @param tinyModel an existing model directory to use as "tiny" (null: create the built-in tiny model)
   * @param device cpu, cuda[:N] or auto (engine.device semantics)
   * @param dtype f32, f16 or auto (f16 on CUDA, f32 on the CPU)
   * @param decoderRounds alternating rounds of scripted vs engine-op greedy decode (0 = skip)
   * @param peerCommand a peer decoder run once per decoder round (null = none)
   * @param samplingRounds alternating rounds of sampled vs greedy decode (0 = skip)
   * @param projectionRounds alternating rounds of greedy decode with joined vs separate projections (0 = skip)
   */
  public record Options(int threads, List<Integer> batchSizes, int newTokens, int promptTokens, int scoreTokens,
      int longTokens, int matmulSize, List<String> models, int warmup, int reps, boolean compareThreads,
      double peakGflopsPerCore, Path tinyModel, String device, String dtype, int decoderRounds, String peerCommand,
      int samplingRounds, int projectionRounds) {
    public Options {
      check(projectionRounds >= 0, "--projection-rounds", "must be 0 (skip) or more", projectionRounds);
      check(samplingRounds >= 0, "--sampling-rounds", "must be 0 (skip) or more", samplingRounds);
      check(decoderRounds >= 0, "--decoder-rounds", "must be 0 (skip) or more", decoderRounds);
      check(peerCommand == null || decoderRounds > 0, "--peer-cmd", "runs once per --decoder-rounds round: give "
          + "--decoder-rounds N too", peerCommand);
      checkDevice(device);
      check(List.of("f32", "f16", "auto").contains(dtype), "--dtype", "must be f32, f16 or auto", dtype);
      batchSizes = List.copyOf(batchSizes);
      models = List.copyOf(models);
      check(newTokens >= 2, "--new-tokens", "must be at least 2 (decode is timed against a 1-token run)", newTokens);
      check(promptTokens >= 1, "--prompt-tokens", "must be at least 1", promptTokens);
      check(scoreTokens >= 2, "--score-tokens", "must be at least 2", scoreTokens);
      check(longTokens == 0 || longTokens > newTokens, "--long-tokens", "must be 0 or more than --new-tokens",
          longTokens);
      check(matmulSize >= 1, "--matmul-size", "must be at least 1", matmulSize);
      check(reps >= 1, "--reps", "must be at least 1", reps);
      check(warmup >= 0, "--warmup", "must be >= 0", warmup);
      check(!batchSizes.isEmpty() && batchSizes.stream().allMatch(b -> b >= 1), "--batch-sizes",
          "must be positive integers", batchSizes);
      checkModels(models);
    }
  }

  /** --device: cpu, cuda, cuda:N or auto. */
  static void checkDevice(String device) {
    check(List.of("cpu", "cuda", "auto").contains(device) || device.matches("cuda:\\d+"), "--device",
        "must be cpu, cuda, cuda:N or auto", device);
  }

  static void checkModels(List<String> models) {
    check(!models.isEmpty() && MODELS.containsAll(models), "--models", "must list some of " + MODELS, models);
  }

  static void check(boolean ok, String option, String requirement, Object value) {
    if (!ok) {
      throw Errors.configBadValue(option, "(command line)", requirement, value);
    }
  }

  /** Runs the bench; {@code scratch} is a folder for the tiny model (deleted afterwards by the caller). */
  public static BenchReport run(SrlmConfig cfg, Options o, Path scratch) {
    int configured = o.threads() > 0 ? o.threads() : cfg.engine().threads();
    Devices.threads(configured);
    Map<String, Object> machine = Machine.probe(configured);
    int threads = JniUtils.getNumThreads();
    int cores = Runtime.getRuntime().availableProcessors();
    BenchReport report = new BenchReport("engine", machine);

    Map<String, BenchModels.Loaded> loaded = new LinkedHashMap<>();
    try {
      for (String name : o.models()) {
        loaded.put(name, name.equals(TINY) ? tiny(cfg, o, scratch, configured)
            : BenchModels.random(name, BenchModels.randomArch(name), 17, o.device(), o.dtype()));
      }
      BenchModels.table(report, loaded.values());
      double overhead = MatmulBench.opOverheadMicros(1, 5);
      int n = o.matmulSize();
      MatmulBench.Rate ceil = MatmulBench.matmul(n, n, n, o.warmup(), Math.max(5, o.reps()));
      double ceiling = ceil.gflops();
      double peak = o.peakGflopsPerCore() * Math.min(threads, cores);
      BenchReport.Section mm = report.section("matmul ceiling (fp32, threads=" + threads + ")", "op",
          "shape (m x k x n)", "GFLOP/s", "% of ceiling", "GFLOP/CPU-s");
      mm.row("matMul", n + "x" + n + "x" + n, ceiling, 100.0, ceil.gflopsPerCpuSecond());
      for (BenchModels.Loaded m : loaded.values()) {
        ModelArch a = m.arch();
        long tokens = 512;
        mmRow(mm, m.name() + " mlp up, 512 tokens", tokens, a.hiddenSize(), a.intermediateSize(), o, ceiling);
        mmRow(mm, m.name() + " mlp up, 8 tokens", 8, a.hiddenSize(), a.intermediateSize(), o, ceiling);
        mmRow(mm, m.name() + " lm_head, 512 tokens", tokens, a.hiddenSize(), a.vocabSize(), o, ceiling);
      }
      mm.note(String.format("engine per-op overhead: %.1f us per tiny op (1-element add + free, through JNI)",
          overhead));
      mm.note("ceiling = the " + n + "^3 matMul at the configured threads (wall-clock GFLOP/s); model rows use "
          + "linear (x W^T), the model's own op; warmup " + o.warmup() + ", median of the samples; GFLOP/CPU-s "
          + "divides by process CPU time instead (on a shared machine it shows the rate while the bench ran)");
      if (peak > 0) {
        mm.note(String.format("physical peak given: %.0f GFLOP/s per core x %d threads = %.0f GFLOP/s; ceiling = "
            + "%.0f%% of it", o.peakGflopsPerCore(), Math.min(threads, cores), peak, 100 * ceiling / peak));
      }

      List<String> genCols = new ArrayList<>(List.of("model", "sampling", "batch", "prefill ms",
          "prefill tok/s", "ms/step",
          "decode tok/s", "e2e tok/s", "GFLOP/s", "% ceiling"));
      if (peak > 0) {
        genCols.add("% peak");
      }
      genCols.addAll(List.of("compute ms/step", "busy %", "tok/CPU-s", "% ceiling (CPU)", "peak MiB",
          "after MiB"));
      BenchReport.Section gen = report.section("generation (decode, threads=" + threads + ")",
          genCols.toArray(new String[0]));
      BenchReport.Section samp = report.section("sampled (T=0.7, top-p 0.9) vs greedy decode", "model", "device",
          "dtype", "batch", "sampled tok/s", "greedy tok/s", "sampled/greedy", "sampled/greedy (CPU)",
          "us/token (wall)", "us/token (CPU)", "% of sampled step (CPU)");
      for (BenchModels.Loaded m : loaded.values()) {
        for (int b : o.batchSizes()) {
          Decode greedy = decode(m, b, o.promptTokens(), o.newTokens(), true, o.warmup(), o.reps());
          Decode sampled = decode(m, b, o.promptTokens(), o.newTokens(), false, o.warmup(), o.reps());
          addGen(gen, m, "T=0.7 top-p 0.9", b, sampled, o, ceil, peak);
          addGen(gen, m, "greedy", b, greedy, o, ceil, peak);
          double wall = (1 / sampled.tokPerSec() - 1 / greedy.tokPerSec()) * 1e6;
          double cpu = (1 / sampled.tokPerCpuSec() - 1 / greedy.tokPerCpuSec()) * 1e6;
          samp.row(m.name(), m.model().manager().getDevice().toString(), m.model().dtype().toString(), b,
              sampled.tokPerSec(),
              greedy.tokPerSec(), sampled.tokPerSec() / greedy.tokPerSec(),
              sampled.tokPerCpuSec() / greedy.tokPerCpuSec(), wall, cpu,
              100 * (cpu / 1e6) * sampled.tokPerCpuSec());
        }
      }
      io.srlm.model.LlamaModel first = loaded.values().iterator().next().model();
      gen.note("decoder forward in generation: " + first.decoderForward()
          + " (-Dsrlm.decoder.script=false runs it as one engine call per op); projections: "
          + (first.joinsProjections() ? "q/k/v and gate/up joined (a copy per generate() call)"
              : "the model's separate matrices (no copy)")
          + " (-D" + io.srlm.model.LlamaModel.JOIN_PROPERTY + "=true joins; default false)");
      gen.note("prefill = generate() with 1 new token (the prompt's forward, building the KV cache, and one "
          + "sampled token); prefill tok/s = batch x prompt tokens / prefill time (the scoring table below is the "
          + "same forward at longer sequences)");
      gen.note("decode tok/s = batch x (new_tokens - 1) / (t(new_tokens) - t(1)): generate() with "
          + o.newTokens() + " new tokens minus generate() with 1 (prefill + first token), prompts of "
          + o.promptTokens() + " tokens, no EOS (every row runs to the end); e2e tok/s = batch x new_tokens / "
          + "t(new_tokens)");
      gen.note("GFLOP/s counts model FLOPs per decoded token = 2*N + 4*L*H*hd*ctx, ctx = prompt + new_tokens/2 "
          + "keys on average; % ceiling = GFLOP/s / matmul ceiling; compute ms/step = the step's model FLOPs at the "
          + "ceiling (the rest of ms/step is per-op overhead, sampling and memory traffic)");
      gen.note("busy % = process CPU time / (wall time x threads) while decoding: below ~95% the machine was "
          + "shared and wall-clock rates understate the engine; tok/CPU-s = decoded tokens per CPU-second (at one "
          + "thread, close to the idle-machine rate); % ceiling (CPU) = model GFLOP per CPU-second over the "
          + "ceiling's GFLOP/CPU-s, the ratio that survives a shared machine");
      samp.note("sampled/greedy = decode tok/s sampled over greedy at the same batch, measured once each, back to "
          + "back (a machine whose speed drifts moves this figure more than the sampler does: --sampling-rounds N "
          + "pairs them N times; the CPU-time ratio can read low where page faults are accounted oddly); "
          + "us/token = 1/(sampled decode rate) - 1/(greedy decode rate): what picking by temperature/top-p costs over argmax, per row per step (random "
          + "weights give near-uniform distributions, whose nucleus is most of the vocabulary: the worst case for "
          + "top-p)");
      gen.note("peak / after MiB: " + PeakMemory.describe(loaded.values().iterator().next().model().manager()
          .getDevice()));

      if (o.samplingRounds() > 0) {
        samplingAb(report, loaded.values(), o);
      }
      if (o.projectionRounds() > 0) {
        projectionAb(report, loaded.values(), o);
      }
      if (o.decoderRounds() > 0) {
        decoderAb(report, loaded.values(), o);
      }

      if (o.longTokens() > 0) {
        BenchReport.Section len = report.section("decode length scaling (greedy, batch 8)", "model",
            "new tokens", "decode tok/s", "ms/step", "tok/CPU-s", "FLOPs-predicted tok/CPU-s");
        for (BenchModels.Loaded m : loaded.values()) {
          Decode s = decode(m, 8, o.promptTokens(), o.newTokens(), true, o.warmup(), o.reps());
          Decode l = decode(m, 8, o.promptTokens(), o.longTokens(), true, 0, o.reps());
          ModelArch a = m.arch();
          double fs = Flops.forwardPerToken(a, o.promptTokens() + o.newTokens() / 2.0);
          double fl = Flops.forwardPerToken(a, o.promptTokens() + o.longTokens() / 2.0);
          len.row(m.name(), o.newTokens(), s.tokPerSec(), s.msPerStep(), s.tokPerCpuSec(), s.tokPerCpuSec());
          len.row(m.name(), o.longTokens(), l.tokPerSec(), l.msPerStep(), l.tokPerCpuSec(),
              s.tokPerCpuSec() * fs / fl);
        }
        len.note("FLOPs-predicted = the short run's rate scaled by its model FLOPs per token over the long run's "
            + "(attention grows with the context); a bigger drop means per-step costs that grow with the cache "
            + "length (the KV cache is re-concatenated every step, the mask rebuilt)");
      }

      List<String> scoreCols = new ArrayList<>(List.of("model", "batch", "tokens/call", "ms/call", "tok/s",
          "GFLOP/s", "% ceiling"));
      if (peak > 0) {
        scoreCols.add("% peak");
      }
      scoreCols.addAll(List.of("busy %", "tok/CPU-s", "% ceiling (CPU)"));
      BenchReport.Section score = report.section("scoring (teacher-forced log-probs, threads=" + threads + ")",
          scoreCols.toArray(new String[0]));
      for (BenchModels.Loaded m : loaded.values()) {
        for (int b : o.batchSizes()) {
          Timing.Sample t = scoreTime(m, b, o.scoreTokens(), o.warmup(), o.reps());
          double tokens = (double) b * o.scoreTokens();
          double tps = tokens / t.wall();
          double gf = tps * Flops.forwardPerTokenCausal(m.arch(), o.scoreTokens()) / 1e9;
          List<Object> row = new ArrayList<>(List.of(m.name(), b, b * o.scoreTokens(), t.wall() * 1e3, tps, gf,
              100 * gf / ceiling));
          if (peak > 0) {
            row.add(100 * gf / peak);
          }
          row.add(busyPercent(t.cpu(), t.wall(), threads));
          row.add(tokens / t.cpu());
          row.add(100 * tokens / t.cpu() * Flops.forwardPerTokenCausal(m.arch(), o.scoreTokens()) / 1e9
              / ceil.gflopsPerCpuSecond());
          score.row(row.toArray());
        }
      }
      score.note("rows of " + o.scoreTokens() + " tokens (" + o.scoreTokens() / 2 + " prompt + "
          + (o.scoreTokens() - o.scoreTokens() / 2) + " completion), one Scorer call per batch; tok/s counts "
          + "every token of the forward; model FLOPs per token = 2*N + 4*L*H*hd*(T+1)/2 (causal average)");

      if (o.compareThreads()) {
        BenchReport.Section th = report.section("threads: 1 vs 2 intra-op threads (batch 8)", "model", "threads",
            "matmul GFLOP/s", "decode tok/s (sampled)", "decode tok/s (greedy)", "score tok/s",
            "% of that ceiling (greedy)", "busy % (greedy)");
        try {
          for (BenchModels.Loaded m : loaded.values()) {
            for (int t : new int[] {1, 2}) {
              Devices.threads(t);
              double c = MatmulBench.matmul(n, n, n, o.warmup(), Math.max(3, o.reps())).gflops();
              Decode s = decode(m, 8, o.promptTokens(), o.newTokens(), false, o.warmup(), o.reps());
              Decode g = decode(m, 8, o.promptTokens(), o.newTokens(), true, o.warmup(), o.reps());
              Timing.Sample sc = scoreTime(m, 8, o.scoreTokens(), o.warmup(), o.reps());
              double gf = g.tokPerSec() * Flops.forwardPerToken(m.arch(), o.promptTokens() + o.newTokens() / 2.0)
                  / 1e9;
              th.row(m.name(), t, c, s.tokPerSec(), g.tokPerSec(), 8.0 * o.scoreTokens() / sc.wall(), 100 * gf / c,
                  g.busy());
            }
          }
        } finally {
          Devices.threads(threads);
        }
        th.note("threads set with JniUtils.setNumThreads on the bench thread; OMP_WAIT_POLICY="
            + envOr("OMP_WAIT_POLICY") + " (spinning OpenMP workers oversubscribe 2 cores, see the machine block); "
            + "busy % is against threads x wall time, so 2 threads at 50% means one core's worth of CPU");
      }
      return report;
    } finally {
      for (BenchModels.Loaded m : loaded.values()) {
        m.close();
      }
    }
  }

  private static void mmRow(BenchReport.Section mm, String label, long m, long k, long n, Options o,
      double ceiling) {
    MatmulBench.Rate r = MatmulBench.linear(m, k, n, o.warmup(), o.reps());
    mm.row(label, m + "x" + k + "x" + n, r.gflops(), 100 * r.gflops() / ceiling, r.gflopsPerCpuSecond());
  }

  private static String envOr(String k) {
    String v = System.getenv(k);
    return v == null ? "(unset)" : v;
  }

  private static BenchModels.Loaded tiny(SrlmConfig cfg, Options o, Path scratch, int threads) {
    Path dir = o.tinyModel();
    if (dir == null) {
      dir = scratch.resolve("tiny");
      FileTrees.delete(dir);
      BenchModels.createTiny(cfg, dir);
    } else if (!Files.isDirectory(dir)) {
      throw Errors.model(dir.toString(), "the --model directory does not exist", "pass an HF model directory");
    }
    return BenchModels.load(TINY, dir, threads, o.device(), o.dtype());
  }

  private static void addGen(BenchReport.Section gen, BenchModels.Loaded m, String sampling, int b, Decode d,
      Options o, MatmulBench.Rate ceil, double peak) {
    double ceiling = ceil.gflops();
    double flops = Flops.forwardPerToken(m.arch(), o.promptTokens() + o.newTokens() / 2.0);
    double gf = d.tokPerSec() * flops / 1e9;
    List<Object> row = new ArrayList<>(List.of(m.name(), sampling, b, d.prefill() * 1e3,
        b * o.promptTokens() / d.prefill(), d.msPerStep(),
        d.tokPerSec(), d.e2eTokPerSec(), gf, 100 * gf / ceiling));
    if (peak > 0) {
      row.add(100 * gf / peak);
    }
    row.add(b * flops / (ceiling * 1e9) * 1e3);
    row.add(d.busy());
    row.add(d.tokPerCpuSec());
    row.add(100 * d.tokPerCpuSec() * flops / 1e9 / ceil.gflopsPerCpuSecond());
    row.add(d.peakMib());
    row.add(d.afterMib());
    gen.row(row.toArray());
  }

  /** Timings of one generation setting: medians of generate() with 1 and with newTokens tokens. */
  record Decode(int batch, int newTokens, int threads, Timing.Sample one, Timing.Sample full, double peakMib,
      double afterMib) {
    double prefill() {
      return one.wall();
    }

    double decodeSeconds() {
      return full.wall() - one.wall();
    }

    double tokPerSec() {
      double d = decodeSeconds();
      return d > 0 ? batch * (newTokens - 1) / d : Double.NaN;
    }

    double msPerStep() {
      double d = decodeSeconds();
      return d > 0 ? d / (newTokens - 1) * 1e3 : Double.NaN;
    }

    double e2eTokPerSec() {
      return batch * newTokens / full.wall();
    }

    /** Decoded tokens per second of process CPU time. */
    double tokPerCpuSec() {
      double d = full.cpu() - one.cpu();
      return d > 0 ? batch * (newTokens - 1) / d : Double.NaN;
    }

    /** Process CPU time over wall time x threads while decoding, in %. */
    double busy() {
      return busyPercent(full.cpu() - one.cpu(), decodeSeconds(), threads);
    }
  }

  static double busyPercent(double cpu, double wall, int threads) {
    return wall > 0 && cpu > 0 ? 100 * cpu / (wall * threads) : Double.NaN;
  }

  /**
   * The decoder forward as one TorchScript call against the same forward as engine ops, in this process, in
   * alternating rounds (greedy decode): on a machine whose speed drifts between processes and minutes, the
   * per-round ratio is the figure to read.
   */
  private static void decoderAb(BenchReport report, java.util.Collection<BenchModels.Loaded> models, Options o) {
    BenchReport.Section ab = report.section("decoder forward: TorchScript vs engine ops (greedy, alternating "
        + "rounds)", "model", "batch", "round", "TorchScript tok/s", "engine ops tok/s", "ratio", "peer tok/s",
        "TorchScript / peer");
    for (BenchModels.Loaded m : models) {
      for (int b : o.batchSizes()) {
        List<Double> ratios = new ArrayList<>();
        List<Double> peerRatios = new ArrayList<>();
        try {
          for (int r = 1; r <= o.decoderRounds(); r++) {
            m.model().useScript(true);
            Decode s = decode(m, b, o.promptTokens(), o.newTokens(), true, o.warmup(), o.reps());
            m.model().useScript(false);
            Decode e = decode(m, b, o.promptTokens(), o.newTokens(), true, o.warmup(), o.reps());
            ratios.add(s.tokPerSec() / e.tokPerSec());
            double peer = o.peerCommand() == null ? Double.NaN : peerTokPerSec(o.peerCommand());
            if (!Double.isNaN(peer)) {
              peerRatios.add(s.tokPerSec() / peer);
            }
            ab.row(m.name(), b, r, s.tokPerSec(), e.tokPerSec(), s.tokPerSec() / e.tokPerSec(), peer,
                s.tokPerSec() / peer);
          }
        } finally {
          m.model().useDefaultForward();
        }
        ab.row(m.name(), b, "median", "", "", median(ratios), "", peerRatios.isEmpty() ? "" : median(peerRatios));
      }
    }
    ab.note("each round: decode with the scripted forward, then with engine ops (-Dsrlm.decoder.script=false), "
        + "each the generation table's measurement (median of --reps after --warmup); ratio = TorchScript / engine "
        + "ops tok/s in the round; both paths give the same numbers bit for bit (DecoderScriptTest)");
    if (o.peerCommand() != null) {
      ab.note("peer = `" + o.peerCommand() + "` run once per round right after the two decodes (bash -c; its "
          + "last \"tok/s\" figure), e.g. llama2.c's run.c on the same shape built outside the repository");
    }
  }

  /**
   * Sampled (T=0.7, top-p 0.9) against greedy decode, in this process, in alternating rounds: the table above
   * measures the two once each, minutes apart, and on a machine whose speed drifts the per-round ratio is the
   * figure to read.
   */
  private static void samplingAb(BenchReport report, java.util.Collection<BenchModels.Loaded> models, Options o) {
    BenchReport.Section ab = report.section("sampled vs greedy decode (alternating rounds)", "model", "batch",
        "round", "sampled tok/s", "greedy tok/s", "sampled/greedy");
    for (BenchModels.Loaded m : models) {
      for (int b : o.batchSizes()) {
        List<Double> ratios = new ArrayList<>();
        List<Double> sampledRates = new ArrayList<>();
        List<Double> greedyRates = new ArrayList<>();
        for (int r = 1; r <= o.samplingRounds(); r++) {
          Decode s = decode(m, b, o.promptTokens(), o.newTokens(), false, o.warmup(), o.reps());
          Decode g = decode(m, b, o.promptTokens(), o.newTokens(), true, o.warmup(), o.reps());
          sampledRates.add(s.tokPerSec());
          greedyRates.add(g.tokPerSec());
          ratios.add(s.tokPerSec() / g.tokPerSec());
          ab.row(m.name(), b, r, s.tokPerSec(), g.tokPerSec(), s.tokPerSec() / g.tokPerSec());
        }
        ab.row(m.name(), b, "median", median(sampledRates), median(greedyRates), median(ratios));
        ab.row(m.name(), b, "min / max", "", "", String.format("%.2f / %.2f", Collections.min(ratios),
            Collections.max(ratios)));
      }
    }
    ab.note("each round: sampled decode, then greedy, each the generation table's measurement (median of --reps "
        + "after --warmup); sampled/greedy = the two decode tok/s of the round");
  }

  /**
   * Generation with q/k/v and gate/up joined into one matrix each (a copy per generate() call) against the model's
   * separate matrices, greedy decode in alternating rounds: speed and the peak memory of each.
   */
  private static void projectionAb(BenchReport report, java.util.Collection<BenchModels.Loaded> models,
      Options o) {
    BenchReport.Section ab = report.section("projections in generation: joined vs separate (greedy, alternating "
        + "rounds)", "model", "batch", "round", "joined tok/s", "separate tok/s", "separate/joined",
        "joined prefill tok/s", "separate prefill tok/s", "prefill separate/joined", "joined peak MiB",
        "separate peak MiB");
    for (BenchModels.Loaded m : models) {
      for (int b : o.batchSizes()) {
        List<Double> ratios = new ArrayList<>();
        List<Double> prefillRatios = new ArrayList<>();
        try {
          for (int r = 1; r <= o.projectionRounds(); r++) {
            m.model().joinProjections(true);
            Decode j = decode(m, b, o.promptTokens(), o.newTokens(), true, o.warmup(), o.reps());
            m.model().joinProjections(false);
            Decode s = decode(m, b, o.promptTokens(), o.newTokens(), true, o.warmup(), o.reps());
            double jp = (double) b * o.promptTokens() / j.prefill();
            double sp = (double) b * o.promptTokens() / s.prefill();
            ratios.add(s.tokPerSec() / j.tokPerSec());
            prefillRatios.add(sp / jp);
            ab.row(m.name(), b, r, j.tokPerSec(), s.tokPerSec(), s.tokPerSec() / j.tokPerSec(), jp, sp, sp / jp,
                j.peakMib(), s.peakMib());
          }
        } finally {
          m.model().joinProjections(null);
        }
        ab.row(m.name(), b, "median", "", "", median(ratios), "", "", median(prefillRatios), "", "");
      }
    }
    ab.note("each round: decode with joined projections, then with separate ones, each the generation table's "
        + "measurement (median of --reps after --warmup; prefill tok/s = batch x prompt tokens / the 1-token "
        + "generate()); the model's default here: "
        + (models.iterator().next().model().joinsProjections() ? "joined" : "separate")
        + " (-D" + io.srlm.model.LlamaModel.JOIN_PROPERTY + "=true|false, default false); both give the same tokens "
        + "(DecoderScriptTest); peak MiB as in the generation table");
  }

  private static double median(List<Double> values) {
    return Timing.median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Runs the peer command and returns the last number that follows "tok/s" in its output (NaN if none). */
  static double peerTokPerSec(String command) {
    try {
      Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int code = p.waitFor();
      java.util.regex.Matcher mt = java.util.regex.Pattern.compile("tok/s:?\\s*([0-9]+(?:\\.[0-9]+)?)")
          .matcher(out);
      double last = Double.NaN;
      while (mt.find()) {
        last = Double.parseDouble(mt.group(1));
      }
      if (code != 0 || Double.isNaN(last)) {
        throw new IllegalStateException("--peer-cmd exited " + code + " without a \"tok/s\" figure; its output "
            + "ends: " + out.substring(Math.max(0, out.length() - 300)));
      }
      return last;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("--peer-cmd could not be started: " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while --peer-cmd ran", e);
    }
  }

  static Decode decode(BenchModels.Loaded m, int batch, int promptTokens, int newTokens, boolean greedy, int warmup,
      int reps) {
    ai.djl.Device device = m.model().manager().getDevice();
    PeakMemory.reset(device);
    Generator g = new Generator(m.model(), BenchModels.noEos(m.padId()), batch);
    List<GenerationRequest> one = requests(m, batch, promptTokens, params(greedy, 1));
    List<GenerationRequest> full = requests(m, batch, promptTokens, params(greedy, newTokens));
    for (int i = 0; i < warmup; i++) {
      // Both timed calls: the first call of a new shape or argument layout can re-specialise the TorchScript graph
      // (a joined/separate switch read 77 K tok/s when only the long call was warmed: t(1) took the hit).
      g.generate(one);
      g.generate(full);
    }
    int inner = Timing.repeatsFor(() -> g.generate(full));
    Timing.Sample[] t1 = new Timing.Sample[reps];
    Timing.Sample[] tn = new Timing.Sample[reps];
    for (int r = 0; r < reps; r++) {
      t1[r] = Timing.measure(inner, () -> g.generate(one));
      tn[r] = Timing.measure(inner, () -> g.generate(full));
    }
    double peak = PeakMemory.peakMib(device);
    return new Decode(batch, newTokens, JniUtils.getNumThreads(), Timing.median(t1), Timing.median(tn), peak,
        PeakMemory.afterMib(device));
  }

  static SamplingParams params(boolean greedy, int newTokens) {
    return greedy ? SamplingParams.greedy(newTokens) : new SamplingParams(TEMPERATURE, TOP_P, 0, newTokens,
        List.of());
  }

  static List<GenerationRequest> requests(BenchModels.Loaded m, int batch, int len, SamplingParams p) {
    List<GenerationRequest> out = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      out.add(new GenerationRequest(ids(m, new Random(1000 + i), len), 42 + i, p));
    }
    return out;
  }

  /** Random token ids that avoid the padding id and the first few (special) ids. */
  static int[] ids(BenchModels.Loaded m, Random r, int len) {
    int vocab = m.arch().vocabSize();
    int[] out = new int[len];
    for (int i = 0; i < len; i++) {
      int id;
      do {
        id = 3 + r.nextInt(Math.max(1, vocab - 3));
      } while (id == m.padId());
      out[i] = id;
    }
    return out;
  }

  static Timing.Sample scoreTime(BenchModels.Loaded m, int batch, int tokens, int warmup, int reps) {
    int p = tokens / 2;
    int c = tokens - p;
    List<int[]> prompts = new ArrayList<>();
    List<int[]> completions = new ArrayList<>();
    Random r = new Random(7);
    for (int i = 0; i < batch; i++) {
      prompts.add(ids(m, r, p));
      completions.add(ids(m, r, c));
    }
    Scorer s = new Scorer(m.model(), m.padId(), batch);
    return Timing.perCall(warmup, reps, () -> s.score(prompts, completions));
  }
}

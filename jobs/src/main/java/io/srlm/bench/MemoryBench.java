package io.srlm.bench;

import ai.djl.pytorch.jni.JniUtils;
import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.model.Devices;
import io.srlm.model.EngineOptions;
import io.srlm.model.LanguageModel;
import io.srlm.model.SamplingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code srlm bench memory}: many generate calls through the real path (chat template, tokenizer, batched
 * generation with sampling, decoding) on the tiny model, sampling the process's RSS, the Java heap and the live
 * NDArrays of the model's manager (sub-managers included) at fixed intervals. Flat means: the array count does not
 * move and RSS settles after the first interval.
 */
public final class MemoryBench {
  /** RSS may grow this much (or 5%, whichever is more) between the first and the last sample and still be flat. */
  static final long FLAT_SLACK_BYTES = 16L << 20;

  private MemoryBench() {}

  /**
   * @param calls generate calls in all
   * @param every sample memory every this many calls
   * @param batch prompts per generate call
   * @param model an HF model directory, or null to create the tiny model
   */
  public record Options(int threads, int calls, int every, int batch, int newTokens, Path model, String device,
      String dtype) {
    public Options {
      EngineBench.checkDevice(device);
      EngineBench.check(calls >= 1, "--calls", "must be at least 1", calls);
      EngineBench.check(every >= 1 && every <= calls, "--every", "must be between 1 and --calls", every);
      EngineBench.check(batch >= 1, "--batch", "must be at least 1", batch);
      EngineBench.check(newTokens >= 1, "--new-tokens", "must be at least 1", newTokens);
    }
  }

  /** Prompts the calls cycle through (varied lengths, so the batches are padded differently). */
  static final List<String> PROMPTS = List.of("What is 17 plus 25?", "Reverse the word garden.",
      "Sort these numbers from smallest to largest: 9, 2, 14, 5.", "Write the word apple in capital letters.",
      "How many letters are in the word elephant?", "Name the larger number: 318 or 381.",
      "Repeat the phrase blue sky three times.", "What is 6 times 7?");

  public static BenchReport run(SrlmConfig cfg, Options o, Path scratch, Consumer<String> progress) {
    int configured = o.threads() > 0 ? o.threads() : cfg.engine().threads();
    Devices.threads(configured);
    Map<String, Object> machine = Machine.probe(configured);
    BenchReport report = new BenchReport("memory", machine);
    Path dir = o.model();
    if (dir == null) {
      dir = BenchModels.createTiny(cfg, scratch.resolve("tiny"));
    } else if (!Files.isDirectory(dir)) {
      throw Errors.model(dir.toString(), "the --model directory does not exist", "pass an HF model directory");
    }
    SrlmConfig.Sampling s = cfg.responses().sampling();
    SamplingParams params = new SamplingParams(s.temperature(), s.topP(), s.topK(), o.newTokens(), List.of());
    BenchReport.Section t = report.section("memory over " + o.calls() + " generate calls", "calls", "RSS MiB",
        "RSS delta MiB", "heap used MiB", "live NDArrays", "GPU used MiB", "tokens", "seconds");
    List<long[]> samples = new ArrayList<>();
    try (LanguageModel lm = LanguageModel.load(dir, new EngineOptions(o.device(), o.dtype(), configured,
        o.batch()))) {
      double loaded = gpuUsedMib(lm);
      List<String> users = new ArrayList<>();
      List<Long> seeds = new ArrayList<>();
      int pi = 0;
      long tokens = 0;
      lm.chat(List.of(PROMPTS.get(0)), List.of(0L), params, o.batch()); // warm: first-call allocations
      long rss0 = sample(t, lm, 0, 0, 0, 0, samples);
      progress.accept(String.format("[bench memory] calls 0: RSS %.1f MiB, %d live arrays", ProcStatus.readingMib(rss0),
          lm.model().manager().getManagedArrays().size()));
      long t0 = System.nanoTime();
      for (int call = 1; call <= o.calls(); call++) {
        users.clear();
        seeds.clear();
        for (int i = 0; i < o.batch(); i++) {
          users.add(PROMPTS.get(pi++ % PROMPTS.size()));
          seeds.add((long) call * 1000 + i);
        }
        for (var g : lm.chat(users, seeds, params, o.batch())) {
          tokens += g.tokenIds().length;
        }
        if (call % o.every() == 0 || call == o.calls()) {
          double secs = (System.nanoTime() - t0) / 1e9;
          long rss = sample(t, lm, call, rss0, tokens, secs, samples);
          progress.accept(String.format("[bench memory] calls %d: RSS %.1f MiB, %d live arrays, %.1f s", call,
              ProcStatus.readingMib(rss), samples.get(samples.size() - 1)[2], secs));
        }
      }
      verdict(t, samples, o);
      summary(report, samples);
      t.note("each call: lm.chat() on " + o.batch() + " prompts (chat template, tokenizer, batched generation, "
          + "decoding), T=" + s.temperature() + " top-p " + s.topP() + ", at most " + o.newTokens() + " new tokens, "
          + "EOS ends a row early; threads=" + JniUtils.getNumThreads());
      t.note("GPU used = the device's used memory (cudaMemGetInfo, CUDA context included) after emptying the "
          + "caching allocator: what the process holds, not what it caches; after loading the model, before any "
          + "call: " + String.format("%.0f", loaded) + " MiB (NaN on the CPU)");
      t.note("RSS = VmRSS of /proc/self/status (native + Java); heap used is measured after System.gc(); live "
          + "NDArrays = model.manager().getManagedArrays() (its sub-managers included), 0 calls = after one "
          + "warm-up call");
    }
    return report;
  }

  /** Records one sample (call, rss, arrays) and returns the RSS. */
  private static long sample(BenchReport.Section t, LanguageModel lm, int call, long rss0, long tokens, double secs,
      List<long[]> samples) {
    System.gc();
    long rss = ProcStatus.rssBytes();
    long arrays = lm.model().manager().getManagedArrays().size();
    samples.add(new long[] {call, rss, arrays});
    t.row(call, ProcStatus.readingMib(rss), call == 0 || rss < 0 ? 0.0 : ProcStatus.mib(rss - rss0),
        ProcStatus.mib(ProcStatus.heapUsedBytes()), arrays, gpuUsedMib(lm), tokens, secs);
    return rss;
  }

  /** The model's GPU's used memory with the caching allocator emptied, in MiB; NaN on the CPU. */
  static double gpuUsedMib(LanguageModel lm) {
    ai.djl.Device d = lm.model().manager().getDevice();
    if (!d.isGpu()) {
      return Double.NaN;
    }
    JniUtils.emptyCudaCache();
    return ProcStatus.mib(ai.djl.util.cuda.CudaUtils.getGpuMemory(d).getCommitted());
  }

  /** First, last and max RSS, and the RSS slope per 1,000 calls (all samples, and after the first interval). */
  private static void summary(BenchReport report, List<long[]> samples) {
    BenchReport.Section s = report.section("RSS summary", "calls", "first MiB", "last MiB", "max MiB",
        "last - first MiB", "slope MiB/1k calls (all)", "slope MiB/1k calls (after first interval)",
        "live NDArrays first/last");
    long max = samples.stream().mapToLong(x -> x[1]).max().orElse(-1);
    long[] first = samples.get(0);
    long[] last = samples.get(samples.size() - 1);
    s.row(last[0], ProcStatus.readingMib(first[1]), ProcStatus.readingMib(last[1]), ProcStatus.readingMib(max),
        ProcStatus.mib(last[1] - first[1]), slopePerThousand(samples, 0),
        slopePerThousand(samples, Math.min(1, samples.size() - 1)), first[2] + "/" + last[2]);
    s.note("first = after one warm-up call; slope = least-squares fit of RSS (MiB) against calls, x 1,000");
  }

  /** Least-squares slope of RSS MiB per 1,000 calls over samples[from..]; NaN with fewer than 2 points. */
  static double slopePerThousand(List<long[]> samples, int from) {
    int n = samples.size() - from;
    if (n < 2) {
      return Double.NaN;
    }
    double mx = 0;
    double my = 0;
    for (int i = from; i < samples.size(); i++) {
      mx += samples.get(i)[0];
      my += samples.get(i)[1] / 1048576.0;
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    for (int i = from; i < samples.size(); i++) {
      double dx = samples.get(i)[0] - mx;
      sxy += dx * (samples.get(i)[1] / 1048576.0 - my);
      sxx += dx * dx;
    }
    return sxx == 0 ? Double.NaN : 1000 * sxy / sxx;
  }

  private static void verdict(BenchReport.Section t, List<long[]> samples, Options o) {
    long[] first = samples.get(Math.min(1, samples.size() - 1));
    long[] last = samples.get(samples.size() - 1);
    boolean arraysFlat = samples.stream().allMatch(x -> x[2] == samples.get(0)[2]);
    long growth = last[1] - first[1];
    long slack = Math.max(FLAT_SLACK_BYTES, first[1] / 20);
    boolean rssFlat = first[1] < 0 || growth <= slack;
    t.note(String.format("verdict: %s (live arrays %s; RSS %+.1f MiB from call %d to call %d, allowed %.0f MiB)",
        arraysFlat && rssFlat ? "FLAT" : "GROWING", arraysFlat ? "constant at " + samples.get(0)[2] : "changed",
        ProcStatus.mib(growth), first[0], last[0], ProcStatus.mib(slack)));
  }
}

package io.srlm.cli;

import io.srlm.bench.BenchReport;
import io.srlm.bench.EngineBench;
import io.srlm.bench.Machine;
import io.srlm.bench.MatmulBench;
import io.srlm.bench.MemoryBench;
import io.srlm.bench.StagesBench;
import io.srlm.bench.TrainBench;
import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.spark.SparkSessions;
import io.srlm.util.FileTrees;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code srlm bench matmul|engine|memory|train|stages}: throughput and memory figures of this machine, printed with
 * the machine's facts (cores, CPU, JVM, engine versions, thread settings, load average at the start and the end) so
 * they can be reproduced. The code lives in io.srlm.bench; this verb parses options, prints the report (text,
 * markdown or JSON) and, with --out, writes KIND.md and KIND.json there.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmarks of this machine: matmul (the engine's fp32 GFLOP/s ceiling), engine (matmul ceiling, generation and scoring tokens/s), memory "
        + "(RSS over 2,000 generate calls), train (SFT tokens/s, DPO pairs/s, MFU), stages (rows/s and tokens/s per "
        + "Spark stage on local mode).", "Use --profile local,tiny; figures depend on the machine's load."},
    subcommands = {BenchVerb.Matmul.class, BenchVerb.Engine.class, BenchVerb.Memory.class, BenchVerb.Train.class, BenchVerb.Stages.class})
final class BenchVerb implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** Options every bench mode shares. */
  abstract static class Mode implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Option(names = "--threads", defaultValue = "0", description = "Engine intra-op threads (0 = engine.threads "
        + "from the config; 0 there = the engine's default)")
    int threads;

    @Option(names = "--format", defaultValue = "text", description = "What to print on stdout: text, markdown or "
        + "json (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write the report to DIR/KIND.md (markdown) and "
        + "DIR/KIND.json, KIND being this bench's name (the folder is created)")
    Path out;

    abstract BenchReport bench(SrlmConfig cfg, Path scratch) throws Exception;

    /** The config this bench runs with (the stages bench adds its own settings). */
    SrlmConfig config(Path scratch) {
      return options.load();
    }

    @Override
    public Integer call() throws Exception {
      Path scratch;
      try {
        scratch = Files.createTempDirectory("srlm-bench-");
      } catch (IOException e) {
        throw Errors.storageRoot("java.io.tmpdir", System.getProperty("java.io.tmpdir"), "cannot create a "
            + "scratch folder (" + e.getMessage() + ")", e);
      }
      try {
        SrlmConfig cfg = config(scratch);
        BenchReport r = bench(cfg, scratch);
        r.machine().put("load_average_end", Machine.loadAverage());
        if (out != null) {
          write(r, out);
        }
        PrintWriter o = spec.commandLine().getOut();
        o.print(render(r, format));
        o.flush();
        return 0;
      } finally {
        FileTrees.delete(scratch);
      }
    }

    /** Writes DIR/KIND.md and DIR/KIND.json. */
    void write(BenchReport r, Path dir) {
      try {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(r.bench() + ".md"), r.markdown(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(r.bench() + ".json"), r.json() + "\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw Errors.storageRoot("--out", dir.toString(), "cannot write the bench report (" + e.getMessage() + ")",
            e);
      }
      progress("[bench] wrote " + dir.resolve(r.bench() + ".md") + " and " + r.bench() + ".json");
    }

    /** Progress lines go to stderr, so stdout stays one report (JSON stays parseable). */
    void progress(String line) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(line);
      err.flush();
    }
  }

  /** The report formats on stdout. */
  enum Format { text, markdown, json }

  static String render(BenchReport r, Format f) {
    return switch (f) {
      case text -> r.text();
      case markdown -> r.markdown();
      case json -> r.json() + "\n";
    };
  }

  @Command(name = "matmul", mixinStandardHelpOptions = true,
      description = "The engine's fp32 n^3 matMul GFLOP/s at each thread count and size (the ceiling the other "
          + "benches divide by; each of them measures it again in its own run), and the per-op overhead.")
  static final class Matmul extends Mode {
    @Option(names = "--thread-counts", split = ",", defaultValue = "1,2", paramLabel = "T,T",
        description = "Intra-op thread counts to measure (default: ${DEFAULT-VALUE})")
    List<Integer> threadCounts;

    @Option(names = "--sizes", split = ",", defaultValue = "256,512,1024", paramLabel = "N,N")
    List<Integer> sizes;

    @Option(names = "--warmup", defaultValue = "1")
    int warmup;

    @Option(names = "--reps", defaultValue = "5", description = "Measured samples (the median is reported)")
    int reps;

    @Option(names = "--peak-gflops", defaultValue = "0", description = "Physical fp32 GFLOP/s per core, for a "
        + "%% of peak column (0 = none)")
    double peakGflops;

    MatmulBench.Options matmulOptions() {
      return new MatmulBench.Options(threads > 0 ? List.of(threads) : threadCounts, sizes, warmup, reps,
          peakGflops);
    }

    @Override
    BenchReport bench(SrlmConfig cfg, Path scratch) {
      return MatmulBench.run(matmulOptions());
    }
  }

  /** Where a generation bench's model runs and in which precision (engine and memory). */
  static final class Placement {
    @Option(names = "--device", defaultValue = "cpu", description = "Where the model runs: cpu, cuda, cuda:N or auto "
        + "(default: ${DEFAULT-VALUE}); on a GPU the tables add the device memory in use")
    String device;

    @Option(names = "--dtype", defaultValue = "auto", description = "Model precision: f32, f16 (CUDA only) or auto "
        + "(f16 on CUDA, f32 on the CPU; default: ${DEFAULT-VALUE})")
    String dtype;
  }

  @Command(name = "engine", mixinStandardHelpOptions = true,
      description = "fp32 matmul ceiling and per-op overhead, then generation (decode, T=0.7 top-p 0.9 and greedy) "
          + "and scoring tokens/s at each batch size for the tiny model and a ~20M random Llama, with model-FLOPs "
          + "fractions of the ceiling, and 1 vs 2 threads at batch 8.")
  static final class Engine extends Mode {
    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,8,32", paramLabel = "B,B")
    List<Integer> batchSizes;

    @Option(names = "--new-tokens", defaultValue = "32", description = "Tokens generated per row (>= 2)")
    int newTokens;

    @Option(names = "--prompt-tokens", defaultValue = "16")
    int promptTokens;

    @Option(names = "--score-tokens", defaultValue = "64", description = "Tokens per scored row")
    int scoreTokens;

    @Option(names = "--long-tokens", defaultValue = "96",
        description = "New tokens of the decode-length check (0 = skip)")
    int longTokens;

    @Option(names = "--matmul-size", defaultValue = "1024", description = "n of the n^3 ceiling matmul")
    int matmulSize;

    @Option(names = "--models", split = ",", defaultValue = "tiny,20m", paramLabel = "M,M",
        description = "Some of tiny, 20m (d=384, 8 layers), d512 (d=512, 8 layers), stories15m (d=288, 6 layers, "
            + "vocab 32000) and tinyllama (the 1.1B shape; GPU); all but tiny have random weights")
    List<String> models;

    @Option(names = "--warmup", defaultValue = "1")
    int warmup;

    @Option(names = "--reps", defaultValue = "3", description = "Measured runs (the median is reported)")
    int reps;

    @Option(names = "--no-thread-compare", description = "Skip the 1 vs 2 threads comparison")
    boolean noThreadCompare;

    @Option(names = "--peak-gflops", defaultValue = "0", description = "Physical fp32 GFLOP/s per core, for a "
        + "%% of peak column (0 = none)")
    double peakGflops;

    @Option(names = "--model", paramLabel = "DIR", description = "Use this HF model directory as the tiny model "
        + "instead of creating the built-in one")
    Path model;

    @Option(names = "--decoder-rounds", defaultValue = "0", paramLabel = "N", description = "Also time greedy "
        + "decode with the scripted decoder forward against engine ops, alternating N rounds in this process "
        + "(0 = skip)")
    int decoderRounds;

    @Option(names = "--peer-cmd", paramLabel = "CMD", description = "With --decoder-rounds: a shell command run "
        + "once per round that prints a decode rate as \"tok/s: N\" (e.g. llama2.c's run.c on the same shape); the "
        + "table adds its rate and the TorchScript / peer ratio")
    String peerCommand;

    @Option(names = "--sampling-rounds", defaultValue = "0", paramLabel = "N", description = "Also time sampled "
        + "(T=0.7, top-p 0.9) against greedy decode, alternating N rounds in this process (0 = skip)")
    int samplingRounds;

    @Option(names = "--projection-rounds", defaultValue = "0", paramLabel = "N", description = "Also time greedy "
        + "decode with q/k/v and gate/up joined (a copy per generate() call) against the separate matrices, "
        + "alternating N rounds in this process, with each one's peak memory (0 = skip)")
    int projectionRounds;

    @picocli.CommandLine.Mixin
    Placement placement;

    EngineBench.Options engineOptions() {
      return new EngineBench.Options(threads, batchSizes, newTokens, promptTokens, scoreTokens, longTokens,
          matmulSize, models, warmup, reps, !noThreadCompare, peakGflops, model, placement.device, placement.dtype,
          decoderRounds, peerCommand, samplingRounds, projectionRounds);
    }

    @Override
    BenchReport bench(SrlmConfig cfg, Path scratch) {
      return EngineBench.run(cfg, engineOptions(), scratch);
    }
  }

  @Command(name = "memory", mixinStandardHelpOptions = true,
      description = "2,000 generate calls on the tiny model; RSS (VmRSS), Java heap and the model manager's live "
          + "NDArrays every 200 calls, to show that memory stays flat.")
  static final class Memory extends Mode {
    @Option(names = "--calls", defaultValue = "2000")
    int calls;

    @Option(names = "--every", defaultValue = "200", description = "Sample memory every N calls")
    int every;

    @Option(names = "--batch", defaultValue = "4", description = "Prompts per generate call")
    int batch;

    @Option(names = "--new-tokens", defaultValue = "8")
    int newTokens;

    @Option(names = "--model", paramLabel = "DIR", description = "An HF model directory instead of the tiny model")
    Path model;

    @picocli.CommandLine.Mixin
    Placement placement;

    MemoryBench.Options memoryOptions() {
      return new MemoryBench.Options(threads, calls, every, batch, newTokens, model, placement.device,
          placement.dtype);
    }

    @Override
    BenchReport bench(SrlmConfig cfg, Path scratch) {
      return MemoryBench.run(cfg, memoryOptions(), scratch, this::progress);
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "SFT tokens/s and DPO pairs/s (full fine-tuning and LoRA) on the tiny model and a ~20M random "
          + "Llama, with model-FLOPs utilisation against the matmul ceiling measured in the same run, and peak RSS.")
  static final class Train extends Mode {
    @Option(names = "--models", split = ",", defaultValue = "tiny,20m", paramLabel = "M,M",
        description = "Some of tiny, 20m and d512 (default: ${DEFAULT-VALUE})")
    List<String> models;

    @Option(names = "--batch-size", defaultValue = "8", description = "SFT rows per step")
    int batchSize;

    @Option(names = "--dpo-batch-size", defaultValue = "4", description = "DPO pairs per step")
    int dpoBatchSize;

    @Option(names = "--seq-len", defaultValue = "128", description = "Tokens per row (half prompt, half "
        + "completion)")
    int seqLen;

    @Option(names = "--steps", defaultValue = "4", description = "Measured optimizer steps")
    int steps;

    @Option(names = "--warmup-steps", defaultValue = "1")
    int warmupSteps;

    @Option(names = "--matmul-size", defaultValue = "1024")
    int matmulSize;

    @Option(names = "--model", paramLabel = "DIR", description = "An HF model directory instead of the tiny model")
    Path model;

    @Option(names = "--device", defaultValue = "cpu", description = "Where the models train: cpu, cuda, cuda:N or "
        + "auto (f32 weights; default: ${DEFAULT-VALUE})")
    String device;

    TrainBench.Options trainOptions() {
      return new TrainBench.Options(threads, models, batchSize, dpoBatchSize, seqLen, steps, warmupSteps,
          matmulSize, model, device);
    }

    @Override
    BenchReport bench(SrlmConfig cfg, Path scratch) {
      return TrainBench.run(cfg, trainOptions(), scratch, this::progress);
    }
  }

  @Command(name = "stages", mixinStandardHelpOptions = true,
      description = "The real Spark steps (generate prompts, sample responses, judge, build pairs) on local mode "
          + "with a fine-tuned tiny model and test-sized counts, on a temporary table root; rows/s and tokens/s per "
          + "stage from the runs table.")
  static final class Stages extends Mode {
    @Option(names = "--model", paramLabel = "DIR", description = "A fine-tuned HF model directory to use as M1 "
        + "(default: the tiny model after --sft-steps SFT steps, made once and cached under storage.cache_dir)")
    Path model;

    @Option(names = "--sft-steps", defaultValue = "240", description = "SFT steps of the cached tiny model")
    int sftSteps;

    @Option(names = "--prompts", defaultValue = "12", description = "prompts.target_count")
    int prompts;

    @Option(names = "--no-substitute", description = "Do not top up the accepted prompts with held-out seed "
        + "prompts when the model wrote too few well-formed ones (the later stages may then have no work)")
    boolean noSubstitute;

    private Path m1;

    StagesBench.Options stagesOptions() {
      return new StagesBench.Options(threads, model, sftSteps, prompts, !noSubstitute);
    }

    /**
     * Finds or makes M1 with the user's config, then: profiles, the bench's settings, the user's --set values,
     * the scratch storage.
     */
    @Override
    SrlmConfig config(Path scratch) {
      m1 = StagesBench.m1(options.load(), stagesOptions(), this::progress);
      List<String> user = new ArrayList<>(options.sets);
      options.sets.clear();
      options.sets.addAll(StagesBench.settings(stagesOptions(), m1));
      options.sets.addAll(user);
      options.sets.addAll(StagesBench.storage(scratch));
      return options.load();
    }

    @Override
    BenchReport bench(SrlmConfig cfg, Path scratch) {
      boolean callers = SparkSessions.running(); // in-process caller's session: used, never stopped
      SparkSession spark = SparkSessions.create(cfg);
      try {
        return StagesBench.run(spark, cfg, stagesOptions(), m1, this::progress);
      } finally {
        if (!callers) {
          spark.stop();
        }
      }
    }
  }
}

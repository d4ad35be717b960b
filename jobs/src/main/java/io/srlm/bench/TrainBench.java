package io.srlm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.model.Adapters;
import io.srlm.model.Devices;
import io.srlm.model.ModelArch;
import io.srlm.train.DpoObjective;
import io.srlm.train.Lora;
import io.srlm.train.MetricsSink;
import io.srlm.train.Objective;
import io.srlm.train.PairExample;
import io.srlm.train.SftExample;
import io.srlm.train.SftObjective;
import io.srlm.train.TrainSpec;
import io.srlm.train.Trainer;
import io.srlm.util.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * {@code srlm bench train}: the real {@link Trainer} (AdamW, clipping, gradient handling) on synthetic rows of a
 * fixed length, SFT and DPO, full fine-tuning and LoRA, for the tiny model and the ~20M model. Step time is taken
 * between the trainer's per-step metric callbacks after the warm-up steps, so the final checkpoint write is not
 * counted. Model FLOPs utilisation is against the fp32 matmul ceiling measured at the start of the same run.
 */
public final class TrainBench {
  private TrainBench() {}

  public record Options(int threads, List<String> models, int batchSize, int dpoBatchSize, int seqLen, int steps,
      int warmupSteps, int matmulSize, Path model, String device) {
    public Options {
      EngineBench.checkDevice(device);
      models = List.copyOf(models);
      EngineBench.checkModels(models);
      EngineBench.check(batchSize >= 1, "--batch-size", "must be at least 1", batchSize);
      EngineBench.check(dpoBatchSize >= 1, "--dpo-batch-size", "must be at least 1", dpoBatchSize);
      EngineBench.check(seqLen >= 4, "--seq-len", "must be at least 4", seqLen);
      EngineBench.check(steps >= 1, "--steps", "must be at least 1", steps);
      EngineBench.check(warmupSteps >= 1, "--warmup-steps", "must be at least 1 (timing starts after it)",
          warmupSteps);
      EngineBench.check(matmulSize >= 1, "--matmul-size", "must be at least 1", matmulSize);
    }
  }

  public static BenchReport run(SrlmConfig cfg, Options o, Path scratch, Consumer<String> progress) {
    int configured = o.threads() > 0 ? o.threads() : cfg.engine().threads();
    Devices.threads(configured);
    BenchReport report = new BenchReport("train", Machine.probe(configured));
    int n = o.matmulSize();
    MatmulBench.Rate ceiling = MatmulBench.matmul(n, n, n, 1, 5);
    Map<String, BenchModels.Loaded> loaded = new LinkedHashMap<>();
    try {
      for (String name : o.models()) {
        if (name.equals(EngineBench.TINY)) {
          Path dir = o.model();
          if (dir == null) {
            dir = BenchModels.createTiny(cfg, scratch.resolve("tiny"));
          } else if (!Files.isDirectory(dir)) {
            throw Errors.model(dir.toString(), "the --model directory does not exist", "pass an HF model directory");
          }
          loaded.put(name, BenchModels.load(name, dir, configured, o.device(), "f32"));
        } else {
          loaded.put(name, BenchModels.random(name, BenchModels.randomArch(name), 23, o.device(), "f32"));
        }
      }
      BenchModels.table(report, loaded.values());
      BenchReport.Section t = report.section("training (threads=" + JniUtils.getNumThreads() + ", "
          + "ceiling " + Math.round(ceiling.gflops()) + " GFLOP/s, " + Math.round(ceiling.gflopsPerCpuSecond())
          + " GFLOP/CPU-s)", "model", "objective", "finetune", "trainable (M)", "rows/step", "s/step", "steps/s", "tokens/s",
          "pairs/s", "model GFLOP/s", "MFU % ceiling", "busy %", "MFU % (CPU)", "peak RSS MiB");
      for (BenchModels.Loaded m : loaded.values()) {
        for (String objective : List.of("sft", "dpo")) {
          for (String ft : List.of("full", "lora")) {
            progress.accept("[bench train] " + m.name() + " " + objective + " " + ft);
            one(t, m, objective, ft, cfg, o, ceiling, scratch.resolve(m.name() + "-" + objective + "-" + ft));
          }
        }
      }
      t.note("rows of " + o.seqLen() + " tokens (" + o.seqLen() / 2 + " prompt + " + (o.seqLen() - o.seqLen() / 2)
          + " completion), random ids, no padding; SFT " + o.batchSize() + " rows/step, DPO " + o.dpoBatchSize()
          + " pairs/step (2 sequences each; reference log-probs precomputed, as in the DPO step); " + o.warmupSteps()
          + " warm-up step(s), then " + o.steps() + " measured steps");
      t.note("model FLOPs per step = tokens x (6*N + 12*L*H*hd*(T+1)/2) for full fine-tuning and "
          + "tokens x (4*N + 8*L*H*hd*(T+1)/2) for LoRA (frozen weights get input gradients only; the adapters' "
          + "own FLOPs are left out); tokens/s counts every token of the forward (prompt included), as the trainer "
          + "does; MFU = model GFLOP/s / ceiling; busy % = process CPU / (wall x threads), MFU % (CPU) = the same "
          + "ratio on CPU time (robust on a shared machine at one thread)");
      t.note("LoRA: r=" + cfg.lora().r() + ", alpha=" + cfg.lora().alpha() + ", dropout " + cfg.lora().dropout()
          + " on " + String.join(",", cfg.lora().targetModules()) + " (lora.*); optimizer AdamW, lr "
          + cfg.sft().learningRate() + ", clipping " + cfg.sft().maxGradNorm() + " (sft.*)");
      t.note(ProcStatus.resetPeak() ? "peak RSS = VmHWM, reset before each row (/proc/self/clear_refs)"
          : "peak RSS = VmHWM of the process so far (it could not be reset here)");
      return report;
    } finally {
      for (BenchModels.Loaded m : loaded.values()) {
        m.close();
      }
    }
  }

  private static void one(BenchReport.Section t, BenchModels.Loaded m, String objective, String ft, SrlmConfig cfg,
      Options o, MatmulBench.Rate ceiling, Path ckpt) {
    boolean lora = ft.equals("lora");
    boolean dpo = objective.equals("dpo");
    ModelArch a = m.arch();
    int rows = dpo ? o.dpoBatchSize() : o.batchSize();
    int total = o.warmupSteps() + o.steps();
    SrlmConfig.Train base = cfg.sft();
    SrlmConfig.Train conf = new SrlmConfig.Train(ft, 1, total, rows, 1, base.learningRate(), 1.0,
        base.weightDecay(), 0, "constant", base.maxGradNorm(), o.seqLen(), "skip", Integer.MAX_VALUE,
        Integer.MAX_VALUE, 1);
    TrainSpec spec = new TrainSpec(objective + "-bench", conf, 5, ckpt, 0, "loss", false, 0);
    long[] at = new long[total + 1];
    long[] cpuAt = new long[total + 1];
    MetricsSink sink = (split, step, metrics) -> {
      if (split.equals("train") && step <= total) {
        at[(int) step] = System.nanoTime();
        cpuAt[(int) step] = Timing.cpuNanos();
      }
    };
    ProcStatus.resetPeak();
    NDManager adapterManager = null;
    try {
      Map<String, NDArray> params;
      if (lora) {
        adapterManager = m.model().manager().newSubManager();
        SrlmConfig.Lora lc = cfg.lora();
        Adapters ad = Lora.create(a, lc.r(), lc.alpha(), lc.dropout(), lc.targetModules(), 3, adapterManager);
        m.model().setAdapters(ad);
        params = Lora.parameters(ad);
      } else {
        params = m.model().weights();
      }
      long trainable = params.values().stream().mapToLong(x -> x.getShape().size()).sum();
      Random r = new Random(11);
      int p = o.seqLen() / 2;
      int c = o.seqLen() - p;
      Timing.Sample perStep;
      if (dpo) {
        List<PairExample> data = new ArrayList<>();
        double ref = -c * Math.log(a.vocabSize());
        for (int i = 0; i < rows * total; i++) {
          data.add(new PairExample("p" + i, EngineBench.ids(m, r, p), EngineBench.ids(m, r, c),
              EngineBench.ids(m, r, c), ref, ref));
        }
        perStep = train(m, params, new DpoObjective(m.model(), m.padId(), "sigmoid", cfg.dpo().beta()), spec,
            sink, data, at, cpuAt, o);
      } else {
        List<SftExample> data = new ArrayList<>();
        for (int i = 0; i < rows * total; i++) {
          data.add(new SftExample("s" + i, EngineBench.ids(m, r, p), EngineBench.ids(m, r, c)));
        }
        perStep = train(m, params, new SftObjective(m.model(), m.padId()), spec, sink, data, at, cpuAt, o);
      }
      long sequences = dpo ? 2L * rows : rows;
      double tokens = (double) sequences * o.seqLen();
      double flops = tokens * (lora ? 2 : 3) * Flops.forwardPerTokenCausal(a, o.seqLen());
      double seconds = perStep.wall();
      double gf = flops / seconds / 1e9;
      double gfCpu = flops / perStep.cpu() / 1e9;
      t.row(m.name(), objective, ft, trainable / 1e6, rows, seconds, 1 / seconds, tokens / seconds,
          dpo ? rows / seconds : Double.NaN, gf, 100 * gf / ceiling.gflops(),
          EngineBench.busyPercent(perStep.cpu(), seconds, JniUtils.getNumThreads()),
          100 * gfCpu / ceiling.gflopsPerCpuSecond(), ProcStatus.readingMib(ProcStatus.peakRssBytes()));
    } finally {
      m.model().setAdapters(null);
      if (adapterManager != null) {
        adapterManager.close();
      }
      FileTrees.delete(ckpt);
    }
  }

  /**
   * Trains and returns the mean wall and CPU seconds per measured step (between the per-step callbacks after
   * warm-up).
   */
  private static <E> Timing.Sample train(BenchModels.Loaded m, Map<String, NDArray> params, Objective<E> objective,
      TrainSpec spec, MetricsSink sink, List<E> data, long[] at, long[] cpuAt, Options o) {
    new Trainer<>(m.model().manager(), params, objective, spec, sink).train(data, List.of());
    int w = o.warmupSteps();
    int e = w + o.steps();
    if (at[w] == 0 || at[e] == 0) {
      throw Errors.internal("the trainer did not report every step to the bench", null);
    }
    return new Timing.Sample((at[e] - at[w]) / 1e9 / o.steps(), (cpuAt[e] - cpuAt[w]) / 1e9 / o.steps());
  }
}

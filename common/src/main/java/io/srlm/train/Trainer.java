package io.srlm.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.srlm.errors.Errors;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver-side training loop shared by SFT and DPO: length-bucketed deterministic batches, gradient
 * accumulation, global-norm clipping, AdamW with warmup and decay, periodic validation and checkpoints, resume to
 * the same weights, optional early stopping that keeps the best weights.
 *
 * <p>DJL specifics handled here: one GradientCollector open at a time; gradients accumulate across collectors,
 * so they are zeroed after each optimizer step; every micro-batch and every gradient handle lives in a
 * per-step sub-manager, so native memory stays flat.
 */
public final class Trainer<E> {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  private final NDManager manager;
  private final Map<String, NDArray> params;
  private final Objective<E> objective;
  private final TrainSpec spec;
  private final MetricsSink sink;

  /**
   * @param params the trainable tensors (LoRA A/B, or all weights for full fine-tuning), f32
   */
  public Trainer(NDManager manager, Map<String, NDArray> params, Objective<E> objective, TrainSpec spec,
      MetricsSink sink) {
    this.manager = manager;
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    this.objective = objective;
    this.spec = spec;
    this.sink = sink;
  }

  /** Optimizer steps a run over {@code n} examples takes. */
  public static int totalSteps(io.srlm.config.SrlmConfig.Train c, int n) {
    if (c.maxSteps() > 0) {
      return c.maxSteps();
    }
    int perStep = c.batchSize() * c.gradAccum();
    return Math.max(1, c.epochs() * (int) Math.ceil((double) n / perStep));
  }

  public TrainResult train(List<E> train, List<E> val) {
    if (train.isEmpty()) {
      throw Errors.training("No training examples for " + spec.stage(), "check the input table", "stage",
          spec.stage());
    }
    // PyTorch's grad mode is per thread and on by default in every new thread; DJL turns it off only in the thread
    // that started the engine, and a closed GradientCollector restores the mode it found. Training on any other
    // thread (a scheduler's, or after the engine first ran in a Spark task thread) would leave it on, and the
    // in-place optimizer update of a leaf parameter then fails. Off here, on only inside each collector.
    JniUtils.setGradMode(false);
    var c = spec.conf();
    int total = totalSteps(c, train.size());
    LrSchedule lr = new LrSchedule(c.learningRate(), c.warmupSteps(), total, c.schedule(),
        c.minLearningRateRatio());
    List<List<E>> micro = plan(train, total * c.gradAccum());
    for (NDArray p : params.values()) {
      p.setRequiresGradient(true);
    }
    Checkpoints ckpt = new Checkpoints(spec.checkpointDir());
    try (AdamW adam = new AdamW(manager, c.weightDecay())) {
      int start = 0;
      double best = Double.NaN;
      int bestStep = -1;
      int sinceBest = 0;
      Checkpoints.State resumed = ckpt.restoreLatest(params, adam, manager);
      if (resumed != null) {
        start = resumed.step();
        best = resumed.best();
        bestStep = resumed.bestStep();
        sinceBest = resumed.sinceBest();
        LOG.info("[{}] resuming from checkpoint step {} of {}", spec.stage(), start, total);
        sink.resumedAt(start);
      }
      Map<String, Double> lastTrain = new LinkedHashMap<>();
      Map<String, Double> lastVal = new LinkedHashMap<>();
      boolean stopped = false;
      long tokens = 0;
      long t0 = System.nanoTime();
      Map<String, Double> window = new LinkedHashMap<>();
      double windowWeight = 0;
      if (resumed != null) {
        window.putAll(resumed.window());
        windowWeight = resumed.windowWeight();
      }
      int step = start;
      for (; step < total; step++) {
        double rate = lr.at(step);
        double stepWeight = 0;
        for (int a = 0; a < c.gradAccum(); a++) {
          List<E> batch = micro.get(step * c.gradAccum() + a);
          Engine.getInstance().setRandomSeed((int) StableIds.seed(spec.seed(), spec.stage(), "dropout", step, a));
          try (NDManager sm = manager.newSubManager();
              GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            Objective.Output out = objective.forward(batch, sm, true);
            gc.backward(out.loss().div(c.gradAccum()));
            accumulate(window, out, out.weight());
            windowWeight += out.weight();
            stepWeight += out.weight();
          }
          for (E e : batch) {
            tokens += objective.tokens(e);
          }
        }
        double gradNorm;
        try (NDManager sm = manager.newSubManager()) {
          Map<String, NDArray> grads = new LinkedHashMap<>();
          double sq = 0;
          for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray g = e.getValue().getGradient();
            g.attach(sm);
            grads.put(e.getKey(), g);
            sq += g.square().sum().getFloat();
          }
          gradNorm = Math.sqrt(sq);
          if (!Double.isFinite(gradNorm)) {
            throw Errors.training("Non-finite gradient norm at step " + step + " of " + spec.stage(),
                "lower the learning rate (" + spec.stage() + ".learning_rate) or check the data", "stage",
                spec.stage(), "step", step);
          }
          if (c.maxGradNorm() > 0 && gradNorm > c.maxGradNorm()) {
            double f = c.maxGradNorm() / (gradNorm + 1e-6);
            for (NDArray g : grads.values()) {
              g.muli(f);
            }
          }
          adam.update(params, grads, rate);
          for (NDArray p : params.values()) {
            JniUtils.zeroGrad((PtNDArray) p);
          }
        }
        window.merge("grad_norm", gradNorm * stepWeight, Double::sum);
        window.merge("learning_rate", rate * stepWeight, Double::sum);
        boolean last = step + 1 == total;
        if ((step + 1) % c.logEvery() == 0 || last) {
          lastTrain = average(window, windowWeight);
          sink.record("train", step + 1, lastTrain);
          double secs = (System.nanoTime() - t0) / 1e9;
          double tps = tokens / Math.max(secs, 1e-9);
          LOG.info(String.format("[%s] step %d/%d loss %.4f lr %.2e %,.0f tok/s ETA %s", spec.stage(), step + 1,
              total, lastTrain.getOrDefault("loss", Double.NaN), rate, tps,
              eta(secs, step + 1 - start, total - step - 1)));
          window.clear();
          windowWeight = 0;
        }
        boolean evalNow = !val.isEmpty() && ((step + 1) % c.evalEvery() == 0 || last);
        boolean improved = false;
        if (evalNow) {
          lastVal = validate(val);
          sink.record("val", step + 1, lastVal);
          Double v = lastVal.get(spec.earlyStoppingMetric());
          if (v != null) {
            boolean better = Double.isNaN(best) || (spec.higherIsBetter() ? v > best : v < best);
            if (better) {
              best = v;
              bestStep = step + 1;
              sinceBest = 0;
              improved = true;
            } else {
              sinceBest++;
            }
          }
          if (spec.earlyStoppingPatience() > 0 && sinceBest >= spec.earlyStoppingPatience()) {
            stopped = true;
          }
        }
        Checkpoints.State state = new Checkpoints.State(step + 1, best, bestStep, sinceBest, window, windowWeight);
        if (spec.earlyStoppingPatience() > 0 && improved) {
          ckpt.saveBest(params, state);
        }
        if ((step + 1) % c.checkpointEvery() == 0 || last || stopped) {
          ckpt.save(params, adam, state);
          sink.checkpointed(step + 1);
        }
        if (spec.haltAfterSteps() > 0 && step + 1 >= spec.haltAfterSteps() && !last) {
          throw new TrainSpec.Halted(step + 1);
        }
        if (stopped) {
          LOG.info("[{}] early stopping at step {}: {} did not improve for {} evaluations (best {} at step {})",
              spec.stage(), step + 1, spec.earlyStoppingMetric(), sinceBest, best, bestStep);
          step++;
          break;
        }
      }
      if (spec.earlyStoppingPatience() > 0 && bestStep > 0) {
        ckpt.restoreBest(params, manager);
      }
      for (NDArray p : params.values()) {
        p.setRequiresGradient(false);
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      return new TrainResult(step, start, lastTrain, lastVal, bestStep, stopped, tokens / Math.max(secs, 1e-9),
          secs);
    }
  }

  /** Validation metrics over {@code val}, without gradients. */
  public Map<String, Double> validate(List<E> val) {
    Map<String, Double> sums = new LinkedHashMap<>();
    double weight = 0;
    int bs = spec.conf().batchSize();
    List<E> sorted = new ArrayList<>(val);
    sorted.sort((x, y) -> Integer.compare(objective.length(x), objective.length(y)));
    for (int i = 0; i < sorted.size(); i += bs) {
      try (NDManager sm = manager.newSubManager()) {
        Objective.Output out = objective.forward(sorted.subList(i, Math.min(sorted.size(), i + bs)), sm, false);
        accumulate(sums, out, out.weight());
        weight += out.weight();
      }
    }
    return average(sums, weight);
  }

  /**
   * The deterministic micro-batch sequence: per epoch, a seeded shuffle, then length bucketing within windows of
   * 32 batches (so padding stays small), then the batches of the epoch in seeded random order.
   */
  List<List<E>> plan(List<E> examples, int microBatches) {
    int bs = spec.conf().batchSize();
    List<List<E>> out = new ArrayList<>();
    int epoch = 0;
    while (out.size() < microBatches) {
      List<E> order = new ArrayList<>(examples);
      Collections.shuffle(order, new Random(StableIds.seed(spec.seed(), spec.stage(), "epoch", epoch)));
      List<List<E>> batches = new ArrayList<>();
      int window = bs * 32;
      for (int w = 0; w < order.size(); w += window) {
        List<E> chunk = new ArrayList<>(order.subList(w, Math.min(order.size(), w + window)));
        chunk.sort((x, y) -> Integer.compare(objective.length(x), objective.length(y)));
        for (int i = 0; i < chunk.size(); i += bs) {
          batches.add(chunk.subList(i, Math.min(chunk.size(), i + bs)));
        }
      }
      Collections.shuffle(batches, new Random(StableIds.seed(spec.seed(), spec.stage(), "batches", epoch)));
      out.addAll(batches);
      epoch++;
    }
    return out.subList(0, microBatches);
  }

  private static void accumulate(Map<String, Double> sums, Objective.Output out, double w) {
    sums.merge("loss", out.loss().getFloat() * w, Double::sum);
    for (Map.Entry<String, NDArray> e : out.metrics().entrySet()) {
      sums.merge(e.getKey(), e.getValue().getFloat() * w, Double::sum);
    }
  }

  private static Map<String, Double> average(Map<String, Double> sums, double weight) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : sums.entrySet()) {
      out.put(e.getKey(), weight == 0 ? Double.NaN : e.getValue() / weight);
    }
    return out;
  }

  private static String eta(double secs, int done, int left) {
    if (done <= 0) {
      return "?";
    }
    long s = Math.round(secs / done * left);
    return s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
  }
}

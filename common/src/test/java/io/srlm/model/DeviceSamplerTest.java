package io.srlm.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The device sampler draws from exactly the full-vocabulary temperature / top-k / top-p distribution: for fixed
 * logits and a fixed set of seeds (one row per seed), the drawn tokens stay inside the nucleus and their histogram
 * passes a chi-square test against the distribution computed in double precision, on each of its paths.
 */
class DeviceSamplerTest {
  private static final int DRAWS = 6000;
  /** Chi-square critical values at p = 0.001 for 9 and 19 degrees of freedom. */
  private static final double CHI2_9 = 27.88;
  private static final double CHI2_19 = 43.82;

  @Test
  void peakedLogitsTopP() {
    float[] logits = logits(40, 3.0, 1);
    DeviceSampler s = run(logits, new SamplingParams(0.7, 0.9, 0, 1, List.of()), 40, CHI2_19);
    assertThat(s.accepted).isEqualTo(DRAWS);
  }

  /** A flat distribution: the nucleus holds over 2,500 of the 4,000 tokens, far more than any candidate pre-filter. */
  @Test
  void flatLogitsWhoseNucleusIsMostOfTheVocabulary() {
    float[] logits = logits(4000, 0.5, 2);
    SamplingParams p = new SamplingParams(0.7, 0.9, 0, 1, List.of());
    assertThat(nucleusSize(logits, p)).isGreaterThan(2500); // ten times MAX_CANDIDATES
    DeviceSampler s = run(logits, p, 4000, CHI2_19);
    assertThat(s.accepted + s.fallbacks).isEqualTo(DRAWS);
    // Four rejections in a row happen with probability (1 - nucleus mass)^4, about 2e-4 here.
    assertThat(s.fallbacks).isLessThan(10);
    assertThat(s.rejected).isPositive(); // the draws outside the nucleus were rejected and redrawn
  }

  /** A small nucleus of a flat distribution: four rejections in a row are common, so the host fallback runs. */
  @Test
  void flatLogitsWithASmallNucleusFallBackToTheHost() {
    float[] logits = logits(4000, 0.5, 3);
    DeviceSampler s = run(logits, new SamplingParams(1.0, 0.2, 0, 1, List.of()), 4000, CHI2_9);
    assertThat(s.fallbacks).isGreaterThan(DRAWS / 3);
    assertThat(s.accepted).isPositive();
  }

  @Test
  void topKCandidatesWithTopP() {
    float[] logits = logits(300, 2.0, 4);
    DeviceSampler s = run(logits, new SamplingParams(0.8, 0.7, 50, 1, List.of()), 300, CHI2_19);
    assertThat(s.candidates).isEqualTo(DRAWS);
  }

  /** Ties at the k-th probability reach beyond the k candidates: those rows go to the host sampler. */
  @Test
  void tiesBeyondTheTopKFallBack() {
    float[] logits = new float[100];
    for (int i = 0; i < 100; i++) {
      logits[i] = i < 3 ? 2f : 1f; // 3 high, then 97 tied
    }
    DeviceSampler s = run(logits, new SamplingParams(1.0, 1.0, 5, 1, List.of()), 100, CHI2_19);
    assertThat(s.fallbacks).isEqualTo(DRAWS);
  }

  @Test
  void largeTopKUsesRejectionWithTheCountTest() {
    float[] logits = logits(2000, 1.0, 5);
    DeviceSampler s = run(logits, new SamplingParams(0.9, 0.95, 1500, 1, List.of()), 2000, CHI2_19);
    assertThat(s.accepted).isPositive();
  }

  /**
   * Exact ties with the drawn token are not "more probable" than it: two levels of tied tokens, the upper one
   * holding less than top_p, so the nucleus is the whole vocabulary and every draw must be accepted at once (a test
   * that counted ties as above would reject every draw from the lower level and send it to the host).
   */
  @Test
  void exactTiesWithTheDrawnTokenAreNotAboveIt() {
    float[] logits = new float[4096];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = i % 4 == 0 ? 1f : 0f; // 1,024 tokens at e / Z (0.475 of the mass), 3,072 at 1 / Z
    }
    DeviceSampler s = run(logits, new SamplingParams(1.0, 0.5, 0, 1, List.of()), 4096, CHI2_19);
    assertThat(s.accepted).isEqualTo(DRAWS);
    assertThat(s.rejected + s.fallbacks).isZero();
  }

  /**
   * The script's draws are the engine ops' draws: the same token for the same probabilities and uniform (both run
   * the same inverse-CDF ops), and the same mass of the tokens above it up to float32 rounding, on random rows of a
   * vocabulary with two-level blocks (32,000) and one without (1,000).
   */
  @Test
  void scriptedDrawsMatchTheEngineOps() {
    try (NDManager m = NDManager.newBaseManager(); DecoderScript script = DecoderScript.load(m)) {
      assertThat(script).isNotNull();
      for (int vocab : new int[] {32000, 1000}) {
        int n = 64;
        NDArray probs = m.create(logits(n * vocab, 1.5, vocab)).reshape(n, vocab).softmax(-1);
        float[] u = new float[n];
        Random r = new Random(vocab);
        for (int i = 0; i < n; i++) {
          u[i] = r.nextFloat();
        }
        NDArray uniforms = m.create(u, new Shape(n, 1));
        double[] table = script.draw(probs, uniforms, true).toDoubleArray();
        NDArray[] engine = DeviceSampler.inverseCdf(probs, uniforms);
        long[] drawn = engine[0].toLongArray();
        float[] p = probs.toFloatArray();
        for (int i = 0; i < n; i++) {
          assertThat((long) table[3 * i]).as("row %d of %d", i, vocab).isEqualTo(drawn[i]);
          float pd = p[i * vocab + (int) drawn[i]];
          double above = 0;
          int count = 0;
          for (int t = 0; t < vocab; t++) {
            if (p[i * vocab + t] > pd) {
              above += p[i * vocab + t];
              count++;
            }
          }
          assertThat(table[3 * i + 1]).isCloseTo(above, within(1e-5));
          assertThat((long) table[3 * i + 2]).isEqualTo(count);
        }
      }
    }
  }

  /** A script without the sampler's methods (a libtorch that cannot run them): the sampler warns and uses engine ops. */
  @Test
  void aScriptThatCannotDrawFallsBackToEngineOps() throws Exception {
    float[] logits = logits(4000, 0.5, 2);
    SamplingParams p = new SamplingParams(0.7, 0.9, 0, 1, List.of());
    try (NDManager m = NDManager.newBaseManager();
        DecoderScript broken = DecoderScript.compile(m, "class SrlmDecoder(Module):\n  __parameters__ = []\n"
            + "  __buffers__ = []\n  training : bool\n  def forward(self: __torch__.SrlmDecoder, x: Tensor) -> Tensor:\n"
            + "    return x\n")) {
      DeviceSampler withBroken = new DeviceSampler(broken);
      int[] got = draw(m, withBroken, logits, p, 4000);
      int[] engine = draw(m, new DeviceSampler(), logits, p, 4000);
      assertThat(got).isEqualTo(engine);
      assertThat(withBroken.scriptedRounds).isZero();
    }
  }

  /**
   * Draws DRAWS tokens (seeds 0..DRAWS-1, rows in batches of 500) with the generation script's rounds and with
   * engine ops, checks that both drew the same tokens by the same paths, and checks the tokens against the exact
   * distribution; returns the scripted sampler (its path counts).
   */
  private static DeviceSampler run(float[] logits, SamplingParams p, int vocab, double critical) {
    double[] exact = exact(logits, p);
    DeviceSampler engine = new DeviceSampler();
    int[] drawn;
    DeviceSampler scripted;
    try (NDManager m = NDManager.newBaseManager(); DecoderScript script = DecoderScript.load(m)) {
      assertThat(script).as("the generation script loads").isNotNull();
      scripted = new DeviceSampler(script);
      drawn = draw(m, scripted, logits, p, vocab);
      assertThat(draw(m, engine, logits, p, vocab)).as("engine ops draw the same tokens").isEqualTo(drawn);
    }
    assertThat(new long[] {scripted.greedy, scripted.candidates, scripted.accepted, scripted.rejected,
        scripted.fallbacks})
        .isEqualTo(new long[] {engine.greedy, engine.candidates, engine.accepted, engine.rejected, engine.fallbacks});
    assertThat(scripted.scriptedRounds).as("every rejection round ran in the script").isEqualTo(scripted.rounds);
    assertThat(scripted.rounds).isEqualTo(engine.rounds);
    assertThat(engine.scriptedRounds).isZero();
    for (int t : drawn) {
      assertThat(exact[t]).as("token %d is outside the nucleus", t).isPositive();
    }
    int bins = critical == CHI2_9 ? 10 : 20;
    assertThat(chiSquare(drawn, exact, bins)).isLessThan(critical);
    return scripted;
  }

  private static int[] draw(NDManager m, DeviceSampler s, float[] logits, SamplingParams p, int vocab) {
    int[] drawn = new int[DRAWS];
    for (int start = 0; start < DRAWS; start += 500) {
      int b = Math.min(500, DRAWS - start);
      try (NDManager step = m.newSubManager()) {
        float[] rows = new float[b * vocab];
        for (int i = 0; i < b; i++) {
          System.arraycopy(logits, 0, rows, i * vocab, vocab);
        }
        NDArray l = step.create(rows, new Shape(b, vocab));
        SamplingParams[] ps = new SamplingParams[b];
        SplittableRandom[] rngs = new SplittableRandom[b];
        for (int i = 0; i < b; i++) {
          ps[i] = p;
          rngs[i] = new SplittableRandom(start + i);
        }
        int[] got = s.pick(l, ps, rngs, null);
        System.arraycopy(got, 0, drawn, start, b);
      }
    }
    return drawn;
  }

  /**
   * Chi-square over bins of equal expected mass: tokens sorted by index are cut where the cumulative exact mass
   * crosses k / bins, so every bin expects about DRAWS / bins draws.
   */
  static double chiSquare(int[] drawn, double[] exact, int bins) {
    int[] binOf = new int[exact.length];
    double cum = 0;
    double[] expected = new double[bins];
    for (int t = 0; t < exact.length; t++) {
      int bin = Math.min(bins - 1, (int) (cum * bins));
      binOf[t] = bin;
      expected[bin] += exact[t];
      cum += exact[t];
    }
    double[] seen = new double[bins];
    for (int t : drawn) {
      seen[binOf[t]]++;
    }
    double chi = 0;
    for (int k = 0; k < bins; k++) {
      double e = expected[k] * drawn.length;
      if (e > 0) {
        chi += (seen[k] - e) * (seen[k] - e) / e;
      }
    }
    return chi;
  }

  /** The full-vocabulary distribution in double precision: softmax(l / T), top-k and top-p by sorting, renormalised. */
  static double[] exact(float[] logits, SamplingParams p) {
    int v = logits.length;
    double max = Double.NEGATIVE_INFINITY;
    for (float x : logits) {
      max = Math.max(max, x);
    }
    double[] prob = new double[v];
    double z = 0;
    for (int i = 0; i < v; i++) {
      prob[i] = Math.exp((logits[i] - max) / p.temperature());
      z += prob[i];
    }
    for (int i = 0; i < v; i++) {
      prob[i] /= z;
    }
    double[] sorted = prob.clone();
    Arrays.sort(sorted);
    double kth = p.topK() > 0 && p.topK() < v ? sorted[v - p.topK()] : 0;
    double cut = kth;
    double cum = 0;
    for (int i = v - 1; i >= 0 && sorted[i] >= kth; i--) {
      cum += sorted[i];
      if (cum >= p.topP()) {
        cut = Math.max(cut, sorted[i]);
        break;
      }
    }
    double kept = 0;
    for (int i = 0; i < v; i++) {
      prob[i] = prob[i] >= cut ? prob[i] : 0;
      kept += prob[i];
    }
    for (int i = 0; i < v; i++) {
      prob[i] /= kept;
    }
    return prob;
  }

  static int nucleusSize(float[] logits, SamplingParams p) {
    int n = 0;
    for (double x : exact(logits, p)) {
      n += x > 0 ? 1 : 0;
    }
    return n;
  }

  /** Normal logits with the given spread, distinct values (no ties). */
  static float[] logits(int vocab, double spread, long seed) {
    Random r = new Random(seed);
    float[] out = new float[vocab];
    for (int i = 0; i < vocab; i++) {
      out[i] = (float) (r.nextGaussian() * spread);
    }
    return out;
  }
}

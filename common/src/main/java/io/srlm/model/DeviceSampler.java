package io.srlm.model;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.srlm.util.Nullable;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks each row's next token with engine ops on the model's device; only a few numbers per row cross to the host,
 * where the row's own seeded stream draws, so a row's tokens depend only on its logits and its seed (not on the
 * batch it is in). The result is exact temperature / top-k / top-p sampling over the full vocabulary (the same
 * distribution as {@link Sampler}: the nucleus is every token whose probability is at least the one at which the
 * sorted cumulative mass reaches top_p, ties included):
 *
 * <ul>
 *   <li>greedy rows: argmax on the device (lowest index among the maxima);
 *   <li>rows with top_k in 1..{@value #MAX_CANDIDATES}: the top-k candidates and their full-vocabulary
 *       probabilities come to the host, which applies top-p to them and draws (one uniform); when ties at the
 *       k-th probability reach outside the candidates, the row falls back to the host sampler;
 *   <li>other rows (top-p and/or a large top_k): rejection. Draw from the full softmax on the device (inverse CDF
 *       in two levels, see {@link #inverseCdf}), then test the drawn token against the
 *       nucleus there: it is in iff the mass of strictly more probable tokens is below top_p (and their count
 *       below top_k). Accepted draws are exact samples of the nucleus; the acceptance rate is the nucleus mass
 *       (at least top_p). After {@value #ROUNDS} rejected draws the row falls back to the host sampler, which
 *       sorts the full row (rare: at most (1 - top_p)^{@value #ROUNDS} of the time). With the model's generation
 *       script ({@link DecoderScript#firstDraw}, {@link DecoderScript#draw}) each round is one call that frees its
 *       own temporaries, and the nucleus test is one division and one threshold (p / p_drawn > 1) instead of a
 *       comparison and a product with a bool mask: the same draws and the same test, up to the rounding of the
 *       mass (a float32 sum either way).
 * </ul>
 *
 * Uniforms are drawn lazily per row, so how many a row consumes depends only on that row. What a call returns
 * (the probabilities of its rows) lives in the caller's step manager; a round's temporaries are freed when it ends.
 */
final class DeviceSampler {
  static final int MAX_CANDIDATES = 256;
  static final int ROUNDS = 4;
  private static final Logger LOG = LoggerFactory.getLogger(DeviceSampler.class);
  private static volatile boolean warned;

  /** How often each path ran (for tests and the bench). */
  long greedy;
  long candidates;
  long accepted;
  long rejected;
  long fallbacks;
  /** Rejection rounds run, and how many of them the generation script ran. */
  long rounds;
  long scriptedRounds;

  /** The scripted draws (see {@link DecoderScript#firstDraw}), or null for engine ops. */
  @Nullable private DecoderScript script;

  /** Engine ops only. */
  DeviceSampler() {
    this(null);
  }

  /**
   * @param script the model's generation script, whose {@code first_draw} and {@code draw} run the rejection path's
   *     rounds in one call each (same draws as the engine ops; the nucleus test computed with fewer passes over the
   *     vocabulary); null: engine ops
   */
  DeviceSampler(@Nullable DecoderScript script) {
    this.script = script;
  }

  /**
   * @param logits (B, V) last-position logits in any float type, on the model's device
   * @param params each row's sampling parameters
   * @param rngs each row's stream
   * @param skip rows to leave alone (finished; their stream is not touched); may be null
   * @return the picked token per row (-1 for skipped rows)
   */
  int[] pick(NDArray logits, SamplingParams[] params, SplittableRandom[] rngs, boolean[] skip) {
    int b = params.length;
    int vocab = (int) logits.getShape().get(1);
    int[] out = new int[b];
    Arrays.fill(out, -1);
    int nGreedy = 0;
    int nCand = 0;
    int nRej = 0;
    for (int i = 0; i < b; i++) {
      if (skip != null && skip[i]) {
        continue;
      }
      SamplingParams p = params[i];
      if (p.greedy()) {
        nGreedy++;
      } else if (p.topK() > 0 && p.topK() <= MAX_CANDIDATES && p.topK() < vocab) {
        nCand++;
      } else {
        nRej++;
      }
    }
    if (nGreedy > 0) {
      long[] best = logits.argMax(-1).toLongArray();
      for (int i = 0; i < b; i++) {
        if ((skip == null || !skip[i]) && params[i].greedy()) {
          out[i] = (int) best[i];
          greedy++;
        }
      }
    }
    NDArray probs = null;
    if (nCand > 0) {
      probs = probabilities(logits, logits.getManager().create(inverseTemperatures(params, null),
          new Shape(b, 1)));
      candidatePath(probs, params, rngs, skip, out, logits);
    }
    if (nRej > 0) {
      rejectionPath(logits, probs, params, rngs, skip, out);
    }
    return out;
  }

  /** 1 / temperature of the given rows (all when null); 1 for greedy rows. */
  private static float[] inverseTemperatures(SamplingParams[] params, int[] rows) {
    int n = rows == null ? params.length : rows.length;
    float[] invT = new float[n];
    for (int j = 0; j < n; j++) {
      SamplingParams p = params[rows == null ? j : rows[j]];
      invT[j] = p.greedy() ? 1f : (float) (1.0 / p.temperature());
    }
    return invT;
  }

  /** (n, V) float32 softmax(logits * invT) as engine ops (the scaled logits are freed at once). */
  private static NDArray probabilities(NDArray logits, NDArray invT) {
    NDArray f32 = logits.toType(DataType.FLOAT32, false);
    NDArray scaled = f32.mul(invT);
    if (f32 != logits) {
      f32.close();
    }
    NDArray probs = scaled.softmax(-1);
    scaled.close();
    return probs;
  }

  private static boolean isCandidateRow(SamplingParams p, int vocab) {
    return !p.greedy() && p.topK() > 0 && p.topK() <= MAX_CANDIDATES && p.topK() < vocab;
  }

  private void candidatePath(NDArray probs, SamplingParams[] params, SplittableRandom[] rngs, boolean[] skip,
      int[] out, NDArray logits) {
    int b = params.length;
    int vocab = (int) probs.getShape().get(1);
    int k = 0;
    for (int i = 0; i < b; i++) {
      if ((skip == null || !skip[i]) && isCandidateRow(params[i], vocab)) {
        k = Math.max(k, params[i].topK());
      }
    }
    NDList top = probs.topK(k, -1, true, true); // values and indices, (B, k), sorted descending
    float[] vals = top.get(0).toFloatArray();
    long[] idx = top.get(1).toLongArray();
    // Per row, how many tokens are at least as probable as its k-th candidate (ties beyond the candidates).
    int[] rowK = new int[b];
    float[] kth = new float[b];
    for (int i = 0; i < b; i++) {
      rowK[i] = Math.max(1, Math.min(k, params[i].topK()));
      kth[i] = vals[i * k + rowK[i] - 1];
    }
    NDManager m = probs.getManager();
    long[] atLeast = probs.gte(m.create(kth, new Shape(b, 1))).sum(new int[] {1}).toLongArray();
    for (int i = 0; i < b; i++) {
      if ((skip != null && skip[i]) || !isCandidateRow(params[i], vocab)) {
        continue;
      }
      if (atLeast[i] > rowK[i]) {
        out[i] = fallback(logits, i, params[i], rngs[i]);
        continue;
      }
      out[i] = drawFromCandidates(vals, idx, i * k, rowK[i], params[i].topP(), rngs[i]);
      candidates++;
    }
  }

  /** Top-p within the k sorted candidates (ties kept), then one uniform over the kept ones in vocabulary order. */
  static int drawFromCandidates(float[] vals, long[] idx, int off, int k, double topP, SplittableRandom rng) {
    // The probabilities are the full-vocabulary ones, and top-p counts that mass (as Sampler does).
    int keep = k;
    if (topP < 1) {
      double cum = 0;
      for (int j = 0; j < k; j++) {
        cum += vals[off + j];
        if (cum >= topP) {
          keep = j + 1;
          break;
        }
      }
      while (keep < k && vals[off + keep] == vals[off + keep - 1]) {
        keep++; // ties at the threshold stay in
      }
    }
    long[] ids = new long[keep];
    double[] pr = new double[keep];
    Integer[] order = new Integer[keep];
    double kept = 0;
    for (int j = 0; j < keep; j++) {
      order[j] = j;
      kept += vals[off + j];
    }
    Arrays.sort(order, (x, y) -> Long.compare(idx[off + x], idx[off + y]));
    for (int j = 0; j < keep; j++) {
      ids[j] = idx[off + order[j]];
      pr[j] = vals[off + order[j]];
    }
    double u = rng.nextDouble() * kept;
    double cum = 0;
    for (int j = 0; j < keep; j++) {
      cum += pr[j];
      if (u < cum) {
        return (int) ids[j];
      }
    }
    return (int) ids[keep - 1];
  }

  /**
   * Rejection sampling for the rows that are neither greedy nor top-k candidate rows: up to {@value #ROUNDS} rounds
   * of one draw per remaining row and the nucleus test of the drawn token, then the host sampler for any row still
   * rejected.
   *
   * @param probs the whole batch's probabilities when the candidate path already made them, else null
   */
  private void rejectionPath(NDArray logits, @Nullable NDArray probs, SamplingParams[] params,
      SplittableRandom[] rngs, boolean[] skip, int[] out) {
    int vocab = (int) logits.getShape().get(1);
    int b = params.length;
    int[] rows = new int[b];
    int n = 0;
    for (int i = 0; i < b; i++) {
      if ((skip == null || !skip[i]) && !params[i].greedy() && !isCandidateRow(params[i], vocab)) {
        rows[n++] = i;
      }
    }
    rows = Arrays.copyOf(rows, n);
    boolean count = needsCount(params, rows);
    NDManager m = logits.getManager();
    // The rows' probabilities: the candidate path's when it made them, else the first round makes them.
    NDArray source = probs != null ? probs : logits;
    NDArray sel = n == b ? source : source.get(new NDIndex("{}", m.create(toLong(rows))));
    NDArray p = probs != null ? sel : null; // (rows still drawing, V)
    for (int round = 0; round < ROUNDS && rows.length > 0; round++) {
      float[] uniforms = new float[rows.length];
      for (int j = 0; j < rows.length; j++) {
        uniforms[j] = (float) rngs[rows[j]].nextDouble();
      }
      NDArray u = m.create(uniforms, new Shape(rows.length, 1));
      rounds++;
      Draws d;
      if (p == null) {
        NDArray invT = m.create(inverseTemperatures(params, rows), new Shape(n, 1));
        NDArray[] scripted = scriptedFirstDraw(sel, invT, u, count);
        p = scripted != null ? scripted[0] : probabilities(sel, invT);
        d = scripted != null ? Draws.read(scripted[1]) : draw(p, u, count);
      } else {
        d = draw(p, u, count);
      }
      int[] again = new int[rows.length];
      int na = 0;
      for (int j = 0; j < rows.length; j++) {
        SamplingParams sp = params[rows[j]];
        boolean in = (sp.topP() >= 1 || d.mass[j] < sp.topP())
            && (sp.topK() == 0 || d.count == null || d.count[j] < sp.topK());
        if (in) {
          out[rows[j]] = (int) d.token[j];
          accepted++;
        } else {
          again[na++] = j;
          rejected++;
        }
      }
      if (na == rows.length) {
        continue;
      }
      long[] keepIdx = new long[na];
      int[] next = new int[na];
      for (int j = 0; j < na; j++) {
        keepIdx[j] = again[j];
        next[j] = rows[again[j]];
      }
      if (na > 0) {
        p = p.get(new NDIndex("{}", m.create(keepIdx)));
      }
      rows = next;
    }
    for (int i : rows) {
      out[i] = fallback(logits, i, params[i], rngs[i]);
    }
  }

  /** Per row: the drawn token, the mass of the strictly more probable tokens (over the total), and their count. */
  record Draws(long[] token, double[] mass, long[] count) {
    /** From the script's (n, 2 or 3) float64 table, which is closed once read. */
    static Draws read(NDArray table) {
      try (table) {
        int n = (int) table.getShape().get(0);
        int c = (int) table.getShape().get(1);
        double[] t = table.toDoubleArray();
        long[] token = new long[n];
        double[] mass = new double[n];
        long[] count = c > 2 ? new long[n] : null;
        for (int j = 0; j < n; j++) {
          token[j] = (long) t[j * c];
          mass[j] = t[j * c + 1];
          if (count != null) {
            count[j] = (long) t[j * c + 2];
          }
        }
        return new Draws(token, mass, count);
      }
    }
  }

  /** The script's first round ({probabilities, table}), or null without a script or when it fails. */
  private NDArray[] scriptedFirstDraw(NDArray logits, NDArray invT, NDArray u, boolean count) {
    if (script != null) {
      try {
        NDArray[] r = script.firstDraw(logits, invT, u, count);
        scriptedRounds++;
        return r;
      } catch (EngineException e) {
        scriptFailed(e);
      }
    }
    return null;
  }

  /** One draw per row of {@code p} with the uniforms {@code u}, and its nucleus test (script, else engine ops). */
  private Draws draw(NDArray p, NDArray u, boolean count) {
    if (script != null) {
      try {
        Draws d = Draws.read(script.draw(p, u, count));
        scriptedRounds++;
        return d;
      } catch (EngineException e) {
        scriptFailed(e);
      }
    }
    NDManager owner = p.getManager();
    try (NDManager tmp = owner.newSubManager()) { // this round's temporaries, freed when it ends
      p.tempAttach(tmp);
      u.tempAttach(tmp);
      NDArray[] dt = inverseCdf(p, u);
      NDArray drawn = dt[0]; // (n, 1)
      NDArray pd = p.gather(drawn, 1); // (n, 1)
      NDArray above = p.gt(pd);
      float[] mass = p.mul(above).sum(new int[] {1}).div(dt[1].squeeze(1)).toFloatArray();
      double[] mass64 = new double[mass.length];
      for (int j = 0; j < mass.length; j++) {
        mass64[j] = mass[j];
      }
      return new Draws(drawn.toLongArray(), mass64, count ? above.sum(new int[] {1}).toLongArray() : null);
    }
  }

  private void scriptFailed(EngineException e) {
    if (!warned) { // once per JVM: an executor runs many batches
      warned = true;
      LOG.warn("the scripted sampler failed ({}); batches where it fails sample with engine ops (same draws, "
          + "slower)", e.toString());
    } else {
      LOG.debug("the scripted sampler failed again ({}); this batch samples with engine ops", e.toString());
    }
    script = null;
  }

  /** Vocabulary blocks of the two-level inverse CDF (when the vocabulary is a multiple of it). */
  static final int BLOCK = 128;

  /**
   * Inverse-CDF draws from (n, V) unnormalised probabilities with (n, 1) uniforms: the index of the first token
   * whose cumulative mass exceeds u * total. Two levels when V is a multiple of {@value #BLOCK}: block sums and
   * their cumulative sum pick the block, then a cumulative sum inside that block picks the token, so no full-width
   * cumulative sum or comparison is made (one pass over the row instead of three). Returns {drawn (n, 1) int64,
   * total (n, 1)}.
   */
  static NDArray[] inverseCdf(NDArray p, NDArray u) {
    long n = p.getShape().get(0);
    long v = p.getShape().get(1);
    if (v % BLOCK != 0 || v < 4L * BLOCK) {
      NDArray cum = p.cumSum(1);
      NDArray total = cum.get(new NDIndex(":, -1:"));
      NDArray drawn = cum.lte(total.mul(u)).sum(new int[] {1}).minimum(v - 1).reshape(n, 1);
      return new NDArray[] {drawn, total};
    }
    long nb = v / BLOCK;
    NDArray blocks = p.reshape(n, nb, BLOCK);
    NDArray sums = blocks.sum(new int[] {2}); // (n, nb)
    NDArray cum = sums.cumSum(1);
    NDArray total = cum.get(new NDIndex(":, -1:"));
    NDArray target = total.mul(u);
    NDArray block = cum.lte(target).sum(new int[] {1}).minimum(nb - 1).reshape(n, 1); // (n, 1)
    NDArray before = cum.sub(sums).gather(block, 1); // mass of the blocks before it, (n, 1)
    NDArray inBlock = blocks.gather(block.reshape(n, 1, 1).repeat(2, BLOCK), 1).reshape(n, BLOCK);
    NDArray offset = inBlock.cumSum(1).lte(target.sub(before)).sum(new int[] {1}).minimum(BLOCK - 1)
        .reshape(n, 1);
    return new NDArray[] {block.mul(BLOCK).add(offset), total};
  }

  private static boolean needsCount(SamplingParams[] params, int[] rows) {
    for (int i : rows) {
      if (params[i].topK() > 0) {
        return true;
      }
    }
    return false;
  }

  /** The host sampler over the row's full logits (sorts the vocabulary). */
  private int fallback(NDArray logits, int row, SamplingParams p, SplittableRandom rng) {
    fallbacks++;
    float[] row32 = logits.get(row).toType(DataType.FLOAT32, false).toFloatArray();
    return Sampler.pick(row32, 0, row32.length, p, rng);
  }

  private static long[] toLong(int[] a) {
    long[] out = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }
}

package io.srlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.srlm.errors.Errors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batched generation with a KV cache. Requests are sorted by prompt length and cut into batches (length
 * bucketing), left-padded, prefilled in one forward, then decoded one token per step into a KV cache allocated once
 * per batch. Tokens are picked on the device by {@link DeviceSampler}; each row draws from its own seeded stream,
 * so results do not depend on batch composition. Finished rows are dropped from the batch when at least half of it
 * has finished. Every step runs in its own sub-manager, and everything a batch allocated is freed when it ends.
 */
public record Generator(LlamaModel model, TokenCodec codec, int batchSize) {
  /** Generates for every request; results are in request order. */
  public List<Generation> generate(List<GenerationRequest> requests) {
    for (int i = 0; i < requests.size(); i++) {
      checkFits(requests.get(i), i);
    }
    return LengthBatches.map(requests, r -> r.promptIds().length, batchSize, this::generateBatch);
  }

  private void checkFits(GenerationRequest r, int index) {
    int len = r.promptIds().length;
    if (len == 0) {
      throw Errors.generation("Empty prompt (no tokens)", "drop empty prompts before generating", "request", index);
    }
    if (len >= model.ropeLength()) {
      throw Errors.generation("Prompt of " + len + " tokens does not fit the context window of "
          + model.ropeLength() + " tokens", "shorten the prompt or skip it; the jobs skip and record such rows",
          "request", index);
    }
  }

  private List<Generation> generateBatch(List<GenerationRequest> batch) {
    int n = batch.size();
    int width = 0;
    int maxNew = 0;
    for (GenerationRequest r : batch) {
      width = Math.max(width, r.promptIds().length);
      maxNew = Math.max(maxNew, r.params().maxNewTokens());
    }
    maxNew = Math.min(maxNew, model.ropeLength() - width);
    int[][] prompts = new int[n][];
    SplittableRandom[] rngs = new SplittableRandom[n];
    for (int i = 0; i < n; i++) {
      prompts[i] = batch.get(i).promptIds();
      rngs[i] = new SplittableRandom(batch.get(i).seed());
    }
    int[] pads = new int[n];
    long[] flat = Batches.leftPad(prompts, width, codec.padId(), pads);
    int[][] generated = new int[n][maxNew];
    int[] count = new int[n];
    String[] finish = new String[n];
    String[] stopText = new String[n];
    int[] eos = codec.eosIds();
    DeviceSampler sampler = new DeviceSampler(model.generationScript());
    // Rows still in the device batch, mapped to request indices.
    int[] live = new int[n];
    for (int i = 0; i < n; i++) {
      live[i] = i;
    }
    int[] livePads = pads.clone();
    SamplingParams[] liveParams = new SamplingParams[n];
    SplittableRandom[] liveRngs = rngs.clone();
    for (int i = 0; i < n; i++) {
      liveParams[i] = batch.get(i).params();
    }
    Integer window = model.arch().slidingWindow();
    try (NDManager gen = model.manager().newSubManager();
        KvCache cache = new KvCache(gen, model.arch().numLayers(), width + maxNew, model.generationProjections(gen))) {
      // The padding part of every decode step's mask, built once: (B, 1, 1, 1, capacity), sliced per step.
      NDArray padMask;
      try (NDManager tmp = gen.newSubManager()) {
        padMask = Batches.mask(tmp, pads, width + maxNew - 1, 1, null);
        padMask.attach(gen);
      }
      int[] picked;
      try (NDManager step = gen.newSubManager()) {
        NDArray ids = step.create(flat, new Shape(n, width));
        NDArray hidden = model.forward(ids, Batches.positions(step, pads, 0, width),
            Batches.mask(step, pads, 0, width, window), cache, false);
        picked = sampler.pick(lastLogits(hidden), liveParams, liveRngs, null);
      }
      for (int t = 0; t < maxNew; t++) {
        int active = 0;
        for (int j = 0; j < live.length; j++) {
          int i = live[j];
          if (finish[i] != null) {
            continue;
          }
          GenerationRequest req = batch.get(i);
          int tok = picked[j];
          if (contains(eos, tok)) {
            finish[i] = Generation.EOS;
            continue;
          }
          generated[i][count[i]++] = tok;
          if (!req.params().stop().isEmpty()) {
            String text = codec.decode(Arrays.copyOf(generated[i], count[i]));
            for (String s : req.params().stop()) {
              int at = text.indexOf(s);
              if (at >= 0) {
                finish[i] = Generation.STOP;
                stopText[i] = text.substring(0, at);
                break;
              }
            }
            if (finish[i] != null) {
              continue;
            }
          }
          if (count[i] >= Math.min(req.params().maxNewTokens(), maxNew)) {
            finish[i] = Generation.LENGTH;
            continue;
          }
          active++;
        }
        if (active == 0 || t == maxNew - 1) {
          break;
        }
        if (active <= live.length / 2 && live.length >= 4) {
          int[] keep = new int[active];
          long[] keepIdx = new long[active];
          int[] keepPads = new int[active];
          int c = 0;
          for (int j = 0; j < live.length; j++) {
            if (finish[live[j]] == null) {
              keep[c] = live[j];
              keepIdx[c] = j;
              keepPads[c] = livePads[j];
              c++;
            }
          }
          try (NDManager step = gen.newSubManager()) {
            NDArray rows = step.create(keepIdx);
            cache.select(rows);
            NDArray kept = padMask.get(gen, new NDIndex("{}", rows));
            padMask.close();
            padMask = kept;
          }
          live = keep;
          livePads = keepPads;
          liveParams = new SamplingParams[active];
          liveRngs = new SplittableRandom[active];
          for (int j = 0; j < active; j++) {
            liveParams[j] = batch.get(keep[j]).params();
            liveRngs[j] = rngs[keep[j]];
          }
        }
        long cached = cache.length();
        long[] next = new long[live.length];
        boolean[] done = new boolean[live.length];
        for (int j = 0; j < live.length; j++) {
          int i = live[j];
          done[j] = finish[i] != null;
          next[j] = done[j] ? codec.padId() : generated[i][count[i] - 1];
        }
        try (NDManager step = gen.newSubManager()) {
          NDArray ids = step.create(next, new Shape(live.length, 1));
          NDArray mask = window != null && window > 0 && cached + 1 > window
              ? Batches.mask(step, livePads, cached, 1, window)
              : noPadding(livePads) ? null : Slices.range(padMask, 4, 0, cached + 1, step);
          NDArray hidden = model.forward(ids, Batches.positions(step, livePads, cached, 1), mask, cache, false);
          picked = sampler.pick(lastLogits(hidden), liveParams, liveRngs, done);
        }
      }
    }
    List<Generation> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int[] toks = Arrays.copyOf(generated[i], count[i]);
      String reason = finish[i] == null ? Generation.LENGTH : finish[i];
      String text = reason.equals(Generation.STOP) ? stopText[i] : codec.decode(toks);
      out.add(new Generation(toks, text, reason, prompts[i].length));
    }
    return out;
  }

  /** (B, T, D) hidden -> (B, V) logits of the last position, on the device. */
  private NDArray lastLogits(NDArray hidden) {
    Shape s = hidden.getShape();
    NDArray last = s.get(1) == 1 ? hidden.reshape(s.get(0), s.get(2)) : hidden.get(new NDIndex(":, -1, :"));
    return model.logits(last);
  }

  private static boolean noPadding(int[] pads) {
    for (int p : pads) {
      if (p != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(int[] a, int v) {
    for (int x : a) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }
}

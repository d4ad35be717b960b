package io.srlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srlm.errors.Errors;
import io.srlm.model.io.CheckpointWeights;
import io.srlm.model.io.HfModelConfig;
import io.srlm.model.tokenizer.ChatMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HF sequence-classification reward model ({@code LlamaForSequenceClassification}, or the Mistral / Qwen2
 * classes with the same layout): the decoder {@code model.*} and a bias-free head {@code score.weight}
 * (num_labels, hidden). The reward of a (prompt, response) is the first logit of the head applied to the final
 * hidden state (after the last RMSNorm) of the last token of the chat-formatted conversation, as transformers
 * does for an unpadded sequence. Batches are left-padded, so the last position is every row's last real token.
 *
 * <p>The decoder is a {@link LlamaModel} used for its hidden states only (the model has no LM head, so it is
 * built as if its head were tied and {@link LlamaModel#logits} is never called). Close it to free the weights.
 */
public final class RewardModel implements AutoCloseable {
  static final String HEAD = "score.weight";

  private final LoadedModel loaded;
  private final NDArray head;

  private RewardModel(LoadedModel loaded, NDArray head) {
    this.loaded = loaded;
    this.head = head;
  }

  /** Loads a local HF sequence-classification directory (config.json, safetensors, tokenizer files). */
  public static RewardModel load(Path dir, EngineOptions opts) {
    HfModelConfig cfg = HfModelConfig.read(dir);
    String file = dir.resolve(HfModelConfig.FILE).toString();
    checkArchitecture(cfg.raw(), file);
    return LoadedModel.open(dir, cfg.vocabSize(), opts, t -> {
      NDManager manager = t.manager();
      DataType dtype = t.dtype();
      Map<String, NDArray> weights = new LinkedHashMap<>();
      NDArray head;
      try (CheckpointWeights ckpt = CheckpointWeights.open(dir)) {
        if (!ckpt.contains(HEAD)) {
          throw Errors.model(dir.toString(), "the checkpoint has no " + HEAD + " (the classification head)",
              "judge.reward_head = sequence_classification needs a *ForSequenceClassification checkpoint; use "
                  + "judge.reward_head = causal_lm for a causal LM judge");
        }
        List<String> names = new ArrayList<>();
        for (String name : ckpt.names()) {
          if (name.startsWith("model.") && !name.endsWith("rotary_emb.inv_freq")) {
            names.add(name);
          }
        }
        // The same rule as the causal LM's: values beyond f16's range load the whole decoder in f32 (auto), or
        // are refused naming the tensor (an explicit f16), never turned into infinity.
        dtype = LanguageModel.fitF16(ckpt, names, dtype, opts.dtype(), dir);
        for (String name : names) {
          weights.put(name, ckpt.load(name, manager, dtype));
        }
        head = ckpt.load(HEAD, manager, DataType.FLOAT32);
      }
      ModelArch arch = headless(LanguageModel.arch(cfg));
      Shape hs = head.getShape();
      if (hs.dimension() != 2 || hs.get(1) != arch.hiddenSize() || hs.get(0) < 1) {
        throw Errors.checkpointTensor(dir.toString(), HEAD, "has shape " + hs + ", expected (num_labels, "
            + arch.hiddenSize() + ")", "re-export the reward model");
      }
      checkNumLabels(cfg.raw(), (int) hs.get(0), file);
      int rope = Math.min(arch.maxPosition(), 1 << 16);
      LlamaModel decoder = new LlamaModel(arch, manager, weights, dtype, rope);
      return new RewardModel(new LoadedModel(dir, decoder, t.tokenizer()), head);
    });
  }

  /** The model has no lm_head: marking the head tied keeps LlamaModel from requiring one (logits are unused). */
  private static ModelArch headless(ModelArch a) {
    return new ModelArch(a.modelType(), a.vocabSize(), a.hiddenSize(), a.intermediateSize(), a.numLayers(),
        a.numHeads(), a.numKvHeads(), a.headDim(), a.rmsNormEps(), a.ropeTheta(), a.ropeScaling(), a.maxPosition(),
        true, a.qkvBias(), a.oBias(), a.mlpBias(), a.slidingWindow());
  }

  private static void checkArchitecture(ObjectNode raw, String file) {
    JsonNode archs = raw.get("architectures");
    if (archs != null && archs.isArray()) {
      for (JsonNode a : archs) {
        if (a.asText().endsWith("ForSequenceClassification")) {
          return;
        }
      }
    }
    throw Errors.modelConfig(file, "architectures", "the model is not a sequence-classification model "
        + "(architectures = " + archs + ")", "point judge.model at a *ForSequenceClassification directory, or set "
        + "judge.reward_head = causal_lm to use this model as an LLM judge with judge.template");
  }

  private static void checkNumLabels(ObjectNode raw, int rows, String file) {
    Integer declared = raw.has("num_labels") ? Integer.valueOf(raw.get("num_labels").asInt())
        : raw.has("id2label") ? Integer.valueOf(raw.get("id2label").size()) : null;
    if (declared != null && declared != rows) {
      throw Errors.modelConfig(file, "num_labels", "config.json declares " + declared + " labels but "
          + HEAD + " has " + rows + " rows", "re-export the reward model so config.json matches its weights");
    }
  }

  public Path dir() {
    return loaded.dir();
  }

  /** The decoder (hidden states only). */
  public LlamaModel decoder() {
    return loaded.model();
  }

  public int numLabels() {
    return (int) head.getShape().get(0);
  }

  /** Longest sequence the model takes. */
  public int context() {
    return decoder().ropeLength();
  }

  /** Token ids of the conversation (user prompt, assistant response), chat template applied, BOS per the config. */
  public int[] inputIds(String prompt, String response) {
    return loaded.tokenizer().encodeChat(List.of(new ChatMessage("user", prompt),
        new ChatMessage("assistant", response)), false);
  }

  /** The reward (first logit) of each sequence, in input order; batches are formed by length. */
  public double[] rewards(List<int[]> sequences, int batchSize) {
    List<Double> out = LengthBatches.map(sequences, s -> s.length, batchSize, batch -> {
      int[][] rows = batch.toArray(new int[0][]);
      int width = 0;
      for (int[] r : rows) {
        width = Math.max(width, r.length);
      }
      float[] r = batch(rows, width);
      List<Double> scores = new ArrayList<>(r.length);
      for (float v : r) {
        scores.add((double) v);
      }
      return scores;
    });
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private float[] batch(int[][] rows, int width) {
    int[] pads = new int[rows.length];
    LlamaModel decoder = decoder();
    long[] ids = Batches.leftPad(rows, width, loaded.tokenizer().padId(), pads);
    try (NDManager m = decoder.manager().newSubManager()) {
      NDArray idArr = m.create(ids, new Shape(rows.length, width));
      NDArray hidden = decoder.forward(idArr, Batches.positions(m, pads, 0, width),
          Batches.mask(m, pads, 0, width, decoder.arch().slidingWindow()), null, false);
      NDArray last = hidden.get(":, -1, :").toType(DataType.FLOAT32, false); // (B, D)
      NDArray logits = last.getNDArrayInternal().linear(last, head, null).get(0); // (B, num_labels)
      return logits.get(":, 0").toFloatArray();
    }
  }

  @Override
  public void close() {
    loaded.close();
  }
}

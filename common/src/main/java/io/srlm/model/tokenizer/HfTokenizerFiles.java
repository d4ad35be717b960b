package io.srlm.model.tokenizer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srlm.errors.Errors;
import io.srlm.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes a {@link BpeModel} as an HF tokenizer folder: {@code tokenizer.json} (HF tokenizers format 1.0: no
 * normalizer, pre-tokenizer {@code Sequence[Digits(individual_digits), ByteLevel(add_prefix_space=false)]}, ByteLevel
 * decoder, no post-processor, BPE model without unknown token or byte fallback), {@code tokenizer_config.json}
 * ({@code PreTrainedTokenizerFast}, BOS added to prompts, no EOS, {@link ChatTemplate#BUILTIN} as chat template) and
 * {@code special_tokens_map.json}. The result loads with {@link Tokenizer#load} and with transformers'
 * {@code AutoTokenizer}.
 */
public final class HfTokenizerFiles {
  public static final String TOKENIZER_JSON = "tokenizer.json";
  public static final String TOKENIZER_CONFIG_JSON = "tokenizer_config.json";
  public static final String SPECIAL_TOKENS_MAP_JSON = "special_tokens_map.json";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private HfTokenizerFiles() {}

  /**
   * Writes the three files into {@code dir} (created if needed), each replaced atomically.
   *
   * @param model the trained tokenizer
   * @param dir the model folder
   * @param modelMaxLength the model's context length, recorded as {@code model_max_length}
   */
  public static void write(BpeModel model, Path dir, int modelMaxLength) {
    writeJson(dir, TOKENIZER_JSON, tokenizerJson(model));
    writeJson(dir, TOKENIZER_CONFIG_JSON, tokenizerConfig(model, modelMaxLength));
    writeJson(dir, SPECIAL_TOKENS_MAP_JSON, specialTokensMap(model.specialTokens()));
  }

  /** The {@code tokenizer.json} document. */
  public static ObjectNode tokenizerJson(BpeModel model) {
    ObjectNode root = NODES.objectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    List<String> specials = model.specialTokens().all();
    for (int id = 0; id < specials.size(); id++) {
      ObjectNode t = added.addObject();
      t.put("id", id);
      t.put("content", specials.get(id));
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
    }
    for (int i = 0; i < model.phrases().size(); i++) {
      ObjectNode t = added.addObject();
      t.put("id", model.phraseId(i));
      t.put("content", model.phrases().get(i));
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", false);
    }
    root.putNull("normalizer");
    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "Sequence");
    ArrayNode steps = pre.putArray("pretokenizers");
    if (!model.wordBoundaries()) {
      steps.add(split(PreTokenizer.ISOLATED_WORDS, "Isolated"));
    } else {
      ObjectNode digits = steps.addObject();
      digits.put("type", "Digits");
      digits.put("individual_digits", true);
    }
    steps.add(byteLevel(model.wordBoundaries()));
    root.putNull("post_processor");
    root.set("decoder", byteLevel(model.wordBoundaries()));
    ObjectNode bpe = root.putObject("model");
    bpe.put("type", "BPE");
    bpe.putNull("dropout");
    bpe.putNull("unk_token");
    bpe.putNull("continuing_subword_prefix");
    bpe.putNull("end_of_word_suffix");
    bpe.put("fuse_unk", false);
    bpe.put("byte_fallback", false);
    bpe.put("ignore_merges", false);
    ObjectNode vocab = bpe.putObject("vocab");
    List<String> tokens = model.vocab();
    for (int id = 0; id < tokens.size(); id++) {
      vocab.put(tokens.get(id), id);
    }
    ArrayNode merges = bpe.putArray("merges");
    for (BpeModel.Merge m : model.merges()) {
      merges.add(m.toString());
    }
    return root;
  }

  private static ObjectNode split(java.util.regex.Pattern pattern, String behavior) {
    ObjectNode o = NODES.objectNode();
    o.put("type", "Split");
    o.putObject("pattern").put("Regex", pattern.pattern());
    o.put("behavior", behavior);
    o.put("invert", false);
    return o;
  }

  private static ObjectNode byteLevel(boolean useRegex) {
    ObjectNode b = NODES.objectNode();
    b.put("type", "ByteLevel");
    b.put("add_prefix_space", false);
    b.put("trim_offsets", true);
    b.put("use_regex", useRegex);
    return b;
  }

  /** The {@code tokenizer_config.json} document. */
  public static ObjectNode tokenizerConfig(BpeModel model, int modelMaxLength) {
    SpecialTokens s = model.specialTokens();
    ObjectNode c = NODES.objectNode();
    c.put("add_bos_token", true);
    c.put("add_eos_token", false);
    ObjectNode decoder = c.putObject("added_tokens_decoder");
    List<String> specials = s.all();
    for (int id = 0; id < specials.size(); id++) {
      ObjectNode t = decoder.putObject(Integer.toString(id));
      t.put("content", specials.get(id));
      t.put("lstrip", false);
      t.put("normalized", false);
      t.put("rstrip", false);
      t.put("single_word", false);
      t.put("special", true);
    }
    ArrayNode extra = c.putArray("additional_special_tokens");
    s.additional().forEach(extra::add);
    c.put("bos_token", s.bos());
    c.put("chat_template", ChatTemplate.BUILTIN);
    c.put("clean_up_tokenization_spaces", false);
    c.put("eos_token", s.eos());
    c.put("model_max_length", modelMaxLength);
    c.put("pad_token", s.pad());
    c.put("tokenizer_class", "PreTrainedTokenizerFast");
    return c;
  }

  /** The {@code special_tokens_map.json} document. */
  public static ObjectNode specialTokensMap(SpecialTokens s) {
    ObjectNode m = NODES.objectNode();
    ArrayNode extra = m.putArray("additional_special_tokens");
    s.additional().forEach(extra::add);
    m.put("bos_token", s.bos());
    m.put("eos_token", s.eos());
    m.put("pad_token", s.pad());
    return m;
  }

  private static void writeJson(Path dir, String name, ObjectNode doc) {
    Path target = dir.resolve(name);
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, name, ".tmp");
      try {
        Files.writeString(tmp, Json.writePretty(doc) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw Errors.tokenizer(target.toString(), "cannot write it: " + e.getMessage(),
          "check that the model folder is writable and has free space", e);
    }
  }
}

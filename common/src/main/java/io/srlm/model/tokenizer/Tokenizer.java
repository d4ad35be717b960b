package io.srlm.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.srlm.errors.Errors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run-time tokenizer for an HF model folder: {@code tokenizer.json} through DJL's binding of HF tokenizers (from
 * the local file only, never the hub), with truncation and padding off (DJL's default silently truncates at 512
 * tokens), plus the special tokens and chat template from the config files.
 *
 * <ul>
 *   <li>BOS: {@code bos_token} of {@code tokenizer_config.json}, else of {@code special_tokens_map.json}, else
 *       {@code bos_token_id} of {@code generation_config.json}. It is added to prompts when {@code add_bos_token}
 *       is true, or, when that key is absent, when the post-processor of {@code tokenizer.json} adds it (as
 *       Llama 3's does).
 *   <li>EOS: every id named by {@code eos_token} in either file and by {@code eos_token_id} (an int or a list) in
 *       {@code generation_config.json}; all of them stop generation. At least one is required.
 *   <li>PAD: {@code pad_token} (either file), else {@code pad_token_id}, else the first EOS id.
 *   <li>Chat template: {@code chat_template} of {@code tokenizer_config.json} (a string, or a list of
 *       {name, template} where "default" is used), else {@code chat_template.jinja}, else
 *       {@code chat_template.json}. A model with no template gets the default, {@link ChatTemplate#BUILTIN}:
 *       <pre>
 *   {{ bos_token }}&lt;|system|&gt;S&lt;|user|&gt;U&lt;|assistant|&gt;A{{ eos_token }}...&lt;|assistant|&gt;</pre>
 *       and a log line says so.
 * </ul>
 *
 * Encoding, decoding and rendering may be called from several threads at once. Close the tokenizer to free the
 * native one. Errors are {@link io.srlm.errors.SrlmException}s naming the file and the fix.
 */
public final class Tokenizer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Tokenizer.class);

  private final HuggingFaceTokenizer hf;
  private final Path file;
  private final int vocabSize;
  private final SpecialTokenIds ids;
  private final ChatTemplate chatTemplate;

  private Tokenizer(HuggingFaceTokenizer hf, Path file, int vocabSize, SpecialTokenIds ids, ChatTemplate template) {
    this.hf = hf;
    this.file = file;
    this.vocabSize = vocabSize;
    this.ids = ids;
    this.chatTemplate = template;
  }

  /**
   * Loads the tokenizer of a model folder.
   *
   * @param modelDir the folder with {@code tokenizer.json} and, optionally, the other tokenizer files
   * @return an open tokenizer; close it when done
   */
  public static Tokenizer load(Path modelDir) {
    Path file = modelDir.resolve(HfTokenizerFiles.TOKENIZER_JSON);
    if (!Files.isRegularFile(file)) {
      throw Errors.tokenizer(file.toString(), "tokenizer.json not found in " + modelDir,
          "put the model's tokenizer.json into the model folder (transformers' save_pretrained writes it; a "
              + "sentencepiece tokenizer.model alone is not enough: convert it with AutoTokenizer.from_pretrained("
              + "...).save_pretrained(...))");
    }
    VocabIndex vocab = new VocabIndex(TokenizerSettings.read(file), file.toString());
    TokenizerSettings settings = new TokenizerSettings(modelDir);
    HuggingFaceTokenizer hf = open(file);
    try {
      return build(hf, file, vocab, settings);
    } catch (RuntimeException e) {
      hf.close();
      throw e;
    }
  }

  private static HuggingFaceTokenizer open(Path file) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("addSpecialTokens", "false");
    options.put("truncation", "false");
    options.put("padding", "false");
    try {
      return HuggingFaceTokenizer.newInstance(file, options);
    } catch (IOException | RuntimeException | LinkageError e) {
      throw Errors.tokenizer(file.toString(), "HF tokenizers cannot load it: " + e.getMessage(),
          "use the tokenizer.json saved with the model (transformers' save_pretrained); srlm reads it with HF "
              + "tokenizers 0.21, so a file from a much newer version may need re-saving with that version",
          e);
    }
  }

  private static Tokenizer build(HuggingFaceTokenizer hf, Path file, VocabIndex vocab, TokenizerSettings s) {
    SpecialTokenIds ids = SpecialTokenIds.resolve(s, vocab, hf);
    TokenizerSettings.Template t = s.chatTemplate();
    ChatTemplate template;
    if (t == null) {
      LOG.info("{} ships no chat template; using the built-in srlm template (ChatTemplate.BUILTIN)", s.dir);
      template = new ChatTemplate(ChatTemplate.BUILTIN, "the built-in chat template (ChatTemplate.BUILTIN)");
    } else {
      template = new ChatTemplate(t.source(), t.origin());
    }
    LOG.debug("Loaded {}: {} tokens, bos={}, eos={}, pad={}, add_bos={}", file, vocab.size(), ids.bosId(),
        Arrays.toString(ids.eosIds()), ids.padId(), ids.addBos());
    return new Tokenizer(hf, file, vocab.size(), ids, template);
  }

  /**
   * Encodes text as is: special tokens written in it map to their ids, and nothing is added. Unpaired surrogates
   * (not valid Unicode) are encoded as U+FFFD.
   */
  public int[] encode(String text) {
    return toInts(handle().encode(ByteLevel.wellFormed(text), false, false).getIds());
  }

  /**
   * Encodes a prompt: like {@link #encode}, with the BOS id in front when the config says so
   * ({@link #addsBosToken()}), unless the text already starts with it. EOS is never added: the model continues a
   * prompt.
   */
  public int[] encodePrompt(String text) {
    int[] encoded = encode(text);
    if (!ids.addBos() || (encoded.length > 0 && encoded[0] == ids.bosId().getAsInt())) {
      return encoded;
    }
    int[] out = new int[encoded.length + 1];
    out[0] = ids.bosId().getAsInt();
    System.arraycopy(encoded, 0, out, 1, encoded.length);
    return out;
  }

  /**
   * Decodes ids to text. Ids the tokenizer does not know are skipped.
   *
   * @param tokenIds token ids
   * @param skipSpecialTokens whether to leave special tokens (BOS, EOS, chat markers...) out of the text
   */
  public String decode(int[] tokenIds, boolean skipSpecialTokens) {
    long[] longs = new long[tokenIds.length];
    for (int i = 0; i < tokenIds.length; i++) {
      longs[i] = tokenIds[i];
    }
    return handle().decode(longs, skipSpecialTokens);
  }

  /** The number of token ids, added tokens included: the largest id plus one. */
  public int vocabSize() {
    return vocabSize;
  }

  public OptionalInt bosId() {
    return ids.bosId();
  }

  /** Every id that ends a sequence (at least one; the first is the tokenizer's own EOS when it has one). */
  public int[] eosIds() {
    return ids.eosIds().clone();
  }

  /** The padding id; the first EOS id when the model sets no pad token. */
  public int padId() {
    return ids.padId();
  }

  /** Whether {@link #encodePrompt} puts BOS in front. */
  public boolean addsBosToken() {
    return ids.addBos();
  }

  /** Whether the config asks for EOS after encoded text ({@code add_eos_token}); for callers building targets. */
  public boolean addsEosToken() {
    return ids.addEos();
  }

  /** The chat template in use (the model's, or {@link ChatTemplate#BUILTIN}). */
  public ChatTemplate chatTemplate() {
    return chatTemplate;
  }

  /** The {@code tokenizer.json} this tokenizer was loaded from. */
  public Path file() {
    return file;
  }

  /**
   * Renders a conversation with the chat template. When the template emits {@code bos_token}, the text starts with
   * it.
   */
  public String renderChat(List<ChatMessage> messages, boolean addGenerationPrompt) {
    return chatTemplate.render(messages, addGenerationPrompt, ids.templateTokens());
  }

  /**
   * Renders and encodes a conversation, adding BOS as {@link #encodePrompt} does: once, whether or not the template
   * already emitted it.
   */
  public int[] encodeChat(List<ChatMessage> messages, boolean addGenerationPrompt) {
    return encodePrompt(renderChat(messages, addGenerationPrompt));
  }

  /**
   * Fails when the tokenizer can produce ids the model has no embedding for (a model vocabulary larger than the
   * tokenizer's is fine: models often pad it).
   *
   * @param t the tokenizer
   * @param modelVocabSize {@code vocab_size} from the model's config
   * @param modelDir the model folder, for the message
   */
  public static void checkAgainstModel(Tokenizer t, int modelVocabSize, String modelDir) {
    if (t.vocabSize() > modelVocabSize) {
      throw Errors.tokenizerModelMismatch(t.file().toString(), modelDir, t.vocabSize(), modelVocabSize);
    }
  }

  private HuggingFaceTokenizer handle() {
    if (hf.isReleased()) {
      throw Errors.internal("Tokenizer for " + file + " used after close()", null);
    }
    return hf;
  }

  private static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  /** Frees the native tokenizer. Idempotent. */
  @Override
  public void close() {
    hf.close();
  }

  /** For messages: the tokenizer file and its size. */
  @Override
  public String toString() {
    return "Tokenizer(" + file + ", " + vocabSize + " tokens)";
  }

  /** The special-token variables given to the chat template, for tests and diagnostics. */
  Map<String, String> templateTokens() {
    return new LinkedHashMap<>(ids.templateTokens());
  }
}

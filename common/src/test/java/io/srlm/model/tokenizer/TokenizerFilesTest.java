package io.srlm.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srlm.errors.ErrorCode;
import io.srlm.errors.SrlmException;
import io.srlm.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading model folders: which files are read, how special tokens and templates are found, and the errors. */
class TokenizerFilesTest {
  private static BpeModel model;

  @TempDir
  Path dir;

  @BeforeAll
  static void train() {
    model = ByteLevelBpeTrainer.train(TestCorpus.texts(50_000, 4), 400, SpecialTokens.DEFAULT);
  }

  /** Writes only tokenizer.json into {@link #dir}. */
  private void tokenizerJsonOnly() throws Exception {
    write("tokenizer.json", Json.writePretty(HfTokenizerFiles.tokenizerJson(model)));
  }

  private void write(String name, String content) throws Exception {
    Files.writeString(dir.resolve(name), content);
  }

  private static SrlmException loadError(Path d) {
    try (Tokenizer t = Tokenizer.load(d)) {
      throw new AssertionError("loaded " + t);
    } catch (SrlmException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.TOKENIZER);
      assertThat(e.getMessage()).contains("To fix:");
      return e;
    }
  }

  @Test
  void missingTokenizerJson() {
    SrlmException e = loadError(dir);
    assertThat(e.getMessage()).contains("tokenizer.json not found").contains(dir.resolve("tokenizer.json")
        .toString());
    assertThat(e.context()).containsEntry("file", dir.resolve("tokenizer.json").toString());
    assertThat(loadError(dir.resolve("no-such-model")).getMessage()).contains("tokenizer.json not found");
  }

  @Test
  void unreadableTokenizerJson() throws Exception {
    write("tokenizer.json", "{ not json");
    assertThat(loadError(dir).getMessage()).contains("cannot read it as JSON");
  }

  @Test
  void tokenizerJsonThatHfTokenizersRejects() throws Exception {
    write("tokenizer.json", "{\"model\": {\"type\": \"NoSuchModel\", \"vocab\": {\"a\": 0}}}");
    write("tokenizer_config.json", "{\"eos_token\": \"a\"}");
    assertThat(loadError(dir).getMessage()).contains("HF tokenizers cannot load it");
  }

  @Test
  void noEndOfSequenceTokenIsAnError() throws Exception {
    tokenizerJsonOnly();
    assertThat(loadError(dir).getMessage()).contains("no end-of-sequence token")
        .contains("eos_token_id in generation_config.json");
  }

  @Test
  void tokenNotInTheVocabularyIsAnError() throws Exception {
    tokenizerJsonOnly();
    write("tokenizer_config.json", "{\"bos_token\": \"<bos>\", \"eos_token\": \"</s>\"}");
    SrlmException e = loadError(dir);
    assertThat(e.getMessage()).contains("bos_token is '<bos>', which is not a token of");
    assertThat(e.context().get("file")).endsWith("tokenizer_config.json");
  }

  @Test
  void badGenerationConfigIsAnError() throws Exception {
    tokenizerJsonOnly();
    write("generation_config.json", "{\"eos_token_id\": \"</s>\"}");
    assertThat(loadError(dir).getMessage()).contains("eos_token_id must be a token id or a list");
  }

  @Test
  void addBosWithoutBosIsAnError() throws Exception {
    tokenizerJsonOnly();
    write("tokenizer_config.json", "{\"eos_token\": \"</s>\", \"add_bos_token\": true}");
    assertThat(loadError(dir).getMessage()).contains("add_bos_token is true but no bos_token is set");
  }

  @Test
  void tokenObjectsTemplateListsAndGenerationConfig() throws Exception {
    tokenizerJsonOnly();
    ObjectNode config = Json.MAPPER.createObjectNode();
    config.putObject("bos_token").put("__type", "AddedToken").put("content", "<s>");
    config.putObject("eos_token").put("__type", "AddedToken").put("content", "</s>");
    config.put("add_bos_token", false);
    var templates = config.putArray("chat_template");
    templates.addObject().put("name", "tool_use").put("template", "TOOLS");
    templates.addObject().put("name", "default").put("template", TemplateStyles.ZEPHYR);
    write("tokenizer_config.json", Json.write(config));
    write("generation_config.json", "{\"eos_token_id\": [2, 4], \"bos_token_id\": 1}");

    try (Tokenizer t = Tokenizer.load(dir)) {
      assertThat(t.bosId()).hasValue(1);
      assertThat(t.eosIds()).containsExactly(2, 4);
      assertThat(t.padId()).isEqualTo(2);
      assertThat(t.addsBosToken()).isFalse();
      assertThat(t.encodePrompt("hi")).containsExactly(t.encode("hi"));
      assertThat(t.renderChat(List.of(ChatMessage.user("Hi")), true)).isEqualTo("<|user|>\nHi</s>\n<|assistant|>\n");
    }
  }

  @Test
  void specialTokensMapAndSeparateTemplateFile() throws Exception {
    tokenizerJsonOnly();
    write("special_tokens_map.json", "{\"bos_token\": {\"content\": \"<s>\"}, \"eos_token\": \"</s>\","
        + " \"pad_token\": \"<pad>\"}");
    write("chat_template.jinja", TemplateStyles.CHATML);
    try (Tokenizer t = Tokenizer.load(dir)) {
      assertThat(t.bosId()).hasValue(1);
      assertThat(t.eosIds()).containsExactly(2);
      assertThat(t.padId()).isZero();
      assertThat(t.addsBosToken()).isFalse(); // no add_bos_token and no post-processor adding it
      assertThat(t.renderChat(List.of(ChatMessage.user("Hi")), true))
          .isEqualTo("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
              + "<|im_start|>assistant\n");
    }
  }

  @Test
  void noTemplateFallsBackToTheBuiltinOne() throws Exception {
    tokenizerJsonOnly();
    write("generation_config.json", "{\"eos_token_id\": 2, \"bos_token_id\": 1}");
    try (Tokenizer t = Tokenizer.load(dir)) {
      assertThat(t.chatTemplate().source()).isEqualTo(ChatTemplate.BUILTIN);
      assertThat(t.templateTokens()).containsEntry("bos_token", "<s>").containsEntry("eos_token", "</s>");
      assertThat(t.renderChat(List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Yo")), false))
          .isEqualTo("<s><|user|>Hi<|assistant|>Yo</s>");
    }
  }

  @Test
  void bosAddedByThePostProcessorCountsAsAddBos() throws Exception {
    ObjectNode json = HfTokenizerFiles.tokenizerJson(model);
    ObjectNode post = json.putObject("post_processor");
    post.put("type", "TemplateProcessing");
    post.putArray("single").addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
    ((com.fasterxml.jackson.databind.node.ArrayNode) post.get("single")).addObject().putObject("Sequence")
        .put("id", "A").put("type_id", 0);
    post.putArray("pair").addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    ObjectNode special = post.putObject("special_tokens").putObject("<s>");
    special.put("id", "<s>");
    special.putArray("ids").add(1);
    special.putArray("tokens").add("<s>");
    write("tokenizer.json", Json.write(json));
    write("tokenizer_config.json", "{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\"}");
    try (Tokenizer t = Tokenizer.load(dir)) {
      assertThat(t.addsBosToken()).isTrue();
      assertThat(t.encode("hi")).doesNotContain(1);
      assertThat(t.encodePrompt("hi")[0]).isEqualTo(1);
      assertThat(t.encodePrompt("<s>hi")).containsExactly(t.encodePrompt("hi"));
    }
  }

  @Test
  void checkAgainstModel() throws Exception {
    HfTokenizerFiles.write(model, dir, 1024);
    try (Tokenizer t = Tokenizer.load(dir)) {
      Tokenizer.checkAgainstModel(t, 400, dir.toString());
      Tokenizer.checkAgainstModel(t, 512, dir.toString()); // padded embeddings are fine
      assertThatThrownBy(() -> Tokenizer.checkAgainstModel(t, 399, dir.toString()))
          .isInstanceOf(SrlmException.class)
          .hasMessageStartingWith("tokenizer.json does not match the model's vocab size: the tokenizer has 400 "
              + "tokens (ids up to 399) but the model's vocab_size is 399")
          .hasMessageContaining("model=" + dir)
          .hasMessageContaining("To fix:");
    }
  }
}

package io.srlm.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.errors.ErrorCode;
import io.srlm.errors.SrlmException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {
  private static final Map<String, String> TOKENS = Map.of("bos_token", "<s>", "eos_token", "</s>", "pad_token",
      "<pad>");

  /** System, user (with spaces to trim), assistant, user. */
  private static final List<ChatMessage> LONG = List.of(ChatMessage.system("You are terse."),
      ChatMessage.user(" Hi there  "), ChatMessage.assistant("Hello."), ChatMessage.user("What is 2 + 2?"));

  /** User, assistant (with spaces). */
  private static final List<ChatMessage> SHORT = List.of(ChatMessage.user("Hi"), ChatMessage.assistant(" Hello! "));

  private static String render(String template, List<ChatMessage> messages, boolean generationPrompt) {
    return new ChatTemplate(template, "test.json").render(messages, generationPrompt, TOKENS);
  }

  @Test
  void builtinTemplate() {
    assertThat(render(ChatTemplate.BUILTIN, LONG, true))
        .isEqualTo("<s><|system|>You are terse.<|user|> Hi there  <|assistant|>Hello.</s><|user|>What is 2 + 2?"
            + "<|assistant|>");
    assertThat(render(ChatTemplate.BUILTIN, SHORT, false)).isEqualTo("<s><|user|>Hi<|assistant|> Hello! </s>");
    assertThat(render(ChatTemplate.BUILTIN, List.of(ChatMessage.user("2+2?")), true))
        .isEqualTo("<s><|user|>2+2?<|assistant|>");
    assertThat(ChatTemplate.BUILTIN).doesNotContain("\n");
  }

  @Test
  void builtinTemplateRejectsUnknownRoles() {
    assertThatThrownBy(() -> render(ChatTemplate.BUILTIN, List.of(new ChatMessage("tool", "x")), false))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("the template raised an error: Unknown chat role: tool")
        .hasMessageContaining("file=test.json");
  }

  @Test
  void llama3Style() {
    String expectedLong = "<s><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
        + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
        + "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
        + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2 + 2?<|eot_id|>";
    String generation = "<|start_header_id|>assistant<|end_header_id|>\n\n";
    for (String template : List.of(TemplateStyles.LLAMA3_MULTILINE, TemplateStyles.LLAMA3_ONELINE)) {
      assertThat(render(template, LONG, true)).isEqualTo(expectedLong + generation);
      assertThat(render(template, LONG, false)).isEqualTo(expectedLong);
      assertThat(render(template, SHORT, false)).isEqualTo("<s><|start_header_id|>user<|end_header_id|>\n\nHi"
          + "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>");
    }
  }

  @Test
  void mistralLlama2Style() {
    assertThat(render(TemplateStyles.INST, LONG, true)).isEqualTo("<s>[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\n"
        + "Hi there [/INST] Hello. </s>[INST] What is 2 + 2? [/INST]");
    assertThat(render(TemplateStyles.INST, SHORT, false)).isEqualTo("<s>[INST] Hi [/INST] Hello! </s>");
  }

  @Test
  void mistralLlama2StyleRaisesOnRoleOrder() {
    List<ChatMessage> twoUsers = List.of(ChatMessage.user("a"), ChatMessage.user("b"));
    assertThatThrownBy(() -> render(TemplateStyles.INST, twoUsers, true))
        .isInstanceOf(SrlmException.class)
        .hasMessageStartingWith("Chat template failed: the template raised an error: Roles must go user, "
            + "assistant, user, ... after an optional system message")
        .hasMessageContaining("file=test.json")
        .hasMessageContaining("To fix:")
        .extracting(e -> ((SrlmException) e).code()).isEqualTo(ErrorCode.TOKENIZER);
  }

  @Test
  void chatMlStyle() {
    assertThat(render(TemplateStyles.CHATML, LONG, true)).isEqualTo("<|im_start|>system\nYou are terse.<|im_end|>\n"
        + "<|im_start|>user\n Hi there  <|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n"
        + "<|im_start|>user\nWhat is 2 + 2?<|im_end|>\n<|im_start|>assistant\n");
    assertThat(render(TemplateStyles.CHATML, SHORT, false)).isEqualTo("<|im_start|>system\nYou are a helpful "
        + "assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n Hello! <|im_end|>\n");
  }

  @Test
  void zephyrStyle() {
    assertThat(render(TemplateStyles.ZEPHYR, LONG, true)).isEqualTo("<|system|>\nYou are terse.</s>\n"
        + "<|user|>\n Hi there  </s>\n<|assistant|>\nHello.</s>\n<|user|>\nWhat is 2 + 2?</s>\n<|assistant|>\n");
    assertThat(render(TemplateStyles.ZEPHYR, SHORT, false))
        .isEqualTo("<|user|>\nHi</s>\n<|assistant|>\n Hello! </s>\n");
  }

  @Test
  void pythonIsms() {
    assertThat(render(TemplateStyles.PYTHONISMS, LONG, false))
        .isEqualTo("2|user|YOU ARE TERSE.|N|What+is+2+++2?|anon|You are terse.|N|E|x\ty");
    assertThat(render(TemplateStyles.PYTHONISMS, SHORT, false)).isEqualTo("1|assistant|HI|Y|+Hello!+|anon|i|N|F|x\ty");
  }

  @Test
  void dropsOneTrailingNewlineLikeJinja2() {
    assertThat(render("{{ messages[0]['content'] }}\n", SHORT, false)).isEqualTo("Hi");
    assertThat(render("{{ messages[0]['content'] }}\n\n", SHORT, false)).isEqualTo("Hi\n");
  }

  @Test
  void messageContentIsNeverInterpreted() {
    List<ChatMessage> tricky = List.of(ChatMessage.user("{{ 1 + 1 }} {% if true %}x{% endif %} \\n"));
    assertThat(render(ChatTemplate.BUILTIN, tricky, false))
        .isEqualTo("<s><|user|>{{ 1 + 1 }} {% if true %}x{% endif %} \\n");
  }

  @Test
  void unsupportedTemplateIsAClearError() {
    assertThatThrownBy(() -> render("{{ messages[0]['content'].no_such_method() }}", SHORT, false))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("Chat template failed: it cannot be rendered")
        .hasMessageContaining("no_such_method")
        .hasMessageContaining("file=test.json")
        .hasMessageContaining("chat_template");
  }

  @Test
  void whitespaceControlOnExpressionsAndCommentsLikeJinja2() {
    // Expected values from Python Jinja2 with trim_blocks and lstrip_blocks.
    assertThat(render("a  {{- 'x' -}}  b", SHORT, false)).isEqualTo("axb");
    assertThat(render("a \n {{- 'x' }} \n b", SHORT, false)).isEqualTo("ax \n b");
    assertThat(render("a {{ 'x' -}} \n b", SHORT, false)).isEqualTo("a xb");
    assertThat(render("a {#- c -#} b", SHORT, false)).isEqualTo("ab");
    assertThat(render("a\n  {%- if true -%}\n  x\n  {%- endif -%}\n  b", SHORT, false)).isEqualTo("axb");
    assertThat(render("a {{ '-}}' }} b", SHORT, false)).isEqualTo("a -}} b");
  }

  @Test
  void escapesInLiteralsLikeJinja2() {
    // Python Jinja2 renders these as: newline, tab, backslash-n, and "café A' 😀".
    assertThat(render("{{ 'a\\nb' }}|{{ \"t\\tt\" }}|{{ 'c\\\\nd' }}", SHORT, false)).isEqualTo("a\nb|t\tt|c\\nd");
    assertThat(render("{{ 'caf\\u00e9 \\x41\\x27 \\U0001F600' }}", SHORT, false)).isEqualTo("café A' 😀");
  }

  @Test
  void unicodeEscapesAreDecodedOnlyInsideTagLiterals() {
    assertThat(JinjaSource.prepare("a\\x41{{ 'x\\x41\\x27' }}{# '\\x41' #}{% set s = \"\\x22\\n\" %}"))
        .isEqualTo("a\\x41{{ 'xA\\'' }}{# '\\x41' #}{% set s = \"\\\"\\n\" %}");
  }
}

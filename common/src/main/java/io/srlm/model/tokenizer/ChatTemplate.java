package io.srlm.model.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import io.srlm.errors.Errors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;

/**
 * An HF chat template (Jinja2 source from {@code tokenizer_config.json}), rendered with jinjava the way transformers'
 * {@code apply_chat_template} renders it: {@code trim_blocks} and {@code lstrip_blocks} on, the variables
 * {@code messages} (a list of {role, content} dicts), {@code add_generation_prompt} and the special token strings
 * ({@code bos_token}, {@code eos_token}, {@code pad_token}, {@code unk_token} where set), and a
 * {@code raise_exception(message)} function.
 *
 * <p>Where jinjava differs from Jinja2: escapes in string literals and the trailing newline are fixed in the source
 * ({@link JinjaSource}); Python string and dict methods are added ({@link PythonMethods}); jinjava's nested
 * interpretation is turned off, because by default it would execute Jinja syntax found inside message contents.
 * Booleans print as {@code true}/{@code false}, not Python's {@code True}/{@code False}.
 */
public final class ChatTemplate {

  /**
   * The built-in template, written into the built-in tokenizer's {@code tokenizer_config.json} and used for models
   * that ship no template: {@code <s><|system|>S<|user|>U<|assistant|>A</s>...}, ending with {@code <|assistant|>}
   * when a generation prompt is asked for. Unknown roles raise an error.
   */
  public static final String BUILTIN = "{{ bos_token }}{% for message in messages %}"
      + "{% if message['role'] == 'system' %}{{ '<|system|>' + message['content'] }}"
      + "{% elif message['role'] == 'user' %}{{ '<|user|>' + message['content'] }}"
      + "{% elif message['role'] == 'assistant' %}{{ '<|assistant|>' + message['content'] + eos_token }}"
      + "{% else %}{{ raise_exception('Unknown chat role: ' + message['role']) }}{% endif %}{% endfor %}"
      + "{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}";

  private final String source;
  private final String origin;
  private final String prepared;
  private final Jinjava jinjava;

  /**
   * @param source the Jinja2 template text
   * @param origin the file it came from, named in error messages
   */
  public ChatTemplate(String source, String origin) {
    this.source = source;
    this.origin = origin;
    this.prepared = JinjaSource.prepare(source);
    CompositeELResolver resolver = new CompositeELResolver();
    resolver.add(new PythonMethods());
    resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
    JinjavaConfig config = JinjavaConfig.newBuilder()
        .withTrimBlocks(true)
        .withLstripBlocks(true)
        .withNestedInterpretationEnabled(false)
        .withElResolver(resolver)
        .build();
    this.jinjava = new Jinjava(config);
    jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception", ChatTemplate.class,
        "raiseException", String.class));
  }

  /** The template as written (before the jinjava adjustments). */
  public String source() {
    return source;
  }

  /**
   * Renders a conversation.
   *
   * @param messages the turns
   * @param addGenerationPrompt whether to end with the opening of an assistant turn
   * @param specialTokens template variables such as {@code bos_token}; null values are left undefined
   * @return the rendered text
   */
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, String> specialTokens) {
    List<Map<String, Object>> turns = new ArrayList<>(messages.size());
    for (ChatMessage m : messages) {
      Map<String, Object> turn = new LinkedHashMap<>();
      turn.put("role", m.role());
      turn.put("content", m.content());
      turns.add(turn);
    }
    Map<String, Object> vars = new HashMap<>();
    specialTokens.forEach((k, v) -> {
      if (v != null) {
        vars.put(k, v);
      }
    });
    vars.put("messages", turns);
    vars.put("add_generation_prompt", addGenerationPrompt);
    RenderResult result;
    try {
      result = jinjava.renderForResult(prepared, vars);
    } catch (RuntimeException e) {
      throw Errors.chatTemplate(origin, "it cannot be rendered: " + e.getMessage(), UNSUPPORTED_FIX, e);
    }
    for (TemplateError error : result.getErrors()) {
      if (error.getSeverity() != TemplateError.ErrorType.FATAL) {
        continue;
      }
      TemplateRaised raised = findRaised(error.getException());
      if (raised != null) {
        throw Errors.chatTemplate(origin, "the template raised an error: " + raised.getMessage(),
            "pass the conversation in the shape the template expects (roles, their order)", raised);
      }
      throw Errors.chatTemplate(origin, "it cannot be rendered: " + error.getMessage()
          + (error.getLineno() > 0 ? " (template line " + error.getLineno() + ")" : ""), UNSUPPORTED_FIX,
          error.getException());
    }
    return result.getOutput();
  }

  private static final String UNSUPPORTED_FIX = "the template may use a Jinja2 feature that jinjava does not support; "
      + "put a simpler chat_template into tokenizer_config.json (ChatTemplate.BUILTIN is one)";

  private static TemplateRaised findRaised(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof TemplateRaised raised) {
        return raised;
      }
    }
    return null;
  }

  /** The {@code raise_exception(message)} function that chat templates call; public only for jinjava. */
  public static String raiseException(String message) {
    throw new TemplateRaised(message);
  }

  /** Thrown by {@code raise_exception}; jinjava records it, and {@link #render} turns it into an srlm error. */
  static final class TemplateRaised extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TemplateRaised(String message) {
      super(message);
    }
  }
}

package io.srlm.model.tokenizer;

/**
 * Chat templates written for these tests in the styles of real HF models (not copies of them). The expected
 * renderings in {@link ChatTemplateTest} were checked against Python Jinja2 3.1 configured as transformers configures
 * it (sandboxed, trim_blocks, lstrip_blocks).
 */
final class TemplateStyles {
  private TemplateStyles() {}

  /** Llama 3 style: header tokens, | trim, whitespace control, Jinja escapes (backslash-n) in the literals. */
  static final String LLAMA3_MULTILINE =
      "{{- bos_token -}}\n"
      + "{%- for m in messages -%}\n"
      + "    {{- '<|start_header_id|>' ~ m['role'] ~ '<|end_header_id|>\\n\\n' -}}\n"
      + "    {{- m['content'] | trim -}}\n"
      + "    {{- '<|eot_id|>' -}}\n"
      + "{%- endfor -%}\n"
      + "{%- if add_generation_prompt -%}\n"
      + "    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}\n"
      + "{%- endif -%}\n";

  /** Llama 3 style on one line, as tokenizer_config.json files hold it: real newlines inside the literals. */
  static final String LLAMA3_ONELINE = "{% for m in messages %}{% set turn = '<|start_header_id|>' + m['role']"
      + " + '<|end_header_id|>\n\n' + m['content'] | trim + '<|eot_id|>' %}{% if loop.first %}"
      + "{% set turn = bos_token + turn %}{% endif %}{{ turn }}{% endfor %}{% if add_generation_prompt %}"
      + "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

  /** Mistral / Llama 2 style: [INST], system folded into the first turn, raise_exception on role order. */
  static final String INST =
      "{%- if messages[0]['role'] == 'system' -%}\n"
      + "    {%- set sys_text = messages[0]['content'] -%}\n"
      + "    {%- set turns = messages[1:] -%}\n"
      + "{%- else -%}\n"
      + "    {%- set sys_text = '' -%}\n"
      + "    {%- set turns = messages -%}\n"
      + "{%- endif -%}\n"
      + "{{- bos_token -}}\n"
      + "{%- for m in turns -%}\n"
      + "    {%- if (m['role'] == 'user') != (loop.index0 % 2 == 0) -%}\n"
      + "        {{- raise_exception('Roles must go user, assistant, user, ... after an optional system message') -}}\n"
      + "    {%- endif -%}\n"
      + "    {%- if m['role'] == 'user' -%}\n"
      + "        {%- if loop.first and sys_text -%}\n"
      + "            {{- '[INST] <<SYS>>\\n' + sys_text.strip() + '\\n<</SYS>>\\n\\n'\n"
      + "                + m['content'].strip() + ' [/INST]' -}}\n"
      + "        {%- else -%}\n"
      + "            {{- '[INST] ' + m['content'].strip() + ' [/INST]' -}}\n"
      + "        {%- endif -%}\n"
      + "    {%- else -%}\n"
      + "        {{- ' ' + m['content'].strip() + ' ' + eos_token -}}\n"
      + "    {%- endif -%}\n"
      + "{%- endfor -%}\n";

  /** ChatML (Qwen2) style, with a default system turn; relies on trim_blocks and lstrip_blocks. */
  static final String CHATML =
      "{% for message in messages %}\n"
      + "{% if loop.first and messages[0]['role'] != 'system' %}\n"
      + "<|im_start|>system\n"
      + "You are a helpful assistant.<|im_end|>\n"
      + "{% endif %}\n"
      + "<|im_start|>{{ message['role'] }}\n"
      + "{{ message['content'] }}<|im_end|>\n"
      + "{% endfor %}\n"
      + "{% if add_generation_prompt %}\n"
      + "<|im_start|>assistant\n"
      + "{% endif %}\n";

  /** Zephyr (TinyLlama) style: one line per turn, role markers and eos_token. */
  static final String ZEPHYR =
      "{% for message in messages %}\n"
      + "{% if message['role'] == 'system' %}\n"
      + "{{ '<|system|>\\n' + message['content'] + eos_token }}\n"
      + "{% elif message['role'] == 'user' %}\n"
      + "{{ '<|user|>\\n' + message['content'] + eos_token }}\n"
      + "{% elif message['role'] == 'assistant' %}\n"
      + "{{ '<|assistant|>\\n'  + message['content'] + eos_token }}\n"
      + "{% endif %}\n"
      + "{% if loop.last and add_generation_prompt %}\n"
      + "{{ '<|assistant|>' }}\n"
      + "{% endif %}\n"
      + "{% endfor %}";

  /** Python-isms seen in real templates: namespace, str and dict methods, is defined, tuples, \\t escapes. */
  static final String PYTHONISMS =
      "{%- set ns = namespace(users=0, last='') -%}\n"
      + "{%- for m in messages -%}\n"
      + "{%- if m['role'] == 'user' -%}{%- set ns.users = ns.users + 1 -%}{%- endif -%}\n"
      + "{%- set ns.last = m['role'] -%}\n"
      + "{%- endfor -%}\n"
      + "{{- ns.users }}|{{ ns.last }}|{{ messages[0]['content'].upper() }}"
      + "|{{ 'Y' if messages[0]['content'].startswith('Hi') else 'N' }}"
      + "|{{ messages[-1]['content'].split(' ') | join('+') }}|{{ messages[0].get('name', 'anon') }}"
      + "|{{ messages[0]['content'].lstrip('H') }}|{{ 'Y' if tools is defined else 'N' }}"
      + "|{{ 'E' if messages[0]['content'].endswith(('.', '!')) else 'F' }}|{{ 'x\\ty' }}\n";
}

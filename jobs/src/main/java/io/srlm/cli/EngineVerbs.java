package io.srlm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.model.EngineOptions;
import io.srlm.model.Generation;
import io.srlm.model.GenerationRequest;
import io.srlm.model.LanguageModel;
import io.srlm.model.SamplingParams;
import io.srlm.model.Scorer;
import io.srlm.util.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Engine verbs that need no Spark: generate and score with a local HF model directory. */
final class EngineVerbs {
  private EngineVerbs() {}

  /** One JSONL input row: text or raw token ids. */
  record Input(int line, String prompt, int[] promptIds, String completion, int[] completionIds, Long seed) {}

  static List<Input> readJsonl(Path file) {
    List<Input> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String s;
      int line = 0;
      while ((s = r.readLine()) != null) {
        line++;
        if (s.isBlank()) {
          continue;
        }
        JsonNode n;
        try {
          n = Json.MAPPER.readTree(s);
        } catch (IOException e) {
          throw Errors.error(io.srlm.errors.ErrorCode.GENERATION, "Input line is not JSON: " + e.getMessage(),
              "write one JSON object per line", "file", file, "line", line);
        }
        out.add(new Input(line, text(n, "prompt", file, line), ids(n, "prompt_ids", file, line),
            text(n, "completion", file, line), ids(n, "completion_ids", file, line),
            n.has("seed") ? n.get("seed").asLong() : null));
      }
    } catch (IOException e) {
      throw Errors.error(io.srlm.errors.ErrorCode.GENERATION, "Cannot read input: " + e.getMessage(),
          "check the --input path", "file", file);
    }
    return out;
  }

  private static String text(JsonNode n, String field, Path file, int line) {
    if (!n.has(field)) {
      return null;
    }
    if (!n.get(field).isTextual()) {
      throw Errors.error(io.srlm.errors.ErrorCode.GENERATION, "Field " + field + " must be a string",
          "use a JSON string, or " + field + "_ids for token ids", "file", file, "line", line);
    }
    return n.get(field).asText();
  }

  private static int[] ids(JsonNode n, String field, Path file, int line) {
    if (!n.has(field)) {
      return null;
    }
    JsonNode a = n.get(field);
    if (!a.isArray()) {
      throw Errors.error(io.srlm.errors.ErrorCode.GENERATION, "Field " + field + " must be an array of token ids",
          "write e.g. [1, 345, 22]", "file", file, "line", line);
    }
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asInt();
    }
    return out;
  }

  /** Options shared by generate and score. */
  static final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A local HF model directory")
    Path model;

    @Option(names = "--device", defaultValue = "auto", description = "auto (the first GPU this process sees, else "
        + "cpu), cpu, cuda or cuda:N (N counts the GPUs in CUDA_VISIBLE_DEVICES); see docs/gpu.md")
    String device;

    @Option(names = "--dtype", defaultValue = "auto", description = "auto (f16 on a GPU unless the checkpoint "
        + "exceeds f16's range, f32 on cpu), f32 or f16 (GPU only)")
    String dtype;

    @Option(names = "--batch-size", defaultValue = "16")
    int batchSize;

    @Option(names = "--threads", defaultValue = "0", description = "Engine intra-op threads (0 = default)")
    int threads;

    EngineOptions engine() {
      return new EngineOptions(device, dtype, threads, batchSize);
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = {"Generate completions with a local model (chat template applied to text prompts).",
          "Input JSONL rows: {\"prompt\": TEXT} or {\"prompt_ids\": [ids]}, optional \"seed\". Output: JSONL."})
  static final class Generate implements Callable<Integer> {
    @Mixin
    ModelOptions m;

    @Option(names = "--prompt", description = "A single prompt (instead of --input)")
    String prompt;

    @Option(names = "--input", paramLabel = "FILE.jsonl")
    Path input;

    @Option(names = "--temperature", defaultValue = "0.7")
    double temperature;

    @Option(names = "--top-p", defaultValue = "0.9")
    double topP;

    @Option(names = "--top-k", defaultValue = "0")
    int topK;

    @Option(names = "--max-new-tokens", defaultValue = "128")
    int maxNewTokens;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the first row (row i uses seed + i "
        + "unless it gives its own)")
    long seed;

    @Override
    public Integer call() {
      if ((prompt == null) == (input == null)) {
        throw Errors.configBadValue("--prompt/--input", "(command line)", "exactly one must be given", "both or none");
      }
      List<Input> rows = input == null ? List.of(new Input(1, prompt, null, null, null, null)) : readJsonl(input);
      SamplingParams p = new SamplingParams(temperature, topP, topK, maxNewTokens, List.of());
      try (LanguageModel lm = LanguageModel.load(m.model, m.engine())) {
        List<GenerationRequest> reqs = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
          Input in = rows.get(i);
          int[] ids = in.promptIds() != null ? in.promptIds() : in.prompt() != null ? lm.promptIds(in.prompt())
              : null;
          if (ids == null) {
            throw Errors.error(io.srlm.errors.ErrorCode.GENERATION, "Row has neither prompt nor prompt_ids",
                "give one of them", "file", input, "line", in.line());
          }
          reqs.add(new GenerationRequest(ids, in.seed() != null ? in.seed() : seed + i, p));
        }
        List<Generation> gens = lm.generator(m.batchSize).generate(reqs);
        for (int i = 0; i < gens.size(); i++) {
          Generation g = gens.get(i);
          Map<String, Object> o = new LinkedHashMap<>();
          o.put("text", g.text());
          o.put("token_ids", g.tokenIds());
          o.put("finish_reason", g.finishReason());
          o.put("prompt_tokens", g.promptTokens());
          o.put("seed", reqs.get(i).seed());
          System.out.println(Json.write(o));
        }
      }
      return 0;
    }
  }

  @Command(name = "score", mixinStandardHelpOptions = true,
      description = {"Log-probability of completions given prompts.",
          "Input JSONL rows: {\"prompt\",\"completion\"} (chat template applied) or {\"prompt_ids\",\"completion_ids\"}.",
          "Output JSONL: logprob_sum, logprob_mean, num_tokens."})
  static final class Score implements Callable<Integer> {
    @Mixin
    ModelOptions m;

    @Option(names = "--input", required = true, paramLabel = "FILE.jsonl")
    Path input;

    @Override
    public Integer call() {
      List<Input> rows = readJsonl(input);
      try (LanguageModel lm = LanguageModel.load(m.model, m.engine())) {
        List<int[]> ps = new ArrayList<>();
        List<int[]> cs = new ArrayList<>();
        for (Input in : rows) {
          int[] p = in.promptIds() != null ? in.promptIds() : in.prompt() != null ? lm.promptIds(in.prompt()) : null;
          int[] c = in.completionIds() != null ? in.completionIds()
              : in.completion() != null && in.prompt() != null ? lm.completionIds(in.prompt(), in.completion()) : null;
          if (p == null || c == null || p.length == 0 || c.length == 0) {
            throw Errors.error(io.srlm.errors.ErrorCode.GENERATION,
                "Row needs a non-empty prompt and completion (text or ids)", "give prompt+completion or "
                    + "prompt_ids+completion_ids", "file", input, "line", in.line());
          }
          ps.add(p);
          cs.add(c);
        }
        List<Scorer.Score> scores = lm.scorer(m.batchSize).score(ps, cs);
        for (Scorer.Score s : scores) {
          Map<String, Object> o = new LinkedHashMap<>();
          o.put("logprob_sum", s.logprobSum());
          o.put("logprob_mean", s.logprobMean());
          o.put("num_tokens", s.numTokens());
          System.out.println(Json.write(o));
        }
      }
      return 0;
    }
  }

  @Command(name = "tiny", mixinStandardHelpOptions = true,
      description = "Write the built-in tiny model (untrained; tokenizer trained on the built-in seed corpus) as an "
          + "HF directory.")
  static final class Tiny implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Override
    public Integer call() {
      SrlmConfig c = options.load();
      var judge = io.srlm.prompting.JudgeTemplate.load(c.resolved().confSource(), c.judge().template(),
          "judge.template");
      var task = io.srlm.prompting.TaskPrompt.load(c.resolved().confSource(), c.prompts().template());
      var seed = io.srlm.seed.BuiltinSeed.generate(io.srlm.seed.BuiltinSeed.Options.of(c.seed().builtin(), c.seed().heldoutFraction(), c.run().seed()),
          judge, task, "tiny");
      io.srlm.model.TinyModel.create(c.model().tiny(), seed.corpus(), out);
      System.out.println("Wrote " + out);
      return 0;
    }
  }
}

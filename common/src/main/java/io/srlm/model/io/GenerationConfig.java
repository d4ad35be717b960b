package io.srlm.model.io;

import io.srlm.util.Nullable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A model's optional {@code generation_config.json}: the sampling defaults its authors ship. Every field is null
 * when the file does not set it.
 *
 * @param bosTokenIds {@code bos_token_id} (an int or a list in the file)
 * @param eosTokenIds {@code eos_token_id} (an int or a list in the file); generation stops at any of them
 */
public record GenerationConfig(@Nullable List<Integer> bosTokenIds, @Nullable List<Integer> eosTokenIds,
    @Nullable Integer padTokenId, @Nullable Double temperature, @Nullable Double topP, @Nullable Integer topK,
    @Nullable Integer maxNewTokens, @Nullable Boolean doSample) {

  public static final String FILE = "generation_config.json";

  /** Reads {@code dir/generation_config.json}; empty when the model has none. */
  public static Optional<GenerationConfig> read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    ConfigJson c = new ConfigJson(ConfigJson.readObject(file), file.toString());
    return Optional.of(new GenerationConfig(c.intListOrNull("bos_token_id"), c.intListOrNull("eos_token_id"),
        c.intOrNull("pad_token_id"), c.doubleOrNull("temperature"), c.doubleOrNull("top_p"), c.intOrNull("top_k"),
        c.intOrNull("max_new_tokens"), c.boolOrNull("do_sample")));
  }
}

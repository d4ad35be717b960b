package io.srlm.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import io.srlm.errors.Errors;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What {@link Tokenizer} needs from {@code tokenizer.json} that DJL's binding does not expose: the vocabulary size
 * (largest id of the model vocabulary and of the added tokens, plus one) and token-to-id lookups for the special
 * tokens named in the config files. Handles map vocabularies (BPE, WordPiece, WordLevel) and Unigram's list of
 * {@code [piece, score]}.
 */
final class VocabIndex {
  private final String file;
  private final Map<String, Integer> added = new HashMap<>();
  private final JsonNode vocab;
  private final int size;

  VocabIndex(JsonNode tokenizerJson, String file) {
    this.file = file;
    JsonNode model = tokenizerJson.path("model");
    this.vocab = model.path("vocab");
    int maxId = -1;
    if (vocab.isObject()) {
      for (Iterator<JsonNode> it = vocab.elements(); it.hasNext(); ) {
        maxId = Math.max(maxId, it.next().asInt(-1));
      }
    } else if (vocab.isArray()) {
      maxId = vocab.size() - 1;
    } else {
      throw Errors.tokenizer(file, "it has no model.vocab",
          "use a complete tokenizer.json as saved by HF tokenizers or transformers (save_pretrained)");
    }
    for (JsonNode t : tokenizerJson.path("added_tokens")) {
      JsonNode id = t.get("id");
      JsonNode content = t.get("content");
      if (id == null || !id.canConvertToInt() || content == null || !content.isTextual()) {
        throw Errors.tokenizer(file, "an entry of added_tokens has no integer id or no content: " + t,
            "fix or regenerate tokenizer.json");
      }
      added.put(content.asText(), id.asInt());
      maxId = Math.max(maxId, id.asInt());
    }
    if (maxId < 0) {
      throw Errors.tokenizer(file, "its vocabulary is empty", "use the tokenizer.json that belongs to the model");
    }
    this.size = maxId + 1;
  }

  /** Largest token id plus one. */
  int size() {
    return size;
  }

  /** The id of a token given by its text (added tokens first, then the model vocabulary). */
  OptionalInt id(String token) {
    Integer a = added.get(token);
    if (a != null) {
      return OptionalInt.of(a);
    }
    if (vocab.isObject()) {
      JsonNode id = vocab.get(token);
      return id != null && id.canConvertToInt() ? OptionalInt.of(id.asInt()) : OptionalInt.empty();
    }
    for (int i = 0; i < vocab.size(); i++) {
      if (token.equals(vocab.get(i).path(0).asText(null))) {
        return OptionalInt.of(i);
      }
    }
    return OptionalInt.empty();
  }

  /** Like {@link #id} but fails, naming {@code configFile} and {@code key}, when the token is not in the vocabulary. */
  int require(String token, String configFile, String key) {
    OptionalInt id = id(token);
    if (id.isEmpty()) {
      throw Errors.tokenizer(configFile, key + " is '" + token + "', which is not a token of " + file,
          "set " + key + " to a token that tokenizer.json defines, or use the config files saved with this "
              + "tokenizer");
    }
    return id.getAsInt();
  }
}

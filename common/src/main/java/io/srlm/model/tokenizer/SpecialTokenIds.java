package io.srlm.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.srlm.errors.Errors;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The special token ids of a model folder, resolved from its config files as {@link Tokenizer} documents.
 *
 * @param bosId beginning-of-sequence id, if any
 * @param eosIds every id that ends a sequence (at least one)
 * @param padId padding id
 * @param addBos whether prompts get BOS in front
 * @param addEos whether the config asks for EOS after encoded text
 * @param templateTokens the token strings given to the chat template ({@code bos_token}...; null when unset)
 */
record SpecialTokenIds(OptionalInt bosId, int[] eosIds, int padId, boolean addBos, boolean addEos,
    Map<String, String> templateTokens) {

  static SpecialTokenIds resolve(TokenizerSettings s, VocabIndex vocab, HuggingFaceTokenizer hf) {
    String bos = s.token("bos_token");
    OptionalInt bosId;
    if (bos != null) {
      bosId = OptionalInt.of(vocab.require(bos, s.tokenSource("bos_token"), "bos_token"));
    } else {
      List<Integer> ids = s.generationIds("bos_token_id");
      bosId = ids.isEmpty() ? OptionalInt.empty() : OptionalInt.of(ids.get(0));
    }

    Set<Integer> eos = new LinkedHashSet<>();
    String eosToken = s.token("eos_token");
    if (eosToken != null) {
      eos.add(vocab.require(eosToken, s.tokenSource("eos_token"), "eos_token"));
    }
    String mapEos = s.mapToken("eos_token");
    if (mapEos != null) {
      eos.add(vocab.require(mapEos, s.specialTokensMapFile().toString(), "eos_token"));
    }
    eos.addAll(s.generationIds("eos_token_id"));
    if (eos.isEmpty()) {
      throw Errors.tokenizer(s.configFile.toString(), "no end-of-sequence token is set",
          "set eos_token in tokenizer_config.json or eos_token_id in generation_config.json");
    }
    int[] eosIds = eos.stream().mapToInt(Integer::intValue).toArray();

    String pad = s.token("pad_token");
    int padId;
    if (pad != null) {
      padId = vocab.require(pad, s.tokenSource("pad_token"), "pad_token");
    } else {
      List<Integer> ids = s.generationIds("pad_token_id");
      padId = ids.isEmpty() ? eosIds[0] : ids.get(0);
    }

    // What the tokenizer's own post-processor adds, for configs that do not say (e.g. Llama 3 adds BOS this way).
    long[] automatic = hf.encode("", true, false).getIds();
    boolean postBos = bosId.isPresent() && automatic.length > 0 && automatic[0] == bosId.getAsInt();
    Boolean addBosFlag = s.flag("add_bos_token");
    boolean addBos = addBosFlag != null ? addBosFlag : postBos;
    if (addBos && bosId.isEmpty()) {
      throw Errors.tokenizer(s.configFile.toString(), "add_bos_token is true but no bos_token is set",
          "set bos_token, or set add_bos_token to false");
    }
    Boolean addEosFlag = s.flag("add_eos_token");
    boolean addEos = addEosFlag != null ? addEosFlag
        : automatic.length > (postBos ? 1 : 0) && eos.contains((int) automatic[automatic.length - 1]);

    Map<String, String> templateTokens = new LinkedHashMap<>();
    templateTokens.put("bos_token", bos != null ? bos : bosId.isPresent() ? text(hf, bosId.getAsInt()) : null);
    templateTokens.put("eos_token", eosToken != null ? eosToken : text(hf, eosIds[0]));
    templateTokens.put("pad_token", pad != null ? pad : text(hf, padId));
    templateTokens.put("unk_token", s.token("unk_token"));
    return new SpecialTokenIds(bosId, eosIds, padId, addBos, addEos, templateTokens);
  }

  private static String text(HuggingFaceTokenizer hf, int id) {
    return hf.decode(new long[] {id}, false);
  }
}

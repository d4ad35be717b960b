package io.srlm.config;

import io.srlm.errors.Errors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Recognises config keys that hold credentials, so that no secret reaches srlm's config, its tables or its logs.
 *
 * <p>A key is split into lower-case words at dots, dashes, underscores, quotes and camelCase humps
 * ({@code spark.executorEnv.AWS_SECRET_ACCESS_KEY} is spark, executor, env, aws, secret, access, key). It looks
 * like a credential when a word ends in secret, password, passwd, passphrase, token, apikey, accesskey, secretkey
 * or privatekey, or when "key" follows access, secret, account, api, private or encryption: so
 * {@code fs.s3a.secret.key}, {@code fs.s3a.access.key}, {@code fs.s3a.session.token}, {@code spark.ssl.keyPassword},
 * {@code fs.azure.account.key.ACCOUNT.dfs.core.windows.net} and {@code hf_token} do, and {@code max_new_tokens}
 * does not. Keys that name where a credential comes from rather than the credential itself end in one of
 * {@link #MECHANISM_WORDS} ({@code fs.s3a.aws.credentials.provider}, {@code fs.s3a.delegation.token.binding},
 * {@code hadoop.security.credential.provider.path}, {@code spark.authenticate.secret.file}) and are accepted.
 *
 * <p>{@link ConfigLoader} refuses such keys in every layer ({@link #refuse}); {@link #redact} is the second line
 * of defence for anything that stores or prints a flattened config.
 */
public final class Credentials {
  /** What a redacted value reads as in tables and logs. */
  public static final String REDACTED = "<redacted>";

  private static final List<String> SECRET_WORD_ENDINGS = List.of("secret", "password", "passwd", "passphrase",
      "token", "apikey", "accesskey", "secretkey", "privatekey");
  private static final Set<String> KEY_QUALIFIERS = Set.of("access", "secret", "account", "api", "private",
      "encryption");
  /** A key whose last word is one of these names a mechanism, a location or a size, not a secret value. */
  static final Set<String> MECHANISM_WORDS = Set.of("provider", "providers", "binding", "class", "classes", "file",
      "path", "enabled", "type", "algorithm", "bits", "length", "size", "endpoint", "url", "uri", "timeout",
      "duration", "interval");

  private Credentials() {}

  /** True when {@code key} (a config path, a Spark or Hadoop property, an environment variable) names a secret. */
  public static boolean looksLikeCredential(String key) {
    List<String> words = words(key);
    if (words.isEmpty() || MECHANISM_WORDS.contains(words.get(words.size() - 1))) {
      return false;
    }
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      for (String ending : SECRET_WORD_ENDINGS) {
        if (w.endsWith(ending)) {
          return true;
        }
      }
      if (w.equals("key") && i > 0 && KEY_QUALIFIERS.contains(words.get(i - 1))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Throws when {@code key} looks like a credential: the error names the key and where it was set, and says where
   * credentials come from instead. The value is never part of the message.
   */
  static void refuse(String key, String origin) {
    if (looksLikeCredential(key)) {
      throw Errors.configCredential(key, safeOrigin(origin));
    }
  }

  /** A {@code --set key=value} origin without its value. */
  static String safeOrigin(String origin) {
    if (origin != null && origin.startsWith("--set ") && origin.indexOf('=') > 0) {
      return origin.substring(0, origin.indexOf('=')) + "=" + REDACTED;
    }
    return origin;
  }

  /** A sorted copy of {@code flat} with the value of every credential-like key replaced by {@link #REDACTED}. */
  public static Map<String, String> redact(Map<String, String> flat) {
    Map<String, String> out = new TreeMap<>();
    flat.forEach((k, v) -> out.put(k, looksLikeCredential(k) ? REDACTED : v));
    return Collections.unmodifiableMap(out);
  }

  static List<String> words(String key) {
    String humps = key.replaceAll("([a-z0-9])([A-Z])", "$1 $2");
    List<String> out = new ArrayList<>();
    for (String w : humps.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }
}

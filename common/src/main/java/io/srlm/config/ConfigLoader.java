package io.srlm.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.srlm.errors.Errors;
import io.srlm.util.Json;
import io.srlm.util.StableIds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Loads the config tree. Precedence, lowest to highest (documented once, here; README "Configuration" points
 * here):
 *
 * <ol>
 *   <li>{@code conf/srlm.conf}: the defaults, which define every key (the paper's settings);
 *   <li>profiles, in the order given ({@code --profile local,tiny} reads conf/profiles/local.conf, then
 *       conf/profiles/tiny.conf);
 *   <li>{@code --config FILE} files, in order;
 *   <li>{@code --set key=value} overrides, in order (the last one wins).
 * </ol>
 *
 * A key that srlm.conf does not define is an error naming the key and the file it came from; so is a value of the
 * wrong type or out of range. Open maps ({@code spark.conf}, {@code storage.s3}) pass keys through. No
 * environment variables are read. A key that looks like a credential is refused in every layer, open maps
 * included ({@link Credentials}): credentials come from the environment, the instance profile or the cluster's
 * Hadoop configuration, never from srlm's config, which is stored in the run_config table.
 */
public final class ConfigLoader {
  private static final Set<String> OPEN_MAPS = Set.of("spark.conf", "storage.s3");
  /** Keys that do not change results: a run may be resumed with different values. */
  private static final List<String> OPERATIONAL_PREFIXES = List.of("spark.", "storage.cache_dir", "engine.threads",
      "engine.batch_size", "engine.device", "debug.", "loop.report", "run.id");

  private final ConfSource source;
  private final List<String> profiles = new ArrayList<>();
  private final List<Path> files = new ArrayList<>();
  private final List<String> overrides = new ArrayList<>();

  private ConfigLoader(ConfSource source) {
    this.source = source;
  }

  public static ConfigLoader from(ConfSource source) {
    return new ConfigLoader(source);
  }

  /** Adds profiles; accepts a comma-separated list. */
  public ConfigLoader profiles(String commaSeparated) {
    if (commaSeparated != null) {
      for (String p : commaSeparated.split(",")) {
        if (!p.isBlank()) {
          profiles.add(p.trim());
        }
      }
    }
    return this;
  }

  public ConfigLoader file(Path file) {
    files.add(file);
    return this;
  }

  /** Adds a {@code key=value} override. */
  public ConfigLoader set(String keyEqualsValue) {
    overrides.add(keyEqualsValue);
    return this;
  }

  public ConfigLoader setAll(List<String> keyEqualsValues) {
    keyEqualsValues.forEach(this::set);
    return this;
  }

  public SrlmConfig load() {
    Config reference = parse(source.require("srlm.conf", "--conf-dir"), source.describe("srlm.conf"));
    Config merged = reference;
    for (String p : profiles) {
      if (!p.matches("[A-Za-z0-9_-]+")) {
        throw Errors.configMissingProfile(p, source.describe("profiles"));
      }
      String rel = "profiles/" + p + ".conf";
      String text = source.read(rel).orElseThrow(() -> Errors.configMissingProfile(p, source.describe("profiles")));
      merged = layer(parse(text, source.describe(rel)), merged, reference);
    }
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw Errors.configMissingFile(f.toString());
      }
      String text;
      try {
        text = Files.readString(f, StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        throw Errors.configParse(f.toString(), e);
      }
      merged = layer(parse(text, f.toString()), merged, reference);
    }
    for (String o : overrides) {
      merged = layer(parseOverride(o), merged, reference);
    }
    Config resolved;
    try {
      resolved = merged.resolve(ConfigResolveOptions.noSystem());
    } catch (ConfigException e) {
      throw Errors.configParse(e.origin() == null ? "(config)" : e.origin().description(), e);
    }
    Map<String, String> flat = Credentials.redact(flatten(resolved)); // refused above; redacted all the same
    String hash = StableIds.sha256Hex(Json.write(semantic(flat)));
    SrlmConfig.Resolved facts = new SrlmConfig.Resolved(source, flat, hash, List.copyOf(profiles));
    return ConfigBinder.bind(resolved, facts, reference);
  }

  private static Config layer(Config top, Config below, Config reference) {
    checkKnownKeys(top, reference);
    return top.withFallback(below);
  }

  /**
   * Every leaf of {@code layer} must exist in the reference tree, except under the open maps; no leaf, open maps
   * included, may look like a credential ({@link Credentials}).
   */
  static void checkKnownKeys(Config layer, Config reference) {
    for (Map.Entry<String, ConfigValue> e : layer.entrySet()) {
      String key = e.getKey();
      Credentials.refuse(key, ConfigReader.describe(e.getValue()));
      if (isOpen(key)) {
        continue;
      }
      if (!reference.hasPathOrNull(key)) {
        throw Errors.configUnknownKey(key, ConfigReader.describe(e.getValue()), suggest(key, reference));
      }
    }
  }

  private static boolean isOpen(String key) {
    for (String m : OPEN_MAPS) {
      if (key.startsWith(m + ".")) {
        return true;
      }
    }
    return false;
  }

  private static String suggest(String key, Config reference) {
    String best = null;
    int bestDist = Integer.MAX_VALUE;
    for (Map.Entry<String, ConfigValue> e : reference.entrySet()) {
      int d = levenshtein(key, e.getKey());
      if (d < bestDist) {
        bestDist = d;
        best = e.getKey();
      }
    }
    return bestDist <= Math.max(2, key.length() / 4) ? best : null;
  }

  private static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static Config parse(String text, String origin) {
    try {
      return ConfigFactory.parseString(text,
          ConfigParseOptions.defaults().setOriginDescription(origin).setSyntax(ConfigSyntax.CONF));
    } catch (ConfigException e) {
      throw Errors.configParse(origin, e);
    }
  }

  /**
   * {@code key=value}: the value is a string unless it is a HOCON list or object ({@code [a, b]}, {@code {...}});
   * typed getters convert "4" or "true" as needed. Paths such as s3a://bucket/x need no quoting.
   */
  static Config parseOverride(String arg) {
    int eq = arg.indexOf('=');
    if (eq <= 0) {
      throw Errors.configBadOverride(arg);
    }
    String key = arg.substring(0, eq).trim();
    String value = arg.substring(eq + 1).trim();
    Credentials.refuse(key, "--set " + key); // before anything can echo the value
    if (!key.matches("[A-Za-z0-9_]+(\\.[A-Za-z0-9_\"-]+)*")) {
      throw Errors.configBadOverride(arg);
    }
    String origin = "--set " + arg;
    if (value.startsWith("[") || value.startsWith("{")) {
      return parse(key + " = " + value, origin);
    }
    Object typed = value;
    if (value.matches("-?[0-9]+")) {
      try {
        typed = Long.parseLong(value);
      } catch (NumberFormatException e) {
        typed = value;
      }
    } else if (value.matches("-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
      typed = Double.parseDouble(value);
    } else if (value.equals("true") || value.equals("false")) {
      typed = Boolean.parseBoolean(value);
    }
    try {
      return ConfigFactory.empty().withValue(key, ConfigValueFactory.fromAnyRef(typed, origin));
    } catch (ConfigException e) {
      throw Errors.configBadOverride(arg);
    }
  }

  /** Sorted leaf path to rendered value. */
  static Map<String, String> flatten(Config c) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
      ConfigValue v = e.getValue();
      String text;
      if (v.valueType() == com.typesafe.config.ConfigValueType.NUMBER) {
        Number n = (Number) v.unwrapped();
        double d = n.doubleValue();
        text = d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
      } else {
        text = v.render(com.typesafe.config.ConfigRenderOptions.concise());
      }
      out.put(e.getKey(), text);
    }
    return out;
  }

  /** The keys that define a run's results (operational keys removed). */
  public static Map<String, String> semantic(Map<String, String> flat) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : flat.entrySet()) {
      boolean op = false;
      for (String p : OPERATIONAL_PREFIXES) {
        if (e.getKey().equals(p) || (p.endsWith(".") && e.getKey().startsWith(p))) {
          op = true;
          break;
        }
      }
      if (!op) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  /** Keys whose semantic values differ between two flattened configs, formatted "key: old -> new". */
  public static List<String> diff(Map<String, String> before, Map<String, String> after) {
    Map<String, String> a = semantic(before);
    Map<String, String> b = semantic(after);
    List<String> out = new ArrayList<>();
    TreeMap<String, Boolean> keys = new TreeMap<>();
    a.keySet().forEach(k -> keys.put(k, true));
    b.keySet().forEach(k -> keys.put(k, true));
    for (String k : keys.keySet()) {
      String x = a.get(k);
      String y = b.get(k);
      if (x == null ? y != null : !x.equals(y)) {
        out.add(k + ": " + x + " -> " + y);
      }
    }
    return out;
  }
}

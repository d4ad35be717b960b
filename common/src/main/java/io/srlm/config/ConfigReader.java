package io.srlm.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import io.srlm.errors.Errors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, range-checked access to the merged config. Every error names the key and the file (or --set argument)
 * the value came from, and says what a valid value looks like.
 */
public final class ConfigReader {
  private final Config config;

  public ConfigReader(Config config) {
    this.config = config;
  }

  public Config raw() {
    return config;
  }

  /** Where a key's value came from: "conf/profiles/local.conf: 12", "--set key=value", ... */
  public String origin(String key) {
    if (!config.hasPathOrNull(key)) {
      return "(not set)";
    }
    return describe(config.getValue(key));
  }

  static String describe(ConfigValue v) {
    String d = v.origin().description();
    return d == null ? "(unknown)" : d;
  }

  public String str(String key) {
    try {
      return config.getString(key);
    } catch (ConfigException.WrongType e) {
      throw Errors.configBadType(key, origin(key), "a string", e);
    }
  }

  public String oneOf(String key, String... allowed) {
    String v = str(key);
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw Errors.configBadValue(key, origin(key), "must be one of " + String.join(", ", allowed), "'" + v + "'");
  }

  public boolean bool(String key) {
    try {
      return config.getBoolean(key);
    } catch (ConfigException.WrongType e) {
      throw Errors.configBadType(key, origin(key), "true or false", e);
    }
  }

  public int intAtLeast(String key, int min) {
    int v;
    try {
      v = config.getInt(key);
    } catch (ConfigException.WrongType e) {
      throw Errors.configBadType(key, origin(key), "an integer", e);
    }
    if (v < min) {
      throw Errors.configBadValue(key, origin(key), "must be at least " + min, v);
    }
    return v;
  }

  public int intIn(String key, int min, int max) {
    int v = intAtLeast(key, min);
    if (v > max) {
      throw Errors.configBadValue(key, origin(key), "must be at most " + max, v);
    }
    return v;
  }

  public long longAny(String key) {
    try {
      return config.getLong(key);
    } catch (ConfigException.WrongType e) {
      throw Errors.configBadType(key, origin(key), "an integer", e);
    }
  }

  public double num(String key) {
    double v;
    try {
      v = config.getDouble(key);
    } catch (ConfigException.WrongType e) {
      throw Errors.configBadType(key, origin(key), "a number", e);
    }
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw Errors.configBadValue(key, origin(key), "must be a finite number", v);
    }
    return v;
  }

  /** A number in [min, max]. */
  public double numIn(String key, double min, double max) {
    double v = num(key);
    if (v < min || v > max) {
      throw Errors.configBadValue(key, origin(key), "must be between " + min + " and " + max, v);
    }
    return v;
  }

  /** A number strictly above min and at most max. */
  public double numAboveAtMost(String key, double min, double max) {
    double v = num(key);
    if (v <= min || v > max) {
      throw Errors.configBadValue(key, origin(key), "must be greater than " + min + " and at most " + max, v);
    }
    return v;
  }

  public List<String> strList(String key) {
    try {
      return List.copyOf(config.getStringList(key));
    } catch (ConfigException.WrongType e) {
      throw Errors.configBadType(key, origin(key), "a list of strings, e.g. [a, b]", e);
    }
  }

  /** An open map of string values (spark.conf, storage.s3): keys are passed through verbatim. */
  public Map<String, String> stringMap(String key) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!config.hasPath(key)) {
      return out;
    }
    Config sub = config.getConfig(key);
    List<String> keys = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : sub.entrySet()) {
      keys.add(e.getKey());
    }
    keys.sort(String::compareTo);
    for (String k : keys) {
      ConfigValue v = sub.getValue(k);
      out.put(unquote(k), String.valueOf(v.unwrapped()));
    }
    return out;
  }

  /**
   * The keys of {@link #stringMap(String) stringMap(key)} whose value is still the one {@code reference} (the
   * defaults file) gave them: no later layer set them, even to the same value.
   */
  public Set<String> unchanged(String key, Config reference) {
    Set<String> out = new TreeSet<>();
    if (!config.hasPath(key) || !reference.hasPath(key)) {
      return out;
    }
    Config sub = config.getConfig(key);
    Config ref = reference.getConfig(key);
    for (Map.Entry<String, ConfigValue> e : sub.entrySet()) {
      if (ref.hasPath(e.getKey()) && ref.getValue(e.getKey()).origin().equals(e.getValue().origin())) {
        out.add(unquote(e.getKey()));
      }
    }
    return out;
  }

  private static String unquote(String path) {
    // HOCON quotes path elements that contain dots: "spark.sql.shuffle.partitions" stays one key.
    return path.replace("\"", "");
  }
}

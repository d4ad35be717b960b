package io.srlm.config;

import io.srlm.errors.Errors;
import io.srlm.errors.SrlmException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the conf/ tree is read from: a folder on disk ({@code --conf-dir}, or ./conf when it exists), or the copy
 * packaged in the jar under {@code conf/} (so spark-submit needs no files beside the jar).
 */
public final class ConfSource implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String dir; // null: classpath

  private ConfSource(String dir) {
    this.dir = dir;
  }

  /** The folder given, or ./conf if it holds srlm.conf, else the classpath copy. */
  public static ConfSource locate(Path explicitDir) {
    if (explicitDir != null) {
      if (!Files.isRegularFile(explicitDir.resolve("srlm.conf"))) {
        throw Errors.configMissingFile(explicitDir.resolve("srlm.conf").toString());
      }
      return new ConfSource(explicitDir.toAbsolutePath().normalize().toString());
    }
    Path local = Path.of("conf");
    if (Files.isRegularFile(local.resolve("srlm.conf"))) {
      return new ConfSource(local.toAbsolutePath().normalize().toString());
    }
    return classpath();
  }

  public static ConfSource classpath() {
    return new ConfSource(null);
  }

  public static ConfSource dir(Path dir) {
    return new ConfSource(dir.toAbsolutePath().normalize().toString());
  }

  /** A human-readable location for messages: the file path or "classpath:conf/...". */
  public String describe(String relative) {
    return dir == null ? "classpath:conf/" + relative : Path.of(dir, relative).toString();
  }

  public String describeRoot() {
    return dir == null ? "classpath:conf/" : dir;
  }

  /** The text of conf/{relative}, or empty if absent. */
  public Optional<String> read(String relative) {
    if (dir != null) {
      Path p = Path.of(dir, relative);
      if (!Files.isRegularFile(p)) {
        return Optional.empty();
      }
      try {
        return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw Errors.configParse(p.toString(), e);
      }
    }
    try (InputStream in = ConfSource.class.getClassLoader().getResourceAsStream("conf/" + relative)) {
      if (in == null) {
        return Optional.empty();
      }
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw Errors.configParse(describe(relative), e);
    }
  }

  /** conf/{relative}, or a clear error naming what is missing. */
  public String require(String relative, String key) {
    return read(relative).orElseThrow(() -> missing(relative, key));
  }

  private SrlmException missing(String relative, String key) {
    return Errors.error(io.srlm.errors.ErrorCode.CONFIG, "Config file not found: " + describe(relative),
        "check " + key + ", or the conf folder (" + describeRoot() + ")", "key", key);
  }
}

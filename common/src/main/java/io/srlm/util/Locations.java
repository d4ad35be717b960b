package io.srlm.util;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The one rule for "is this location remote": a location with a URI scheme ({@code s3a://b/k}, {@code dbfs:/p},
 * {@code file:/p}, {@code hdfs://nn/p}) is read through Hadoop; anything else is a local path. {@code file:} URIs
 * count as remote here on purpose: Hadoop reads them like any other scheme. Also the one default of the local cache
 * that remote models and files are copied into.
 */
public final class Locations {
  private Locations() {}

  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*");

  public static boolean isRemote(String location) {
    return location.contains("://") || SCHEME.matcher(location).matches();
  }

  /** The local cache folder: {@code configured} (storage.cache_dir), or java.io.tmpdir/srlm-cache when empty. */
  public static Path cacheDir(String configured) {
    return configured.isEmpty() ? Path.of(System.getProperty("java.io.tmpdir"), "srlm-cache") : Path.of(configured);
  }
}

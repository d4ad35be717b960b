package io.srlm.model.io;

import io.srlm.errors.Errors;
import io.srlm.util.StableIds;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a model location (a local path, a {@code file:} URI, or any Hadoop file system URI such as
 * {@code s3a://}, {@code dbfs:/} or {@code hdfs://}) into a local model directory, and uploads trained models
 * back.
 *
 * <p>Remote models are copied once into {@code <cacheDir>/<sha256 of the URI>/}: first into a temporary folder
 * beside it, then a completion marker, then one atomic rename. Concurrent copies (threads or processes) each use
 * their own temporary folder and the first rename wins; a copy that was interrupted is never used.
 */
public final class ModelLocation {
  /** Written last into a cached copy or an upload; its presence means the directory is complete. */
  public static final String COMPLETE_MARKER = ".srlm-complete";

  /** Object stores: no atomic directory rename, so uploads go straight to the target with the marker last. */
  private static final Set<String> OBJECT_STORES = Set.of("s3a", "s3", "s3n", "gs", "wasb", "wasbs", "oss");

  private static final Logger LOG = LoggerFactory.getLogger(ModelLocation.class);

  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):");

  private ModelLocation() {}

  /**
   * A local directory holding the model at {@code location}: local paths and {@code file:} URIs as they are,
   * anything else fetched into {@code cacheDir} with {@link #fetch}.
   */
  public static Path resolve(String location, Path cacheDir, Configuration conf) {
    String scheme = scheme(location);
    if (scheme == null || scheme.equals("file")) {
      Path dir = scheme == null ? Paths.get(location) : Paths.get(hadoopPath(location).toUri().getPath());
      checkModelDir(dir.toAbsolutePath().normalize(), location);
      return dir.toAbsolutePath().normalize();
    }
    return fetch(location, cacheDir, conf);
  }

  /**
   * Copies the model directory at Hadoop URI {@code uri} into {@code cacheDir} unless a complete copy is already
   * there; returns the local copy. Works for any scheme, {@code file:} included.
   */
  public static Path fetch(String uri, Path cacheDir, Configuration conf) {
    org.apache.hadoop.fs.Path src = hadoopPath(uri);
    FileSystem fs = fileSystem(src, uri, conf);
    String key = StableIds.sha256Hex(fs.makeQualified(src).toString());
    Path target = cacheDir.resolve(key);
    if (Files.exists(target.resolve(COMPLETE_MARKER))) {
      return target;
    }
    checkRemoteModelDir(fs, src, uri);
    Path tmp = cacheDir.resolve(key + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(cacheDir);
      copyToLocal(fs, src, tmp);
      Files.writeString(tmp.resolve(COMPLETE_MARKER), "source=" + uri + "\ncopied_at=" + Instant.now() + "\n");
      publish(tmp, target, key);
      return target;
    } catch (IOException e) {
      throw Errors.model(uri, "cannot copy the model into the local cache " + cacheDir + ": " + e,
          "check the URI, the credentials for its file system, and free space in the cache folder", e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /**
   * Copies local model directory {@code localDir} to {@code targetUri}. Where the file system can rename, the
   * files go to a temporary name that is renamed into place; on object stores they go straight to the target.
   * Either way the completion marker is written last. An existing complete model at the target is an error; an
   * incomplete one (an interrupted upload) is replaced.
   */
  public static void upload(Path localDir, String targetUri, Configuration conf) {
    checkModelDir(localDir, localDir.toString());
    org.apache.hadoop.fs.Path dst = hadoopPath(targetUri);
    FileSystem fs = fileSystem(dst, targetUri, conf);
    String scheme = fs.getUri().getScheme() == null ? "" : fs.getUri().getScheme().toLowerCase(Locale.ROOT);
    try {
      if (fs.exists(dst)) {
        if (fs.exists(new org.apache.hadoop.fs.Path(dst, COMPLETE_MARKER))) {
          throw Errors.model(targetUri, "a complete model already exists at the upload target",
              "upload to a new location, or delete the old model first");
        }
        fs.delete(dst, true);
      }
      if (OBJECT_STORES.contains(scheme) || dst.getParent() == null) {
        copyFromLocal(localDir, fs, dst);
        return;
      }
      org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(dst.getParent(),
          dst.getName() + ".tmp-" + UUID.randomUUID());
      try {
        copyFromLocal(localDir, fs, tmp);
        if (!fs.rename(tmp, dst)) {
          throw Errors.model(targetUri, "cannot rename the uploaded copy " + tmp + " into place",
              "check that nothing else writes to that location and try again");
        }
      } finally {
        if (fs.exists(tmp)) {
          fs.delete(tmp, true);
        }
      }
    } catch (IOException e) {
      throw Errors.model(targetUri, "cannot upload the model from " + localDir + ": " + e,
          "check the URI, the credentials for its file system, and write permission", e);
    }
  }

  /** The URI scheme of {@code location}, lower case, or null for a plain path (Windows drive letters too). */
  static String scheme(String location) {
    Matcher m = SCHEME.matcher(location);
    return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
  }

  private static void checkModelDir(Path dir, String location) {
    if (!Files.isDirectory(dir)) {
      throw Errors.model(location, Files.exists(dir) ? "not a directory" : "model directory does not exist",
          "check the model path; a model directory holds config.json, the tokenizer and the weights");
    }
    if (!Files.isRegularFile(dir.resolve(HfModelConfig.FILE))) {
      throw Errors.model(location, "no config.json in the directory (a partial model directory)",
          "copy or download the whole model directory again");
    }
  }

  private static void checkRemoteModelDir(FileSystem fs, org.apache.hadoop.fs.Path src, String uri) {
    try {
      FileStatus st = fs.getFileStatus(src);
      if (!st.isDirectory()) {
        throw Errors.model(uri, "not a directory", "point at the model directory, not a file in it");
      }
      if (!fs.exists(new org.apache.hadoop.fs.Path(src, HfModelConfig.FILE))) {
        throw Errors.model(uri, "no config.json in the directory (a partial model directory)",
            "upload the whole model directory again");
      }
    } catch (FileNotFoundException e) {
      throw Errors.model(uri, "model directory does not exist", "check the model URI", e);
    } catch (IOException e) {
      throw Errors.model(uri, "cannot read the model directory: " + e,
          "check the URI and the credentials for its file system", e);
    }
  }

  /** Renames the finished copy {@code tmp} to {@code target}; if another copy won the race, uses that one. */
  private static void publish(Path tmp, Path target, String key) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return;
      } catch (FileSystemException e) {
        if (Files.exists(target.resolve(COMPLETE_MARKER))) {
          return;
        }
        if (attempt > 0 || !Files.exists(target)) {
          throw e;
        }
        // a directory without the marker was not made by this protocol: set it aside and try once more
        Path stale = target.resolveSibling(key + ".stale-" + UUID.randomUUID());
        Files.move(target, stale, StandardCopyOption.ATOMIC_MOVE);
        deleteQuietly(stale);
      }
    }
  }

  private static void copyToLocal(FileSystem fs, org.apache.hadoop.fs.Path src, Path dst) throws IOException {
    Files.createDirectories(dst);
    for (FileStatus st : fs.listStatus(src)) {
      String name = st.getPath().getName();
      if (st.isDirectory()) {
        copyToLocal(fs, st.getPath(), dst.resolve(name));
      } else if (!name.equals(COMPLETE_MARKER)) {
        try (InputStream in = fs.open(st.getPath())) {
          Files.copy(in, dst.resolve(name));
        }
      }
    }
  }

  private static void copyFromLocal(Path src, FileSystem fs, org.apache.hadoop.fs.Path dst) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(src)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      Path rel = src.relativize(f);
      if (rel.toString().equals(COMPLETE_MARKER)) {
        continue;
      }
      org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(dst, rel.toString().replace('\\', '/'));
      try (OutputStream os = fs.create(out, true)) {
        Files.copy(f, os);
      }
    }
    try (OutputStream os = fs.create(new org.apache.hadoop.fs.Path(dst, COMPLETE_MARKER), true)) {
      os.write(("uploaded_at=" + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static org.apache.hadoop.fs.Path hadoopPath(String uri) {
    try {
      return new org.apache.hadoop.fs.Path(uri);
    } catch (IllegalArgumentException e) {
      throw Errors.model(uri, "not a valid path or URI: " + e.getMessage(),
          "write it as a local path, file:/abs/path, s3a://bucket/prefix or dbfs:/path", e);
    }
  }

  private static FileSystem fileSystem(org.apache.hadoop.fs.Path p, String uri, Configuration conf) {
    try {
      return p.getFileSystem(conf);
    } catch (IOException e) {
      throw Errors.model(uri, "no file system for this URI: " + e.getMessage(),
          "check the scheme (s3a://, dbfs:/, hdfs://) and that its Hadoop connector is on the classpath", e);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover temporary folder is never used (it has a random name); the next fetch works without it
      LOG.warn("cannot delete temporary folder {}: {}", dir, e.toString());
    }
  }
}

package io.srlm.tables;

import io.delta.storage.HadoopFileSystemLogStore;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Delta's log store for {@code file:} tables that is safe for writers in different JVMs (two srlm drivers, two
 * copies of one Databricks task on a shared local or NFS-like mount).
 *
 * <p>Delta's default for the local file system ({@code io.delta.storage.LocalLogStore}) writes a commit by
 * "exists? then rename", made atomic only by a {@code synchronized} block, i.e. within one JVM; Hadoop's local
 * rename silently replaces an existing file, so two processes committing the same version at the same moment can
 * both "succeed" and one commit is lost or a reader sees a log that changed under it. Here a commit file is
 * written under a temporary name and published with a hard link ({@code link(2)}): the kernel creates the name
 * only if it does not exist, atomically across processes, and a loser gets {@link FileAlreadyExistsException},
 * which Delta turns into its conflict check and retry. Overwrites (only {@code _last_checkpoint}) use an atomic
 * rename. Set for the {@code file} scheme by {@code io.srlm.spark.SparkSessions} unless the user configured one.
 */
public final class AtomicLocalLogStore extends HadoopFileSystemLogStore {
  /** The Spark key that selects this store for {@code file:} paths. */
  public static final String SPARK_KEY = "spark.delta.logStore.file.impl";

  private static final java.util.concurrent.atomic.AtomicLong PUBLISHED = new java.util.concurrent.atomic.AtomicLong();

  /** Commit files this JVM published through this store (diagnostics, and the test that Delta uses it). */
  public static long published() {
    return PUBLISHED.get();
  }

  public AtomicLocalLogStore(Configuration conf) {
    super(conf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
      throws IOException {
    FileSystem fs = path.getFileSystem(hadoopConf);
    java.nio.file.Path target = Paths.get(fs.makeQualified(path).toUri());
    java.nio.file.Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
        while (actions.hasNext()) {
          w.write(actions.next());
          w.write('\n');
        }
      }
      if (Boolean.TRUE.equals(overwrite)) {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.createLink(target, temp); // fails atomically when another writer has published this version
        PUBLISHED.incrementAndGet();
      }
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(path.toString());
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf) {
    return false;
  }
}

package io.srlm.spark;

import io.srlm.model.EngineOptions;
import java.io.Serializable;
import java.util.Map;
import java.util.Set;

/**
 * The small serialisable description of a model that executors receive (never the config tree or a session):
 * where the HF directory is (local path, s3a://, dbfs:/), how to run it, and the Hadoop settings needed to copy
 * it. Equal specs share one loaded model per executor JVM.
 *
 * @param location the model directory
 * @param engine device, precision, threads and batch size
 * @param cacheDir local folder for copies of remote models (empty: java.io.tmpdir/srlm-cache)
 * @param hadoop extra Hadoop settings (fs.s3a.* endpoint etc.; never credentials)
 * @param hadoopDefaults the keys of {@code hadoop} that are srlm's defaults: an executor keeps its cluster's own
 *     value of such a key
 */
public record ModelSpec(String location, EngineOptions engine, String cacheDir, Map<String, String> hadoop,
    Set<String> hadoopDefaults) implements Serializable {
  public ModelSpec {
    hadoop = Map.copyOf(hadoop);
    hadoopDefaults = Set.copyOf(hadoopDefaults);
  }
}

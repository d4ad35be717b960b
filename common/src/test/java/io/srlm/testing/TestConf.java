package io.srlm.testing;

import io.srlm.config.ConfSource;
import io.srlm.config.ConfigLoader;
import io.srlm.config.SrlmConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Config for tests: the repo's conf/ tree, with tables and models under a temp folder. */
public final class TestConf {
  private TestConf() {}

  public static Path repoRoot() {
    String p = System.getProperty("srlm.repo.root");
    if (p != null) {
      return Path.of(p);
    }
    Path cwd = Path.of("").toAbsolutePath();
    return cwd.resolve("conf").toFile().isDirectory() ? cwd : cwd.getParent();
  }

  public static ConfSource conf() {
    return ConfSource.dir(repoRoot().resolve("conf"));
  }

  /** local + tiny profiles, storage under {@code dir}, plus extra overrides. */
  public static SrlmConfig tiny(Path dir, String... sets) {
    List<String> all = new ArrayList<>();
    all.add("storage.table_root=" + dir.resolve("tables"));
    all.add("storage.model_root=" + dir.resolve("models"));
    all.add("storage.cache_dir=" + dir.resolve("cache"));
    all.addAll(List.of(sets));
    return ConfigLoader.from(conf()).profiles("local,tiny").setAll(all).load();
  }
}

package io.srlm.cli;

import io.srlm.config.ConfSource;
import io.srlm.config.ConfigLoader;
import io.srlm.config.SrlmConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every verb shares: where the config comes from, overrides, and the run. */
public final class ConfigOptions {
  @Option(names = "--conf-dir", paramLabel = "DIR",
      description = "Folder holding srlm.conf, profiles/ and judges/ (default: ./conf if present, else the copy "
          + "inside the jar)")
  Path confDir;

  @Option(names = {"-p", "--profile"}, paramLabel = "A,B",
      description = "Profiles to layer on the defaults, in order, e.g. local,tiny (conf/profiles/NAME.conf)")
  String profiles;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Extra config files, in order")
  List<Path> files = new ArrayList<>();

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one key (repeatable; last wins), e.g. --set responses.num_candidates=4")
  List<String> sets = new ArrayList<>();

  @Option(names = "--run-id", paramLabel = "ID", description = "The run to create, resume or inspect")
  String runId;

  /** Loads the config with the documented precedence (defaults < profiles < --config < --set). */
  public SrlmConfig load() {
    ConfigLoader l = ConfigLoader.from(ConfSource.locate(confDir)).profiles(profiles);
    files.forEach(l::file);
    l.setAll(sets);
    if (runId != null) {
      l.set("run.id=" + runId);
    }
    return l.load();
  }
}

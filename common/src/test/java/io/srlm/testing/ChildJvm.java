package io.srlm.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The command line of a separate JVM running a main class of this test classpath, as users run srlm: this JDK's
 * java, the Spark opens from conf/jvm.properties (srlm.jvm.opens), DJL offline, Spark's UI off.
 */
public final class ChildJvm {
  private ChildJvm() {}

  public static List<String> command(String maxHeap, String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    Properties jvm = new Properties();
    try (InputStream in = Files.newInputStream(TestConf.repoRoot().resolve("conf/jvm.properties"))) {
      jvm.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    cmd.addAll(Arrays.asList(jvm.getProperty("srlm.jvm.opens").trim().split("\\s+")));
    cmd.addAll(List.of("-Xmx" + maxHeap, "-Dai.djl.offline=true", "-Dspark.ui.enabled=false",
        "-Dsrlm.repo.root=" + TestConf.repoRoot(), "-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(Arrays.asList(args));
    return cmd;
  }

  /** The last {@code lines} lines of a log file, for failure messages. */
  public static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}

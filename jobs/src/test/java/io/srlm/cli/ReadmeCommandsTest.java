package io.srlm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.config.SrlmConfig;
import io.srlm.tables.Catalogue;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.ModelRow;
import io.srlm.tables.PairRow;
import io.srlm.tables.TableStore;
import io.srlm.testing.LocalSpark;
import io.srlm.testing.TestConf;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's inspection commands ({@code bin/srlm tables ...}, {@code bin/srlm sql ...}), read from the README
 * and run exactly as printed, each in its own JVM started the way bin/srlm starts one (plain java, no
 * spark-submit, no profile, so no Spark master is configured), from a folder holding the default
 * {@code srlm-data/tables} of a run {@code demo}: every command must succeed. The tables hold the rows the
 * commands query (judgements; preference_pairs with as many versions as the README's time-travel query needs;
 * models) rather than a trained loop's, to keep the test cheap; what is tested is the verbs' plumbing.
 */
@ExtendWith(LocalSpark.class)
class ReadmeCommandsTest {
  @TempDir
  Path cwd;

  @Test
  void theReadmesInspectionCommandsRunAsPrinted() throws Exception {
    List<List<String>> commands = readmeCommands();
    assertThat(commands).as("README inspection commands").hasSizeGreaterThanOrEqualTo(5);
    Files.createSymbolicLink(cwd.resolve("conf"), TestConf.repoRoot().resolve("conf"));
    writeDemoTables(cwd.resolve("srlm-data/tables"), newestVersionAsked(commands));
    for (List<String> cmd : commands) {
      Result r = srlm(cmd.subList(1, cmd.size()));
      assertThat(r.exit()).as(String.join(" ", cmd) + " exits 0; output:\n" + r.output()).isZero();
      assertThat(r.output()).as(String.join(" ", cmd)).doesNotContain("error: ");
      if (cmd.get(1).equals("tables")) {
        assertThat(r.output()).contains("judgements", "preference_pairs");
      }
    }
  }

  /** The bin/srlm tables and sql lines of the README's "Tables and querying them" block, split as bash would. */
  static List<List<String>> readmeCommands() throws IOException {
    List<List<String>> out = new ArrayList<>();
    for (String line : Files.readAllLines(TestConf.repoRoot().resolve("README.md"), StandardCharsets.UTF_8)) {
      if (line.startsWith("bin/srlm tables ") || line.startsWith("bin/srlm sql ")) {
        out.add(shellWords(line));
      }
    }
    return out;
  }

  /** Bash word splitting for one line: single and double quotes, backslash escapes, # comments. */
  static List<String> shellWords(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder w = null;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        w = (w == null ? new StringBuilder() : w).append(line, i + 1, end);
        i = end;
      } else if (c == '"') {
        w = w == null ? new StringBuilder() : w;
        for (i++; line.charAt(i) != '"'; i++) {
          char d = line.charAt(i);
          if (d == '\\' && "`\"\\$".indexOf(line.charAt(i + 1)) >= 0) {
            d = line.charAt(++i);
          }
          w.append(d);
        }
      } else if (Character.isWhitespace(c)) {
        if (w != null) {
          words.add(w.toString());
          w = null;
        }
      } else if (c == '#' && w == null) {
        break;
      } else {
        w = (w == null ? new StringBuilder() : w).append(c);
      }
    }
    if (w != null) {
      words.add(w.toString());
    }
    return words;
  }

  /** The highest "VERSION AS OF N" the commands ask for (0 if none): the demo table must have that version. */
  static int newestVersionAsked(List<List<String>> commands) {
    int max = 0;
    java.util.regex.Pattern p = java.util.regex.Pattern.compile("VERSION AS OF ([0-9]+)");
    for (List<String> cmd : commands) {
      java.util.regex.Matcher m = p.matcher(String.join(" ", cmd));
      while (m.find()) {
        max = Math.max(max, Integer.parseInt(m.group(1)));
      }
    }
    return max;
  }

  private static void writeDemoTables(Path root, int versions) {
    SrlmConfig cfg = TestConf.tiny(root.getParent(), "storage.table_root=" + root);
    TableStore t = new TableStore(LocalSpark.session(), cfg.storage());
    List<JudgementRow> judgements = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      judgements.add(new JudgementRow("demo", 1, "j" + i, "r" + i, "p0", 0, i, "Score: " + i, (double) i, "ok",
          (double) i, 1, "M1", "additive-5pt", 10, "stop"));
    }
    t.replace(Catalogue.JUDGEMENTS, judgements, TableStore.partition("demo", 1));
    t.ensure(Catalogue.PREFERENCE_PAIRS);
    for (int version = 1; version <= Math.max(1, versions); version++) {
      // Version 0 is the empty table; one plain commit per version up to the newest the README's queries ask for.
      t.frame(Catalogue.PREFERENCE_PAIRS, List.of(new PairRow("demo", 2, "pair" + version, "p0", "2+2?", "r1", "r0",
          "4", "5", 4.0, 1.0, 3.0, "self_reward", "self_reward_dpo"))).write().format("delta").mode("append")
          .save(t.location(Catalogue.PREFERENCE_PAIRS));
    }
    long v = t.version(Catalogue.PREFERENCE_PAIRS);
    t.replace(Catalogue.MODELS, List.of(new ModelRow("demo", 2, "m3", "M3", "self_reward_dpo", "/models/M3", null,
        "builtin:tiny", "M2", "M2", Map.of("preference_pairs", v), "hash", 0L, Map.of())),
        TableStore.runOnly("demo"));
  }

  record Result(int exit, String output) {}

  /** {@code bin/srlm ARGS} as bin/srlm runs it: java with the JVM flags of conf/jvm.properties, cwd = the demo. */
  private Result srlm(List<String> args) throws Exception {
    Properties jvm = new Properties();
    try (InputStream in = Files.newInputStream(TestConf.repoRoot().resolve("conf/jvm.properties"))) {
      jvm.load(in);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvm.getProperty("srlm.jvm.opens").trim().split("\\s+")));
    cmd.addAll(List.of(jvm.getProperty("srlm.jvm.djl").trim().split("\\s+")));
    cmd.add("-Dlog4j2.configurationFile=" + TestConf.repoRoot().resolve("conf/log4j2.properties"));
    cmd.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), Srlm.class.getName()));
    cmd.addAll(args);
    Path log = cwd.resolve("srlm-" + System.nanoTime() + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + args);
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}

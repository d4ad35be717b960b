package io.srlm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.testing.TestConf;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The README's inspection commands ({@code bin/srlm tables ...}, {@code bin/srlm sql ...}), read from the README
 * and run exactly as printed, each in its own JVM started the way bin/srlm starts one (plain java, no
 * spark-submit, no profile, so no Spark master is configured), from a folder whose {@code srlm-data/tables} holds a
 * finished loop's tables of run {@code demo} ({@code LoopEndToEndTest} links its loop's tables there): every
 * command must succeed.
 */
public final class ReadmeCommands {
  private ReadmeCommands() {}

  /** Runs every README inspection command in {@code cwd} (which holds conf/ and srlm-data/tables) and checks it. */
  public static void runAllIn(Path cwd) throws Exception {
    List<List<String>> commands = readmeCommands();
    assertThat(commands).as("README inspection commands").hasSizeGreaterThanOrEqualTo(5);
    for (List<String> cmd : commands) {
      Result r = srlm(cwd, cmd.subList(1, cmd.size()));
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

  /** A command's exit status and its output. */
  public record Result(int exit, String output) {}

  /** {@code bin/srlm ARGS} as bin/srlm runs it: java with the JVM flags of conf/jvm.properties, cwd = the demo. */
  public static Result srlm(Path cwd, List<String> args) throws Exception {
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

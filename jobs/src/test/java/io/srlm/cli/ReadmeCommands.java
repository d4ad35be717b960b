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
 * and run exactly as printed, one after the other in one JVM started the way bin/srlm starts one (plain java with
 * conf/jvm.properties' flags, no spark-submit, no profile, so no Spark master is configured), from a folder whose
 * {@code srlm-data/tables} holds a finished loop's tables of run {@code demo} ({@code LoopEndToEndTest} links its
 * loop's tables there): every command must succeed. Each command goes through {@link Srlm#run} with its own
 * arguments, creating and stopping its own local Spark session as a separate bin/srlm process would; sharing the
 * JVM saves the suite four JVM and Spark start-ups (about 40 s each on 2 cores).
 */
public final class ReadmeCommands {
  private ReadmeCommands() {}

  /** Marks each command's output in the child JVM's log: {@code MARK <index> <exit code> (<ms> ms)} after it. */
  static final String MARK = "=== srlm README command ";

  /** Runs every README inspection command in {@code cwd} (which holds conf/ and srlm-data/tables) and checks it. */
  public static void runAllIn(Path cwd) throws Exception {
    Path readme = TestConf.repoRoot().resolve("README.md");
    List<List<String>> commands = readmeCommands(readme);
    assertThat(commands).as("README inspection commands").hasSizeGreaterThanOrEqualTo(5);
    Result all = java(cwd, ChildMain.class.getName(), List.of(readme.toString()));
    assertThat(all.exit()).as("the JVM running the README commands exits 0; output:\n" + all.output()).isZero();
    String rest = all.output();
    for (int i = 0; i < commands.size(); i++) {
      List<String> cmd = commands.get(i);
      String line = String.join(" ", cmd);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(MARK + i + " ")
          + "(-?\\d+) \\(\\d+ ms\\)\n").matcher(rest);
      assertThat(m.find()).as(line + " ran; output:\n" + rest).isTrue();
      String output = rest.substring(0, m.start());
      rest = rest.substring(m.end());
      assertThat(Integer.parseInt(m.group(1))).as(line + " exits 0; output:\n" + output).isZero();
      assertThat(output).as(line).doesNotContain("error: ");
      if (cmd.get(1).equals("tables")) {
        assertThat(output).contains("judgements", "preference_pairs");
      }
    }
  }

  /**
   * The child JVM's main: runs each README command through {@link Srlm#run} in turn (its own picocli parse, its
   * own Spark session, started and stopped), printing {@link #MARK} with the index and exit code after each.
   */
  public static final class ChildMain {
    private ChildMain() {}

    /** {@code args[0]}: the README to read the commands from. */
    public static void main(String[] args) throws Exception {
      List<List<String>> commands = readmeCommands(Path.of(args[0]));
      for (int i = 0; i < commands.size(); i++) {
        List<String> cmd = commands.get(i);
        long t0 = System.nanoTime();
        int rc = Srlm.run(cmd.subList(1, cmd.size()).toArray(new String[0]));
        System.out.flush();
        System.err.flush();
        System.out.println(MARK + i + " " + rc + " (" + (System.nanoTime() - t0) / 1_000_000 + " ms)");
        System.out.flush();
      }
      System.exit(0);
    }
  }

  /** The bin/srlm tables and sql lines of the README's "Tables and querying them" block, split as bash would. */
  static List<List<String>> readmeCommands(Path readme) throws IOException {
    List<List<String>> out = new ArrayList<>();
    for (String line : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
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

  /** {@code main} with {@code args} in a JVM started as bin/srlm starts one, in {@code cwd}. */
  private static Result java(Path cwd, String main, List<String> args) throws Exception {
    Properties jvm = new Properties();
    try (InputStream in = Files.newInputStream(TestConf.repoRoot().resolve("conf/jvm.properties"))) {
      jvm.load(in);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvm.getProperty("srlm.jvm.opens").trim().split("\\s+")));
    cmd.addAll(List.of(jvm.getProperty("srlm.jvm.djl").trim().split("\\s+")));
    cmd.add("-Dlog4j2.configurationFile=" + TestConf.repoRoot().resolve("conf/log4j2.properties"));
    cmd.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), main));
    cmd.addAll(args);
    Path log = cwd.resolve("srlm-" + System.nanoTime() + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + main + " " + args);
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}

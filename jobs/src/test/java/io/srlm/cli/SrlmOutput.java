package io.srlm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs an srlm command in-process ({@link Srlm#run}) for a test: what it printed, after asserting exit code 0. */
public final class SrlmOutput {
  private SrlmOutput() {}

  public static String ok(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    int rc;
    try {
      rc = Srlm.run(args);
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(rc).as("srlm " + String.join(" ", args) + "\n" + out).isZero();
    return out;
  }
}

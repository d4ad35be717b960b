package io.srlm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code srlm bench engine} with the smallest settings still runs end to end and prints every section and field
 * the README's figures are read from. Speed is not checked (it depends on the machine and its load).
 */
class BenchVerbTest {
  @Test
  void engineBenchPrintsEverySection() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(Srlm.class);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String conf = Path.of(System.getProperty("srlm.repo.root", ".."), "conf").toString();
    int rc = cl.execute("bench", "engine", "--conf-dir", conf, "-p", "local,tiny", "--models", "tiny",
        "--batch-sizes", "1", "--new-tokens", "2", "--long-tokens", "3", "--matmul-size", "64", "--warmup", "0",
        "--reps", "1", "--no-thread-compare");
    String text = out.toString();
    assertThat(rc).as("exit code; stderr: %s", err).isZero();
    assertThat(text).startsWith("srlm bench engine")
        .contains("== machine ==", "== models ==", "== matmul ceiling", "== generation",
            "== host-side sampling cost", "== decode length scaling", "== scoring")
        .doesNotContain("== threads:");
    for (String field : new String[] {"cores", "cpu ", "jvm", "djl", "engine ", "threads_configured",
        "threads_intra_op", "OMP_WAIT_POLICY="}) {
      assertThat(text).as("machine field %s", field).contains(field);
    }
    assertThat(text).contains("64x64x64", "per-op overhead", "T=0.7 top-p 0.9", "greedy", "decode tok/s",
        "% ceiling", "busy %", "tok/CPU-s", "tokens/call", "2*N + 4*L*H*hd*ctx");
    assertThat(text.lines().filter(l -> l.trim().startsWith("tiny "))).as("rows of the tiny model")
        .hasSizeGreaterThan(6);
  }
}

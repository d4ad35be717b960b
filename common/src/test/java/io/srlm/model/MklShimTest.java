package io.srlm.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The MKL shim (native/mkl_any_cpu.c) that bin/srlm and the test JVMs preload so that libtorch's MKL picks its code
 * path by CPU features: built by native/build-mkl-shim.sh, which also honours the opt-out. Where the shim applies
 * (x86-64 with a C compiler, not opted out) this JVM must have it mapped, and the symbol MKL asks must answer 1.
 */
class MklShimTest {
  private static final String SHIM = "libsrlm_mkl_any_cpu.so";
  private static final Path SCRIPT = repoRoot().resolve("native/build-mkl-shim.sh");

  @Test
  void theTestJvmPreloadsTheShimWhereItApplies() throws IOException {
    assumeTrue(applies(), "the shim does not apply here (not x86-64, no cc, or SRLM_MKL_SHIM=0)");
    assertThat(System.getenv("LD_PRELOAD")).as("LD_PRELOAD of the test JVM (set by the Maven build)")
        .contains(SHIM);
    assertThat(Files.readString(Path.of("/proc/self/maps"))).as("the shim is mapped into this process")
        .contains(SHIM);
    // The process-wide lookup MKL's own call resolves to: the preloaded definition comes first.
    int answer = NativeLibrary.getProcess().getFunction("mkl_serv_intel_cpu_true").invokeInt(new Object[0]);
    assertThat(answer).isEqualTo(1);
  }

  @Test
  void theScriptPrependsTheShimAndHonoursTheOptOut() throws Exception {
    assumeTrue(applies(), "the shim does not apply here (not x86-64, no cc, or SRLM_MKL_SHIM=0)");
    String other = "/nonexistent/libother.so";
    String with = run(Map.of("LD_PRELOAD", other));
    assertThat(with).isEqualTo(repoRoot().resolve("target/native/" + SHIM) + ":" + other);
    assertThat(Path.of(with.substring(0, with.indexOf(':')))).isRegularFile();
    assertThat(run(Map.of("LD_PRELOAD", other, "SRLM_MKL_SHIM", "0"))).as("opted out: LD_PRELOAD as it was")
        .isEqualTo(other);
    assertThat(run(Map.of("SRLM_MKL_SHIM", "0"))).as("opted out, nothing preloaded before").isEmpty();
  }

  private static boolean applies() {
    return "amd64".equals(System.getProperty("os.arch")) && !"0".equals(System.getenv("SRLM_MKL_SHIM"))
        && hasCompiler();
  }

  private static boolean hasCompiler() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "cc"))) {
        return true;
      }
    }
    return false;
  }

  /** Runs the build script with {@code env} on top of this JVM's environment less LD_PRELOAD and SRLM_MKL_SHIM. */
  private static String run(Map<String, String> env) throws Exception {
    // stdout only: the loader warns on stderr about the made-up library in LD_PRELOAD for every child process.
    ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString()).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().remove("LD_PRELOAD");
    pb.environment().remove("SRLM_MKL_SHIM");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("exit status of %s (output: %s)", SCRIPT, out).isZero();
    return out;
  }

  /** The repository root: the test runs in its module's folder (common/). */
  private static Path repoRoot() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isRegularFile(here.resolve("native/build-mkl-shim.sh")) ? here : here.getParent();
  }
}

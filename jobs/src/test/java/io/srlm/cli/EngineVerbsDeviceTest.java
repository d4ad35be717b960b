package io.srlm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.model.Devices;
import io.srlm.model.TinyModel;
import io.srlm.testing.TestConf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code srlm generate} and {@code srlm score} honour {@code --device}: cpu runs, cuda on a machine without a GPU
 * fails naming the device (never a silent fallback to the CPU), a bad value is refused, and with simulated GPUs
 * (placement only) the cuda path runs end to end.
 */
class EngineVerbsDeviceTest {
  @TempDir
  static Path dir;
  static Path model;

  @BeforeAll
  static void tinyModel() {
    model = dir.resolve("tiny");
    List<String> corpus = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      corpus.add("The judge scores answer " + i + " out of five points.");
    }
    TinyModel.create(TestConf.tiny(dir.resolve("scratch")).model().tiny(), corpus, model);
  }

  record Result(int code, String out, String err) {}

  private static Result srlm(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Srlm.run(args);
      return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private static Result generate(String device) {
    return srlm("generate", "--model", model.toString(), "--device", device, "--prompt", "Score this answer",
        "--temperature", "0", "--max-new-tokens", "4");
  }

  @Test
  void cpuRunsAndCudaWithoutAGpuFailsNamingTheDevice() {
    Result cpu = generate("cpu");
    assertThat(cpu.code()).as(cpu.err()).isZero();
    assertThat(cpu.out()).contains("\"token_ids\"");

    Result cuda = generate("cuda");
    assertThat(cuda.code()).isEqualTo(2);
    assertThat(cuda.err()).contains("asks for CUDA device 0 but this process sees 0 GPU(s)");

    Result bad = generate("tpu");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("must be auto, cpu, cuda or cuda:N");
  }

  @Test
  void theCudaPathRunsWithSimulatedGpusAndGivesTheCpuResult() throws IOException {
    Path in = dir.resolve("score.jsonl");
    Files.writeString(in, "{\"prompt_ids\": [1, 5, 6], \"completion_ids\": [7, 8]}\n");
    Result cpuGen = generate("cpu");
    Result cpuScore = srlm("score", "--model", model.toString(), "--device", "cpu", "--input", in.toString());
    System.setProperty(Devices.SIMULATED_GPUS, "1");
    try {
      Result gen = generate("cuda:0");
      Result score = srlm("score", "--model", model.toString(), "--device", "auto", "--input", in.toString());
      assertThat(gen.code()).as(gen.err()).isZero();
      assertThat(score.code()).as(score.err()).isZero();
      assertThat(gen.out()).isEqualTo(cpuGen.out());
      assertThat(score.out()).isEqualTo(cpuScore.out()).contains("logprob_sum");
      assertThat(generate("cuda:1").err()).contains("sees 1 GPU(s)");
    } finally {
      System.clearProperty(Devices.SIMULATED_GPUS);
    }
  }
}

package io.srlm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.bench.BenchReport;
import io.srlm.errors.SrlmException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * {@code srlm bench}'s option parsing: each kind maps its options onto the bench's Options, bad values get the
 * config error that names the option, and --out writes KIND.md and KIND.json. Nothing here runs the engine or
 * times anything (the figures come from running the command, see docs/performance.md).
 */
class BenchVerbTest {
  private static Object parse(String... args) {
    CommandLine cl = Srlm.commandLine();
    ParseResult r = cl.parseArgs(args);
    ParseResult sub = r.subcommand().subcommand();
    return sub.commandSpec().userObject();
  }

  @Test
  void kindsAreSubcommands() {
    CommandLine cl = Srlm.commandLine();
    assertThat(cl.getSubcommands().get("bench").getSubcommands().keySet())
        .containsExactly("matmul", "engine", "memory", "train", "stages");
  }

  @Test
  void engineOptions() {
    var e = (BenchVerb.Engine) parse("bench", "engine", "-p", "local,tiny", "--models", "tiny,d512",
        "--batch-sizes", "1,8", "--new-tokens", "16", "--threads", "2", "--no-thread-compare", "--format",
        "markdown", "--out", "bench-out", "--sampling-rounds", "5", "--projection-rounds", "3");
    var o = e.engineOptions();
    assertThat(o.samplingRounds()).isEqualTo(5);
    assertThat(o.projectionRounds()).isEqualTo(3);
    assertThat(o.models()).containsExactly("tiny", "d512");
    assertThat(o.batchSizes()).containsExactly(1, 8);
    assertThat(o.newTokens()).isEqualTo(16);
    assertThat(o.threads()).isEqualTo(2);
    assertThat(o.compareThreads()).isFalse();
    assertThat(o.reps()).isEqualTo(3);
    assertThat(e.format).isEqualTo(BenchVerb.Format.markdown);
    assertThat(e.out).isEqualTo(Path.of("bench-out"));

    var d = (BenchVerb.Engine) parse("bench", "engine");
    assertThat(d.engineOptions().models()).containsExactly("tiny", "20m");
    assertThat(d.engineOptions().batchSizes()).containsExactly(1, 8, 32);
    assertThat(d.engineOptions().samplingRounds()).isZero();
    assertThat(d.engineOptions().projectionRounds()).isZero();
    assertThat(d.format).isEqualTo(BenchVerb.Format.text);
    assertThat(d.out).isNull();
  }

  @Test
  void badValuesNameTheOption() {
    var e = (BenchVerb.Engine) parse("bench", "engine", "--models", "tiny,70b");
    assertThatThrownBy(e::engineOptions).isInstanceOf(SrlmException.class).hasMessageContaining("--models")
        .hasMessageContaining("70b");
    var n = (BenchVerb.Engine) parse("bench", "engine", "--new-tokens", "1");
    assertThatThrownBy(n::engineOptions).isInstanceOf(SrlmException.class).hasMessageContaining("--new-tokens");
    var pr = (BenchVerb.Engine) parse("bench", "engine", "--projection-rounds", "-1");
    assertThatThrownBy(pr::engineOptions).isInstanceOf(SrlmException.class)
        .hasMessageContaining("--projection-rounds");
    var m = (BenchVerb.Memory) parse("bench", "memory", "--calls", "10", "--every", "20");
    assertThatThrownBy(m::memoryOptions).isInstanceOf(SrlmException.class).hasMessageContaining("--every");
    var t = (BenchVerb.Train) parse("bench", "train", "--seq-len", "2");
    assertThatThrownBy(t::trainOptions).isInstanceOf(SrlmException.class).hasMessageContaining("--seq-len");
    assertThatThrownBy(() -> parse("bench", "engine", "--format", "html"))
        .isInstanceOf(CommandLine.ParameterException.class);
  }

  @Test
  void otherKindsOptions() {
    var mm = (BenchVerb.Matmul) parse("bench", "matmul", "--sizes", "128,256", "--thread-counts", "1");
    assertThat(mm.matmulOptions().sizes()).containsExactly(128, 256);
    assertThat(mm.matmulOptions().threads()).containsExactly(1);
    var pinned = (BenchVerb.Matmul) parse("bench", "matmul", "--threads", "2");
    assertThat(pinned.matmulOptions().threads()).as("--threads pins one count").containsExactly(2);

    var mem = ((BenchVerb.Memory) parse("bench", "memory")).memoryOptions();
    assertThat(mem.calls()).isEqualTo(2000);
    assertThat(mem.every()).isEqualTo(200);

    var tr = (BenchVerb.Train) parse("bench", "train", "--models", "20m", "--steps", "2");
    assertThat(tr.trainOptions().models()).containsExactly("20m");
    assertThat(tr.trainOptions().steps()).isEqualTo(2);

    var st = (BenchVerb.Stages) parse("bench", "stages", "--prompts", "6", "--no-substitute");
    assertThat(st.stagesOptions().prompts()).isEqualTo(6);
    assertThat(st.stagesOptions().substitute()).isFalse();
  }

  @Test
  void outWritesMarkdownAndJson(@TempDir Path dir) throws Exception {
    var e = (BenchVerb.Engine) parse("bench", "engine");
    e.spec.commandLine().setErr(new PrintWriter(new StringWriter()));
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", 2);
    BenchReport r = new BenchReport("engine", machine);
    r.section("scoring", "model", "tok/s").row("tiny", 1234.5);
    e.write(r, dir.resolve("out"));
    assertThat(Files.readString(dir.resolve("out/engine.md"))).contains("## srlm bench engine",
        "| tiny | 1,235 |");
    assertThat(Files.readString(dir.resolve("out/engine.json"))).contains("\"bench\" : \"engine\"");
    assertThat(BenchVerb.render(r, BenchVerb.Format.json)).isEqualTo(r.json() + "\n");
    assertThat(BenchVerb.render(r, BenchVerb.Format.text)).isEqualTo(r.text());
    assertThat(List.of(BenchVerb.Format.values())).hasSize(3);
  }
}

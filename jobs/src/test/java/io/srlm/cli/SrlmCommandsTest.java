package io.srlm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.jobs.SampleResponsesJob;
import io.srlm.registry.StepDef;
import io.srlm.registry.StepRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command tree: every verb is registered with its help text and options, and every spark-submit job main
 * runs a verb that exists (a misspelt verb in a job main would only show up on the cluster).
 */
class SrlmCommandsTest {
  @Test
  void everyVerbIsRegisteredInOrder() {
    CommandLine cl = Srlm.commandLine();
    List<String> expected = new ArrayList<>(List.of("loop"));
    StepRegistry.STEPS_IN_ORDER.forEach(d -> expected.add(d.verb()));
    expected.addAll(List.of("tables", "sql", "generate", "score", "tiny", "report", "deploy", "bench", "help"));
    assertThat(cl.getSubcommands().keySet()).containsExactlyElementsOf(expected);
  }

  @Test
  void stepVerbsHaveTheirOwnHelpAndStageOptions() {
    CommandLine cl = Srlm.commandLine();
    for (StepDef d : StepRegistry.STEPS_IN_ORDER) {
      String usage = cl.getSubcommands().get(d.verb()).getUsageMessage();
      assertThat(usage).as(d.verb()).startsWith("Usage: srlm " + d.verb() + " ")
          .contains("--stage=N", "--skip-if-done", "--profile");
      assertThat(usage.replaceAll("\\s+", " ")).as(d.verb()).contains(d.description());
      var verb = (StepVerbs.StepVerb) cl.getSubcommands().get(d.verb()).getCommandSpec().userObject();
      assertThat(verb.requireExistingRun()).as(d.verb()).isEqualTo(!d.createsRun());
    }
    // each verb has its own instance: parsing one does not set another's options
    cl.parseArgs("judge-responses", "--stage", "3");
    var judge = (StepVerbs.StepVerb) cl.getSubcommands().get("judge-responses").getCommandSpec().userObject();
    var pairs = (StepVerbs.StepVerb) cl.getSubcommands().get("build-pairs").getCommandSpec().userObject();
    assertThat(judge.stage).isEqualTo(3);
    assertThat(pairs).isNotSameAs(judge);
    assertThat(pairs.stage).isNotEqualTo(3);
  }

  @Test
  void everyJobMainRunsAnExistingVerb() throws Exception {
    Path dir = Path.of(SampleResponsesJob.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve("io/srlm/jobs");
    List<String> mains;
    try (Stream<Path> s = Files.list(dir)) {
      mains = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("Job.class"))
          .map(n -> "io.srlm.jobs." + n.substring(0, n.length() - ".class".length())).sorted().toList();
    }
    List<String> expectedMains = new ArrayList<>(List.of("io.srlm.jobs.RunLoopJob", "io.srlm.jobs.WriteReportJob",
        "io.srlm.jobs.StepJob"));
    StepRegistry.STEPS_IN_ORDER.stream().filter(d -> d.job() != null).forEach(d -> expectedMains.add(d.jobClass()));
    assertThat(mains).as("one main per registry row, plus the loop and the report").containsExactlyInAnyOrderElementsOf(
        expectedMains);
    PrintStream out = System.out;
    try {
      for (String name : mains) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        Method main = Class.forName(name).getMethod("main", String[].class);
        boolean generic = name.endsWith(".StepJob");
        main.invoke(null, (Object) (generic ? new String[] {"judge_responses", "--help"} : new String[] {"--help"}));
        String usage = buf.toString(StandardCharsets.UTF_8);
        assertThat(usage).as(name).startsWith("Usage: srlm ");
        String verb = usage.split("\\s+")[2];
        assertThat(Srlm.commandLine().getSubcommands()).as(name + " runs " + verb).containsKey(verb);
        String expected = StepRegistry.STEPS_IN_ORDER.stream().filter(d -> d.jobClass().equals(name))
            .filter(d -> d.job() != null).map(StepDef::verb).findFirst().orElse(generic ? "judge-responses" : name.endsWith("RunLoopJob") ? "loop"
                : name.endsWith("WriteReportJob") ? "report" : "(a registry row)");
        assertThat(verb).as(name + ": the verb of its registry row").isEqualTo(expected);
      }
    } finally {
      System.setOut(out);
    }
    PrintStream err = System.err;
    try {
      System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertThatThrownBy(() -> Srlm.job("no-such-verb", new String[0]))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("srlm no-such-verb failed with exit code 2");
    } finally {
      System.setErr(err);
    }
  }

  /** `srlm sql` registers the catalogue tables the query names, and only those (bare, backticked, any case). */
  @Test
  void sqlRegistersTheTablesItsQueryNames() {
    assertThat(SqlVerb.named("SELECT * FROM judgements j JOIN `Responses` r ON j.response_id = r.response_id"))
        .extracting(io.srlm.tables.TableDef::name).containsExactlyInAnyOrder("judgements", "responses");
    assertThat(SqlVerb.named("SELECT * FROM preference_pairs WHERE prompt_id IN (SELECT prompt_id FROM prompts)"))
        .extracting(io.srlm.tables.TableDef::name).containsExactlyInAnyOrder("preference_pairs", "prompts");
    assertThat(SqlVerb.named("SELECT runs_x.a FROM runs_x, db.models, seed_ift_copy")).isEmpty();
    assertThat(SqlVerb.named("SELECT iteration, count(*) FROM runs\nGROUP BY 1"))
        .extracting(io.srlm.tables.TableDef::name).containsExactly("runs");
  }
}

package io.srlm.cli;

import io.srlm.loop.LoopRunner;
import io.srlm.loop.RunSummary;
import io.srlm.pipeline.RunContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "loop", mixinStandardHelpOptions = true,
    description = {"Run the whole self-rewarding loop: seed, SFT (M0 -> M1), then per iteration generate prompts, "
        + "sample responses, judge, build pairs, DPO (M_t -> M_t+1) and evaluate; print the summary.",
        "Re-running with the same --run-id resumes: completed steps are skipped, an interrupted one is redone."})
final class LoopVerb extends SparkVerb {
  @Option(names = "--force", description = "Resume even though the config differs from the run's original one")
  boolean force;

  @Override
  boolean requireExistingRun() {
    return false;
  }

  @Override
  boolean force() {
    return force;
  }

  @Override
  int run(RunContext ctx) {
    RunSummary s = LoopRunner.run(ctx);
    System.out.println();
    System.out.print(s.render());
    System.out.println("\nTables: " + ctx.tables().root() + "   (srlm sql --run-id " + ctx.runId()
        + " \"SELECT * FROM runs\")");
    return 0;
  }
}

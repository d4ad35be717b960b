package io.srlm.cli;

import io.srlm.errors.SrlmException;
import io.srlm.registry.StepDef;
import io.srlm.registry.StepRegistry;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one command-line entry point: {@code srlm <verb> [options]}. */
@Command(name = "srlm", mixinStandardHelpOptions = true, version = "srlm 0.1.0",
    description = "Self-Rewarding Language Models on Spark: the loop, its steps, and the tools around them.")
public final class Srlm {
  private Srlm() {}

  /** The command line with every verb: loop, the step verbs (one per {@link StepRegistry} row), then the tools. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Srlm());
    cl.addSubcommand(new LoopVerb());
    StepVerbs.register(cl);
    for (Object verb : List.of(new TablesVerb(), new SqlVerb(), new EngineVerbs.Generate(), new EngineVerbs.Score(),
        new EngineVerbs.Tiny(), new ReportVerb(), new DeployVerb(), new BenchVerb(), new CommandLine.HelpCommand())) {
      cl.addSubcommand(verb);
    }
    return cl;
  }

  /**
   * Runs a verb and returns the exit code. A failure prints one line, "error: what (where). To fix: how" (exit 2
   * for a {@link SrlmException}, 1 for anything else), with the stack trace only when {@code --verbose} is given
   * (anywhere on the command line).
   */
  public static int run(String... args) {
    List<String> rest = new java.util.ArrayList<>(List.of(args));
    boolean verbose = rest.remove(VERBOSE);
    CommandLine cl = commandLine();
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      Throwable t = ex;
      while (!(t instanceof SrlmException) && t.getCause() != null && t.getCause() != t) {
        t = t.getCause();
      }
      if (verbose) {
        ex.printStackTrace(cmd.getErr());
      }
      String hint = verbose ? "" : " (add " + VERBOSE + " for the stack trace)";
      if (t instanceof SrlmException se) {
        cmd.getErr().println("error: " + se.getMessage() + hint);
        return 2;
      }
      cmd.getErr().println("error: " + ex.getClass().getSimpleName() + ": " + ex.getMessage() + hint);
      return 1;
    });
    return cl.execute(rest.toArray(new String[0]));
  }

  /** The option that adds stack traces to error messages. */
  static final String VERBOSE = "--verbose";

  /** Like {@link #run} but throws on failure: for job mains (Databricks marks a job that exits as failed). */
  public static void runOrThrow(String... args) {
    int rc = run(args);
    if (rc != 0) {
      throw new IllegalStateException("srlm " + (args.length > 0 ? args[0] : "") + " failed with exit code " + rc);
    }
  }

  /** A spark-submit main's body: runs {@code verb} with the job's arguments, throwing on failure. */
  public static void job(String verb, String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = verb;
    System.arraycopy(args, 0, all, 1, args.length);
    runOrThrow(all);
  }

  /**
   * A step main's body: runs the verb of the {@link StepRegistry} row whose job is {@code main}, so a main names
   * no verb of its own.
   */
  public static void stepJob(Class<?> main, String[] args) {
    StepDef d = StepRegistry.STEPS_IN_ORDER.stream().filter(x -> x.job() != null && x.jobClass().equals(main
        .getName())).findFirst().orElseThrow(() -> new IllegalStateException(main.getName()
        + " is no job of io.srlm.registry.StepRegistry"));
    job(d.verb(), args);
  }

  /** The generic step main's body: {@code STEP_ID [options]} runs that registry row's verb. */
  public static void stepJob(String[] args) {
    if (args.length == 0 || StepRegistry.byId(args[0]).isEmpty()) {
      throw new IllegalArgumentException("StepJob needs a step id first, one of " + StepRegistry.STEPS_IN_ORDER
          .stream().map(StepDef::id).toList());
    }
    job(StepRegistry.byId(args[0]).get().verb(), java.util.Arrays.copyOfRange(args, 1, args.length));
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }
}

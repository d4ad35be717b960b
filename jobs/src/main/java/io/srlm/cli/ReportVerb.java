package io.srlm.cli;

import io.srlm.pipeline.RunContext;
import io.srlm.report.RunReport;
import picocli.CommandLine.Command;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write the run's self-contained HTML report (and PNG charts) to report.dir/<run_id>/report.html.")
final class ReportVerb extends SparkVerb {
  @Override
  Boolean inspectRequiresRun() {
    return true;
  }

  @Override
  int run(RunContext ctx) {
    System.out.println("Report: " + RunReport.write(ctx));
    return 0;
  }
}

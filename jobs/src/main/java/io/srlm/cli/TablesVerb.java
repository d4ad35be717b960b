package io.srlm.cli;

import io.srlm.pipeline.RunContext;
import io.srlm.tables.Catalogue;
import io.srlm.tables.TableDef;
import io.srlm.tables.TableStore;
import picocli.CommandLine.Command;

@Command(name = "tables", mixinStandardHelpOptions = true,
    description = "List the catalogue's tables with their location, latest Delta version and row counts (all rows "
        + "and this run's rows when --run-id is given).")
final class TablesVerb extends SparkVerb {
  @Override
  Boolean inspectRequiresRun() {
    return false;
  }

  @Override
  public Integer call() throws Exception {
    return super.call();
  }

  @Override
  int run(RunContext ctx) {
    TableStore t = ctx.tables();
    boolean run = options.runId != null;
    System.out.printf("%-20s %8s %10s %10s  %s%n", "table", "version", "rows", run ? "run rows" : "", "location");
    for (TableDef<?> d : Catalogue.ALL) {
      long v = t.version(d);
      long rows = v < 0 ? 0 : t.read(d).count();
      String runRows = run && v >= 0 ? Long.toString(t.read(d).where(TableStore.runIs(ctx.runId())).count()) : "";
      System.out.printf("%-20s %8s %10d %10s  %s%n", d.name(), v < 0 ? "-" : Long.toString(v), rows, runRows,
          t.location(d));
    }
    return 0;
  }
}

package io.srlm.pipeline;

import io.delta.tables.DeltaTable;
import io.srlm.tables.Catalogue;
import io.srlm.tables.RunStep;
import io.srlm.tables.TableStore;
import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.functions;

/**
 * The runs table: one row per step execution, inserted as "running" when the step starts and updated to
 * "succeeded" or "failed" when it ends (a Delta MERGE on run_id and execution_id). A step is complete when any of
 * its executions succeeded; resume skips it.
 */
public final class RunLedger {
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  private final TableStore tables;
  private final String runId;
  private final String configHash;

  public RunLedger(TableStore tables, String runId, String configHash) {
    this.tables = tables;
    this.runId = runId;
    this.configHash = configHash;
  }

  public List<RunStep> steps() {
    List<RunStep> all = tables.collect(Catalogue.RUNS, TableStore.runIs(runId));
    all.sort(Comparator.comparingLong(RunStep::startedAtMs));
    return all;
  }

  public Optional<RunStep> succeeded(String stepId) {
    return tables.collect(Catalogue.RUNS, TableStore.runIs(runId).and(functions.col("step_id").equalTo(stepId))
        .and(functions.col("status").equalTo(SUCCEEDED))).stream()
        .max(Comparator.comparingLong(RunStep::startedAtMs));
  }

  public RunStep start(String stepId, int iteration, String stage, String step) {
    RunStep row = new RunStep(runId, stepId, iteration, stage, step, UUID.randomUUID().toString(), RUNNING,
        System.currentTimeMillis(), null, Map.of(), Map.of(), Map.of(), null, configHash, host());
    upsert(row);
    return row;
  }

  public RunStep succeed(RunStep started, StepResult r) {
    RunStep row = new RunStep(runId, started.stepId(), started.iteration(), started.stage(), started.step(),
        started.executionId(), SUCCEEDED, started.startedAtMs(), System.currentTimeMillis(), r.inputVersions(),
        r.outputVersions(), r.counts(), r.summary(), configHash, started.host());
    upsert(row);
    return row;
  }

  public void fail(RunStep started, Throwable t) {
    String msg = t.getClass().getSimpleName() + ": " + t.getMessage();
    RunStep row = new RunStep(runId, started.stepId(), started.iteration(), started.stage(), started.step(),
        started.executionId(), FAILED, started.startedAtMs(), System.currentTimeMillis(), Map.of(), Map.of(),
        Map.of(), msg.length() > 4000 ? msg.substring(0, 4000) : msg, configHash, started.host());
    upsert(row);
  }

  private void upsert(RunStep row) {
    tables.ensure(Catalogue.RUNS);
    tables.retryingConflicts(Catalogue.RUNS.name(), () -> {
      DeltaTable.forPath(tables.spark(), tables.location(Catalogue.RUNS)).as("t")
        .merge(tables.frame(Catalogue.RUNS, List.of(row)).as("s"),
            "t.run_id = '" + TableStore.sqlString(runId) + "' AND t.run_id = s.run_id AND "
                + "t.execution_id = s.execution_id")
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute();
      return null;
    });
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName() + "/" + ProcessHandle.current().pid();
    } catch (Exception e) {
      return "unknown/" + ProcessHandle.current().pid();
    }
  }
}

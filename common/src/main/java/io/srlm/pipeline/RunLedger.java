package io.srlm.pipeline;

import io.delta.tables.DeltaTable;
import io.srlm.tables.Catalogue;
import io.srlm.tables.RunStep;
import io.srlm.tables.TableStore;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The runs table: one row per step execution, appended as "running" when the step starts (a blind append: a fresh
 * execution id, so it never conflicts with another writer) and updated to "succeeded" or "failed" when it ends (a
 * Delta UPDATE of that execution's row). A step is complete when any of its executions succeeded; resume skips it.
 *
 * <p>Which steps already succeeded is read from the table once, at this ledger's first {@link #succeeded} call, and
 * kept up to date with this ledger's own successes: a resumed run (a new driver, a new {@link RunContext}) reads
 * the table afresh. A step that another driver completes for the same run after that first read is run again here,
 * which steps allow (a re-run replaces its own rows); a query per step cost about 0.35 s on 2 cores.
 */
public final class RunLedger {
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  private final TableStore tables;
  private final String runId;
  private final String configHash;
  /** Step id to its latest succeeded execution; loaded at the first {@link #succeeded} call. */
  private Map<String, RunStep> succeeded;

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

  /** The latest succeeded execution of the step in this run, if any (see the class comment on freshness). */
  public synchronized Optional<RunStep> succeeded(String stepId) {
    if (succeeded == null) {
      succeeded = new HashMap<>();
      for (RunStep s : tables.collect(Catalogue.RUNS, TableStore.runIs(runId)
          .and(functions.col("status").equalTo(SUCCEEDED)))) {
        remember(s);
      }
    }
    return Optional.ofNullable(succeeded.get(stepId));
  }

  private void remember(RunStep s) {
    succeeded.merge(s.stepId(), s, (a, b) -> a.startedAtMs() >= b.startedAtMs() ? a : b);
  }

  public RunStep start(String stepId, int iteration, String stage, String step) {
    RunStep row = new RunStep(runId, stepId, iteration, stage, step, UUID.randomUUID().toString(), RUNNING,
        System.currentTimeMillis(), null, Map.of(), Map.of(), Map.of(), null, configHash, host());
    tables.append(Catalogue.RUNS, List.of(row));
    return row;
  }

  public RunStep succeed(RunStep started, StepResult r) {
    RunStep row = new RunStep(runId, started.stepId(), started.iteration(), started.stage(), started.step(),
        started.executionId(), SUCCEEDED, started.startedAtMs(), System.currentTimeMillis(), r.inputVersions(),
        r.outputVersions(), r.counts(), r.summary(), configHash, started.host());
    end(row);
    synchronized (this) {
      if (succeeded != null) {
        remember(row);
      }
    }
    return row;
  }

  public void fail(RunStep started, Throwable t) {
    String msg = t.getClass().getSimpleName() + ": " + t.getMessage();
    RunStep row = new RunStep(runId, started.stepId(), started.iteration(), started.stage(), started.step(),
        started.executionId(), FAILED, started.startedAtMs(), System.currentTimeMillis(), Map.of(), Map.of(),
        Map.of(), msg.length() > 4000 ? msg.substring(0, 4000) : msg, configHash, started.host());
    end(row);
  }

  /**
   * Sets the ending columns of the execution's row, which {@link #start} appended. Idempotent (the same values
   * again), so a commit that loses to a concurrent writer is retried.
   */
  private void end(RunStep row) {
    Map<String, Column> set = new LinkedHashMap<>();
    set.put("status", functions.lit(row.status()));
    set.put("ended_at_ms", functions.lit(row.endedAtMs()));
    set.put("input_versions", versions("input_versions", row.inputVersions()));
    set.put("output_versions", versions("output_versions", row.outputVersions()));
    set.put("counts", versions("counts", row.counts()));
    set.put("message", functions.lit(row.message()).cast(DataTypes.StringType));
    Column where = TableStore.runIs(runId).and(functions.col("execution_id").equalTo(row.executionId()));
    tables.retryingConflicts(Catalogue.RUNS.name(), () -> {
      DeltaTable.forPath(tables.spark(), tables.location(Catalogue.RUNS)).update(where, set);
      return null;
    });
  }

  /** A map literal of the column's exact type (typed even when empty). */
  private static Column versions(String column, Map<String, Long> m) {
    List<Column> kv = new ArrayList<>();
    new TreeMap<>(m).forEach((k, v) -> {
      kv.add(functions.lit(k));
      kv.add(functions.lit(v));
    });
    return functions.map(kv.toArray(Column[]::new))
        .cast(Catalogue.RUNS.codec().schema().apply(column).dataType());
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName() + "/" + ProcessHandle.current().pid();
    } catch (Exception e) {
      return "unknown/" + ProcessHandle.current().pid();
    }
  }
}

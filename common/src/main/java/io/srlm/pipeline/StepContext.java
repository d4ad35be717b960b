package io.srlm.pipeline;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.registry.StepDef;
import io.srlm.registry.StepRegistry;
import io.srlm.spark.Faults;
import io.srlm.spark.ModelSpec;
import io.srlm.tables.Catalogue;
import io.srlm.tables.RejectedRow;
import io.srlm.tables.TableDef;
import io.srlm.tables.TableStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * What one running step sees, built by {@link StepRunner}: its stage's settings (the only config a step gets:
 * stage overrides included, e.g. a stage's {@code engine}), its id, its result builder, and the bookkeeping of its
 * reads and writes. Every read goes through a pinned version (the first read of a table fixes its version for the
 * whole step and records it in the result), and every write replaces the step's own rows in one Delta commit
 * tagged with the step id and recorded in the result, so lineage cannot miss a read or a write. A step with a
 * row in {@link StepRegistry} may read and write only the tables that row declares.
 */
public final class StepContext {
  private final RunContext run;
  private final SrlmConfig.Stage stage;
  private final String step;
  private final String stepId;
  private final StepResult.Builder result;
  private final Map<String, Long> pinned = new HashMap<>();
  private final Optional<StepDef> declared;

  StepContext(RunContext run, SrlmConfig.Stage stage, String step) {
    this.run = run;
    this.stage = stage;
    this.step = step;
    this.declared = StepRegistry.byId(step);
    this.stepId = StepRunner.stepId(stage, step);
    this.result = new StepResult.Builder(stepId);
  }

  /** The stage's effective settings (global config with the stage's overrides). */
  public SrlmConfig settings() {
    return stage.settings();
  }

  public int iteration() {
    return stage.iteration();
  }

  /** The stage type (sft, self_reward_dpo, spin, external_reward_dpo). */
  public String stageType() {
    return stage.type();
  }

  /** The stage's id (e.g. iter1), which prefixes the step id. */
  public String stageId() {
    return stage.id();
  }

  public int stageIndex() {
    return stage.index();
  }

  public String step() {
    return step;
  }

  public String stepId() {
    return stepId;
  }

  public String runId() {
    return run.runId();
  }

  public long seed() {
    return run.seed();
  }

  public SparkSession spark() {
    return run.spark();
  }

  /** The run (its model storage and identity); its tables are read and written through this context. */
  public RunContext run() {
    return run;
  }

  /** The fault injection of this stage's debug.* settings (tests only). */
  public Faults faults() {
    return Faults.of(settings().debug());
  }

  /** The spec executors load {@code location} with, using this stage's {@code engine} settings. */
  public ModelSpec modelSpec(String location) {
    return ModelStore.spec(location, settings().engine(), settings().storage());
  }

  /** Counters, for the step to add to. */
  public StepResult.Builder result() {
    return result;
  }

  /** The result with {@code summary}; the versions read and written are already in it. */
  public StepResult done(String summary) {
    return result.build(summary);
  }

  /** This run's rows of this iteration. */
  public Column partition() {
    return TableStore.partitionIs(runId(), iteration());
  }

  /** This run's rows (for tables partitioned by run only). */
  public Column runRows() {
    return TableStore.runIs(runId());
  }

  /** The version this step reads {@code t} at: fixed at the first read and recorded; -1 if the table is absent. */
  public long pin(TableDef<?> t) {
    check(t, "reads", StepDef::reads);
    return pinned.computeIfAbsent(t.name(), n -> {
      long v = run.tables().version(t);
      result.read(n, v);
      return v;
    });
  }

  /** The rows of {@code t} matching {@code filter} at the pinned version (empty when the table does not exist). */
  public Dataset<Row> frame(TableDef<?> t, Column filter) {
    long v = pin(t);
    if (v < 0) {
      return spark().createDataFrame(List.of(), t.codec().schema());
    }
    return run.tables().readVersion(t, v).where(filter);
  }

  /** {@link #frame(TableDef, Column)}, failing with an error naming the table, filter and {@code fix} if empty. */
  public Dataset<Row> frame(TableDef<?> t, Column filter, String fix) {
    Dataset<Row> df = frame(t, filter);
    if (df.isEmpty()) {
      throw Errors.tableEmpty(t.name(), filter.expr().sql(), fix);
    }
    return df;
  }

  /** Typed rows of {@code t} matching {@code filter} at the pinned version; may be empty. */
  public <T extends Record> List<T> rows(TableDef<T> t, Column filter) {
    return run.tables().collect(t, frame(t, filter));
  }

  /** Typed rows of {@code t} matching {@code filter}, failing with an error naming the table and {@code fix}. */
  public <T extends Record> List<T> rows(TableDef<T> t, Column filter, String fix) {
    List<T> out = rows(t, filter);
    if (out.isEmpty()) {
      throw Errors.tableEmpty(t.name(), filter.expr().sql(), fix);
    }
    return out;
  }

  /** Replaces the rows of {@code t} matching {@code where} with {@code rows}; records the version written. */
  public <T extends Record> long replace(TableDef<T> t, List<T> rows, Column where) {
    check(t, "writes", StepDef::writes);
    long v = run.tables().replace(t, rows, where, stepId);
    result.wrote(t.name(), v);
    return v;
  }

  /** Replaces this iteration's partition of {@code t}. */
  public <T extends Record> long replacePartition(TableDef<T> t, List<T> rows) {
    return replace(t, rows, partition());
  }

  /** Replaces this step's rows of rejected_rows in this iteration (what it skipped, and why). */
  public long replaceRejected(List<RejectedRow> rows) {
    return replaceRejected(iteration(), rows);
  }

  /** Replaces this step's rows of rejected_rows in {@code iteration} (the seed's are iteration 0). */
  public long replaceRejected(int iteration, List<RejectedRow> rows) {
    return replace(Catalogue.REJECTED_ROWS, rows, TableStore.partitionIs(runId(), iteration)
        .and(functions.col("step").equalTo(step)));
  }

  /** Appends rows to {@code t} (event-style tables); records the version written. */
  public <T extends Record> long append(TableDef<T> t, List<T> rows) {
    check(t, "writes", StepDef::writes);
    long v = run.tables().append(t, rows, stepId);
    result.wrote(t.name(), v);
    return v;
  }

  /**
   * A registered step may touch only the tables its registry row declares, so the row (which the Databricks task
   * graph is built from) cannot drift from the code.
   */
  private void check(TableDef<?> t, String what, Function<StepDef, List<String>> tables) {
    if (declared.isPresent() && !tables.apply(declared.get()).contains(t.name())) {
      throw new IllegalStateException("step " + step + " " + what + " table " + t.name() + ", which its row in "
          + "io.srlm.registry.StepRegistry does not declare (" + what + " = " + tables.apply(declared.get()) + ")");
    }
  }

  /** Whole-config values that are not a stage's business but that some steps record (the config hash). */
  public String configHash() {
    return run.config().resolved().hash();
  }

  /** The run's stages (the base-model step checks whether an SFT stage follows). */
  public List<SrlmConfig.Stage> stages() {
    return run.config().loop().stages();
  }
}

package io.srlm.registry;

import java.util.List;
import java.util.Set;

/**
 * One row of the step registry ({@link StepRegistry}): everything the rest of the house derives about a step.
 *
 * @param id the step name (the second half of a step id such as {@code s01.self_reward_dpo.judge_responses}; the
 *     name in debug.fail_first_attempt, the runs table's step column and the rejected_rows step column)
 * @param verb the CLI verb that runs it ({@code srlm judge-responses})
 * @param job the simple name of its own spark-submit / Databricks main in {@code io.srlm.jobs}, or null for none:
 *     such a step runs through the generic main {@code io.srlm.jobs.StepJob} with its id as the first argument
 * @param stepClass the class implementing it (a {@code io.srlm.pipeline.Step} with a no-argument constructor)
 * @param reads the tables it reads (pinned versions, recorded in the runs table)
 * @param writes the tables it writes
 * @param stageTypes the stage types whose recipe includes it
 * @param when the further condition under which a stage of those types runs it
 * @param executors whether it runs work on the Spark executors (fault-injectable, retried as a Spark job)
 * @param createsRun whether its verb may start a new run (only the seed step)
 * @param description one line for the verb's help and the Databricks task
 */
public record StepDef(String id, String verb, String job, String stepClass, List<String> reads, List<String> writes,
    Set<String> stageTypes, When when, boolean executors, boolean createsRun, String description) {

  public StepDef {
    reads = List.copyOf(reads);
    writes = List.copyOf(writes);
    stageTypes = Set.copyOf(stageTypes);
  }

  /** When a stage of the step's types runs it. */
  public enum When {
    /** Always. */
    ALWAYS,
    /** Only in the first stage of the run (seed data and M0). */
    FIRST_STAGE,
    /** eft.enabled (model-written EFT after SFT). */
    EFT,
    /** judge.mode = pointwise with a causal LM judge. */
    JUDGE_POINTWISE,
    /** judge.mode = pairwise. */
    JUDGE_PAIRWISE,
    /** judge.reward_head = sequence_classification. */
    JUDGE_REWARD_MODEL,
    /** loop.evaluate and eval.judge.enabled. */
    EVAL_JUDGE,
    /** loop.evaluate and eval.task_accuracy.enabled. */
    EVAL_TASKS,
    /** loop.evaluate and eval.head_to_head.enabled. */
    EVAL_HEAD_TO_HEAD;

    /** Whether the step is an evaluation (run after a stage's model exists, when loop.evaluate is on). */
    public boolean evaluation() {
      return this == EVAL_JUDGE || this == EVAL_TASKS || this == EVAL_HEAD_TO_HEAD;
    }
  }

  /** The main class's full name. */
  public String jobClass() {
    return StepRegistry.JOB_PACKAGE + "." + (job == null ? StepRegistry.GENERIC_JOB : job);
  }

  /** The arguments a main needs before the verb's own options: the step id for the generic main, else none. */
  public java.util.List<String> jobArgs() {
    return job == null ? java.util.List.of(id) : java.util.List.of();
  }
}

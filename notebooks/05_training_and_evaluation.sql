-- Databricks notebook source
-- MAGIC %md
-- MAGIC # srlm: training curves and evaluations
-- MAGIC
-- MAGIC SFT and DPO curves from `training_metrics` (one row per step, metric and split), and the evaluation metrics
-- MAGIC of every model: judge quality, task accuracy and head-to-head win rates. The charts notebook draws them.
-- MAGIC
-- MAGIC **Parameters** (widgets): `run_id`, `database` (see the run status notebook).

-- COMMAND ----------

CREATE WIDGET TEXT run_id DEFAULT '';
CREATE WIDGET TEXT database DEFAULT 'srlm'

-- COMMAND ----------

USE IDENTIFIER(:database)

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Which metrics were logged

-- COMMAND ----------

SELECT iteration, stage, split, metric, count(*) AS points, min(step) AS first_step, max(step) AS last_step
FROM training_metrics
WHERE run_id = :run_id
GROUP BY iteration, stage, split, metric
ORDER BY iteration, stage, split, metric

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## DPO curves
-- MAGIC Every DPO metric by step, with a moving average over 10 points. Show as a line chart: `step` on the x axis,
-- MAGIC `smoothed` as the value, `metric` (and `iteration`) as the series.

-- COMMAND ----------

SELECT
  iteration,
  split,
  metric,
  step,
  value,
  avg(value) OVER (
    PARTITION BY iteration, stage, split, metric
    ORDER BY step
    ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
  ) AS smoothed,
  timestamp_millis(timestamp_ms) AS logged_at
FROM training_metrics
WHERE run_id = :run_id AND stage NOT IN ('sft', 'sft_eft')
ORDER BY iteration, metric, split, step

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## SFT curves
-- MAGIC Stage `sft` is train_sft; `sft_eft` the continued training on the model-written EFT rows (train_eft).

-- COMMAND ----------

SELECT iteration, stage, split, metric, step, value
FROM training_metrics
WHERE run_id = :run_id AND stage IN ('sft', 'sft_eft')
ORDER BY stage, metric, split, step

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Final and best values per training stage

-- COMMAND ----------

SELECT
  iteration,
  stage,
  split,
  metric,
  max(step) AS last_step,
  round(max_by(value, step), 5) AS last_value,
  round(min(value), 5) AS min_value,
  round(max(value), 5) AS max_value
FROM training_metrics
WHERE run_id = :run_id
GROUP BY iteration, stage, split, metric
ORDER BY iteration, stage, split, metric

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Evaluations
-- MAGIC One row per iteration, model and metric, with the confidence interval where the metric has one.

-- COMMAND ----------

SELECT
  evaluation,
  metric,
  iteration,
  model,
  round(value, 4) AS value,
  n,
  round(ci_low, 4) AS ci_low,
  round(ci_high, 4) AS ci_high
FROM evaluations
WHERE run_id = :run_id
ORDER BY evaluation, metric, iteration

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Does self-rewarding help? (efficacy)
-- MAGIC Per model: held-out greedy task accuracy with its 95% interval, the judge's pairwise accuracy against the
-- MAGIC held-out ranking, its checking AUC (the right held-out answer over wrong ones of the same form, which only
-- MAGIC checking the answer tells apart), with a self-reference judge template its reference-agreement AUC (the response
-- MAGIC equal to the reference shown over one that differs; 0.5 = it ignores the reference, empty for other templates),
-- MAGIC the judge's within-prompt AUC on its own sampled answers (right over wrong, with a 95%
-- MAGIC bootstrap interval over prompts; 0.5 = chance), and the head-to-head against the previous model, judged by
-- MAGIC the fixed judge named in its label, with its tie rate, and the grader's tie rate on the same answers (prompts where both
-- MAGIC models have as many right answers: no correctness judge could pick a winner there).

-- COMMAND ----------

SELECT
  iteration,
  max(CASE WHEN evaluation <> 'head_to_head' THEN model END) AS model,
  round(max(CASE WHEN metric = 'greedy_accuracy' THEN value END), 3) AS greedy_accuracy,
  concat_ws(' - ', round(max(CASE WHEN metric = 'greedy_accuracy' THEN ci_low END), 3),
    round(max(CASE WHEN metric = 'greedy_accuracy' THEN ci_high END), 3)) AS accuracy_95ci,
  round(max(CASE WHEN evaluation = 'judge' AND metric = 'pairwise_accuracy' THEN value END), 3) AS judge_pairwise_acc,
  round(max(CASE WHEN metric = 'checking_auc' THEN value END), 3) AS checking_auc,
  round(max(CASE WHEN metric = 'reference_agreement_auc' THEN value END), 3) AS reference_agreement_auc,
  round(max(CASE WHEN metric = 'own_answer_auc' THEN value END), 3) AS own_answer_auc,
  concat_ws(' - ', round(max(CASE WHEN metric = 'own_answer_auc' THEN ci_low END), 3),
    round(max(CASE WHEN metric = 'own_answer_auc' THEN ci_high END), 3)) AS auc_95ci,
  max(CASE WHEN evaluation = 'head_to_head' THEN model END) AS head_to_head,
  round(max(CASE WHEN evaluation = 'head_to_head' AND metric = 'win_rate' THEN value END), 3) AS win_rate,
  round(max(CASE WHEN evaluation = 'head_to_head' AND metric = 'tie_rate' THEN value END), 3) AS tie_rate,
  round(max(CASE WHEN evaluation = 'head_to_head' AND metric = 'truth_tie_rate' THEN value END), 3) AS truth_tie_rate
FROM evaluations
WHERE run_id = :run_id
GROUP BY iteration
ORDER BY iteration

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Head-to-head outcomes
-- MAGIC From the per-item details: 1 = win, 0.5 = tie, 0 = loss for the newer model.

-- COMMAND ----------

SELECT
  iteration,
  model,
  count(*) AS comparisons,
  sum(CASE WHEN score = 1.0 THEN 1 ELSE 0 END) AS wins,
  sum(CASE WHEN score = 0.5 THEN 1 ELSE 0 END) AS ties,
  sum(CASE WHEN score = 0.0 THEN 1 ELSE 0 END) AS losses,
  sum(CASE WHEN score IS NULL THEN 1 ELSE 0 END) AS unparsed,
  round(avg(score), 4) AS win_rate
FROM eval_samples
WHERE run_id = :run_id AND kind = 'head_to_head'
GROUP BY iteration, model
ORDER BY iteration

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Evaluation items
-- MAGIC The items behind a metric, e.g. the judge's scores against the human reference on held-out EFT data.

-- COMMAND ----------

SELECT iteration, model, kind, item_id, score, reference, status, input, output
FROM eval_samples
WHERE run_id = :run_id
ORDER BY iteration, kind, item_id
LIMIT 200

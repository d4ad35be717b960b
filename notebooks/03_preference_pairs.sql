-- Databricks notebook source
-- MAGIC %md
-- MAGIC # srlm: preference pairs
-- MAGIC
-- MAGIC The pairs DPO trains on: how many prompts yielded a pair, the margin between chosen and rejected scores,
-- MAGIC and chosen and rejected responses side by side with the judge's reasoning.
-- MAGIC
-- MAGIC **Parameters** (widgets): `run_id`, `database` (see the run status notebook).

-- COMMAND ----------

CREATE WIDGET TEXT run_id DEFAULT '';
CREATE WIDGET TEXT database DEFAULT 'srlm'

-- COMMAND ----------

USE IDENTIFIER(:database)

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Pairs per iteration
-- MAGIC A prompt yields no pair when all its responses tie, all have the same text (copies count as one response,
-- MAGIC scored by their mean) or none was scored (`pairs.min_margin`). The runs table counts drops by reason.

-- COMMAND ----------

SELECT
  p.iteration,
  count(DISTINCT p.prompt_id) AS accepted_prompts,
  count(DISTINCT pp.prompt_id) AS prompts_with_pair,
  round(count(DISTINCT pp.prompt_id) / count(DISTINCT p.prompt_id), 4) AS pair_yield
FROM prompts p
LEFT JOIN preference_pairs pp
  ON pp.run_id = p.run_id AND pp.iteration = p.iteration AND pp.prompt_id = p.prompt_id
WHERE p.run_id = :run_id AND p.status = 'accepted'
GROUP BY p.iteration
ORDER BY p.iteration

-- COMMAND ----------

SELECT
  iteration,
  source,
  stage,
  count(*) AS pairs,
  round(avg(chosen_score), 3) AS avg_chosen_score,
  round(avg(rejected_score), 3) AS avg_rejected_score,
  round(avg(margin), 3) AS avg_margin,
  percentile_approx(margin, 0.5) AS median_margin
FROM preference_pairs
WHERE run_id = :run_id
GROUP BY iteration, source, stage
ORDER BY iteration, source, stage

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Margin histogram
-- MAGIC `chosen_score - rejected_score` in half-point buckets; show as a bar chart, `margin_bucket` on the x axis and
-- MAGIC `iteration` as the series.

-- COMMAND ----------

SELECT
  iteration,
  floor(margin * 2) / 2 AS margin_bucket,
  count(*) AS pairs
FROM preference_pairs
WHERE run_id = :run_id
GROUP BY iteration, floor(margin * 2) / 2
ORDER BY iteration, margin_bucket

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Chosen and rejected, side by side
-- MAGIC Largest margins first.

-- COMMAND ----------

SELECT
  iteration,
  pair_id,
  prompt,
  chosen_score,
  rejected_score,
  margin,
  chosen,
  rejected,
  length(chosen) AS chosen_chars,
  length(rejected) AS rejected_chars
FROM preference_pairs
WHERE run_id = :run_id
ORDER BY iteration, margin DESC, pair_id
LIMIT 100

-- COMMAND ----------

-- MAGIC %md
-- MAGIC With the first judgement of each side, to see why the judge preferred one.

-- COMMAND ----------

SELECT
  pp.iteration,
  pp.prompt,
  pp.chosen_score,
  pp.chosen,
  jc.judge_text AS chosen_judgement,
  pp.rejected_score,
  pp.rejected,
  jr.judge_text AS rejected_judgement
FROM preference_pairs pp
LEFT JOIN judgements jc
  ON jc.run_id = pp.run_id AND jc.iteration = pp.iteration AND jc.response_id = pp.chosen_id AND jc.judge_index = 0
LEFT JOIN judgements jr
  ON jr.run_id = pp.run_id AND jr.iteration = pp.iteration AND jr.response_id = pp.rejected_id AND jr.judge_index = 0
WHERE pp.run_id = :run_id
ORDER BY pp.iteration, pp.pair_id
LIMIT 50

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Frozen reference log-probabilities
-- MAGIC Computed once before DPO. `truncated` pairs were cut to `dpo.max_seq_len`.

-- COMMAND ----------

SELECT
  iteration,
  stage,
  reference_model,
  count(*) AS pairs,
  round(avg(chosen_logprob - rejected_logprob), 4) AS avg_reference_logratio,
  round(avg(chosen_tokens), 1) AS avg_chosen_tokens,
  round(avg(rejected_tokens), 1) AS avg_rejected_tokens,
  round(avg(CASE WHEN truncated THEN 1.0 ELSE 0.0 END), 4) AS truncated_share
FROM reference_logprobs
WHERE run_id = :run_id
GROUP BY iteration, stage, reference_model
ORDER BY iteration, stage

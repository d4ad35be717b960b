-- Databricks notebook source
-- MAGIC %md
-- MAGIC # srlm: response length drift
-- MAGIC
-- MAGIC The paper saw responses grow longer with each self-rewarding iteration (a judge that rewards detail, and DPO
-- MAGIC that follows it). These queries track length per iteration, whether the judge prefers the longer response,
-- MAGIC and how score and length correlate. `pairs.length_control_epsilon` (Meta-Rewarding length control) is the
-- MAGIC knob against it.
-- MAGIC
-- MAGIC **Parameters** (widgets): `run_id`, `database` (see the run status notebook).

-- COMMAND ----------

CREATE WIDGET TEXT run_id DEFAULT '';
CREATE WIDGET TEXT database DEFAULT 'srlm'

-- COMMAND ----------

USE IDENTIFIER(:database)

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Sampled responses per iteration
-- MAGIC `cut_by_length` is the share that hit `responses.max_new_tokens`: a rising share means lengths are capped.

-- COMMAND ----------

SELECT
  iteration,
  count(*) AS responses,
  round(avg(length(response)), 1) AS avg_chars,
  percentile_approx(length(response), 0.5) AS median_chars,
  percentile_approx(length(response), 0.9) AS p90_chars,
  round(avg(completion_tokens), 1) AS avg_tokens,
  round(avg(CASE WHEN finish_reason = 'length' THEN 1.0 ELSE 0.0 END), 4) AS cut_by_length
FROM responses
WHERE run_id = :run_id AND source = 'self'
GROUP BY iteration
ORDER BY iteration

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Same prompts, successive models
-- MAGIC Sampled prompts differ per iteration; the evaluation answers the same held-out prompts with every model, which
-- MAGIC isolates the drift.

-- COMMAND ----------

SELECT
  iteration,
  model,
  kind,
  count(*) AS answers,
  round(avg(length(output)), 1) AS avg_chars,
  percentile_approx(length(output), 0.5) AS median_chars
FROM eval_samples
WHERE run_id = :run_id AND kind IN ('task_greedy', 'task_sampled')
GROUP BY iteration, model, kind
ORDER BY kind, iteration

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Does the judge prefer the longer response?

-- COMMAND ----------

SELECT
  iteration,
  count(*) AS pairs,
  round(avg(length(chosen)), 1) AS avg_chosen_chars,
  round(avg(length(rejected)), 1) AS avg_rejected_chars,
  round(avg(CASE WHEN length(chosen) > length(rejected) THEN 1.0 ELSE 0.0 END), 4) AS chosen_longer_share
FROM preference_pairs
WHERE run_id = :run_id
GROUP BY iteration
ORDER BY iteration

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Score against length
-- MAGIC Pearson correlation between a response's mean judge score and its length, per iteration.

-- COMMAND ----------

SELECT
  r.iteration,
  count(*) AS scored_responses,
  round(corr(j.mean_score, length(r.response)), 4) AS score_length_corr
FROM responses r
JOIN (
  SELECT DISTINCT run_id, iteration, response_id, mean_score
  FROM judgements
  WHERE run_id = :run_id AND mean_score IS NOT NULL
) j
  ON j.run_id = r.run_id AND j.iteration = r.iteration AND j.response_id = r.response_id
WHERE r.run_id = :run_id
GROUP BY r.iteration
ORDER BY r.iteration

-- COMMAND ----------

SELECT
  r.iteration,
  CASE
    WHEN length(r.response) < 200 THEN 'a: < 200'
    WHEN length(r.response) < 500 THEN 'b: 200-499'
    WHEN length(r.response) < 1000 THEN 'c: 500-999'
    ELSE 'd: >= 1000'
  END AS length_band,
  count(*) AS responses,
  round(avg(j.mean_score), 3) AS avg_mean_score
FROM responses r
JOIN (
  SELECT DISTINCT run_id, iteration, response_id, mean_score
  FROM judgements
  WHERE run_id = :run_id AND mean_score IS NOT NULL
) j
  ON j.run_id = r.run_id AND j.iteration = r.iteration AND j.response_id = r.response_id
WHERE r.run_id = :run_id
GROUP BY r.iteration, 2
ORDER BY r.iteration, length_band

-- Databricks notebook source
-- MAGIC %md
-- MAGIC # srlm: prompts and judgements
-- MAGIC
-- MAGIC How the model did as a task creator (accepted and rejected prompts) and as a judge of its own responses:
-- MAGIC score distribution per iteration, parse failures of the judge outputs, and the spread of the k judgements
-- MAGIC of one response.
-- MAGIC
-- MAGIC **Parameters** (widgets): `run_id`, `database` (see the run status notebook).

-- COMMAND ----------

CREATE WIDGET TEXT run_id DEFAULT '';
CREATE WIDGET TEXT database DEFAULT 'srlm'

-- COMMAND ----------

USE IDENTIFIER(:database)

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Generated prompts: accepted and rejected
-- MAGIC Rejected candidates stay in `prompts` with the reason (malformed, too short/long, near duplicates, over target).

-- COMMAND ----------

SELECT
  iteration,
  count(*) AS candidates,
  sum(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END) AS accepted,
  round(avg(CASE WHEN status = 'accepted' THEN 1.0 ELSE 0.0 END), 4) AS acceptance_rate,
  round(avg(completion_tokens), 1) AS avg_completion_tokens
FROM prompts
WHERE run_id = :run_id
GROUP BY iteration
ORDER BY iteration

-- COMMAND ----------

SELECT iteration, coalesce(reject_reason, 'accepted') AS outcome, count(*) AS prompts
FROM prompts
WHERE run_id = :run_id
GROUP BY iteration, coalesce(reject_reason, 'accepted')
ORDER BY iteration, prompts DESC

-- COMMAND ----------

SELECT iteration, prompt_id, prompt, size(shot_ids) AS shots, generator_model
FROM prompts
WHERE run_id = :run_id AND status = 'accepted'
ORDER BY iteration, request_index
LIMIT 100

-- COMMAND ----------

-- MAGIC %md
-- MAGIC Near duplicates, next to the prompt they duplicate.

-- COMMAND ----------

SELECT p.iteration, p.reject_reason, p.prompt, p.near_duplicate_of, d.prompt AS duplicated_prompt
FROM prompts p
LEFT JOIN prompts d ON d.run_id = p.run_id AND d.prompt_id = p.near_duplicate_of
WHERE p.run_id = :run_id AND p.near_duplicate_of IS NOT NULL
ORDER BY p.iteration, p.request_index
LIMIT 100

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Judge score distribution per iteration
-- MAGIC Parsed scores only (`parse_status = 'ok'`); `share` is the fraction of the iteration's parsed judgements.
-- MAGIC Show as a bar chart with `score` on the x axis and `iteration` as the series.

-- COMMAND ----------

SELECT
  iteration,
  score,
  count(*) AS judgements,
  round(count(*) / sum(count(*)) OVER (PARTITION BY iteration), 4) AS share
FROM judgements
WHERE run_id = :run_id AND parse_status = 'ok'
GROUP BY iteration, score
ORDER BY iteration, score

-- COMMAND ----------

-- MAGIC %md
-- MAGIC Mean score per response (the average of its parsed judgements, which pairs are built from), in half-point
-- MAGIC buckets.

-- COMMAND ----------

SELECT
  iteration,
  floor(mean_score * 2) / 2 AS mean_score_bucket,
  count(*) AS responses
FROM (
  SELECT DISTINCT run_id, iteration, response_id, mean_score
  FROM judgements
  WHERE run_id = :run_id AND mean_score IS NOT NULL
) r
GROUP BY iteration, floor(mean_score * 2) / 2
ORDER BY iteration, mean_score_bucket

-- COMMAND ----------

SELECT
  iteration,
  round(avg(score), 3) AS mean_score,
  round(stddev_pop(score), 3) AS score_stddev,
  min(score) AS min_score,
  max(score) AS max_score
FROM judgements
WHERE run_id = :run_id AND parse_status = 'ok'
GROUP BY iteration
ORDER BY iteration

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Judge parse failures per iteration
-- MAGIC A judgement whose output has no single valid score line keeps `score = NULL` and says why in `parse_status`
-- MAGIC (never coerced). Responses with no parsed judgement at all cannot enter a pair.

-- COMMAND ----------

SELECT
  iteration,
  count(*) AS judgements,
  sum(CASE WHEN parse_status <> 'ok' THEN 1 ELSE 0 END) AS failed,
  round(avg(CASE WHEN parse_status <> 'ok' THEN 1.0 ELSE 0.0 END), 4) AS failure_rate,
  count(DISTINCT response_id) AS responses,
  count(DISTINCT CASE WHEN valid_judgements = 0 THEN response_id END) AS responses_without_score
FROM judgements
WHERE run_id = :run_id
GROUP BY iteration
ORDER BY iteration

-- COMMAND ----------

SELECT
  iteration,
  parse_status,
  count(*) AS judgements,
  round(count(*) / sum(count(*)) OVER (PARTITION BY iteration), 4) AS share,
  round(avg(CASE WHEN finish_reason = 'length' THEN 1.0 ELSE 0.0 END), 4) AS cut_by_length
FROM judgements
WHERE run_id = :run_id
GROUP BY iteration, parse_status
ORDER BY iteration, judgements DESC

-- COMMAND ----------

-- MAGIC %md
-- MAGIC Examples of unparsed judgements.

-- COMMAND ----------

SELECT iteration, parse_status, finish_reason, completion_tokens, judge_text
FROM judgements
WHERE run_id = :run_id AND parse_status <> 'ok'
ORDER BY iteration, judgement_id
LIMIT 50

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Agreement of the k judgements of one response
-- MAGIC The average spread (population standard deviation) of the parsed scores a response received; 0 means the
-- MAGIC judge always gave the same score.

-- COMMAND ----------

SELECT
  iteration,
  count(*) AS responses,
  round(avg(spread), 3) AS avg_score_spread,
  round(avg(CASE WHEN spread = 0 THEN 1.0 ELSE 0.0 END), 4) AS unanimous_share
FROM (
  SELECT iteration, response_id, stddev_pop(score) AS spread
  FROM judgements
  WHERE run_id = :run_id AND parse_status = 'ok'
  GROUP BY iteration, response_id
  HAVING count(*) > 1
) per_response
GROUP BY iteration
ORDER BY iteration

-- Databricks notebook source
-- MAGIC %md
-- MAGIC # srlm: run status
-- MAGIC
-- MAGIC Where a run stands: every step execution from the `runs` table (status, timings, attempts, counts, the Delta
-- MAGIC versions each step read and wrote), the resolved config, and the rows that steps skipped.
-- MAGIC
-- MAGIC **Parameters** (widgets): `run_id` — the run to look at (the first query lists all runs); `database` — the
-- MAGIC schema holding the srlm tables (`storage.database`, `srlm` in the databricks profile). Queries use the named
-- MAGIC parameter markers `:run_id` and `:database` (Databricks Runtime 15.2+, Spark 3.4+).

-- COMMAND ----------

CREATE WIDGET TEXT run_id DEFAULT '';
CREATE WIDGET TEXT database DEFAULT 'srlm'

-- COMMAND ----------

USE IDENTIFIER(:database)

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## All runs
-- MAGIC Newest first. Copy a `run_id` into the widget above.

-- COMMAND ----------

SELECT
  run_id,
  timestamp_millis(min(started_at_ms)) AS started_at,
  timestamp_millis(max(coalesce(ended_at_ms, started_at_ms))) AS last_activity,
  count(DISTINCT step_id) AS steps,
  count(DISTINCT CASE WHEN status = 'succeeded' THEN step_id END) AS steps_succeeded,
  sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed_attempts,
  max_by(step_id, started_at_ms) AS last_step,
  max_by(status, started_at_ms) AS last_status
FROM runs
GROUP BY run_id
ORDER BY started_at DESC

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Steps of the run
-- MAGIC The latest attempt of each step. A step is complete when its latest attempt succeeded; `attempts` > 1 means it
-- MAGIC was retried or resumed.

-- COMMAND ----------

SELECT
  s.step_id,
  s.iteration,
  s.stage,
  s.step,
  s.status,
  s.attempts,
  timestamp_millis(s.started_at_ms) AS started_at,
  round((coalesce(s.ended_at_ms, unix_millis(current_timestamp())) - s.started_at_ms) / 1000.0, 1) AS seconds,
  s.host,
  s.message
FROM (
  SELECT
    r.*,
    row_number() OVER (PARTITION BY r.step_id ORDER BY r.started_at_ms DESC) AS latest,
    count(*) OVER (PARTITION BY r.step_id) AS attempts
  FROM runs r
  WHERE r.run_id = :run_id
) s
WHERE s.latest = 1
ORDER BY s.started_at_ms

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Time per stage and iteration

-- COMMAND ----------

SELECT
  iteration,
  stage,
  count(DISTINCT step_id) AS steps,
  round(sum(coalesce(ended_at_ms, started_at_ms) - started_at_ms) / 60000.0, 2) AS minutes_all_attempts,
  round(sum(CASE WHEN status = 'succeeded' THEN ended_at_ms - started_at_ms ELSE 0 END) / 60000.0, 2) AS minutes_succeeded
FROM runs
WHERE run_id = :run_id
GROUP BY iteration, stage
ORDER BY iteration, stage

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Failed attempts

-- COMMAND ----------

SELECT
  step_id,
  execution_id,
  timestamp_millis(started_at_ms) AS started_at,
  timestamp_millis(ended_at_ms) AS ended_at,
  host,
  message
FROM runs
WHERE run_id = :run_id AND status = 'failed'
ORDER BY started_at_ms DESC

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Counters of the succeeded steps
-- MAGIC Rows in and out, skipped rows, model loads per executor, ... as each step recorded them.

-- COMMAND ----------

SELECT r.step_id, c.counter, c.n
FROM runs r
LATERAL VIEW explode(r.counts) c AS counter, n
WHERE r.run_id = :run_id AND r.status = 'succeeded'
ORDER BY r.started_at_ms, c.counter

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Table versions read and written
-- MAGIC Each succeeded step names the exact Delta version of every table it read and wrote: time travel
-- MAGIC (`VERSION AS OF`, see the time travel notebook) reproduces its input.

-- COMMAND ----------

SELECT r.step_id, 'read' AS direction, v.table_name, v.version
FROM runs r
LATERAL VIEW explode(r.input_versions) v AS table_name, version
WHERE r.run_id = :run_id AND r.status = 'succeeded'
UNION ALL
SELECT r.step_id, 'wrote' AS direction, v.table_name, v.version
FROM runs r
LATERAL VIEW explode(r.output_versions) v AS table_name, version
WHERE r.run_id = :run_id AND r.status = 'succeeded'
ORDER BY step_id, direction, table_name

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## The run's config
-- MAGIC The resolved config the run was started with (a changed config is refused on resume).

-- COMMAND ----------

SELECT config_hash, timestamp_millis(created_at_ms) AS created_at, config_json
FROM run_config
WHERE run_id = :run_id

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Skipped rows
-- MAGIC Nothing is dropped silently: every input row a step skipped is in `rejected_rows`, with the reason.

-- COMMAND ----------

SELECT iteration, step, source, reason, count(*) AS rows_skipped
FROM rejected_rows
WHERE run_id = :run_id
GROUP BY iteration, step, source, reason
ORDER BY iteration, step, rows_skipped DESC

-- COMMAND ----------

SELECT iteration, step, source, row_ref, reason, detail
FROM rejected_rows
WHERE run_id = :run_id
ORDER BY iteration, step, row_ref
LIMIT 200

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Seed data

-- COMMAND ----------

SELECT 'seed_ift' AS seed_table, split, task_type, count(*) AS row_count
FROM seed_ift
WHERE run_id = :run_id
GROUP BY split, task_type
UNION ALL
SELECT 'seed_eft' AS seed_table, split, task_type, count(*) AS row_count
FROM seed_eft
WHERE run_id = :run_id
GROUP BY split, task_type
ORDER BY seed_table, split, task_type

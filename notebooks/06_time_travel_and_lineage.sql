-- Databricks notebook source
-- MAGIC %md
-- MAGIC # srlm: table history, time travel and model lineage
-- MAGIC
-- MAGIC Every srlm table is a Delta table: each step's write is one commit, so the history says who wrote what and
-- MAGIC when, and `VERSION AS OF` reads a table exactly as an earlier step (or a model's training) saw it. The
-- MAGIC `models` table records, for each model, the version of every table it was trained from.
-- MAGIC
-- MAGIC **Parameters** (widgets): `run_id`, `database` (see the run status notebook). To look at another version,
-- MAGIC edit the number after `VERSION AS OF` (a literal: Delta does not take a parameter there). The Python notebook
-- MAGIC `08_model_lineage` joins the lineage to the history for you.

-- COMMAND ----------

CREATE WIDGET TEXT run_id DEFAULT '';
CREATE WIDGET TEXT database DEFAULT 'srlm'

-- COMMAND ----------

USE IDENTIFIER(:database)

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## History of a table
-- MAGIC Each srlm write carries a unique tag in `userMetadata`; `operationParameters` shows the partition it replaced.

-- COMMAND ----------

DESCRIBE HISTORY preference_pairs

-- COMMAND ----------

DESCRIBE HISTORY prompts LIMIT 20

-- COMMAND ----------

DESCRIBE DETAIL preference_pairs

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Reading an earlier version
-- MAGIC Version 0 is the empty table as created; replace it with a version from the history above or from the lineage
-- MAGIC below.

-- COMMAND ----------

SELECT 'current' AS snapshot, iteration, count(*) AS pairs
FROM preference_pairs
WHERE run_id = :run_id
GROUP BY iteration
UNION ALL
SELECT 'version 0' AS snapshot, iteration, count(*) AS pairs
FROM preference_pairs VERSION AS OF 0
WHERE run_id = :run_id
GROUP BY iteration
ORDER BY snapshot, iteration

-- COMMAND ----------

-- MAGIC %md
-- MAGIC Pairs present now that the earlier version did not have (rows a later write added or replaced).

-- COMMAND ----------

SELECT iteration, pair_id, prompt, margin
FROM preference_pairs
WHERE run_id = :run_id
EXCEPT
SELECT iteration, pair_id, prompt, margin
FROM preference_pairs VERSION AS OF 0
WHERE run_id = :run_id
ORDER BY iteration, pair_id
LIMIT 100

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Model lineage
-- MAGIC Each model with its parent, its DPO reference and the exact table versions it was trained from. Read a
-- MAGIC training set back with `SELECT ... FROM <table_name> VERSION AS OF <version> WHERE run_id = ...`.

-- COMMAND ----------

SELECT
  iteration,
  name,
  stage,
  base_model,
  parent_model,
  reference_model,
  path,
  adapter_path,
  config_hash,
  timestamp_millis(created_at_ms) AS created_at
FROM models
WHERE run_id = :run_id
ORDER BY iteration

-- COMMAND ----------

SELECT m.iteration, m.name, m.stage, t.table_name, t.version
FROM models m
LATERAL VIEW explode(m.trained_on) t AS table_name, version
WHERE m.run_id = :run_id
ORDER BY m.iteration, t.table_name

-- COMMAND ----------

SELECT m.iteration, m.name, s.metric, round(s.value, 5) AS value
FROM models m
LATERAL VIEW explode(m.summary) s AS metric, value
WHERE m.run_id = :run_id
ORDER BY m.iteration, s.metric

-- COMMAND ----------

-- MAGIC %md
-- MAGIC The step that wrote each version a model was trained from (matched through the `runs` table).

-- COMMAND ----------

WITH lineage AS (
  SELECT m.run_id, m.iteration, m.name, t.table_name, t.version
  FROM models m
  LATERAL VIEW explode(m.trained_on) t AS table_name, version
  WHERE m.run_id = :run_id
),
writes AS (
  SELECT r.run_id, r.step_id, r.execution_id, r.ended_at_ms, o.table_name, o.version
  FROM runs r
  LATERAL VIEW explode(r.output_versions) o AS table_name, version
  WHERE r.run_id = :run_id AND r.status = 'succeeded'
)
SELECT
  l.iteration,
  l.name,
  l.table_name,
  l.version,
  w.step_id,
  w.execution_id,
  timestamp_millis(w.ended_at_ms) AS written_at
FROM lineage l
LEFT JOIN writes w
  ON w.run_id = l.run_id AND w.table_name = l.table_name AND w.version = l.version
ORDER BY l.iteration, l.table_name

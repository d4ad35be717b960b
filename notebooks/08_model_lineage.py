# Databricks notebook source
# MAGIC %md
# MAGIC # srlm: model lineage against table history
# MAGIC
# MAGIC Each row of `models` records the exact Delta version of every table the model was trained from
# MAGIC (`trained_on`). This notebook joins those versions to the tables' history (`DESCRIBE HISTORY`): when the
# MAGIC version was written, by which operation and srlm write, and how many of the run's rows it held. Time travel
# MAGIC then reproduces a model's training data exactly.
# MAGIC
# MAGIC **Parameters** (widgets): `run_id`, `database` (see `01_run_status`).

# COMMAND ----------

dbutils.widgets.text("run_id", "", "run_id")
dbutils.widgets.text("database", "srlm", "database")

# COMMAND ----------

from delta.tables import DeltaTable
from pyspark.sql import functions as F

run_id = dbutils.widgets.get("run_id").strip()
database = dbutils.widgets.get("database").strip()
if not run_id:
    raise ValueError("Set the run_id widget (notebook 01_run_status lists the runs).")
spark.sql("USE IDENTIFIER(:database)", args={"database": database})
params = {"run_id": run_id}

# COMMAND ----------

# MAGIC %md
# MAGIC ## Models and the table versions they were trained from

# COMMAND ----------

lineage = spark.sql("""
    SELECT m.iteration, m.name, m.stage, m.parent_model, m.reference_model, t.table_name, t.version
    FROM models m
    LATERAL VIEW explode(m.trained_on) t AS table_name, version
    WHERE m.run_id = :run_id
    ORDER BY m.iteration, t.table_name
""", args=params)
display(lineage)

# COMMAND ----------

# MAGIC %md
# MAGIC ## Joined to the history of each table
# MAGIC `DeltaTable.history()` is `DESCRIBE HISTORY` as a DataFrame, so it can be joined.

# COMMAND ----------

table_names = sorted(row.table_name for row in lineage.select("table_name").distinct().collect())
history = None
for name in table_names:
    table_history = (
        DeltaTable.forName(spark, name).history()
        .select(
            F.lit(name).alias("table_name"),
            "version",
            F.col("timestamp").alias("committed_at"),
            "operation",
            "operationParameters",
            "operationMetrics",
            "userMetadata",
        )
    )
    history = table_history if history is None else history.unionByName(table_history)

if history is None:
    print(f"No models recorded for run {run_id} yet.")
else:
    display(
        lineage.join(history, ["table_name", "version"], "left")
        .orderBy("iteration", "table_name")
    )

# COMMAND ----------

# MAGIC %md
# MAGIC ## The run's rows in each training version (time travel)

# COMMAND ----------

counts = []
for row in lineage.select("name", "table_name", "version").collect():
    location = DeltaTable.forName(spark, row.table_name).detail().first().location
    as_trained = (
        spark.read.format("delta").option("versionAsOf", row.version).load(location)
        .where(F.col("run_id") == run_id)
    )
    counts.append((row.name, row.table_name, row.version, as_trained.count()))

if counts:
    display(spark.createDataFrame(counts, "model STRING, table_name STRING, version LONG, run_rows LONG"))
else:
    print(f"No models recorded for run {run_id} yet.")

# Databricks notebook source
# MAGIC %md
# MAGIC # srlm: charts
# MAGIC
# MAGIC Matplotlib charts of one run: judge score distribution and parse failures per iteration, the pair margin
# MAGIC histogram, response length drift, DPO training curves and the evaluation metrics. The SQL notebooks hold the
# MAGIC same numbers as tables.
# MAGIC
# MAGIC **Parameters** (widgets): `run_id` — the run; `database` — the schema holding the srlm tables. Every query
# MAGIC binds them as named parameters (`:run_id`), never by pasting text into SQL.

# COMMAND ----------

dbutils.widgets.text("run_id", "", "run_id")
dbutils.widgets.text("database", "srlm", "database")

# COMMAND ----------

import matplotlib.pyplot as plt

run_id = dbutils.widgets.get("run_id").strip()
database = dbutils.widgets.get("database").strip()
if not run_id:
    raise ValueError("Set the run_id widget (notebook 01_run_status lists the runs).")
spark.sql("USE IDENTIFIER(:database)", args={"database": database})
params = {"run_id": run_id}


def no_data(what):
    print(f"No {what} for run {run_id} yet.")

# COMMAND ----------

# MAGIC %md
# MAGIC ## Judge score distribution per iteration

# COMMAND ----------

scores = spark.sql("""
    SELECT iteration, score, count(*) AS judgements
    FROM judgements
    WHERE run_id = :run_id AND parse_status = 'ok'
    GROUP BY iteration, score
    ORDER BY iteration, score
""", args=params).toPandas()

if scores.empty:
    no_data("parsed judgements")
else:
    table = scores.pivot(index="score", columns="iteration", values="judgements").fillna(0)
    shares = table / table.sum()
    ax = shares.plot.bar(figsize=(9, 4), rot=0)
    ax.set_xlabel("judge score")
    ax.set_ylabel("share of parsed judgements")
    ax.set_title("Judge score distribution per iteration")
    ax.legend(title="iteration")
    display(ax.figure)

# COMMAND ----------

# MAGIC %md
# MAGIC ## Judge parse failures per iteration

# COMMAND ----------

failures = spark.sql("""
    SELECT iteration,
           avg(CASE WHEN parse_status <> 'ok' THEN 1.0 ELSE 0.0 END) AS failure_rate,
           count(*) AS judgements
    FROM judgements
    WHERE run_id = :run_id
    GROUP BY iteration
    ORDER BY iteration
""", args=params).toPandas()

if failures.empty:
    no_data("judgements")
else:
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.bar(failures["iteration"].astype(str), failures["failure_rate"].astype(float))
    ax.set_xlabel("iteration")
    ax.set_ylabel("unparsed share")
    ax.set_ylim(0, max(0.05, float(failures["failure_rate"].max()) * 1.2))
    ax.set_title("Judge outputs without a valid score")
    display(fig)

# COMMAND ----------

# MAGIC %md
# MAGIC ## Pair margin histogram

# COMMAND ----------

margins = spark.sql("""
    SELECT iteration, floor(margin * 4) / 4 AS margin_bucket, count(*) AS pairs
    FROM preference_pairs
    WHERE run_id = :run_id
    GROUP BY iteration, floor(margin * 4) / 4
    ORDER BY iteration, margin_bucket
""", args=params).toPandas()

if margins.empty:
    no_data("preference pairs")
else:
    fig, ax = plt.subplots(figsize=(9, 4))
    for iteration, group in margins.groupby("iteration"):
        ax.step(group["margin_bucket"].astype(float), group["pairs"], where="post", label=f"iteration {iteration}")
    ax.set_xlabel("chosen score - rejected score (0.25 buckets)")
    ax.set_ylabel("pairs")
    ax.set_title("Preference pair margins")
    ax.legend()
    display(fig)

# COMMAND ----------

# MAGIC %md
# MAGIC ## Response length drift
# MAGIC Left: sampled responses per iteration. Right: chosen against rejected responses of the pairs.

# COMMAND ----------

lengths = spark.sql("""
    SELECT iteration,
           percentile_approx(length(response), 0.5) AS median_chars,
           percentile_approx(length(response), 0.9) AS p90_chars,
           avg(length(response)) AS avg_chars
    FROM responses
    WHERE run_id = :run_id AND source = 'self'
    GROUP BY iteration
    ORDER BY iteration
""", args=params).toPandas()

pair_lengths = spark.sql("""
    SELECT iteration,
           avg(length(chosen)) AS chosen_chars,
           avg(length(rejected)) AS rejected_chars
    FROM preference_pairs
    WHERE run_id = :run_id
    GROUP BY iteration
    ORDER BY iteration
""", args=params).toPandas()

if lengths.empty:
    no_data("responses")
else:
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
    for column in ["median_chars", "p90_chars", "avg_chars"]:
        left.plot(lengths["iteration"], lengths[column].astype(float), marker="o", label=column)
    left.set_xlabel("iteration")
    left.set_ylabel("characters")
    left.set_title("Sampled response length")
    left.legend()
    if not pair_lengths.empty:
        right.plot(pair_lengths["iteration"], pair_lengths["chosen_chars"].astype(float), marker="o", label="chosen")
        right.plot(pair_lengths["iteration"], pair_lengths["rejected_chars"].astype(float), marker="o",
                   label="rejected")
        right.legend()
    right.set_xlabel("iteration")
    right.set_ylabel("average characters")
    right.set_title("Chosen vs rejected length")
    display(fig)

# COMMAND ----------

# MAGIC %md
# MAGIC ## DPO training curves
# MAGIC One panel per metric, one line per iteration and split (validation points are sparser).

# COMMAND ----------

curves = spark.sql("""
    SELECT iteration, split, metric, step, value
    FROM training_metrics
    WHERE run_id = :run_id AND stage NOT IN ('sft', 'sft_eft')
    ORDER BY iteration, metric, split, step
""", args=params).toPandas()

if curves.empty:
    no_data("DPO metrics")
else:
    metrics = sorted(curves["metric"].unique())
    columns = min(3, len(metrics))
    rows = (len(metrics) + columns - 1) // columns
    fig, axes = plt.subplots(rows, columns, figsize=(5 * columns, 3.5 * rows), squeeze=False)
    for index, metric in enumerate(metrics):
        ax = axes[index // columns][index % columns]
        for (iteration, split), group in curves[curves["metric"] == metric].groupby(["iteration", "split"]):
            values = group["value"].astype(float)
            if split == "train" and len(values) > 10:
                values = values.rolling(10, min_periods=1).mean()
            ax.plot(group["step"], values, label=f"it {iteration} {split}",
                    linestyle="-" if split == "train" else "--", marker=None if split == "train" else "o")
        ax.set_title(metric)
        ax.set_xlabel("step")
        ax.legend(fontsize="small")
    for index in range(len(metrics), rows * columns):
        axes[index // columns][index % columns].axis("off")
    fig.tight_layout()
    display(fig)

# COMMAND ----------

# MAGIC %md
# MAGIC ## Evaluation metrics per iteration

# COMMAND ----------

evaluations = spark.sql("""
    SELECT evaluation, metric, iteration, value, ci_low, ci_high
    FROM evaluations
    WHERE run_id = :run_id
    ORDER BY evaluation, metric, iteration
""", args=params).toPandas()

if evaluations.empty:
    no_data("evaluations")
else:
    panels = list(evaluations.groupby(["evaluation", "metric"]))
    columns = min(3, len(panels))
    rows = (len(panels) + columns - 1) // columns
    fig, axes = plt.subplots(rows, columns, figsize=(5 * columns, 3.2 * rows), squeeze=False)
    for index, ((evaluation, metric), group) in enumerate(panels):
        ax = axes[index // columns][index % columns]
        values = group["value"].astype(float)
        ax.plot(group["iteration"], values, marker="o")
        low = group["ci_low"].astype(float)
        high = group["ci_high"].astype(float)
        if low.notna().any():
            ax.fill_between(group["iteration"], low, high, alpha=0.2)
        ax.set_title(f"{evaluation}: {metric}")
        ax.set_xlabel("iteration")
    for index in range(len(panels), rows * columns):
        axes[index // columns][index % columns].axis("off")
    fig.tight_layout()
    display(fig)

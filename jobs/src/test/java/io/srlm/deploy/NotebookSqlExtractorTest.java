package io.srlm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.srlm.deploy.NotebookSql.Kind;
import io.srlm.deploy.NotebookSql.Statement;
import io.srlm.tables.Catalogue;
import io.srlm.tables.TableDef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notebook SQL extractor, on small made-up notebooks and on the repository's notebooks. */
class NotebookSqlExtractorTest {

  @TempDir
  Path tmp;

  private static final String SQL_NOTEBOOK = """
      -- Databricks notebook source
      -- MAGIC %md
      -- MAGIC # Title
      -- MAGIC SELECT this is markdown, not SQL;

      -- COMMAND ----------

      CREATE WIDGET TEXT run_id DEFAULT '';
      CREATE WIDGET TEXT database DEFAULT 'srlm'

      -- COMMAND ----------

      USE IDENTIFIER(:database)

      -- COMMAND ----------

      -- the first statement; a ; in a comment does not split
      SELECT 'a;b' AS s, ':run_id' AS not_a_marker, x::int AS cast_, `odd;name`
      FROM prompts
      WHERE run_id = :run_id;
      /* block ; comment /* nested ; */ still comment */
      SELECT count(*) FROM judgements WHERE run_id=:run_id AND judge_text <> "it\\"s;"

      -- COMMAND ----------

      -- MAGIC %python
      -- MAGIC spark.sql("SELECT 1")

      -- COMMAND ----------

      -- MAGIC %sql
      -- MAGIC DESCRIBE HISTORY preference_pairs

      -- COMMAND ----------

      -- only a comment
      """;

  @Test
  void sqlNotebookCellsAreSplitBoundAndFiltered() throws Exception {
    Path nb = write("a.sql", SQL_NOTEBOOK);
    List<Statement> all = NotebookSql.extract(nb, Map.of("run_id", "run-1", "database", "db1"), true);

    assertThat(all).extracting(Statement::cell).containsExactly(2, 3, 3, 5);
    assertThat(all).extracting(Statement::kind).containsExactly(Kind.SETUP, Kind.QUERY, Kind.QUERY, Kind.COMMAND);
    assertThat(all.get(0).sql()).isEqualTo("USE IDENTIFIER('db1')");
    assertThat(all.get(1).sql()).contains("'a;b'").contains("':run_id' AS not_a_marker").contains("x::int")
        .contains("`odd;name`").endsWith("WHERE run_id = 'run-1'");
    assertThat(all.get(1).rawSql()).endsWith("WHERE run_id = :run_id");
    assertThat(all.get(1).parameters()).containsExactly("run_id");
    assertThat(all.get(2).sql()).startsWith("/* block ; comment /* nested ; */ still comment */")
        .contains("run_id='run-1'").endsWith("\"it\\\"s;\"");
    assertThat(all.get(3).sql()).isEqualTo("DESCRIBE HISTORY preference_pairs");
    assertThat(all).noneMatch(s -> s.sql().contains("WIDGET") || s.sql().contains("markdown")
        || s.sql().contains("SELECT 1"));

    List<Statement> noSetup = NotebookSql.extract(nb, Map.of("run_id", "run-1"), false);
    assertThat(noSetup).hasSize(3).noneMatch(s -> s.kind() == Kind.SETUP);
  }

  @Test
  void valuesAreBoundAsEscapedStringLiterals() {
    assertThat(NotebookSql.bind("SELECT * FROM t WHERE a = :run_id OR b = :run_id",
        Map.of("run_id", "it's a \\ test")))
        .isEqualTo("SELECT * FROM t WHERE a = 'it\\'s a \\\\ test' OR b = 'it\\'s a \\\\ test'");
    assertThat(NotebookSql.bind("SELECT :other, col:field, :run_id", Map.of("run_id", "r")))
        .as("markers without a value and JSON paths stay").isEqualTo("SELECT :other, col:field, 'r'");
    assertThat(NotebookSql.parameterNames("SELECT :a, ':b', -- :c\n x::d, :e_1")).containsExactly("a", "e_1");
  }

  @Test
  void aMarkerWithoutAValueIsAnErrorNamingTheNotebook() throws Exception {
    Path nb = write("b.sql", "-- Databricks notebook source\nSELECT * FROM runs WHERE run_id = :run_id AND x = :x\n");
    assertThatThrownBy(() -> NotebookSql.extract(nb, Map.of("run_id", "r"), true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("b.sql").hasMessageContaining(":x");
  }

  @Test
  void aFileWithoutTheNotebookHeaderIsRefused() throws Exception {
    Path nb = write("c.sql", "SELECT 1\n");
    assertThatThrownBy(() -> NotebookSql.extract(nb, Map.of(), true))
        .hasMessageContaining("c.sql").hasMessageContaining("Databricks notebook source");
  }

  private static final String PY_NOTEBOOK = """
      # Databricks notebook source
      # MAGIC %md
      # MAGIC spark.sql("SELECT 'in markdown'")

      # COMMAND ----------

      dbutils.widgets.text("run_id", "")
      # spark.sql("SELECT 'commented out'")
      text = "spark.sql('SELECT in a string')"
      spark.sql("USE IDENTIFIER(:database)", args={"database": database})
      df = spark.sql(\"\"\"
          SELECT iteration, count(*) AS n
          FROM judgements
          WHERE run_id = :run_id AND judge_text LIKE 'a\\\\_b'
          GROUP BY iteration
      \"\"\", args=params).toPandas()
      other = spark.sql('SELECT 1 AS one' " -- joined", args={})
      my_spark.sql("not spark")

      # COMMAND ----------

      # MAGIC %sql
      # MAGIC SELECT count(*) FROM runs WHERE run_id = :run_id
      """;

  @Test
  void pythonNotebookSqlComesFromSparkSqlLiteralsAndSqlCells() throws Exception {
    Path nb = write("d.py", PY_NOTEBOOK);
    List<Statement> all = NotebookSql.extract(nb, Map.of("run_id", "r9", "database", "db"), true);
    assertThat(all).extracting(Statement::sql).containsExactly(
        "USE IDENTIFIER('db')",
        "SELECT iteration, count(*) AS n\n    FROM judgements\n    WHERE run_id = 'r9' AND judge_text LIKE "
            + "'a\\_b'\n    GROUP BY iteration",
        "SELECT 1 AS one -- joined",
        "SELECT count(*) FROM runs WHERE run_id = 'r9'");
    assertThat(all).extracting(Statement::cell).containsExactly(1, 1, 1, 2);
  }

  @Test
  void sparkSqlWithoutALiteralIsRefused() throws Exception {
    Path fString = write("e.py", "# Databricks notebook source\nspark.sql(f\"SELECT * FROM {table}\")\n");
    assertThatThrownBy(() -> NotebookSql.extract(fString, Map.of(), true))
        .hasMessageContaining("e.py cell 0").hasMessageContaining("f-string");
    Path variable = write("f.py", "# Databricks notebook source\nq = 'SELECT 1'\nspark.sql(q)\n");
    assertThatThrownBy(() -> NotebookSql.extract(variable, Map.of(), true))
        .hasMessageContaining("f.py cell 0").hasMessageContaining("string literal");
  }

  // ---------------------------------------------------------------- the repository's notebooks

  private static final Set<String> ANALYSES = Set.of("01_run_status.sql", "02_prompts_and_judgements.sql",
      "03_preference_pairs.sql", "04_length_drift.sql", "05_training_and_evaluation.sql",
      "06_time_travel_and_lineage.sql", "07_charts.py", "08_model_lineage.py");

  @Test
  void everyNotebookYieldsStatementsThatUseOnlyTheRunAndDatabaseParameters() {
    Path dir = NotebookSql.notebooksDir();
    assertThat(NotebookSql.notebooks(dir)).extracting(p -> p.getFileName().toString()).containsAll(ANALYSES);
    List<Statement> all = NotebookSql.statements(dir, "run-x", "srlm_x");
    for (Path nb : NotebookSql.notebooks(dir)) {
      String name = nb.getFileName().toString();
      List<Statement> mine = all.stream().filter(s -> s.notebook().equals(name)).toList();
      assertThat(mine).as(name).isNotEmpty();
      assertThat(mine.get(0).kind()).as(name + ": USE IDENTIFIER(:database) first").isEqualTo(Kind.SETUP);
      assertThat(mine.get(0).sql()).isEqualTo("USE IDENTIFIER('srlm_x')");
    }
    for (Statement s : all) {
      assertThat(s.parameters()).as(s.toString()).isSubsetOf("run_id", "database");
      assertThat(s.sql()).as(s.toString()).doesNotContain("${").doesNotContainIgnoringCase("WIDGET");
      assertThat(NotebookSql.split(s.sql())).as(s + " is one statement").hasSize(1);
    }
    assertThat(NotebookSql.statements(dir, "run-x")).as("without a database: no USE")
        .hasSize(all.size() - NotebookSql.notebooks(dir).size()).noneMatch(s -> s.kind() == Kind.SETUP);
  }

  @Test
  void everyQueryOfARunIsFilteredByRunId() {
    for (Statement s : NotebookSql.statements(NotebookSql.notebooksDir(), "run-x")) {
      boolean listsAllRuns = s.sql().contains("GROUP BY run_id");
      boolean describes = s.kind() == Kind.COMMAND;
      if (!listsAllRuns && !describes) {
        assertThat(s.parameters()).as(s.toString()).contains("run_id");
      }
    }
  }

  @Test
  void notebooksReadOnlyCatalogueTables() {
    Set<String> catalogue = new LinkedHashSet<>();
    for (TableDef<?> t : Catalogue.ALL) {
      catalogue.add(t.name());
    }
    Pattern from = Pattern.compile(
        "(?i)\\b(?:FROM|JOIN|DESCRIBE\\s+HISTORY|DESCRIBE\\s+DETAIL)\\s+([A-Za-z_][A-Za-z0-9_]*)");
    Pattern cte = Pattern.compile("(?i)(?:\\bWITH|,)\\s*([A-Za-z_][A-Za-z0-9_]*)\\s+AS\\s*\\(");
    Set<String> seen = new LinkedHashSet<>();
    for (Statement s : NotebookSql.statements(NotebookSql.notebooksDir(), "run-x")) {
      String code = NotebookSql.stripComments(s.sql());
      Set<String> local = new LinkedHashSet<>();
      Matcher c = cte.matcher(code);
      while (c.find()) {
        local.add(c.group(1).toLowerCase());
      }
      Matcher m = from.matcher(code);
      while (m.find()) {
        String name = m.group(1).toLowerCase();
        if (local.contains(name)) {
          continue;
        }
        assertThat(catalogue).as(s + " reads " + name).contains(name);
        seen.add(name);
      }
    }
    assertThat(seen).as("the analyses cover the loop's tables").contains("prompts", "responses", "judgements",
        "preference_pairs", "training_metrics", "models", "runs", "evaluations", "eval_samples", "rejected_rows",
        "seed_ift", "seed_eft");
  }

  @Test
  void sqlNotebooksKeepWidgetDdlInACellOfItsOwn() throws Exception {
    for (Path nb : NotebookSql.notebooks(NotebookSql.notebooksDir())) {
      if (!nb.toString().endsWith(".sql")) {
        continue;
      }
      String text = Files.readString(nb);
      String[] cells = text.split("(?m)^-- COMMAND -{10}\\s*$");
      boolean found = false;
      for (String cell : cells) {
        List<String> statements = NotebookSql.split(cell.replace(NotebookSql.SQL_HEADER, ""));
        long widgets = statements.stream().filter(NotebookSql::isWidgetDdl).count();
        if (widgets > 0) {
          assertThat(widgets).as(nb + ": a widget cell holds only widget DDL").isEqualTo(statements.size());
          found |= statements.stream().anyMatch(st -> st.matches("(?is)CREATE\\s+WIDGET\\s+TEXT\\s+run_id\\b.*"));
        }
      }
      assertThat(found).as(nb + " creates the run_id widget").isTrue();
    }
  }

  @Test
  void pythonNotebooksAreValidPython() throws Exception {
    Path python = null;
    for (String p : List.of("/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3")) {
      if (Files.isExecutable(Path.of(p))) {
        python = Path.of(p);
        break;
      }
    }
    assumeTrue(python != null, "python3 is not installed: skipped");
    for (Path nb : NotebookSql.notebooks(NotebookSql.notebooksDir())) {
      if (!nb.toString().endsWith(".py")) {
        continue;
      }
      List<String> cmd = new ArrayList<>(List.of(python.toString(), "-c",
          "import ast, sys; ast.parse(open(sys.argv[1], encoding='utf-8').read(), sys.argv[1])", nb.toString()));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.exitValue()).as(nb + "\n" + out).isZero();
    }
  }

  private Path write(String name, String text) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, text);
    return f;
  }
}

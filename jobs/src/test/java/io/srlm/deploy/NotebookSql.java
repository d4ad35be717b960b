package io.srlm.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Extracts the runnable Spark SQL statements of the Databricks notebooks under notebooks/, so tests can run them.
 *
 * <p>Notebook conventions (see notebooks/README.md):
 *
 * <ul>
 *   <li>{@code .sql} notebooks are Databricks source files: the first line is {@code -- Databricks notebook source},
 *       cells are separated by {@code -- COMMAND ----------}, markdown cells are {@code -- MAGIC %md} lines. Other
 *       magic cells ({@code %python}, ...) are not SQL and are skipped; a {@code -- MAGIC %sql} cell is SQL.
 *   <li>{@code .py} notebooks ({@code # Databricks notebook source}, {@code # COMMAND ----------}): the SQL is the
 *       string literal passed as the first argument of each {@code spark.sql(...)} call, plus {@code # MAGIC %sql}
 *       cells. A {@code spark.sql} whose first argument is not a plain literal (an f-string, a variable) is refused,
 *       so every query of a notebook stays checkable.
 *   <li>Parameters are Spark/Databricks named parameter markers: {@code :run_id} (the run to look at) and
 *       {@code :database} (the schema holding the srlm tables, used only by {@code USE IDENTIFIER(:database)}). On
 *       Databricks, widgets of the same names provide them; in Python they are bound with
 *       {@code spark.sql(text, args=...)}. Here they are replaced by SQL string literals; {@link Statement#rawSql()}
 *       keeps the markers for callers that bind them with {@code SparkSession.sql(String, Map)} instead.
 *   <li>Widget DDL ({@code CREATE WIDGET}, {@code REMOVE WIDGET}) stands in cells of its own and is skipped.
 * </ul>
 */
public final class NotebookSql {
  private NotebookSql() {}

  public static final String RUN_ID = "run_id";
  public static final String DATABASE = "database";

  /** What a statement does, from its first keyword. */
  public enum Kind {
    /** {@code USE ...}: selects the database; drop it when the session's current database already has the tables. */
    SETUP,
    /** A query ({@code SELECT}, {@code WITH}, {@code VALUES}, {@code TABLE}, {@code FROM}). */
    QUERY,
    /** Anything else that reads, e.g. {@code DESCRIBE HISTORY}. */
    COMMAND
  }

  /**
   * One statement.
   *
   * @param notebook the notebook's file name
   * @param cell the cell's index in the notebook, from 0
   * @param sql the statement with the parameters replaced by literals
   * @param rawSql the statement as written, with its parameter markers
   * @param parameters the parameter names the statement uses
   */
  public record Statement(String notebook, int cell, Kind kind, String sql, String rawSql, Set<String> parameters) {
    @Override
    public String toString() {
      return notebook + " cell " + cell + ": " + sql;
    }
  }

  /** notebooks/ of the repository. */
  public static Path notebooksDir() {
    return DeployFiles.repoRoot().resolve("notebooks");
  }

  /**
   * The statements of every notebook under {@code dir} for one run, for a session whose current database already
   * holds the srlm tables: {@code :run_id} is bound and the {@code USE} statements are left out.
   */
  public static List<Statement> statements(Path dir, String runId) {
    return statements(dir, Map.of(RUN_ID, runId), false);
  }

  /** The statements of every notebook for one run, {@code USE IDENTIFIER(:database)} included and bound. */
  public static List<Statement> statements(Path dir, String runId, String database) {
    return statements(dir, Map.of(RUN_ID, runId, DATABASE, database), true);
  }

  /**
   * The statements of every {@code .sql} and {@code .py} notebook under {@code dir} (not recursive), by file name
   * and then in notebook order.
   *
   * @param params values of the parameter markers; a statement using a marker without a value is an error
   * @param keepSetup whether to keep {@link Kind#SETUP} statements
   */
  public static List<Statement> statements(Path dir, Map<String, String> params, boolean keepSetup) {
    List<Statement> out = new ArrayList<>();
    for (Path nb : notebooks(dir)) {
      out.addAll(extract(nb, params, keepSetup));
    }
    return out;
  }

  /** The notebook files under {@code dir}, sorted by name. */
  public static List<Path> notebooks(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> Files.isRegularFile(f) && (f.toString().endsWith(".sql") || f.toString().endsWith(".py")))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The statements of one notebook. */
  public static List<Statement> extract(Path notebook, Map<String, String> params, boolean keepSetup) {
    String name = notebook.getFileName().toString();
    String text;
    try {
      text = Files.readString(notebook, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<Integer, List<String>> sqlByCell;
    if (name.endsWith(".sql")) {
      sqlByCell = sqlNotebook(name, text);
    } else if (name.endsWith(".py")) {
      sqlByCell = pythonNotebook(name, text);
    } else {
      throw new IllegalArgumentException("not a notebook: " + notebook);
    }
    List<Statement> out = new ArrayList<>();
    for (Map.Entry<Integer, List<String>> cell : sqlByCell.entrySet()) {
      for (String block : cell.getValue()) {
        for (String raw : split(block)) {
          if (isWidgetDdl(raw)) {
            continue;
          }
          Kind kind = kind(raw);
          if (kind == Kind.SETUP && !keepSetup) {
            continue;
          }
          Set<String> used = parameterNames(raw);
          for (String p : used) {
            if (!params.containsKey(p)) {
              throw new IllegalArgumentException(name + " cell " + cell.getKey() + " uses :" + p
                  + " but no value was given for it: " + raw);
            }
          }
          out.add(new Statement(name, cell.getKey(), kind, bind(raw, params), raw, used));
        }
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------ notebook formats

  static final String SQL_HEADER = "-- Databricks notebook source";
  static final String PY_HEADER = "# Databricks notebook source";
  private static final Pattern SQL_CELL_BREAK = Pattern.compile("(?m)^-- COMMAND -{10}\\s*$");
  private static final Pattern PY_CELL_BREAK = Pattern.compile("(?m)^# COMMAND -{10}\\s*$");

  /** The SQL text of each SQL cell of a .sql notebook, by cell index. */
  static Map<Integer, List<String>> sqlNotebook(String name, String text) {
    if (!text.startsWith(SQL_HEADER)) {
      throw new IllegalArgumentException(name + " does not start with '" + SQL_HEADER + "'");
    }
    String[] cells = SQL_CELL_BREAK.split(text.substring(SQL_HEADER.length()), -1);
    Map<Integer, List<String>> out = new LinkedHashMap<>();
    for (int i = 0; i < cells.length; i++) {
      String sql = magicCell(cells[i], "-- MAGIC", "%sql");
      if (sql != null) {
        out.put(i, List.of(sql));
      }
    }
    return out;
  }

  /** The SQL of each cell of a .py notebook: spark.sql literals and %sql magic cells, by cell index. */
  static Map<Integer, List<String>> pythonNotebook(String name, String text) {
    if (!text.startsWith(PY_HEADER)) {
      throw new IllegalArgumentException(name + " does not start with '" + PY_HEADER + "'");
    }
    String[] cells = PY_CELL_BREAK.split(text.substring(PY_HEADER.length()), -1);
    Map<Integer, List<String>> out = new LinkedHashMap<>();
    for (int i = 0; i < cells.length; i++) {
      String cell = cells[i];
      if (firstLine(cell).startsWith("# MAGIC")) {
        String sql = magicCell(cell, "# MAGIC", "%sql");
        if (sql != null) {
          out.put(i, List.of(sql));
        }
        continue;
      }
      List<String> found = sparkSqlLiterals(cell, name + " cell " + i);
      if (!found.isEmpty()) {
        out.put(i, found);
      }
    }
    return out;
  }

  /**
   * A cell's SQL: the cell itself when it has no magic, the body of a {@code <prefix> %sql} cell, or null for any
   * other magic cell (markdown, python, ...) and for a cell holding nothing but whitespace.
   */
  private static String magicCell(String cell, String prefix, String sqlMagic) {
    String first = firstLine(cell);
    if (!first.startsWith(prefix)) {
      return cell.isBlank() ? null : cell;
    }
    String magic = first.substring(prefix.length()).trim();
    if (!magic.equals(sqlMagic) && !magic.startsWith(sqlMagic + " ")) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    boolean firstSeen = false;
    for (String line : cell.split("\n", -1)) {
      if (!firstSeen && line.isBlank()) {
        continue;
      }
      String body = line.startsWith(prefix) ? line.substring(prefix.length()) : line;
      if (body.startsWith(" ")) {
        body = body.substring(1);
      }
      if (!firstSeen) {
        firstSeen = true;
        body = body.trim().substring(sqlMagic.length());
      }
      sb.append(body).append('\n');
    }
    String sql = sb.toString();
    return sql.isBlank() ? null : sql;
  }

  private static String firstLine(String cell) {
    for (String line : cell.split("\n")) {
      if (!line.isBlank()) {
        return line.trim();
      }
    }
    return "";
  }

  /** The string literals passed first to each spark.sql( call of a Python cell (comments and strings skipped). */
  static List<String> sparkSqlLiterals(String code, String where) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = code.length();
    while (i < n) {
      char c = code.charAt(i);
      if (c == '#') {
        while (i < n && code.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '\'' || c == '"' || (isPrefixStart(code, i))) {
        i = skipPythonString(code, i, where);
      } else if (code.startsWith("spark.sql", i) && (i == 0 || !isIdentPart(code.charAt(i - 1))
          && code.charAt(i - 1) != '.')) {
        int j = skipSpaces(code, i + "spark.sql".length());
        if (j < n && code.charAt(j) == '(') {
          StringBuilder sql = new StringBuilder();
          int k = skipSpacesAndNewlines(code, j + 1);
          int literals = 0;
          while (k < n && isStringStart(code, k)) {
            String prefix = stringPrefix(code, k);
            if (prefix.toLowerCase(Locale.ROOT).contains("f")) {
              throw new IllegalArgumentException(where + ": spark.sql with an f-string cannot be checked; bind "
                  + "values as named parameters (spark.sql(text, args={...}))");
            }
            int end = skipPythonString(code, k, where);
            sql.append(pythonStringValue(code.substring(k, end), prefix));
            literals++;
            k = skipSpacesAndNewlines(code, end);
          }
          if (literals == 0) {
            throw new IllegalArgumentException(where + ": spark.sql must be given its SQL as a string literal, "
                + "found: " + code.substring(j, Math.min(n, j + 40)).replace('\n', ' '));
          }
          out.add(sql.toString());
          i = k;
        } else {
          i = j;
        }
      } else {
        i++;
      }
    }
    return out;
  }

  private static boolean isPrefixStart(String code, int i) {
    if (i > 0 && isIdentPart(code.charAt(i - 1))) {
      return false;
    }
    return isStringStart(code, i) && code.charAt(i) != '\'' && code.charAt(i) != '"';
  }

  private static boolean isStringStart(String code, int i) {
    int j = i;
    while (j < code.length() && j - i < 2 && "rRbBuUfF".indexOf(code.charAt(j)) >= 0) {
      j++;
    }
    return j < code.length() && (code.charAt(j) == '\'' || code.charAt(j) == '"');
  }

  private static String stringPrefix(String code, int i) {
    int j = i;
    while ("rRbBuUfF".indexOf(code.charAt(j)) >= 0) {
      j++;
    }
    return code.substring(i, j);
  }

  /** The index just past the Python string literal starting at {@code i} (prefix included). */
  private static int skipPythonString(String code, int i, String where) {
    int j = i + stringPrefix(code, i).length();
    boolean raw = stringPrefix(code, i).toLowerCase(Locale.ROOT).contains("r");
    char q = code.charAt(j);
    boolean triple = code.startsWith("" + q + q + q, j);
    j += triple ? 3 : 1;
    while (j < code.length()) {
      char c = code.charAt(j);
      if (c == '\\' && !raw) {
        j += 2;
      } else if (c == '\\') {
        j += 2;
      } else if (triple && code.startsWith("" + q + q + q, j)) {
        return j + 3;
      } else if (!triple && c == q) {
        return j + 1;
      } else if (!triple && c == '\n') {
        throw new IllegalArgumentException(where + ": unterminated string");
      } else {
        j++;
      }
    }
    throw new IllegalArgumentException(where + ": unterminated string");
  }

  /** The value of a Python string literal (common escapes only: the notebooks' SQL needs no others). */
  private static String pythonStringValue(String literal, String prefix) {
    String body = literal.substring(prefix.length());
    int quote = body.startsWith("\"\"\"") || body.startsWith("'''") ? 3 : 1;
    body = body.substring(quote, body.length() - quote);
    if (prefix.toLowerCase(Locale.ROOT).contains("r")) {
      return body;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c != '\\' || i + 1 >= body.length()) {
        sb.append(c);
        continue;
      }
      char e = body.charAt(++i);
      switch (e) {
        case '\n' -> { }
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case '\\', '\'', '"' -> sb.append(e);
        default -> sb.append('\\').append(e);
      }
    }
    return sb.toString();
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static int skipSpacesAndNewlines(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  // ------------------------------------------------------------------------------------------ SQL text

  private static final byte CODE = 0;
  private static final byte QUOTED = 1;
  private static final byte COMMENT = 2;

  /**
   * Classifies each character of SQL text: code, quoted (a string literal '...' or "..." with backslash escapes, or
   * a backquoted identifier, quotes included) or comment (-- to the end of the line, or a bracketed comment, which
   * Spark lets nest).
   */
  static byte[] classify(String s) {
    int n = s.length();
    byte[] cls = new byte[n];
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"' || c == '`') {
        cls[i++] = QUOTED;
        while (i < n) {
          char ch = s.charAt(i);
          cls[i] = QUOTED;
          if (ch == '\\' && c != '`') {
            if (i + 1 < n) {
              cls[i + 1] = QUOTED;
            }
            i += 2;
          } else if (ch == c && c == '`' && i + 1 < n && s.charAt(i + 1) == '`') {
            cls[i + 1] = QUOTED;
            i += 2;
          } else if (ch == c) {
            i++;
            break;
          } else {
            i++;
          }
        }
      } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
        while (i < n && s.charAt(i) != '\n') {
          cls[i++] = COMMENT;
        }
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        int depth = 0;
        while (i < n) {
          if (s.startsWith("/*", i)) {
            depth++;
            cls[i] = COMMENT;
            cls[i + 1] = COMMENT;
            i += 2;
          } else if (s.startsWith("*/", i)) {
            depth--;
            cls[i] = COMMENT;
            cls[i + 1] = COMMENT;
            i += 2;
            if (depth == 0) {
              break;
            }
          } else {
            cls[i++] = COMMENT;
          }
        }
      } else {
        cls[i++] = CODE;
      }
    }
    return cls;
  }

  /**
   * Splits SQL text on top-level semicolons (not inside string literals, quoted identifiers or comments) and drops
   * the pieces that hold nothing but whitespace and comments.
   */
  public static List<String> split(String sql) {
    List<String> out = new ArrayList<>();
    byte[] cls = classify(sql);
    int start = 0;
    for (int i = 0; i < sql.length(); i++) {
      if (cls[i] == CODE && sql.charAt(i) == ';') {
        add(out, sql.substring(start, i));
        start = i + 1;
      }
    }
    add(out, sql.substring(start));
    return out;
  }

  private static void add(List<String> out, String piece) {
    if (!stripComments(piece).isBlank()) {
      out.add(piece.strip());
    }
  }

  /** The text with every comment character replaced by a space (line breaks kept). */
  static String stripComments(String sql) {
    byte[] cls = classify(sql);
    StringBuilder sb = new StringBuilder(sql.length());
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      sb.append(cls[i] == COMMENT && c != '\n' ? ' ' : c);
    }
    return sb.toString();
  }

  /** The named parameter markers ({@code :name}) used in code (not in literals or comments). */
  public static Set<String> parameterNames(String sql) {
    Set<String> out = new LinkedHashSet<>();
    byte[] cls = classify(sql);
    for (int i = 0; i < sql.length(); i++) {
      int end = markerEnd(sql, cls, i);
      if (end > 0) {
        out.add(sql.substring(i + 1, end));
        i = end - 1;
      }
    }
    return out;
  }

  /** Replaces every named parameter marker that has a value with that value as a SQL string literal. */
  public static String bind(String sql, Map<String, String> params) {
    StringBuilder sb = new StringBuilder();
    byte[] cls = classify(sql);
    for (int i = 0; i < sql.length(); i++) {
      int end = markerEnd(sql, cls, i);
      if (end > 0 && params.containsKey(sql.substring(i + 1, end))) {
        sb.append(literal(params.get(sql.substring(i + 1, end))));
        i = end - 1;
      } else {
        sb.append(sql.charAt(i));
      }
    }
    return sb.toString();
  }

  /** A Spark SQL string literal of {@code value}: single quotes, backslash escapes. */
  public static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** If a named parameter marker starts at {@code i}, the index just past its name, else -1. */
  private static int markerEnd(String sql, byte[] cls, int i) {
    if (cls[i] != CODE || sql.charAt(i) != ':' || i + 1 >= sql.length() || !isIdentStart(sql.charAt(i + 1))) {
      return -1;
    }
    if (i > 0 && (isIdentPart(sql.charAt(i - 1)) || sql.charAt(i - 1) == ':')) {
      return -1; // a::cast, or a JSON path col:field
    }
    int j = i + 1;
    while (j < sql.length() && cls[j] == CODE && isIdentPart(sql.charAt(j))) {
      j++;
    }
    return j;
  }

  private static final Pattern WIDGET_DDL = Pattern.compile("(?is)^(CREATE|REMOVE)\\s+WIDGET\\b.*");

  static boolean isWidgetDdl(String statement) {
    return WIDGET_DDL.matcher(stripComments(statement).strip()).matches();
  }

  static Kind kind(String statement) {
    String code = stripComments(statement).strip();
    String first = code.split("[\\s(]", 2)[0].toUpperCase(Locale.ROOT);
    return switch (first) {
      case "USE" -> Kind.SETUP;
      case "SELECT", "WITH", "VALUES", "TABLE", "FROM" -> Kind.QUERY;
      default -> Kind.COMMAND;
    };
  }

  private static boolean isIdentStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean isIdentPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}

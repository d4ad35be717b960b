package io.srlm.bench;

import io.srlm.util.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A benchmark's output: the machine block, then named sections, each a table (columns and rows) with notes (the
 * formulas and caveats that make the figures readable). Rendered as aligned text or as JSON.
 */
public final class BenchReport {
  private final String bench;
  private final Map<String, Object> machine;
  private final List<Section> sections = new ArrayList<>();

  public BenchReport(String bench, Map<String, Object> machine) {
    this.bench = bench;
    this.machine = machine;
  }

  public String bench() {
    return bench;
  }

  /** The machine block (mutable: a bench adds what it learns at the end, e.g. the load average then). */
  public Map<String, Object> machine() {
    return machine;
  }

  /** Adds a section with these columns (rows follow with {@link Section#row}). */
  public Section section(String name, String... columns) {
    Section s = new Section(name, List.of(columns));
    sections.add(s);
    return s;
  }

  public List<Section> sections() {
    return sections;
  }

  /** A table of figures plus notes. */
  public static final class Section {
    private final String name;
    private final List<String> columns;
    private final List<List<Object>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Section(String name, List<String> columns) {
      this.name = name;
      this.columns = columns;
    }

    public String name() {
      return name;
    }

    public List<String> columns() {
      return columns;
    }

    public List<List<Object>> rows() {
      return rows;
    }

    public List<String> notes() {
      return notes;
    }

    /** One row; values line up with the columns (numbers stay numbers for JSON). */
    public Section row(Object... values) {
      if (values.length != columns.size()) {
        throw new IllegalArgumentException("section " + name + " has " + columns.size() + " columns, got "
            + values.length + " values");
      }
      rows.add(new ArrayList<>(java.util.Arrays.asList(values)));
      return this;
    }

    public Section note(String text) {
      notes.add(text);
      return this;
    }
  }

  /** The report as aligned text. */
  public String text() {
    StringBuilder b = new StringBuilder();
    b.append("srlm bench ").append(bench).append('\n');
    b.append("== machine ==\n");
    for (String l : Machine.text(machine)) {
      b.append(l).append('\n');
    }
    for (Section s : sections) {
      b.append('\n').append("== ").append(s.name).append(" ==\n");
      if (!s.columns.isEmpty()) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(s.columns);
        for (List<Object> r : s.rows) {
          List<String> c = new ArrayList<>();
          for (Object v : r) {
            c.add(format(v));
          }
          cells.add(c);
        }
        int[] width = new int[s.columns.size()];
        for (List<String> r : cells) {
          for (int i = 0; i < r.size(); i++) {
            width[i] = Math.max(width[i], r.get(i).length());
          }
        }
        for (List<String> r : cells) {
          StringBuilder line = new StringBuilder(" ");
          for (int i = 0; i < r.size(); i++) {
            String v = r.get(i);
            boolean left = i == 0 || !looksNumeric(v);
            line.append(' ').append(left ? pad(v, width[i], true) : pad(v, width[i], false));
          }
          b.append(line.toString().replaceAll("\\s+$", "")).append('\n');
        }
      }
      for (String n : s.notes) {
        b.append("  * ").append(n).append('\n');
      }
    }
    return b.toString();
  }

  /**
   * The report as GitHub-flavoured markdown: a heading, the machine as a key/value table, then each section as a
   * heading, a table and its notes as a bullet list.
   */
  public String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("## srlm bench ").append(bench).append("\n\n");
    b.append("| machine | |\n|---|---|\n");
    for (Map.Entry<String, Object> e : machine.entrySet()) {
      String v;
      if (e.getValue() instanceof Map<?, ?> sub) {
        List<String> parts = new ArrayList<>();
        sub.forEach((k, x) -> parts.add(k + "=" + x));
        v = String.join(" ", parts);
      } else {
        v = String.valueOf(e.getValue());
      }
      b.append("| ").append(cell(e.getKey())).append(" | ").append(cell(v)).append(" |\n");
    }
    for (Section s : sections) {
      b.append("\n### ").append(s.name).append("\n\n");
      if (!s.columns.isEmpty()) {
        b.append('|');
        for (String c : s.columns) {
          b.append(' ').append(cell(c)).append(" |");
        }
        b.append("\n|");
        for (int i = 0; i < s.columns.size(); i++) {
          b.append(numericColumn(s, i) ? "---:|" : "---|");
        }
        b.append('\n');
        for (List<Object> r : s.rows) {
          b.append('|');
          for (Object v : r) {
            b.append(' ').append(cell(format(v))).append(" |");
          }
          b.append('\n');
        }
      }
      if (!s.notes.isEmpty()) {
        b.append('\n');
        for (String n : s.notes) {
          b.append("- ").append(n.replace("*", "\\*")).append('\n');
        }
      }
    }
    return b.toString();
  }

  /** Whether column i (not the first) holds only numbers (or "-"), so it is right-aligned. */
  private static boolean numericColumn(Section s, int i) {
    if (i == 0 || s.rows.isEmpty()) {
      return false;
    }
    for (List<Object> r : s.rows) {
      if (!looksNumeric(format(r.get(i)))) {
        return false;
      }
    }
    return true;
  }

  /** A markdown table cell: pipes escaped, line breaks flattened. */
  static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  /** The report as one JSON object: bench, machine, and sections by name (rows as column-keyed objects). */
  public String json() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("bench", bench);
    out.put("machine", machine);
    List<Object> secs = new ArrayList<>();
    for (Section s : sections) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", s.name);
      List<Map<String, Object>> rows = new ArrayList<>();
      for (List<Object> r : s.rows) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < r.size(); i++) {
          row.put(s.columns.get(i), jsonValue(r.get(i)));
        }
        rows.add(row);
      }
      o.put("rows", rows);
      o.put("notes", s.notes);
      secs.add(o);
    }
    out.put("sections", secs);
    return Json.writePretty(out);
  }

  private static Object jsonValue(Object v) {
    if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        return null;
      }
      double a = Math.abs(d);
      if (a == 0) {
        return 0.0;
      }
      double scale = Math.pow(10, 3 - Math.floor(Math.log10(a)));
      return Math.round(d * scale) / scale; // 4 significant digits
    }
    return v;
  }

  /** Numbers: 3 significant digits for small values, grouped integers for large ones; NaN as "-". */
  static String format(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        return "-";
      }
      double a = Math.abs(d);
      if (a >= 1000) {
        return String.format(Locale.ROOT, "%,.0f", d);
      }
      if (a >= 100) {
        return String.format(Locale.ROOT, "%.0f", d);
      }
      if (a >= 10) {
        return String.format(Locale.ROOT, "%.1f", d);
      }
      if (a >= 0.1 || a == 0) {
        return String.format(Locale.ROOT, "%.2f", d);
      }
      return String.format(Locale.ROOT, "%.3g", d);
    }
    if (v instanceof Float f) {
      return format(f.doubleValue());
    }
    if (v instanceof Long || v instanceof Integer) {
      return String.format(Locale.ROOT, "%,d", ((Number) v).longValue());
    }
    return String.valueOf(v);
  }

  private static boolean looksNumeric(String s) {
    return s.matches("-?[0-9][0-9,]*(\\.[0-9]+)?(e-?[0-9]+)?%?") || s.equals("-");
  }

  private static String pad(String s, int w, boolean left) {
    if (s.length() >= w) {
      return s;
    }
    String sp = " ".repeat(w - s.length());
    return left ? s + sp : sp + s;
  }
}

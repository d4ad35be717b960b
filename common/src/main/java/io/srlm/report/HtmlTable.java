package io.srlm.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text HTML table: every header and cell is escaped with {@link Html#escape}, so no cell can inject
 * markup. Cells whose text looks numeric are right-aligned.
 */
final class HtmlTable {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  HtmlTable(String... header) {
    this.header = List.of(header);
  }

  HtmlTable row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("row has " + cells.length + " cells, header " + header.size());
    }
    List<String> r = new ArrayList<>(cells.length);
    for (Object c : cells) {
      r.add(c == null ? "" : String.valueOf(c));
    }
    rows.add(r);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  String render() {
    StringBuilder sb = new StringBuilder("<table>\n<thead><tr>");
    for (String h : header) {
      sb.append("<th>").append(Html.escape(h)).append("</th>");
    }
    sb.append("</tr></thead>\n<tbody>\n");
    for (List<String> r : rows) {
      sb.append("<tr>");
      for (String c : r) {
        sb.append(numeric(c) ? "<td class=\"num\">" : "<td>").append(Html.escape(c)).append("</td>");
      }
      sb.append("</tr>\n");
    }
    return sb.append("</tbody>\n</table>\n").toString();
  }

  private static boolean numeric(String s) {
    return s.matches("-?[0-9][0-9,.]*%?|n/a");
  }
}

package io.srlm.model.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the recurring phrases of a corpus (template lines, task phrasings, tags, stock sentences) to make them
 * single added tokens of the built-in tokenizer. Texts are cut at newlines, tags and numbers, and after ": ",
 * ". ", "? " and "! "; a piece that recurs at least {@code minCount} times, is at least 4 characters long and has
 * a space (or is a tag) is a candidate. Candidates are ranked by the tokens they save (count times length) and
 * the best {@code max} kept, in a deterministic order.
 */
public final class PhraseMiner {
  private static final Pattern CUT = Pattern.compile("\\n|<[^<>\\n]{1,24}>|\\p{N}+");
  private static final Pattern ENDS = Pattern.compile("(?<=: |\\. |\\? |! )");

  private PhraseMiner() {}

  public static List<String> mine(List<String> texts, List<String> specials, int minCount, int max) {
    Map<String, Integer> counts = new HashMap<>();
    for (String text : texts) {
      for (PreTokenizer.Segment seg : PreTokenizer.splitSpecial(text, specials)) {
        if (seg.isSpecial()) {
          continue;
        }
        Matcher m = CUT.matcher(seg.text());
        int last = 0;
        while (m.find()) {
          add(seg.text().substring(last, m.start()), counts);
          if (m.group().startsWith("<")) {
            counts.merge(m.group(), 1, Integer::sum);
          }
          last = m.end();
        }
        add(seg.text().substring(last), counts);
      }
    }
    List<Map.Entry<String, Integer>> cands = new ArrayList<>();
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      String p = e.getKey();
      boolean tag = p.startsWith("<") && p.endsWith(">");
      if (e.getValue() >= minCount && p.length() >= 4 && (tag || p.indexOf(' ') >= 0)
          && !specials.contains(p)) {
        cands.add(e);
      }
    }
    cands.sort(Comparator.<Map.Entry<String, Integer>>comparingLong(e -> -(long) e.getValue() * e.getKey().length())
        .thenComparing(Map.Entry::getKey));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(max, cands.size()); i++) {
      out.add(cands.get(i).getKey());
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  private static void add(String piece, Map<String, Integer> counts) {
    for (String p : ENDS.split(piece)) {
      if (!p.isEmpty()) {
        counts.merge(p, 1, Integer::sum);
      }
    }
  }
}

package io.srlm.seed;

import io.srlm.tables.RejectedRow;
import io.srlm.tables.SeedEft;
import io.srlm.tables.SeedIft;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seed rows loaded or generated for one run, before they are written to the seed tables.
 *
 * @param ift instruction-following rows (table seed_ift), task-creation rows included
 * @param eft judging rows (table seed_eft)
 * @param rejected input rows that were skipped, and why (table rejected_rows)
 * @param counts named counts for the run report (rows, held-out rows, rejected rows by reason...)
 */
public record SeedData(List<SeedIft> ift, List<SeedEft> eft, List<RejectedRow> rejected, Map<String, Long> counts)
    implements Serializable {

  public SeedData {
    ift = List.copyOf(ift);
    eft = List.copyOf(eft);
    rejected = List.copyOf(rejected);
    counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
  }

  /** All prompt and completion texts, IFT rows first, in row order (e.g. to train a tokenizer). */
  public List<String> corpus() {
    List<String> out = new ArrayList<>(2 * (ift.size() + eft.size()));
    for (SeedIft r : ift) {
      out.add(r.prompt());
      out.add(r.completion());
    }
    for (SeedEft r : eft) {
      out.add(r.prompt());
      out.add(r.completion());
    }
    return out;
  }

  /** A count, or 0 when it was never recorded. */
  public long count(String name) {
    return counts.getOrDefault(name, 0L);
  }
}

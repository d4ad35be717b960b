package io.srlm.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The immutable result of one step: its counts, the exact Delta versions it read and wrote, and a one-line
 * summary. Recorded in the runs table.
 */
public record StepResult(String stepId, Map<String, Long> counts, Map<String, Long> inputVersions,
    Map<String, Long> outputVersions, String summary) {

  public StepResult {
    counts = Map.copyOf(counts);
    inputVersions = Map.copyOf(inputVersions);
    outputVersions = Map.copyOf(outputVersions);
  }

  /** Mutable builder used while a step runs. */
  public static final class Builder {
    private final String stepId;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Map<String, Long> in = new LinkedHashMap<>();
    private final Map<String, Long> out = new LinkedHashMap<>();

    public Builder(String stepId) {
      this.stepId = stepId;
    }

    public Builder count(String name, long value) {
      counts.put(name, value);
      return this;
    }

    public Builder add(String name, long value) {
      counts.merge(name, value, Long::sum);
      return this;
    }

    public Builder read(String table, long version) {
      in.put(table, version);
      return this;
    }

    public Builder wrote(String table, long version) {
      out.put(table, version);
      return this;
    }

    public long count(String name) {
      return counts.getOrDefault(name, 0L);
    }

    public Map<String, Long> inputs() {
      return in;
    }

    public StepResult build(String summary) {
      return new StepResult(stepId, counts, in, out, summary);
    }
  }
}

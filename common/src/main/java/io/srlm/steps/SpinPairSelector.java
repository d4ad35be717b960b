package io.srlm.steps;

import io.srlm.spark.Faults;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Per seed prompt (a Spark group) of a SPIN stage: chosen = the human completion (source human), rejected = the
 * model's answer (source self), chosen_score 1 and rejected_score 0 (SPIN has no scores; the margin is 1). A prompt
 * is dropped (and recorded) when the two texts are identical after trimming surrounding whitespace (DPO would
 * learn nothing from it), when the model's answer is empty, or when either side is missing.
 *
 * <p>Input rows: prompt_id, response_id, source, prompt, response. Output: {@link PairSelector#OUTPUT}.
 */
final class SpinPairSelector implements FlatMapGroupsFunction<String, Row, Row> {
  private static final long serialVersionUID = 1L;

  private final Faults faults;
  private int groupsDone;

  SpinPairSelector(Faults faults) {
    this.faults = faults;
  }

  @Override
  public Iterator<Row> call(String promptId, Iterator<Row> rows) {
    faults.maybeFail(BuildSpinPairsStep.NAME, groupsDone, 2);
    groupsDone++;
    Row human = null;
    Row self = null;
    while (rows.hasNext()) {
      Row r = rows.next();
      if (r.getString(2).equals(SpinGenerateStep.HUMAN)) {
        human = r;
      } else if (r.getString(2).equals(SpinGenerateStep.SELF)) {
        self = r;
      }
    }
    return List.of(select(promptId, human, self)).iterator();
  }

  static Row select(String promptId, Row human, Row self) {
    String prompt = human != null ? human.getString(3) : self != null ? self.getString(3) : null;
    if (human == null || self == null) {
      return drop(promptId, prompt, "missing_side", human == null ? "no human completion" : "no model answer");
    }
    String chosen = human.getString(4);
    String rejected = self.getString(4);
    if (rejected.isBlank()) {
      return drop(promptId, prompt, "empty_generation", "the model's answer is empty");
    }
    if (chosen.strip().equals(rejected.strip())) {
      return drop(promptId, prompt, "identical", "the model's answer equals the human completion");
    }
    return RowFactory.create("pair", promptId, prompt, human.getString(1), self.getString(1), chosen, rejected, 1.0,
        0.0, null, null);
  }

  private static Row drop(String promptId, String prompt, String reason, String detail) {
    return RowFactory.create("drop", promptId, prompt, null, null, null, null, null, null, reason, detail);
  }
}

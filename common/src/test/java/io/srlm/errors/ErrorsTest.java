package io.srlm.errors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The named factories that replace message sniffing: a weights mismatch is recognised by its fields. */
class ErrorsTest {
  @Test
  void aWeightsMismatchGainsTheModelFolderFromItsLoader() {
    SrlmException raw = Errors.weightsMismatch("model.norm.weight", "is missing");
    RuntimeException named = Errors.inModel(raw, "/models/M1");
    assertThat(named).isInstanceOf(SrlmException.class).isNotSameAs(raw).hasCause(raw);
    SrlmException se = (SrlmException) named;
    assertThat(se.code()).isEqualTo(ErrorCode.MODEL);
    assertThat(se.context()).containsEntry("model", "/models/M1").containsEntry("tensor", "model.norm.weight");
    assertThat(se.getMessage()).contains("/models/M1", "model.norm.weight", "is missing");
  }

  @Test
  void otherErrorsPassThroughUnchanged() {
    SrlmException other = Errors.model("/models/M1", "config.json is missing", "re-export the model");
    assertThat(Errors.inModel(other, "/models/M2")).isSameAs(other);
    IllegalStateException plain = new IllegalStateException("tensor (weights) text is no signal");
    assertThat(Errors.inModel(plain, "/models/M2")).isSameAs(plain);
    SrlmException named = (SrlmException) Errors.inModel(Errors.weightsMismatch("a", "is missing"), "/m");
    assertThat(Errors.inModel(named, "/other")).as("named once").isSameAs(named);
  }
}

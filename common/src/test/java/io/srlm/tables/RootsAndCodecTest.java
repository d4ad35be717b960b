package io.srlm.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.errors.SrlmException;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

class RootsAndCodecTest {
  @Test
  void namesStayUnderTheirRoot() {
    assertThat(Roots.under("s3a://bucket/srlm/", "run-1", "M2")).isEqualTo("s3a://bucket/srlm/run-1/M2");
    assertThat(Roots.under("/data/models", "r")).isEqualTo("/data/models/r");
    for (String bad : new String[] {"../etc", "a/../../b", "/abs", "x\\y", "s3a://other", "", "a//b", "."}) {
      assertThatThrownBy(() -> Roots.under("/data/models", bad)).as(bad).isInstanceOf(SrlmException.class)
          .hasMessageContaining("outside its configured root");
    }
  }

  @Test
  void rowsRoundTripWithTheCatalogueSchema() {
    RowCodec<ModelRow> c = Catalogue.MODELS.codec();
    assertThat(c.schema().fieldNames()).contains("run_id", "iteration", "trained_on", "adapter_path");
    assertThat(c.schema().apply("adapter_path").nullable()).isTrue();
    assertThat(c.schema().apply("path").nullable()).isFalse();
    assertThat(c.schema().apply("trained_on").dataType())
        .isEqualTo(DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, false));
    ModelRow m = new ModelRow("r", 1, "id", "M2", "self_reward_dpo", "/p", null, "base", "M1", "M1",
        Map.of("preference_pairs", 7L), "h", 5L, Map.of("loss", 0.5));
    Row row = c.toRow(m);
    assertThat(row.get(6)).isNull();
    PromptRow p = new PromptRow("r", 1, "p1", "task", "accepted", null, null, "<task>task</task>", 0,
        List.of("a", "b"), "/m", 9L, 3, "eos");
    assertThat(Catalogue.PROMPTS.codec().toRow(p).getList(9)).containsExactly("a", "b");
    assertThatThrownBy(() -> c.toRow(new ModelRow("r", 1, "id", "M2", "s", null, null, "b", null, null, Map.of(),
        "h", 5L, Map.of()))).hasMessageContaining("NOT NULL column path");
  }

  @Test
  void everyTableDefinesRunAndIterationOrRun() {
    for (TableDef<?> t : Catalogue.ALL) {
      assertThat(t.codec().schema().fieldNames()).as(t.name()).contains("run_id");
      assertThat(t.partitionBy()).as(t.name()).startsWith("run_id");
      assertThat(t.properties()).containsEntry("srlm.table", t.name());
    }
  }
}

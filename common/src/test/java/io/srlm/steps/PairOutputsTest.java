package io.srlm.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.spark.Faults;
import io.srlm.testing.LocalSpark;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Spark half of pair building: typed input records go through Spark, are grouped by prompt, and the rule's
 * {@link PairChoice}s come back through {@link PairChoice#SCHEMA} unchanged; a frame without the rule's columns
 * fails naming the missing one.
 */
@ExtendWith(LocalSpark.class)
class PairOutputsTest {
  @Test
  void candidatesAndChoicesRoundTripThroughSpark() {
    SparkSession spark = LocalSpark.session();
    List<PairCandidate> in = List.of(
        new PairCandidate("p1", "a", 0, "Q1", "long answer", 30, 5.0),
        new PairCandidate("p1", "b", 1, "Q1", "short", 3, 4.8),
        new PairCandidate("p1", "c", 2, "Q1", "bad", 9, 1.0),
        new PairCandidate("p2", "d", 0, "Q2", "x", 1, 3.0),
        new PairCandidate("p2", "e", 1, "Q2", "y", 1, null));
    // As a join gives them: other columns around and in another order.
    Dataset<Row> frame = spark.createDataFrame(in.stream().map(PairCandidate.CODEC::toRow).toList(),
        PairCandidate.CODEC.schema()).withColumn("extra", functions.lit(1))
        .select("mean_score", "extra", "response", "prompt_id", "completion_tokens", "prompt", "sample_index",
            "response_id");
    List<PairChoice> out = PairOutputs.select(frame, PairCandidate.CODEC, new PairSelector(0.0, 0.5), Faults.NONE,
        BuildPairsStep.NAME).stream().sorted(Comparator.comparing(PairChoice::promptId)).toList();
    assertThat(out).containsExactly(
        PairChoice.pair("p1", "Q1", "b", "c", "short", "bad", 4.8, 1.0),
        PairChoice.drop("p2", "Q2", "fewer_than_2_valid", "1 of 2 responses have a valid score"));
  }

  @Test
  void spinSidesRoundTripThroughSpark() {
    SparkSession spark = LocalSpark.session();
    List<SpinSide> in = List.of(new SpinSide("p1", "h", "human", "Q", "5"), new SpinSide("p1", "s", "self", "Q", "6"),
        new SpinSide("p2", "h2", "human", "Q2", "7"));
    Dataset<Row> frame = spark.createDataFrame(in.stream().map(SpinSide.CODEC::toRow).toList(),
        SpinSide.CODEC.schema());
    List<PairChoice> out = PairOutputs.select(frame, SpinSide.CODEC, new SpinPairSelector(), Faults.NONE,
        BuildSpinPairsStep.NAME).stream().sorted(Comparator.comparing(PairChoice::promptId)).toList();
    assertThat(out).containsExactly(PairChoice.pair("p1", "Q", "h", "s", "5", "6", 1.0, 0.0),
        PairChoice.drop("p2", "Q2", "missing_side", "no model answer"));
  }

  @Test
  void aFrameWithoutTheRulesColumnsFailsNamingTheColumn() {
    SparkSession spark = LocalSpark.session();
    Dataset<Row> frame = spark.createDataFrame(List.of(SpinSide.CODEC.toRow(new SpinSide("p1", "h", "human", "Q",
        "5"))), SpinSide.CODEC.schema());
    assertThatThrownBy(() -> PairOutputs.select(frame, PairCandidate.CODEC, new PairSelector(0.0, 0.5), Faults.NONE,
        BuildPairsStep.NAME)).hasMessageContaining("sample_index");
  }

  @Test
  void aChoiceRowOfAnotherShapeFailsNamingTheRecord() {
    assertThatThrownBy(() -> PairChoice.fromRow(RowFactory.create("pair", "p1", "Q")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot read a PairChoice from a row of 3 untyped columns: it has 3 columns, not 11");
  }
}

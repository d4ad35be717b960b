package io.srlm.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.testing.LocalSpark;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The records the executors take and return ({@link CompletionRequest}, {@link Completion}, {@link RewardRequest},
 * {@link RewardScore}): their Spark schemas are the columns the executor jobs always had, every record survives a
 * trip through Spark under its schema, and a row of another shape fails with an error naming the record, the
 * column and both schemas.
 */
@ExtendWith(LocalSpark.class)
class ExecutorRecordsTest {
  @Test
  void schemasAreTheExecutorColumns() {
    assertThat(CompletionRequest.SCHEMA.simpleString()).isEqualTo("struct<key:string,user:string,seed:bigint>");
    assertThat(Completion.SCHEMA.simpleString()).isEqualTo("struct<key:string,text:string,prompt_tokens:int,"
        + "completion_tokens:int,finish_reason:string,status:string>");
    assertThat(RewardRequest.SCHEMA.simpleString()).isEqualTo("struct<key:string,prompt:string,response:string>");
    assertThat(RewardScore.SCHEMA.simpleString()).isEqualTo("struct<key:string,reward:double,tokens:int,"
        + "status:string>");
    // Only the reward may be null.
    assertThat(nullable(Completion.SCHEMA)).isEmpty();
    assertThat(nullable(CompletionRequest.SCHEMA)).isEmpty();
    assertThat(nullable(RewardScore.SCHEMA)).containsExactly("reward");
  }

  @Test
  void everyRecordSurvivesSparkUnderItsSchema() {
    roundTrip(List.of(new CompletionRequest("k1", "Add 2 and 3.", 42L),
        new CompletionRequest("k2", "ünïcode ✓", Long.MIN_VALUE)), CompletionRequest.SCHEMA,
        CompletionRequest::toRow, CompletionRequest::fromRow);
    roundTrip(List.of(new Completion("k1", "5", 12, 2, "eos", Completion.OK), Completion.tooLong("k2", 4096)),
        Completion.SCHEMA, Completion::toRow, Completion::fromRow);
    roundTrip(List.of(new RewardRequest("r1", "Add 2 and 3.", "5")), RewardRequest.SCHEMA, RewardRequest::toRow,
        RewardRequest::fromRow);
    roundTrip(List.of(RewardScore.of("r1", 1.25, 9), RewardScore.of("r2", Double.NaN, 9),
        new RewardScore("r3", null, 5000, RewardScore.TOO_LONG)), RewardScore.SCHEMA, RewardScore::toRow,
        RewardScore::fromRow);
  }

  @Test
  void theRecordsHelpersReadTheirFields() {
    Completion tooLong = Completion.tooLong("k", 4096);
    assertThat(tooLong.ok()).isFalse();
    assertThat(tooLong.finishReasonOrNone()).isEqualTo("none");
    assertThat(new Completion("k", "x", 3, 1, "length", Completion.OK).finishReasonOrNone()).isEqualTo("length");
    assertThat(RewardScore.of("r", Double.POSITIVE_INFINITY, 3)).isEqualTo(new RewardScore("r", null, 3,
        RewardScore.NOT_A_NUMBER));
  }

  @Test
  void aRowOfAnotherSchemaFailsNamingTheColumn() {
    SparkSession spark = LocalSpark.session();
    // A reward score handed to the completion reader: found by name, it lacks "text".
    Row reward = spark.createDataFrame(List.of(RewardScore.of("r1", 1.0, 9).toRow()), RewardScore.SCHEMA)
        .collectAsList().get(0);
    assertThatThrownBy(() -> Completion.fromRow(reward))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read a Completion from a row of struct<key:string,reward:double,tokens:int,"
            + "status:string>: it has no column text (expected struct<key:string,text:string,prompt_tokens:int,"
            + "completion_tokens:int,finish_reason:string,status:string>)");
    // The right names with a wrong type: prompt_tokens as a string.
    StructType stringTokens = new StructType().add("key", "string").add("text", "string")
        .add("prompt_tokens", "string").add("completion_tokens", "int").add("finish_reason", "string")
        .add("status", "string");
    Row typed = spark.createDataFrame(List.of(RowFactory.create("k", "t", "12", 2, "eos", "ok")), stringTokens)
        .collectAsList().get(0);
    assertThatThrownBy(() -> Completion.fromRow(typed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot read a Completion from a row of struct<key:string,text:string,"
            + "prompt_tokens:string,")
        .hasMessageContaining(": column prompt_tokens holds a String, not a Integer (expected ");
    // A row without a schema is read by position, so it must have exactly the record's columns.
    assertThatThrownBy(() -> CompletionRequest.fromRow(RowFactory.create("k", "user")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read a CompletionRequest from a row of 2 untyped columns: it has 2 columns, not 3 "
            + "(expected struct<key:string,user:string,seed:bigint>)");
    // A null where the record has a primitive.
    assertThatThrownBy(() -> RewardScore.fromRow(RowFactory.create("r", 1.0, null, "ok")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column tokens is null, and RewardScore needs a value there");
  }

  /** Writes {@code values} as a DataFrame of {@code schema}, passes them through an executor map, reads them back. */
  private static <T> void roundTrip(List<T> values, StructType schema, Function<T, Row> toRow,
      Function<Row, T> fromRow) {
    SparkSession spark = LocalSpark.session();
    List<Row> back = spark.createDataFrame(values.stream().map(toRow).toList(), schema)
        .map((org.apache.spark.api.java.function.MapFunction<Row, Row>) r -> r, Encoders.row(schema))
        .collectAsList();
    assertThat(back).hasSameSizeAs(values);
    assertThat(back.get(0).schema()).isEqualTo(schema);
    assertThat(back.stream().map(fromRow).toList()).isEqualTo(values);
  }

  private static List<String> nullable(StructType schema) {
    return java.util.Arrays.stream(schema.fields()).filter(f -> f.nullable()).map(f -> f.name()).toList();
  }
}

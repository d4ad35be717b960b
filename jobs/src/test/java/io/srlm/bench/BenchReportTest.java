package io.srlm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.srlm.util.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report renders as aligned text and as JSON with numbers kept numeric; formulas of the FLOPs model. */
class BenchReportTest {
  @Test
  void rendersTextAndJson() throws Exception {
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", 2);
    machine.put("env", Map.of("OMP_WAIT_POLICY", "PASSIVE"));
    BenchReport r = new BenchReport("engine", machine);
    r.section("scoring", "model", "batch", "tok/s").row("tiny", 8, 12345.678).row("20m", 32, Double.NaN)
        .note("a note");
    String text = r.text();
    assertThat(text).contains("srlm bench engine", "== machine ==", "OMP_WAIT_POLICY=PASSIVE", "== scoring ==",
        "12,346", "  * a note");
    assertThat(text.lines().filter(l -> l.contains("tiny") || l.contains("20m")).map(String::length).distinct())
        .as("aligned rows").hasSize(1);
    JsonNode j = Json.MAPPER.readTree(r.json());
    assertThat(j.get("bench").asText()).isEqualTo("engine");
    JsonNode row = j.get("sections").get(0).get("rows").get(0);
    assertThat(row.get("tok/s").asDouble()).isEqualTo(12350.0);
    assertThat(j.get("sections").get(0).get("rows").get(1).get("tok/s").isNull()).isTrue();
    assertThatThrownBy(() -> r.section("x", "a", "b").row(1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rendersMarkdown() {
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", 2);
    machine.put("env", Map.of("OMP_WAIT_POLICY", "PASSIVE"));
    BenchReport r = new BenchReport("train", machine);
    r.section("training", "model", "a|b", "steps/s").row("tiny", "x", 0.5).row("20m", "y", Double.NaN)
        .note("FLOPs = 6*N*T");
    assertThat(r.markdown()).isEqualTo("""
        ## srlm bench train

        | machine | |
        |---|---|
        | cores | 2 |
        | env | OMP_WAIT_POLICY=PASSIVE |

        ### training

        | model | a\\|b | steps/s |
        |---|---|---:|
        | tiny | x | 0.50 |
        | 20m | y | - |

        - FLOPs = 6\\*N\\*T
        """);
  }

  @Test
  void memorySlope() {
    List<long[]> flat = List.of(new long[] {0, 100L << 20, 5}, new long[] {1000, 100L << 20, 5},
        new long[] {2000, 100L << 20, 5});
    assertThat(MemoryBench.slopePerThousand(flat, 0)).isEqualTo(0.0);
    List<long[]> growing = List.of(new long[] {0, 100L << 20, 5}, new long[] {1000, 102L << 20, 5},
        new long[] {2000, 104L << 20, 5});
    assertThat(MemoryBench.slopePerThousand(growing, 0)).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(MemoryBench.slopePerThousand(growing, 2)).isNaN();
  }

  @Test
  void modelFlops() {
    var a = BenchModels.MEDIUM;
    assertThat(a.parameterCount()).isEqualTo(20_453_760L);
    assertThat(Flops.n(a)).isEqualTo(17_301_504L);
    assertThat(Flops.forwardPerToken(a, 10)).isEqualTo(2.0 * 17_301_504 + 4.0 * 8 * 384 * 10);
    assertThat(Flops.trainPerTokenCausal(a, 3, true)).isEqualTo(2 * Flops.forwardPerToken(a, 2));
  }
}

package io.srlm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.srlm.util.Json;
import java.util.LinkedHashMap;
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
  void modelFlops() {
    var a = BenchModels.MEDIUM;
    assertThat(a.parameterCount()).isEqualTo(20_453_760L);
    assertThat(Flops.n(a)).isEqualTo(17_301_504L);
    assertThat(Flops.forwardPerToken(a, 10)).isEqualTo(2.0 * 17_301_504 + 4.0 * 8 * 384 * 10);
    assertThat(Flops.trainPerTokenCausal(a, 3, true)).isEqualTo(2 * Flops.forwardPerToken(a, 2));
  }
}

package io.srlm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
  private static final double EPS = 1e-4;

  @Test
  void wilsonMatchesPublishedValues() {
    // Newcombe (1998), example: 81 of 263 -> 0.2553 to 0.3662.
    Interval a = Stats.wilson95(81, 263);
    assertThat(a.low()).isCloseTo(0.2553, within(EPS));
    assertThat(a.high()).isCloseTo(0.3662, within(EPS));
    // 5 of 10: centre 0.5, symmetric: p=0.5, z^2=3.8415, denom 1.38415,
    // half = 1.96/1.38415 * sqrt(0.025 + 3.8415/400) = 1.41600 * 0.18603 = 0.26341 -> [0.2366, 0.7634].
    Interval b = Stats.wilson95(5, 10);
    assertThat(b.low()).isCloseTo(0.2366, within(EPS));
    assertThat(b.high()).isCloseTo(0.7634, within(EPS));
    // 0 of 10: low 0, high = z^2/n / (1 + z^2/n) = 0.38415/1.38415 = 0.2775.
    Interval c = Stats.wilson95(0, 10);
    assertThat(c.low()).isEqualTo(0.0);
    assertThat(c.high()).isCloseTo(0.2775, within(EPS));
    Interval d = Stats.wilson95(10, 10);
    assertThat(d.low()).isCloseTo(0.7225, within(EPS));
    assertThat(d.high()).isEqualTo(1.0);
  }

  @Test
  void wilsonEdgeCases() {
    assertThat(Stats.wilson95(0, 0)).isEqualTo(new Interval(0, 1));
    assertThat(Stats.wilson(8, 10, 1.0).width()).isLessThan(Stats.wilson95(8, 10).width());
    assertThatThrownBy(() -> Stats.wilson95(11, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Stats.wilson95(-1, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Stats.wilson(1, 10, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void headToHeadCountsTiesAsHalf() {
    // 5 wins, 3 ties, 2 losses: (5 + 1.5) / 10 = 0.65, Wilson on 6.5 of 10 -> [0.3537, 0.8631].
    HeadToHead h = HeadToHead.of(5, 3, 2);
    assertThat(h.n()).isEqualTo(10);
    assertThat(h.winRate()).isCloseTo(0.65, within(1e-12));
    assertThat(h.ci().low()).isCloseTo(0.3537, within(EPS));
    assertThat(h.ci().high()).isCloseTo(0.8631, within(EPS));
    assertThat(HeadToHead.ofOutcomes(List.of(1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.0, 0.0))).isEqualTo(h);
    HeadToHead none = HeadToHead.of(0, 0, 0);
    assertThat(none.winRate()).isNaN();
    assertThat(none.ci()).isEqualTo(new Interval(0, 1));
    assertThatThrownBy(() -> HeadToHead.ofOutcomes(List.of(0.7))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeadToHead.of(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void accuracy() {
    Accuracy a = Accuracy.of(81, 263);
    assertThat(a.accuracy()).isCloseTo(81.0 / 263, within(1e-12));
    assertThat(a.ci().low()).isCloseTo(0.2553, within(EPS));
    assertThat(Accuracy.of(0, 0).accuracy()).isNaN();
    assertThatThrownBy(() -> Accuracy.of(3, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void meanMedianQuantile() {
    assertThat(Stats.mean(List.of(1, 2, 3, 10))).isEqualTo(4.0);
    assertThat(Stats.median(List.of(10, 1, 3, 2))).isEqualTo(2.5);
    assertThat(Stats.median(List.of(5, 1, 3))).isEqualTo(3.0);
    // type 7: h = 3 * 0.9 = 2.7 -> 3 + 0.7 * (10 - 3) = 7.9.
    assertThat(Stats.quantile(List.of(1, 2, 3, 10), 0.9)).isCloseTo(7.9, within(1e-12));
    assertThat(Stats.mean(List.of())).isNaN();
    assertThat(Stats.median(List.of())).isNaN();
  }

  @Test
  void histogramEdges() {
    // bins of width 1 over [0, 5]: 0 -> bin 0, 0.99 -> 0, 1 -> 1, 4.5 -> 4, 5 (max) -> last bin 4,
    // -1 below, 6 above.
    Histogram h = Stats.histogram(List.of(0.0, 0.99, 1.0, 4.5, 5.0, -1.0, 6.0), 0, 5, 5);
    assertThat(h.counts()).containsExactly(2L, 1L, 0L, 0L, 2L);
    assertThat(h.below()).isEqualTo(1);
    assertThat(h.above()).isEqualTo(1);
    assertThat(h.total()).isEqualTo(7);
    assertThat(h.binWidth()).isEqualTo(1.0);
    assertThat(h.lowerEdge(2)).isEqualTo(2.0);
    assertThat(h.upperEdge(4)).isEqualTo(5.0);
    assertThat(Stats.histogram(List.of(), 0, 1, 3).total()).isZero();
    assertThatThrownBy(() -> Stats.histogram(List.of(Double.NaN), 0, 1, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Stats.histogram(List.of(1), 1, 1, 2)).isInstanceOf(IllegalArgumentException.class);
  }
}

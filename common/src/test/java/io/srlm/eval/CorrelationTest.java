package io.srlm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CorrelationTest {
  private static final double EPS = 1e-12;

  @Test
  void averageRanksShareTies() {
    assertThat(Correlation.averageRanks(new double[] {10, 20, 20, 30})).containsExactly(1, 2.5, 2.5, 4);
    assertThat(Correlation.averageRanks(new double[] {3, 1, 3, 3})).containsExactly(3, 1, 3, 3);
  }

  @Test
  void spearmanWithoutTiesMatchesTheDSquaredFormula() {
    // x ranks (1..5), y = (2,1,4,3,5): d = (-1,1,-1,1,0), sum d^2 = 4, rho = 1 - 6*4/(5*24) = 0.8.
    assertThat(Correlation.spearman(new double[] {1, 2, 3, 4, 5}, new double[] {2, 1, 4, 3, 5}))
        .isCloseTo(0.8, within(EPS));
  }

  @Test
  void spearmanWithTies() {
    // x = (1,2,2,3) -> ranks (1,2.5,2.5,4); y = (1,3,2,2) -> ranks (1,4,2.5,2.5).
    // centred: (-1.5,0,0,1.5) and (-1.5,1.5,0,0); cov = 2.25; sxx = syy = 4.5; rho = 0.5.
    assertThat(Correlation.spearman(new double[] {1, 2, 2, 3}, new double[] {1, 3, 2, 2}))
        .isCloseTo(0.5, within(EPS));
  }

  @Test
  void kendallTauBWithTies() {
    // pairs of x = (1,2,2,3), y = (1,3,2,2): (1,2) c, (1,3) c, (1,4) c, (2,3) tied in x only,
    // (2,4) d, (3,4) tied in y only. nc = 3, nd = 1, tx = ty = 1: (3-1)/sqrt(5*5) = 0.4.
    assertThat(Correlation.kendallTauB(new double[] {1, 2, 2, 3}, new double[] {1, 3, 2, 2}))
        .isCloseTo(0.4, within(EPS));
  }

  @Test
  void kendallTauBWithUnequalTies() {
    // x = (1,1,2,3), y = (1,2,3,3): (1,2) tied in x only, (3,4) tied in y only, the other 4 concordant:
    // 4 / sqrt((4+1)(4+1)) = 0.8.
    assertThat(Correlation.kendallTauB(new double[] {1, 1, 2, 3}, new double[] {1, 2, 3, 3}))
        .isCloseTo(0.8, within(EPS));
    // x = (1,1,2,3,3), y = (1,2,3,3,3): (1,2) x only; (3,4), (3,5) y only; (4,5) tied in both, counted nowhere;
    // the other 6 concordant. nc = 6, nd = 0, tx = 1, ty = 2: 6 / sqrt((6+1)(6+2)) = 6 / sqrt(56).
    assertThat(Correlation.kendallTauB(new double[] {1, 1, 2, 3, 3}, new double[] {1, 2, 3, 3, 3}))
        .isCloseTo(6 / Math.sqrt(56), within(EPS));
  }

  @Test
  void undefinedForConstantsAndShortInputs() {
    assertThat(Correlation.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3})).isNaN();
    assertThat(Correlation.kendallTauB(new double[] {1, 2, 3}, new double[] {4, 4, 4})).isNaN();
    assertThat(Correlation.spearman(new double[] {1}, new double[] {2})).isNaN();
    assertThat(Correlation.kendallTauB(new double[] {}, new double[] {})).isNaN();
  }

  @Test
  void compareTreatsRoundingAsEqual() {
    assertThat(Correlation.compare(13.0 / 3, 4 + 1.0 / 3)).isZero();
    assertThat(Correlation.compare(1, 2)).isEqualTo(-1);
    assertThat(Correlation.compare(2, 1)).isEqualTo(1);
  }
}

package io.srlm.variants;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.ScoreParser;
import io.srlm.tables.Catalogue;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.PairRow;
import io.srlm.testing.TestConf;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A custom 0-10 judge end to end (conf/judges/rating-0-10.conf, "Rating: N"; stage s04 of {@link VariantRun}, the
 * judge a causal LM named by judge.model): every judgement is parsed with that template's regex, range and type,
 * scores lie on 0-10, pairs are best vs worst on that scale, and M6 is trained from them.
 */
abstract class CustomJudgeChecks {
  static final int IT = 5;

  @Test
  void judgementsFollowTheTemplatesRegexRangeAndType() {
    VariantRun v = VariantRun.get();
    JudgeTemplate t = JudgeTemplate.load(TestConf.conf(), "rating-0-10", "judge.template");
    List<JudgementRow> judgements = v.rows(Catalogue.JUDGEMENTS, IT);
    assertThat(judgements).hasSize(16);
    for (JudgementRow j : judgements) {
      assertThat(j.template()).isEqualTo("rating-0-10");
      assertThat(j.judgeModel()).isEqualTo(v.ratingJudge.toString());
      ScoreParser.Parsed again = t.parser().parse(j.judgeText());
      assertThat(j.parseStatus()).isEqualTo(again.status().column());
      assertThat(j.score()).isEqualTo(again.score());
      if (j.score() != null) {
        assertThat(j.score()).isBetween(0.0, 10.0);
        assertThat(j.score() % 1).isZero();
        assertThat(j.judgeText()).contains("Rating:");
      }
    }
    assertThat(judgements.stream().filter(j -> j.score() != null).count()).isGreaterThan(8);
  }

  @Test
  void pairsUseTheZeroToTenScaleAndTrainTheNextModel() {
    VariantRun v = VariantRun.get();
    List<PairRow> pairs = v.rows(Catalogue.PREFERENCE_PAIRS, IT);
    assertThat(pairs).isNotEmpty().allMatch(p -> p.source().equals("external_reward")
        && p.chosenScore() > p.rejectedScore() && p.chosenScore() <= 10 && p.rejectedScore() >= 0);
    assertThat(v.models().get("M6").stage()).isEqualTo("external_reward_dpo");
    assertThat(v.models().get("M6").trainedOn()).containsKey("preference_pairs");
  }
}

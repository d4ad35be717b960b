package io.srlm.variants;

import io.srlm.config.SrlmConfig;
import io.srlm.loop.LoopRunner;
import io.srlm.pipeline.RunContext;
import io.srlm.tables.Catalogue;
import io.srlm.tables.RunStep;
import io.srlm.tables.TableStore;
import io.srlm.testing.LocalSpark;
import io.srlm.testing.TestConf;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalSpark.class)
class ScratchTest {
  @Test
  void scratch() {
    Path dir = Path.of(System.getProperty("scratch.dir", "/tmp/variants-scratch"));
    String[] sets = System.getProperty("scratch.sets", "").split(";;");
    java.util.List<String> all = new java.util.ArrayList<>(io.srlm.testing.SeedPrompts.SMALL_SEED);
    all.addAll(java.util.List.of(sets));
    SrlmConfig cfg = TestConf.loop(dir, all.toArray(new String[0]));
    RunContext ctx = RunContext.open(LocalSpark.session(), cfg, false, true);
    try {
      io.srlm.testing.SeedPrompts.runLoop(ctx);
    } finally {
      for (RunStep s : ctx.ledger().steps()) {
        System.out.println("STEP " + s.stepId() + " " + s.status() + " " + ((s.endedAtMs() == null ? 0 : s.endedAtMs()) - s.startedAtMs()) + "ms: " + s.message() + " " + s.counts());
      }
    }
  }
}

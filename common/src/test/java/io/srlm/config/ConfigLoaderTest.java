package io.srlm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.errors.SrlmException;
import io.srlm.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private final ConfSource conf = TestConf.conf();

  @Test
  void defaultsAreThePapersSettings() {
    SrlmConfig c = ConfigLoader.from(conf).load();
    assertThat(c.responses().numCandidates()).isEqualTo(4);
    assertThat(c.responses().sampling().temperature()).isEqualTo(0.7);
    assertThat(c.responses().sampling().topP()).isEqualTo(0.9);
    assertThat(c.prompts().shots()).isEqualTo(8);
    assertThat(c.prompts().seedShots()).isEqualTo(6);
    assertThat(c.prompts().sampling().temperature()).isEqualTo(0.6);
    assertThat(c.judge().samples()).isEqualTo(3);
    assertThat(c.judge().template()).isEqualTo("additive-5pt");
    assertThat(c.dpo().beta()).isEqualTo(0.1);
    assertThat(c.loop().iterations()).isEqualTo(3);
    // The default recipe: sft then T x self_reward_dpo.
    assertThat(c.loop().stages()).extracting(SrlmConfig.Stage::type)
        .containsExactly("sft", "self_reward_dpo", "self_reward_dpo", "self_reward_dpo");
    assertThat(c.loop().stages()).extracting(SrlmConfig.Stage::iteration).containsExactly(0, 1, 2, 3);
  }

  @Test
  void precedenceIsDefaultsThenProfilesThenFilesThenSets(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("mine.conf");
    Files.writeString(f, "engine.batch_size = 7\nresponses.num_candidates = 6\n");
    SrlmConfig c = ConfigLoader.from(conf).profiles("local,tiny").file(f).set("responses.num_candidates=5").load();
    assertThat(c.spark().master()).isEqualTo("local[2]"); // profile local
    assertThat(c.model().base()).isEqualTo("builtin:tiny"); // profile tiny
    assertThat(c.engine().batchSize()).isEqualTo(7); // --config beats profiles
    assertThat(c.responses().numCandidates()).isEqualTo(5); // --set beats --config
    assertThat(c.resolved().profiles()).containsExactly("local", "tiny");
  }

  @Test
  void unknownKeyNamesKeyAndFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("typo.conf");
    Files.writeString(f, "responses {\n  num_candidate = 4\n}\n");
    assertThatThrownBy(() -> ConfigLoader.from(conf).file(f).load())
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("Unknown config key 'responses.num_candidate'")
        .hasMessageContaining(f.toString())
        .hasMessageContaining("did you mean 'responses.num_candidates'");
  }

  @Test
  void unknownKeyFromSetNamesTheArgument() {
    assertThatThrownBy(() -> ConfigLoader.from(conf).set("judge.sampels=3").load())
        .hasMessageContaining("Unknown config key 'judge.sampels'")
        .hasMessageContaining("--set judge.sampels=3");
  }

  @Test
  void outOfRangeValuesNameKeyAndOrigin(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> ConfigLoader.from(conf).set("engine.batch_size=-4").load())
        .hasMessageContaining("'engine.batch_size' must be at least 1, cannot be: -4")
        .hasMessageContaining("--set engine.batch_size=-4");
    assertThatThrownBy(() -> ConfigLoader.from(conf).set("responses.temperature=-0.5").load())
        .hasMessageContaining("'responses.temperature' must be between 0.0 and 100.0, cannot be: -0.5");
    assertThatThrownBy(() -> ConfigLoader.from(conf).set("loop.iterations=0").load())
        .hasMessageContaining("'loop.iterations' must be at least 1, cannot be: 0");
    Path f = dir.resolve("bad.conf");
    Files.writeString(f, "\n\ndpo.loss = hinge\n");
    assertThatThrownBy(() -> ConfigLoader.from(conf).file(f).load())
        .hasMessageContaining("'dpo.loss' must be one of sigmoid, ipo, sigmoid_norm, cannot be: 'hinge'")
        .hasMessageContaining(f + ": 3");
  }

  @Test
  void wrongTypeAndSyntaxErrorsNameTheFile(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> ConfigLoader.from(conf).set("engine.batch_size=lots").load())
        .hasMessageContaining("'engine.batch_size' must be an integer");
    Path f = dir.resolve("broken.conf");
    Files.writeString(f, "engine { batch_size = \n");
    assertThatThrownBy(() -> ConfigLoader.from(conf).file(f).load())
        .hasMessageContaining("Cannot parse config file")
        .hasMessageContaining(f.toString());
  }

  @Test
  void unknownProfileAndMissingFile() {
    assertThatThrownBy(() -> ConfigLoader.from(conf).profiles("lokal").load())
        .hasMessageContaining("Unknown profile 'lokal'");
    assertThatThrownBy(() -> ConfigLoader.from(conf).file(Path.of("/nope/x.conf")).load())
        .hasMessageContaining("Config file not found").hasMessageContaining("/nope/x.conf");
  }

  @Test
  void setValuesAreStringsUnlessListsAndPathsNeedNoQuotes() {
    SrlmConfig c = ConfigLoader.from(conf).set("storage.table_root=s3a://bucket/prefix/tables")
        .set("lora.target_modules=[q_proj, v_proj]").set("spark.conf.spark.executor.cores=4").load();
    assertThat(c.storage().tableRoot()).isEqualTo("s3a://bucket/prefix/tables");
    assertThat(c.lora().targetModules()).containsExactly("q_proj", "v_proj");
    assertThat(c.spark().conf()).containsEntry("spark.executor.cores", "4");
  }

  @Test
  void stageListsWithPerStageSettings() {
    SrlmConfig c = ConfigLoader.from(conf).set(
        "loop.stages=[sft, {type = self_reward_dpo, dpo { beta = 0.3 }}, spin, self_reward_dpo]").load();
    assertThat(c.loop().stages()).extracting(SrlmConfig.Stage::type)
        .containsExactly("sft", "self_reward_dpo", "spin", "self_reward_dpo");
    assertThat(c.loop().stages().get(1).settings().dpo().beta()).isEqualTo(0.3);
    assertThat(c.loop().stages().get(3).settings().dpo().beta()).isEqualTo(0.1);
    assertThat(c.loop().stages()).extracting(SrlmConfig.Stage::iteration).containsExactly(0, 1, 2, 3);
  }

  @Test
  void invalidStageListsAreRejected() {
    assertThatThrownBy(() -> ConfigLoader.from(conf).set("loop.stages=[sft, dpo_please]").load())
        .hasMessageContaining("loop.stages[1]").hasMessageContaining("must be one of");
    assertThatThrownBy(() -> ConfigLoader.from(conf).profiles("tiny").set("loop.stages=[self_reward_dpo]").load())
        .hasMessageContaining("must start with sft when model.base is builtin:tiny");
    assertThatThrownBy(() -> ConfigLoader.from(conf).set("loop.stages=[sft, self_reward_dpo, sft]").load())
        .hasMessageContaining("sft may only be the first stage");
    assertThatThrownBy(() -> ConfigLoader.from(conf)
        .set("loop.stages=[sft, {type = spin, dpo { betta = 1 }}]").load())
        .hasMessageContaining("Unknown config key 'dpo.betta'");
  }

  @Test
  void hashIgnoresOperationalKeysAndDiffListsChangedKeys() {
    SrlmConfig a = ConfigLoader.from(conf).load();
    SrlmConfig b = ConfigLoader.from(conf).set("engine.threads=2").set("run.id=x").load();
    SrlmConfig c = ConfigLoader.from(conf).set("dpo.beta=0.2").load();
    assertThat(b.resolved().hash()).isEqualTo(a.resolved().hash());
    assertThat(c.resolved().hash()).isNotEqualTo(a.resolved().hash());
    assertThat(ConfigLoader.diff(a.resolved().flat(), c.resolved().flat())).containsExactly("dpo.beta: 0.1 -> 0.2");
  }

  @Test
  void runIdMustBeSafe() {
    assertThatThrownBy(() -> ConfigLoader.from(conf).set("run.id=../../etc").load())
        .hasMessageContaining("'run.id' must be letters, digits");
  }

  @Test
  void everyShippedProfileLoads() {
    for (String p : new String[] {"local", "tiny", "gpu-cluster", "databricks"}) {
      assertThat(ConfigLoader.from(conf).profiles(p).load().resolved().profiles()).containsExactly(p);
    }
    Map<String, String> flat = ConfigLoader.from(conf).profiles("gpu-cluster").load().spark().conf();
    assertThat(flat).containsEntry("spark.executor.resource.gpu.amount", "1");
  }
}

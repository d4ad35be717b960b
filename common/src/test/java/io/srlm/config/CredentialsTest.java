package io.srlm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.errors.SrlmException;
import io.srlm.tables.RunConfig;
import io.srlm.testing.TestConf;
import io.srlm.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credential-like config keys are refused in every layer and redacted wherever a flattened config is kept. */
class CredentialsTest {
  private static final String SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";
  private final ConfSource conf = TestConf.conf();

  @Test
  void setOfACredentialUnderSparkConfIsRefusedWithoutEchoingTheValue() {
    String key = "spark.conf.spark.hadoop.fs.s3a.secret.key";
    assertThatThrownBy(() -> ConfigLoader.from(conf).set(key + "=" + SECRET).load())
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("Config key '" + key + "' looks like a credential")
        .hasMessageContaining("AWS_SECRET_ACCESS_KEY").hasMessageContaining("instance profile")
        .hasMessageContaining("Hadoop configuration")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void credentialsAreRefusedAnywhereInTheTree(@TempDir Path dir) throws Exception {
    List<String> sets = List.of(
        "spark.conf.\"spark.hadoop.fs.s3a.access.key\"=" + SECRET,
        "spark.conf.\"spark.hadoop.fs.s3a.bucket.b1.session.token\"=" + SECRET,
        "spark.conf.\"spark.executorEnv.AWS_SECRET_ACCESS_KEY\"=" + SECRET,
        "spark.conf.\"spark.ssl.keyPassword\"=" + SECRET,
        "spark.conf.\"spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net\"=" + SECRET,
        "storage.s3.secret.key=" + SECRET,
        "storage.s3.\"fs.s3a.server-side-encryption.key\"=" + SECRET,
        "spark.conf={\"spark.hadoop.fs.s3a.secret.key\" = \"" + SECRET + "\"}",
        "judge.hf_token=" + SECRET);
    for (String s : sets) {
      assertThatThrownBy(() -> ConfigLoader.from(conf).set(s).load()).as(s)
          .isInstanceOf(SrlmException.class).hasMessageContaining("looks like a credential")
          .hasMessageNotContaining(SECRET);
    }
    Path file = dir.resolve("cluster.conf");
    Files.writeString(file, "spark {\n  conf {\n    \"spark.hadoop.fs.s3a.secret.key\" = \"" + SECRET + "\"\n  }\n}\n");
    assertThatThrownBy(() -> ConfigLoader.from(conf).file(file).load())
        .hasMessageContaining("'spark.conf.\"spark.hadoop.fs.s3a.secret.key\"' looks like a credential")
        .hasMessageContaining(file + ": 3").hasMessageNotContaining(SECRET);
    Path confDir = dir.resolve("conf");
    Files.createDirectories(confDir.resolve("profiles"));
    Files.copy(TestConf.repoRoot().resolve("conf/srlm.conf"), confDir.resolve("srlm.conf"));
    Files.writeString(confDir.resolve("profiles/leaky.conf"), "storage.s3 { access.key = \"" + SECRET + "\" }\n");
    assertThatThrownBy(() -> ConfigLoader.from(ConfSource.dir(confDir)).profiles("leaky").load())
        .hasMessageContaining("'storage.s3.access.key' looks like a credential")
        .hasMessageContaining("leaky.conf").hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> ConfigLoader.from(conf)
        .set("loop.stages=[sft, {type = self_reward_dpo, judge { api_key = \"" + SECRET + "\" }}]").load())
        .hasMessageContaining("'judge.api_key' looks like a credential").hasMessageNotContaining(SECRET);
  }

  @Test
  void keysThatNameWhereCredentialsComeFromAreAccepted() {
    SrlmConfig c = ConfigLoader.from(conf)
        .set("spark.conf.\"spark.hadoop.fs.s3a.aws.credentials.provider\"="
            + "com.amazonaws.auth.InstanceProfileCredentialsProvider")
        .set("spark.conf.\"spark.hadoop.hadoop.security.credential.provider.path\"=jceks://hdfs/s3.jceks")
        .set("spark.conf.\"spark.hadoop.fs.s3a.delegation.token.binding\"=org.example.Binding")
        .set("spark.conf.\"spark.authenticate.secret.file\"=/etc/spark/secret").load();
    assertThat(c.spark().conf()).containsEntry("spark.hadoop.fs.s3a.delegation.token.binding",
        "org.example.Binding").hasSize(4);
    // No key that srlm itself defines (max_new_tokens, phrase_tokens, ...) reads as a credential.
    assertThat(c.resolved().flat().keySet()).noneMatch(Credentials::looksLikeCredential)
        .contains("responses.max_new_tokens", "model.tiny.phrase_tokens");
  }

  @Test
  void wordRules() {
    assertThat(List.of("fs.s3a.secret.key", "fs.s3a.access.key", "fs.s3a.session.token", "AWS_SECRET_ACCESS_KEY",
        "spark.ssl.keyStorePassword", "hf_token", "oauthToken", "client.secret", "fs.azure.sas.token",
        "db.passwd", "openai.apiKey", "gcs.private.key", "fs.s3a.encryption.key"))
        .allMatch(Credentials::looksLikeCredential);
    assertThat(List.of("responses.max_new_tokens", "fs.s3a.aws.credentials.provider", "fs.s3a.endpoint",
        "spark.authenticate.secretBitLength", "spark.io.encryption.keySizeBits", "fs.azure.sas.token.provider.type",
        "spark.kubernetes.authenticate.submission.oauthTokenFile", "tokenizer.path", "spark.ssl.keyStore",
        "hadoop.security.credential.clear-text-fallback", "model.tiny.phrase_tokens"))
        .noneMatch(Credentials::looksLikeCredential);
  }

  @Test
  void storedAndPrintedConfigsAreRedacted() {
    Map<String, String> flat = new TreeMap<>(Map.of("spark.conf.\"spark.hadoop.fs.s3a.secret.key\"", SECRET,
        "dpo.beta", "0.1"));
    SrlmConfig.Resolved r = new SrlmConfig.Resolved(conf, flat, "h", List.of());
    assertThat(r.flat()).containsEntry("dpo.beta", "0.1")
        .containsEntry("spark.conf.\"spark.hadoop.fs.s3a.secret.key\"", Credentials.REDACTED);
    RunConfig row = new RunConfig("r", "h", Json.write(flat), 1L);
    assertThat(row.configJson()).doesNotContain(SECRET).contains(Credentials.REDACTED).contains("\"dpo.beta\"");
    String clean = Json.write(Map.of("dpo.beta", "0.1"));
    assertThat(new RunConfig("r", "h", clean, 1L).configJson()).isSameAs(clean);
    SrlmConfig.SparkConf spark = new SrlmConfig.SparkConf("local[2]", "srlm",
        Map.of("spark.hadoop.fs.s3a.access.key", SECRET));
    SrlmConfig.Storage storage = new SrlmConfig.Storage("t", "m", "", "", Map.of("secret.key", SECRET));
    assertThat(spark.toString() + storage).doesNotContain(SECRET).contains(Credentials.REDACTED);
  }
}

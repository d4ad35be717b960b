package io.srlm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.SrlmException;
import io.srlm.loop.LoopRunner;
import io.srlm.loop.RunSummary;
import io.srlm.model.io.ModelLocation;
import io.srlm.pipeline.RunContext;
import io.srlm.spark.SparkSessions;
import io.srlm.tables.Catalogue;
import io.srlm.tables.ModelRow;
import io.srlm.tables.TableStore;
import io.srlm.testing.LocalSpark;
import io.srlm.testing.TestConf;
import io.srlm.testing.TestModels;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One self-reward iteration with everything on s3a://: the base model is read from the bucket (driver and
 * executors copy it to their cache), the Delta tables and the trained model are written there. The S3 API server is
 * s3proxy over a local folder, run as a separate process on loopback; S3A reaches it with the standard settings
 * (endpoint, path-style access) from storage.s3 and srlm's own retry and timeout defaults (conf/srlm.conf), and the
 * credentials from the environment (set by the build for
 * this module's tests), never from config.
 */
@ExtendWith(LocalSpark.class)
class S3LoopTest {
  static final String BUCKET = "srlm-test";

  @TempDir
  static Path dir;
  static Process server;
  static int port;

  @BeforeAll
  static void startS3() throws Exception {
    String jar = System.getProperty("srlm.s3proxy.jar");
    assertThat(jar).as("system property srlm.s3proxy.jar (set by the jobs pom)").isNotNull();
    Path blobs = Files.createDirectories(dir.resolve("blobs"));
    Files.createDirectories(blobs.resolve(BUCKET));
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path props = dir.resolve("s3proxy.conf");
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + System.getenv("AWS_ACCESS_KEY_ID"),
        "s3proxy.credential=" + System.getenv("AWS_SECRET_ACCESS_KEY"),
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + blobs, ""));
    server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-jar", jar, "--properties", props.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        break;
      } catch (IOException e) {
        if (!server.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("s3proxy did not start; see " + dir.resolve("s3proxy.log") + ":\n"
              + Files.readString(dir.resolve("s3proxy.log")));
        }
        Thread.sleep(200);
      }
    }
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (server != null) {
      server.destroyForcibly().waitFor();
    }
  }

  static SrlmConfig config(String runId, String bucket, int endpointPort, String... extra) {
    String s3 = "s3a://" + bucket;
    List<String> sets = new ArrayList<>(List.of(
        "run.id=" + runId,
        "loop.stages=[self_reward_dpo]",
        "model.base=" + s3 + "/base/m1",
        "storage.table_root=" + s3 + "/tables",
        "storage.model_root=" + s3 + "/models",
        "storage.cache_dir=" + dir.resolve("cache-" + runId),
        "storage.s3.bucket." + bucket + ".endpoint=http://127.0.0.1:" + endpointPort,
        "storage.s3.bucket." + bucket + ".path.style.access=true",
        "storage.s3.bucket." + bucket + ".connection.ssl.enabled=false"));
    sets.addAll(List.of(extra));
    return TestConf.loop(dir.resolve("local-" + runId), sets.toArray(new String[0]));
  }

  @Test
  void anIterationReadsAndWritesEverythingOnS3() throws Exception {
    SrlmConfig cfg = config("s3", BUCKET, port);
    RunContext ctx = RunContext.open(LocalSpark.session(), cfg, false, false);
    ModelLocation.upload(TestModels.m1(), cfg.model().base(), ctx.models().hadoop());

    java.io.StringWriter logs = new java.io.StringWriter();
    RunSummary summary;
    try (LogCapture ignored = LogCapture.start(logs, "io.srlm", "org.apache.hadoop.fs.s3a", "com.amazonaws")) {
      summary = LoopRunner.run(ctx);
    }
    // The run's logs (srlm at DEBUG, S3A and the AWS SDK at DEBUG) never print the secret.
    assertThat(logs.toString()).contains("s3a://" + BUCKET).doesNotContain(System.getenv("AWS_SECRET_ACCESS_KEY"));

    assertThat(summary.lines()).extracting(RunSummary.Line::model).containsExactly("M2");
    assertThat(summary.lines().get(0).pairs()).isPositive();
    List<ModelRow> models = ctx.tables().collect(Catalogue.MODELS, TableStore.runIs("s3"));
    ModelRow m2 = models.stream().filter(m -> m.name().equals("M2")).findFirst().orElseThrow();
    assertThat(m2.path()).startsWith("s3a://" + BUCKET + "/models/");
    assertThat(ctx.models().modelExists(m2.path())).isTrue();
    assertThat(m2.trainedOn()).containsKey("preference_pairs");
    assertThat(ctx.tables().readVersion(Catalogue.PREFERENCE_PAIRS, m2.trainedOn().get("preference_pairs"))
        .count()).isPositive();

    // The objects are in the server's store (the bucket folder), not on local disk.
    Path bucket = dir.resolve("blobs").resolve(BUCKET);
    assertThat(bucket.resolve("tables/preference_pairs/_delta_log")).isDirectory();
    assertThat(bucket.resolve("models/s3/M2/config.json")).isRegularFile();
    assertThat(bucket.resolve("models/s3/M2/" + ModelLocation.COMPLETE_MARKER)).isRegularFile();
    assertThat(dir.resolve("local-s3").resolve("tables")).doesNotExist();
    // No credential reached a table: the recorded config holds no secret.
    String configJson = LocalSpark.session().read().format("delta")
        .load("s3a://" + BUCKET + "/tables/run_config").collectAsList().toString();
    assertThat(configJson).doesNotContain(System.getenv("AWS_SECRET_ACCESS_KEY"));
    try (Stream<Path> files = Files.walk(bucket)) {
      assertThat(files.filter(Files::isRegularFile).count()).isGreaterThan(20);
    }
  }

  /**
   * An endpoint that refuses connections, with srlm's own retry and timeout defaults (conf/srlm.conf storage.s3:
   * the test sets only the endpoint and path style): the error names the table root within the bound. With
   * Hadoop's defaults instead (20 SDK attempts inside each of 7 S3A retries) it would wait for many minutes; the
   * timeout turns that into a failure.
   */
  @Test
  @Timeout(value = 150, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anUnreachableEndpointFailsFastNamingTheTableRoot() throws Exception {
    SrlmConfig cfg = config("nowhere", "srlm-nowhere", 0);
    assertThat(SparkSessions.hadoopS3(cfg.storage())).as("srlm's S3A defaults")
        .containsEntry("fs.s3a.attempts.maximum", "3").containsEntry("fs.s3a.retry.limit", "3")
        .containsEntry("fs.s3a.connection.establish.timeout", "5000").containsEntry("fs.s3a.connection.timeout",
            "30000")
        .doesNotContainKeys("fs.s3a.bucket.srlm-nowhere.attempts.maximum", "fs.s3a.bucket.srlm-nowhere.retry.limit");
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> RunContext.open(LocalSpark.session(), config("nowhere", "srlm-nowhere", closed), false,
        false))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("s3a://srlm-nowhere/tables");
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("S3LoopTest: a refused endpoint failed after %.1f s with srlm's S3A defaults%n", seconds);
    assertThat(seconds).as("seconds until the error").isLessThan(120);
  }

  @Test
  void credentialsInConfigAreRefused() {
    assertThatThrownBy(() -> RunContext.open(LocalSpark.session(),
        config("creds", BUCKET, port, "storage.s3.access.key=AKIAEXAMPLE"), false, false))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("storage.s3.access.key")
        .hasMessageNotContaining("AKIAEXAMPLE");
  }

  /** Captures the named loggers (at DEBUG) into a writer while open, through log4j2 (Spark's logging backend). */
  static final class LogCapture implements AutoCloseable {
    private final org.apache.logging.log4j.core.LoggerContext context;
    private final org.apache.logging.log4j.core.Appender appender;
    private final java.util.Map<String, org.apache.logging.log4j.Level> before = new java.util.HashMap<>();

    private LogCapture(java.io.Writer out, String... loggers) {
      context = (org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
      appender = org.apache.logging.log4j.core.appender.WriterAppender.newBuilder().setName("srlm-log-capture")
          .setTarget(out).setLayout(org.apache.logging.log4j.core.layout.PatternLayout.newBuilder()
              .withPattern("%p %c %m%n").build()).build();
      appender.start();
      var config = context.getConfiguration();
      config.addAppender(appender);
      for (String name : loggers) {
        before.put(name, org.apache.logging.log4j.LogManager.getLogger(name).getLevel());
        org.apache.logging.log4j.core.config.Configurator.setLevel(name, org.apache.logging.log4j.Level.DEBUG);
        config.getLoggerConfig(name).addAppender(appender, org.apache.logging.log4j.Level.DEBUG, null);
        config.getLoggerConfig(name).setAdditive(false); // captured only, not also flooding the console
      }
      context.updateLoggers();
    }

    static LogCapture start(java.io.Writer out, String... loggers) {
      return new LogCapture(out, loggers);
    }

    @Override
    public void close() {
      var config = context.getConfiguration();
      for (var e : before.entrySet()) {
        config.getLoggerConfig(e.getKey()).removeAppender(appender.getName());
        config.getLoggerConfig(e.getKey()).setAdditive(true);
        org.apache.logging.log4j.core.config.Configurator.setLevel(e.getKey(), e.getValue());
      }
      context.updateLoggers();
      appender.stop();
    }
  }
}

package io.srlm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real S3 API on loopback for tests: s3proxy (target/s3proxy/s3proxy.jar, copied by the jobs pom) over a local
 * folder, run as a separate process, with the credentials of the environment (set by the build for this module's
 * tests). Objects land as files under {@link #objects(String)}, so a test can see what reached the bucket.
 */
final class S3Proxy implements AutoCloseable {
  private final Path blobs;
  private final Process server;
  final int port;

  private S3Proxy(Path blobs, Process server, int port) {
    this.blobs = blobs;
    this.server = server;
    this.port = port;
  }

  /** Starts s3proxy with its store under {@code dir}, creates {@code buckets}, and waits until it listens. */
  static S3Proxy start(Path dir, String... buckets) throws Exception {
    String jar = System.getProperty("srlm.s3proxy.jar");
    assertThat(jar).as("system property srlm.s3proxy.jar (set by the jobs pom)").isNotNull();
    Path blobs = Files.createDirectories(dir.resolve("blobs"));
    for (String b : buckets) {
      Files.createDirectories(blobs.resolve(b));
    }
    int port;
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
    Path log = dir.resolve("s3proxy.log");
    Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jar, "--properties", props.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return new S3Proxy(blobs, server, port);
      } catch (IOException e) {
        if (!server.isAlive() || System.nanoTime() > deadline) {
          server.destroyForcibly();
          throw new IllegalStateException("s3proxy did not start; see " + log + ":\n" + Files.readString(log));
        }
        Thread.sleep(200);
      }
    }
  }

  /** The local folder holding a bucket's objects (object key = relative path). */
  Path objects(String bucket) {
    return blobs.resolve(bucket);
  }

  /**
   * The overrides that put a run's tables and models on {@code s3a://bucket} (base model at base/m1), reached
   * through this server with the standard S3A settings: endpoint and path-style access.
   */
  List<String> storageSets(String bucket) {
    return storageSets(bucket, port);
  }

  static List<String> storageSets(String bucket, int endpointPort) {
    String s3 = "s3a://" + bucket;
    return new ArrayList<>(List.of(
        "model.base=" + s3 + "/base/m1",
        "storage.table_root=" + s3 + "/tables",
        "storage.model_root=" + s3 + "/models",
        "storage.s3.bucket." + bucket + ".endpoint=http://127.0.0.1:" + endpointPort,
        "storage.s3.bucket." + bucket + ".path.style.access=true",
        "storage.s3.bucket." + bucket + ".connection.ssl.enabled=false"));
  }

  @Override
  public void close() throws InterruptedException {
    server.destroyForcibly().waitFor();
  }
}

package io.srlm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar that deploy/ submits (run by failsafe, after packaging): every main class a deploy file names is in
 * it, with a main method's class file, and its Main-Class is the CLI.
 */
class ShadedJarIT {
  static Path shadedJar() {
    String p = System.getProperty("srlm.shaded.jar");
    if (p != null) {
      return Path.of(p);
    }
    Path target = DeployFiles.repoRoot().resolve("jobs/target");
    try (var s = Files.list(target)) {
      return s.filter(f -> f.getFileName().toString().matches("srlm-jobs-.*-spark\\.jar")).findFirst()
          .orElseThrow(() -> new AssertionError("no shaded jar in " + target + ": run mvn -pl jobs package"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void everyMainClassTheDeployFilesNameIsInTheShadedJar() throws IOException {
    Set<String> named = DeployFiles.mainClasses();
    assertThat(named).contains(DeployFiles.CLI_CLASS, DeployFiles.JOB_PACKAGE + ".RunLoopJob");
    Set<String> missing = new TreeSet<>();
    try (ZipFile jar = new ZipFile(shadedJar().toFile())) {
      for (String c : named) {
        ZipEntry e = jar.getEntry(c.replace('.', '/') + ".class");
        if (e == null || e.getSize() == 0) {
          missing.add(c);
        }
      }
    }
    assertThat(missing).as("main classes named in deploy/ but missing from " + shadedJar()).isEmpty();
  }

  @Test
  void theJarsMainClassIsTheCli() throws IOException {
    try (JarFile jar = new JarFile(shadedJar().toFile())) {
      Manifest m = jar.getManifest();
      assertThat(m.getMainAttributes().getValue("Main-Class")).isEqualTo(DeployFiles.CLI_CLASS);
    }
  }
}

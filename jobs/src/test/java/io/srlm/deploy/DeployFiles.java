package io.srlm.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files under deploy/ and what they reference, for tests. {@link #mainClasses()} is the set of main classes the
 * deploy files name, so that a test can check each one against the shaded jar once the jobs exist.
 */
public final class DeployFiles {
  private DeployFiles() {}

  /** The package of the thin spark-submit entry points. */
  public static final String JOB_PACKAGE = "io.srlm.jobs";
  /** The CLI (the shaded jar's Main-Class). */
  public static final String CLI_CLASS = "io.srlm.cli.Srlm";
  /** Every job entry point, by simple name: the step registry's own mains, the generic one, the report, the loop. */
  public static final List<String> JOB_CLASSES = jobClasses();

  private static List<String> jobClasses() {
    List<String> out = new ArrayList<>();
    io.srlm.registry.StepRegistry.STEPS_IN_ORDER.stream().filter(d -> d.job() != null).forEach(d -> out.add(d.job()));
    out.add(io.srlm.registry.StepRegistry.GENERIC_JOB);
    out.add("WriteReportJob");
    out.add("RunLoopJob");
    return List.copyOf(out);
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The repository root: the srlm.repo.root system property (set by the build), else found from the cwd. */
  public static Path repoRoot() {
    String p = System.getProperty("srlm.repo.root");
    if (p != null && !p.isBlank()) {
      return Path.of(p).toAbsolutePath().normalize();
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("deploy")) && Files.isDirectory(dir.resolve("conf"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("cannot find the repository root (no deploy/ and conf/ above the cwd)");
  }

  public static Path deployDir() {
    return repoRoot().resolve("deploy");
  }

  public static Path databricksJobJson() {
    return deployDir().resolve("databricks/srlm-job.json");
  }

  public static Path databricksBundle() {
    return deployDir().resolve("databricks/databricks.yml");
  }

  public static Path submitScript(String flavour) {
    return deployDir().resolve("spark-submit-" + flavour + ".sh");
  }

  public static Path gpuDiscoveryScript() {
    return deployDir().resolve("gpu-discovery.sh");
  }

  /** Every shell script under deploy/, sorted. */
  public static List<Path> scripts() {
    try (Stream<Path> s = Files.walk(deployDir())) {
      return s.filter(f -> f.toString().endsWith(".sh") && Files.isRegularFile(f)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode databricksJob() {
    return readJson(databricksJobJson());
  }

  public static JsonNode bundle() {
    return readYaml(databricksBundle());
  }

  public static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
  }

  public static JsonNode readYaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
  }

  /** conf/jvm.properties, the one place the JVM flags live. */
  public static Properties jvmProperties() {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(repoRoot().resolve("conf/jvm.properties"))) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** The tasks of a job (Jobs API JSON or a bundle's resources.jobs entry). */
  public static List<JsonNode> tasks(JsonNode job) {
    List<JsonNode> out = new ArrayList<>();
    job.path("tasks").forEach(out::add);
    return out;
  }

  /** The {@code field} of every element of {@code array}, as text. */
  public static List<String> strings(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.path(field).asText()));
    return out;
  }

  /** The one job the bundle defines. */
  public static JsonNode bundleJob() {
    JsonNode jobs = bundle().path("resources").path("jobs");
    if (jobs.size() != 1) {
      throw new IllegalStateException("expected exactly one job in " + databricksBundle() + ", found " + jobs.size());
    }
    return jobs.elements().next();
  }

  /**
   * Every main class the deploy files reference, fully qualified: the main_class_name of every task of the
   * Databricks job JSON and of the bundle, the jobs the submit scripts accept (their SRLM_JOB_CLASSES list, which
   * includes the default RunLoopJob) and the CLI class they name.
   */
  public static Set<String> mainClasses() {
    Set<String> out = new TreeSet<>();
    for (JsonNode t : tasks(databricksJob())) {
      out.add(t.path("spark_jar_task").path("main_class_name").asText());
    }
    for (JsonNode t : tasks(bundleJob())) {
      out.add(t.path("spark_jar_task").path("main_class_name").asText());
    }
    String common = read(deployDir().resolve("submit-common.sh"));
    String pkg = shellValue(common, "SRLM_JOB_PACKAGE");
    for (String name : shellArray(common, "SRLM_JOB_CLASSES")) {
      out.add(pkg + "." + name);
    }
    out.add(shellValue(common, "SRLM_CLI_CLASS"));
    out.remove("");
    return out;
  }

  /** The words of a bash array assignment {@code NAME=(a b c)} (which may span lines). */
  static List<String> shellArray(String script, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "=\\(([^)]*)\\)").matcher(script);
    if (!m.find()) {
      throw new IllegalStateException("no array " + name + " in the script");
    }
    return Arrays.stream(m.group(1).trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }

  /** The value of a plain assignment {@code NAME=value}. */
  static String shellValue(String script, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "=(\\S*)\\s*$").matcher(script);
    if (!m.find()) {
      throw new IllegalStateException("no assignment " + name + " in the script");
    }
    return m.group(1);
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

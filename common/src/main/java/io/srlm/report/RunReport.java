package io.srlm.report;

import io.srlm.errors.Errors;
import io.srlm.pipeline.RunContext;
import io.srlm.tables.Catalogue;
import io.srlm.tables.Roots;
import io.srlm.tables.TableStore;
import io.srlm.util.Locations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.fs.FileSystem;

/** Builds a run's {@link ReportData} from its tables and writes the report under report.dir/&lt;run_id&gt;/. */
public final class RunReport {
  private RunReport() {}

  public static ReportData data(RunContext ctx) {
    TableStore t = ctx.tables();
    var run = TableStore.runIs(ctx.runId());
    return new ReportData(ctx.runId(), t.collect(Catalogue.MODELS, run), t.collect(Catalogue.PROMPTS, run),
        t.collect(Catalogue.RESPONSES, run), t.collect(Catalogue.JUDGEMENTS, run),
        t.collect(Catalogue.PREFERENCE_PAIRS, run), t.collect(Catalogue.TRAINING_METRICS, run),
        t.collect(Catalogue.EVALUATIONS, run), t.collect(Catalogue.RUNS, run));
  }

  /** Writes the report; returns where report.html is (a local path or the uploaded URI). */
  public static String write(RunContext ctx) {
    String dir = ctx.config().loop().reportDir();
    boolean remote = Locations.isRemote(dir);
    Path local = remote ? ctx.models().cacheDir().resolve("reports").resolve(ctx.runId())
        : Path.of(Roots.under(Path.of(dir).toAbsolutePath().normalize().toString(), ctx.runId()));
    WrittenReport w = ReportWriter.write(data(ctx), local);
    if (!remote) {
      return w.html().toString();
    }
    String target = Roots.under(dir, ctx.runId());
    try {
      org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(target);
      FileSystem fs = dst.getFileSystem(ctx.models().hadoop());
      fs.mkdirs(dst);
      try (var files = Files.list(local)) {
        for (Path f : files.toList()) {
          fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(f.toUri()), new org.apache.hadoop.fs.Path(
              dst, f.getFileName().toString()));
        }
      }
    } catch (IOException e) {
      throw Errors.storageRoot("report.dir", dir, "cannot upload the report (" + e.getMessage() + ")", e);
    }
    return target + "/" + ReportWriter.HTML_FILE;
  }
}

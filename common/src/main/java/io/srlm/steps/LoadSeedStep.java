package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.TaskPrompt;
import io.srlm.seed.BuiltinSeed;
import io.srlm.seed.JsonlSeedReader;
import io.srlm.seed.OasstImporter;
import io.srlm.seed.OnBadRow;
import io.srlm.seed.SeedData;
import io.srlm.tables.Catalogue;
import io.srlm.tables.SeedEft;
import io.srlm.tables.SeedIft;
import io.srlm.tables.RejectedRow;
import io.srlm.tables.TableStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads the seed data (built-in set, user JSONL, or an Open Assistant trees export) into seed_ift and seed_eft
 * for this run. The whole input is read and validated before anything is written, so a bad file leaves no partial
 * output; with seed.on_bad_row = skip, skipped rows go to rejected_rows and are counted.
 */
public final class LoadSeedStep implements Step {

  @Override
  public StepResult run(StepContext ctx) {
    SrlmConfig c = ctx.settings();
    SeedData data = load(ctx.run(), c);
    if (data.ift().isEmpty()) {
      throw Errors.error(io.srlm.errors.ErrorCode.SEED_DATA, "The seed data has no instruction-following rows",
          "check seed.source and the seed files", "source", c.seed().source());
    }
    StepResult.Builder r = ctx.result();
    ctx.replace(Catalogue.SEED_IFT, data.ift(), ctx.runRows());
    ctx.replace(Catalogue.SEED_EFT, data.eft(), ctx.runRows());
    ctx.replaceRejected(0, data.rejected());
    data.counts().forEach(r::count);
    r.count("ift_rows", data.ift().size());
    r.count("eft_rows", data.eft().size());
    r.count("skipped_rows", data.rejected().size());
    return ctx.done(String.format("%d IFT and %d EFT seed rows from %s (%d skipped)", data.ift().size(),
        data.eft().size(), c.seed().source(), data.rejected().size()));
  }

  /** Reads the configured seed source (no writes). */
  public static SeedData load(RunContext ctx, SrlmConfig c) {
    JudgeTemplate judge = JudgeTemplate.load(c.resolved().confSource(), c.judge().template(), "judge.template");
    TaskPrompt task = TaskPrompt.load(c.resolved().confSource(), c.prompts().template());
    OnBadRow mode = c.seed().onBadRow().equals("skip") ? OnBadRow.SKIP : OnBadRow.FAIL;
    double heldout = c.seed().heldoutFraction();
    return switch (c.seed().source()) {
      case "builtin" -> BuiltinSeed.generate(BuiltinSeed.Options.of(c.seed().builtin(), heldout, ctx.seed()),
          judge, task, ctx.runId());
      case "jsonl" -> {
        SeedData ift = JsonlSeedReader.read(local(ctx, c.seed().iftPath(), "seed.ift_path"),
            JsonlSeedReader.Kind.IFT, judge, mode, heldout, ctx.runId());
        if (c.seed().eftPath().isEmpty()) {
          yield ift;
        }
        SeedData eft = JsonlSeedReader.read(local(ctx, c.seed().eftPath(), "seed.eft_path"),
            JsonlSeedReader.Kind.EFT, judge, mode, heldout, ctx.runId());
        yield merge(ift, eft);
      }
      case "oasst" -> OasstImporter.read(local(ctx, c.seed().oasstPath(), "seed.oasst_path"), c.seed().oasstLang(),
          judge, mode, heldout, ctx.runId());
      default -> throw Errors.internal("unknown seed source " + c.seed().source(), null);
    };
  }

  private static SeedData merge(SeedData a, SeedData b) {
    List<SeedIft> ift = new ArrayList<>(a.ift());
    ift.addAll(b.ift());
    List<SeedEft> eft = new ArrayList<>(a.eft());
    eft.addAll(b.eft());
    List<RejectedRow> rej = new ArrayList<>(a.rejected());
    rej.addAll(b.rejected());
    Map<String, Long> counts = new java.util.LinkedHashMap<>(a.counts());
    b.counts().forEach((k, v) -> counts.merge(k, v, Long::sum));
    return new SeedData(ift, eft, rej, counts);
  }

  /** A local path for a seed file; remote (s3a://, dbfs:/) files are copied to the cache first. */
  private static Path local(RunContext ctx, String location, String key) {
    if (!io.srlm.util.Locations.isRemote(location)) {
      Path p = Path.of(location);
      if (!Files.isRegularFile(p)) {
        throw Errors.seedMissingFile(key, location);
      }
      return p;
    }
    try {
      org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(location);
      var fs = src.getFileSystem(ctx.models().hadoop());
      if (!fs.exists(src)) {
        throw Errors.seedMissingFile(key, location);
      }
      Path dst = ctx.models().cacheDir().resolve("seed").resolve(io.srlm.util.StableIds.sha256Hex(location) + "-"
          + src.getName());
      Files.createDirectories(dst.getParent());
      fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(dst.toUri()), true);
      return dst;
    } catch (java.io.IOException e) {
      throw Errors.error(io.srlm.errors.ErrorCode.SEED_DATA, "Cannot read seed file: " + e.getMessage(),
          "check the path and the storage credentials", e, "key", key, "file", location);
    }
  }
}

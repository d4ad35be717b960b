package io.srlm.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one factory for user-facing errors. Every message follows the same shape:
 *
 * <pre>  what went wrong (where: file/table/row/key). why, if not obvious. To fix: how.</pre>
 *
 * Callers never build {@link SrlmException} directly. Each area keeps its factory methods in its own section
 * below, so the wording stays consistent and tests can assert on it.
 */
public final class Errors {
  private Errors() {}

  /**
   * Builds an error. {@code kv} are alternating context keys and values (file, line, table, key, row...);
   * they are added to the message as "(k=v, ...)" and kept as structured fields.
   */
  public static SrlmException error(ErrorCode code, String what, String fix, Throwable cause, Object... kv) {
    if (kv.length % 2 != 0) {
      throw new IllegalArgumentException("context must be key/value pairs");
    }
    Map<String, String> ctx = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        ctx.put(String.valueOf(kv[i]), String.valueOf(kv[i + 1]));
      }
    }
    StringBuilder msg = new StringBuilder(what);
    if (!ctx.isEmpty()) {
      msg.append(" (");
      boolean first = true;
      for (Map.Entry<String, String> e : ctx.entrySet()) {
        if (!first) {
          msg.append(", ");
        }
        msg.append(e.getKey()).append('=').append(e.getValue());
        first = false;
      }
      msg.append(')');
    }
    if (!msg.toString().endsWith(".")) {
      msg.append('.');
    }
    if (fix != null && !fix.isEmpty()) {
      msg.append(" To fix: ").append(fix);
      if (!fix.endsWith(".")) {
        msg.append('.');
      }
    }
    return new SrlmException(code, msg.toString(), ctx, cause);
  }

  public static SrlmException error(ErrorCode code, String what, String fix, Object... kv) {
    return error(code, what, fix, null, kv);
  }

  /** A broken internal invariant: a bug in srlm, not bad input. */
  public static SrlmException internal(String what, Throwable cause) {
    return error(ErrorCode.INTERNAL, "Internal error: " + what,
        "this is a bug in srlm; please report it with the stack trace", cause);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Configuration
  // ---------------------------------------------------------------------------------------------------------

  public static SrlmException configUnknownKey(String key, String origin, String suggestion) {
    String fix = suggestion == null
        ? "remove it, or check the spelling against conf/srlm.conf, which defines every key"
        : "did you mean '" + suggestion + "'? Every key is defined in conf/srlm.conf";
    return error(ErrorCode.CONFIG, "Unknown config key '" + key + "'", fix, "key", key, "file", origin);
  }

  public static SrlmException configBadValue(String key, String origin, String requirement, Object actual) {
    return error(ErrorCode.CONFIG,
        "Config key '" + key + "' " + requirement + ", cannot be: " + actual,
        "set a valid value in that file or with --set " + key + "=...", "key", key, "file", origin);
  }

  public static SrlmException configBadType(String key, String origin, String expected, Throwable cause) {
    return error(ErrorCode.CONFIG, "Config key '" + key + "' must be " + expected,
        "set a value of that type, e.g. --set " + key + "=...", cause, "key", key, "file", origin);
  }

  public static SrlmException configParse(String file, Throwable cause) {
    return error(ErrorCode.CONFIG, "Cannot parse config file: " + rootMessage(cause),
        "fix the HOCON syntax at the position shown", cause, "file", file);
  }

  public static SrlmException configMissingProfile(String profile, String dir) {
    return error(ErrorCode.CONFIG, "Unknown profile '" + profile + "'",
        "use one of the files in " + dir + " (without .conf), e.g. --profile local,tiny", "profile", profile,
        "dir", dir);
  }

  public static SrlmException configBadOverride(String arg) {
    return error(ErrorCode.CONFIG, "Cannot read --set '" + arg + "'",
        "write it as --set key=value, e.g. --set responses.num_candidates=4", "arg", arg);
  }

  /** A config key that looks like a credential ({@link io.srlm.config.Credentials}); the value is never shown. */
  public static SrlmException configCredential(String key, String origin) {
    return error(ErrorCode.CONFIG, "Config key '" + key + "' looks like a credential (a secret, password, token or "
        + "access key); srlm refuses credentials in its config, which is stored in the run_config table",
        "remove it and let the cluster supply credentials: the environment (AWS_ACCESS_KEY_ID, "
            + "AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN on the driver and executors), the instance profile or IAM "
            + "role, or the cluster's Hadoop configuration (core-site.xml, or a credential provider file named by "
            + "hadoop.security.credential.provider.path)", "key", key, "file", origin);
  }

  /** Keys a profile leaves for the user to set (e.g. model.base for databricks) are still empty. */
  public static SrlmException configRequiredByProfile(String profile, java.util.List<String> keys, String fix) {
    return error(ErrorCode.CONFIG, "Profile '" + profile + "' leaves " + String.join(", ", keys)
        + " for you to set, and it is empty", fix, "profile", profile, "keys", String.join(",", keys));
  }

  public static SrlmException configMissingFile(String file) {
    return error(ErrorCode.CONFIG, "Config file not found", "check the path given to --config", "file", file);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Seed data
  // ---------------------------------------------------------------------------------------------------------

  public static SrlmException seedBadRow(String file, long line, String problem, String fix) {
    return error(ErrorCode.SEED_DATA, "Bad seed row: " + problem, fix
        + " (or pass --set seed.on_bad_row=skip to skip such rows; they are counted and recorded in rejected_rows)",
        "file", file, "line", line);
  }

  public static SrlmException seedEmpty(String file) {
    return error(ErrorCode.SEED_DATA, "Seed file has no rows",
        "point the config at a non-empty JSONL file with one {\"prompt\",\"completion\"} object per line",
        "file", file);
  }

  public static SrlmException seedMissingFile(String key, String file) {
    return error(ErrorCode.SEED_DATA, "Seed file not found", "check the path in " + key, "key", key, "file", file);
  }

  public static SrlmException seedUnreadable(String file, Throwable cause) {
    return error(ErrorCode.SEED_DATA, "Cannot read seed file: " + rootMessage(cause),
        "check that the file is readable and, if it is gzip-compressed, that it is complete", cause, "file", file);
  }

  /** The file has rows, but none is left to use (all bad and skipped, or all filtered out). */
  public static SrlmException seedNoUsableRows(String file, String why, String fix) {
    return error(ErrorCode.SEED_DATA, "Seed file has no usable rows: " + why, fix, "file", file);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Tables and storage
  // ---------------------------------------------------------------------------------------------------------

  public static SrlmException storageRoot(String key, String root, String problem, Throwable cause) {
    return error(ErrorCode.STORAGE, "Cannot use storage root: " + problem,
        "point " + key + " at a writable local folder, s3a://bucket/prefix or dbfs:/path", cause, "key", key,
        "root", root);
  }

  public static SrlmException pathEscapesRoot(String path, String root) {
    return error(ErrorCode.STORAGE, "Path resolves outside its configured root",
        "use a name without '..' or absolute components; every table and model lives under its root", "path",
        path, "root", root);
  }

  public static SrlmException tableEmpty(String table, String filter, String fix) {
    return error(ErrorCode.TABLE, "Table has no rows for this step", fix, "table", table, "filter", filter);
  }

  public static SrlmException tableMissing(String table, String path, String fix) {
    return error(ErrorCode.TABLE, "Table does not exist", fix, "table", table, "path", path);
  }

  public static SrlmException tableSchema(String table, String path, String problem) {
    return error(ErrorCode.TABLE, "Table schema does not match the catalogue: " + problem,
        "this table was written by another program or version; point storage.table_root at a fresh folder",
        "table", table, "path", path);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Checkpoints, tokenizers and models
  // ---------------------------------------------------------------------------------------------------------

  public static SrlmException checkpoint(String file, String problem, String fix) {
    return error(ErrorCode.CHECKPOINT, "Bad checkpoint: " + problem, fix, "file", file);
  }

  public static SrlmException checkpoint(String file, String problem, String fix, Throwable cause) {
    return error(ErrorCode.CHECKPOINT, "Bad checkpoint: " + problem, fix, cause, "file", file);
  }

  /** A problem with one tensor of a checkpoint file; the message names both the file and the tensor. */
  public static SrlmException checkpointTensor(String file, String tensor, String problem, String fix) {
    return error(ErrorCode.CHECKPOINT, "Bad checkpoint: " + problem, fix, "file", file, "tensor", tensor);
  }

  public static SrlmException checkpointTensor(String file, String tensor, String problem, String fix,
      Throwable cause) {
    return error(ErrorCode.CHECKPOINT, "Bad checkpoint: " + problem, fix, cause, "file", file, "tensor", tensor);
  }

  /** A bad or unsupported value in a model's config.json (or generation_config.json); names the file and key. */
  public static SrlmException modelConfig(String file, String key, String problem, String fix) {
    return error(ErrorCode.MODEL, "Bad model config: " + problem, fix, "file", file, "key", key);
  }

  public static SrlmException modelConfig(String file, String key, String problem, String fix, Throwable cause) {
    return error(ErrorCode.MODEL, "Bad model config: " + problem, fix, cause, "file", file, "key", key);
  }

  public static SrlmException tokenizer(String file, String problem, String fix) {
    return error(ErrorCode.TOKENIZER, "Bad tokenizer: " + problem, fix, "file", file);
  }

  public static SrlmException tokenizer(String file, String problem, String fix, Throwable cause) {
    return error(ErrorCode.TOKENIZER, "Bad tokenizer: " + problem, fix, cause, "file", file);
  }

  /** A chat template that jinjava cannot render, or that called {@code raise_exception}. */
  public static SrlmException chatTemplate(String file, String problem, String fix, Throwable cause) {
    return error(ErrorCode.TOKENIZER, "Chat template failed: " + problem, fix, cause, "file", file);
  }

  /** The tokenizer can produce ids the model has no embedding for. */
  public static SrlmException tokenizerModelMismatch(String tokenizerFile, String modelDir, int tokenizerVocab,
      int modelVocab) {
    return error(ErrorCode.TOKENIZER, "tokenizer.json does not match the model's vocab size: the tokenizer has "
        + tokenizerVocab + " tokens (ids up to " + (tokenizerVocab - 1) + ") but the model's vocab_size is "
        + modelVocab,
        "use the tokenizer files that were saved with this model (tokenizer.json, tokenizer_config.json), or a "
        + "model whose config.json vocab_size is at least " + tokenizerVocab, "file", tokenizerFile, "model",
        modelDir);
  }

  public static SrlmException model(String dir, String problem, String fix) {
    return error(ErrorCode.MODEL, "Cannot use model: " + problem, fix, "model", dir);
  }

  public static SrlmException model(String dir, String problem, String fix, Throwable cause) {
    return error(ErrorCode.MODEL, "Cannot use model: " + problem, fix, cause, "model", dir);
  }

  /**
   * A tensor the architecture needs is missing from the loaded weights or has another shape. The engine does not
   * know the folder it came from: the loader adds it with {@link #inModel}.
   */
  public static SrlmException weightsMismatch(String tensor, String problem) {
    return error(ErrorCode.MODEL, "Cannot use model: tensor " + tensor + " " + problem,
        "the checkpoint does not match config.json; re-export the model", "tensor", tensor);
  }

  /** {@code e} naming the model folder {@code dir} when it is a {@link #weightsMismatch}; else {@code e} itself. */
  public static RuntimeException inModel(RuntimeException e, String dir) {
    if (e instanceof SrlmException se && se.code() == ErrorCode.MODEL && se.context().containsKey("tensor")
        && !se.context().containsKey("model")) {
      return error(ErrorCode.MODEL, "Cannot use model " + dir + ": tensor " + se.context().get("tensor")
          + " does not match config.json", "check that the checkpoint matches config.json; " + se.getMessage(), se,
          "model", dir, "tensor", se.context().get("tensor"));
    }
    return e;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Generation, judging, training, runs
  // ---------------------------------------------------------------------------------------------------------

  public static SrlmException generation(String problem, String fix, Object... kv) {
    return error(ErrorCode.GENERATION, problem, fix, kv);
  }

  public static SrlmException judge(String problem, String fix, Object... kv) {
    return error(ErrorCode.JUDGE, problem, fix, kv);
  }

  public static SrlmException training(String problem, String fix, Object... kv) {
    return error(ErrorCode.TRAINING, problem, fix, kv);
  }

  public static SrlmException runState(String problem, String fix, Object... kv) {
    return error(ErrorCode.RUN_STATE, problem, fix, kv);
  }

  public static SrlmException pipeline(String problem, String fix, Object... kv) {
    return error(ErrorCode.PIPELINE, problem, fix, kv);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Evaluation and reports
  // ---------------------------------------------------------------------------------------------------------

  public static SrlmException reportMixedRuns(String runId, String table, String otherRunId) {
    return error(ErrorCode.PIPELINE, "Report data mixes runs: a " + table + " row belongs to another run",
        "filter every table on the report's run_id before building the report", "run", runId, "table", table,
        "row_run", otherRunId);
  }

  public static SrlmException reportWrite(java.nio.file.Path path, Throwable cause) {
    return error(ErrorCode.STORAGE, "Cannot write the report: " + rootMessage(cause),
        "check that the output folder is writable and has free space", cause, "path", path);
  }

  public static SrlmException reportChart(String chart, Throwable cause) {
    return error(ErrorCode.PIPELINE, "Cannot render report chart: " + rootMessage(cause),
        "run with -Djava.awt.headless=true and make sure fontconfig and a font (e.g. fonts-dejavu-core) are "
            + "installed", cause, "chart", chart);
  }

  private static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage();
  }
}

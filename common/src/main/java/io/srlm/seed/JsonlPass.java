package io.srlm.seed;

import com.fasterxml.jackson.databind.JsonNode;
import io.srlm.errors.Errors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One pass over a JSONL seed file (plain or gzip), the part every JSONL seed reader shares: the file must exist
 * (else an error naming the config key that points at it), each non-blank line must be UTF-8 text holding one JSON
 * object, blank lines are counted and skipped, a line's {@link BadRow} fails or is recorded per seed.on_bad_row,
 * and a file with no non-blank line is an error. What a line means is the reader's business.
 */
final class JsonlPass {
  /** Reads one line's JSON object; throws {@link BadRow} to reject the line. */
  interface LineReader {
    void read(JsonNode object, long line) throws BadRow;
  }

  /**
   * What the pass saw.
   *
   * @param lines all lines, blank ones included
   * @param blank blank lines
   * @param bad the rejected lines (under seed.on_bad_row = skip)
   */
  record Result(long lines, long blank, BadRows bad) {}

  private JsonlPass() {}

  /**
   * @param configKey the setting naming the file (for the missing-file error)
   * @param example a good line, shown when a line is not a JSON object
   * @param notUtf8Fix how to fix a line that is not UTF-8
   */
  static Result read(Path file, String configKey, OnBadRow mode, String runId, String example, String notUtf8Fix,
      LineReader reader) {
    String name = file.toString();
    if (!Files.isRegularFile(file)) {
      throw Errors.seedMissingFile(configKey, name);
    }
    BadRows bad = new BadRows(mode, runId, name);
    long lines = 0;
    long blank = 0;
    try (Utf8Lines in = Utf8Lines.open(file)) {
      for (Utf8Lines.Line l = in.next(); l != null; l = in.next()) {
        lines++;
        try {
          if (l.text() == null) {
            throw new BadRow("not_utf8", "the line is not UTF-8 text: " + l.error(), notUtf8Fix);
          }
          if (l.text().isBlank()) {
            blank++;
            continue;
          }
          reader.read(JsonRows.object(l.text(), example), l.number());
        } catch (BadRow e) {
          bad.reject(l.number(), e);
        }
      }
    } catch (IOException e) {
      throw Errors.seedUnreadable(name, e);
    }
    if (lines == blank) {
      throw Errors.seedEmpty(name);
    }
    return new Result(lines, blank, bad);
  }
}

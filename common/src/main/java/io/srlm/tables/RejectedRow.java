package io.srlm.tables;

import java.io.Serializable;

/**
 * A skipped input row and why (table rejected_rows): bad seed rows under on_bad_row=skip, overlong training
 * rows, prompts without a pair. Nothing is dropped silently.
 *
 * @param step the step that skipped it
 * @param source the file, table or stage it came from
 * @param rowRef file:line, or the row's id
 */
public record RejectedRow(String runId, int iteration, String step, String source, String rowRef, String reason,
    String detail) implements Serializable {}

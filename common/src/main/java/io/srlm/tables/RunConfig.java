package io.srlm.tables;

import java.io.Serializable;

/** The resolved config a run was started with (table run_config); a changed config is refused on resume. */
public record RunConfig(String runId, String configHash, String configJson, long createdAtMs)
    implements Serializable {}

package io.srlm.tables;

import io.srlm.util.Nullable;
import java.io.Serializable;
import java.util.Map;

/**
 * A trained model and its lineage (table models).
 *
 * @param modelId stable id: hash of (run_id, stage, iteration)
 * @param name M1, M2, ...
 * @param path the merged HF directory the next stage loads
 * @param adapterPath the PEFT adapter directory when LoRA was used, else null
 * @param trainedOn table name to the exact Delta version the model was trained from (time travel reproduces it)
 * @param summary final training metrics
 */
public record ModelRow(String runId, int iteration, String modelId, String name, String stage, String path,
    @Nullable String adapterPath, String baseModel, @Nullable String parentModel, @Nullable String referenceModel,
    Map<String, Long> trainedOn, String configHash, long createdAtMs, Map<String, Double> summary)
    implements Serializable {}

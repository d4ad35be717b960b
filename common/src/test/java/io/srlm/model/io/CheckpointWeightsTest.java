package io.srlm.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srlm.errors.ErrorCode;
import io.srlm.errors.SrlmException;
import io.srlm.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointWeightsTest {
  @TempDir Path dir;

  private static float[] range(int n, float start) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = start + i;
    }
    return v;
  }

  /** Tensors of 48, 48, 48 and 96 bytes; a 100-byte limit gives three shards: two tensors, one, one. */
  private ShardedCheckpointWriter fourTensors(long maxShardBytes) {
    return new ShardedCheckpointWriter(maxShardBytes).metadata("format", "pt")
        .add("model.embed_tokens.weight", SafetensorsDtype.F32, new long[] {3, 4}, range(12, 0))
        .add("model.layers.0.mlp.up_proj.weight", SafetensorsDtype.F32, new long[] {4, 3}, range(12, 100))
        .add("model.layers.0.mlp.down_proj.weight", SafetensorsDtype.BF16, new long[] {6, 4}, range(24, -12))
        .add("lm_head.weight", SafetensorsDtype.F16, new long[] {6, 8}, range(48, 1000));
  }

  @Test
  void smallModelIsOneFileWithoutIndex() {
    List<Path> files = fourTensors(1 << 20).write(dir);
    assertThat(files).containsExactly(dir.resolve("model.safetensors"));
    assertThat(dir.resolve("model.safetensors.index.json")).doesNotExist();
    try (CheckpointWeights w = CheckpointWeights.open(dir)) {
      assertThat(w.names()).hasSize(4);
      assertThat(w.readFloats("lm_head.weight")).containsExactly(range(48, 1000));
    }
  }

  @Test
  void shardedWriteUsesHfNamesAndIndexAndLoadsBack() throws Exception {
    List<Path> files = fourTensors(100).write(dir);
    assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(
        "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
        "model-00003-of-00003.safetensors", "model.safetensors.index.json");
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
    JsonNode index = Json.MAPPER.readTree(dir.resolve("model.safetensors.index.json").toFile());
    assertThat(index.get("metadata").get("total_size").asLong()).isEqualTo(48 + 48 + 48 + 96);
    assertThat(index.get("weight_map").get("model.embed_tokens.weight").asText())
        .isEqualTo("model-00001-of-00003.safetensors");
    assertThat(index.get("weight_map").get("model.layers.0.mlp.up_proj.weight").asText())
        .isEqualTo("model-00001-of-00003.safetensors");
    assertThat(index.get("weight_map").get("model.layers.0.mlp.down_proj.weight").asText())
        .isEqualTo("model-00002-of-00003.safetensors");
    assertThat(index.get("weight_map").get("lm_head.weight").asText())
        .isEqualTo("model-00003-of-00003.safetensors");
    List<String> keys = new ArrayList<>();
    index.get("weight_map").fieldNames().forEachRemaining(keys::add);
    assertThat(keys).isSorted();
    try (SafetensorsFile shard = SafetensorsFile.open(dir.resolve("model-00002-of-00003.safetensors"))) {
      assertThat(shard.metadata()).containsEntry("format", "pt");
    }
    try (CheckpointWeights w = CheckpointWeights.open(dir); NDManager m = NDManager.newBaseManager()) {
      assertThat(w.names()).containsExactlyInAnyOrder("model.embed_tokens.weight",
          "model.layers.0.mlp.up_proj.weight", "model.layers.0.mlp.down_proj.weight", "lm_head.weight");
      assertThat(w.info("lm_head.weight").dtype()).isEqualTo(SafetensorsDtype.F16);
      assertThat(w.fileOf("lm_head.weight").getFileName().toString())
          .isEqualTo("model-00003-of-00003.safetensors");
      assertThat(w.readFloats("model.layers.0.mlp.down_proj.weight")).containsExactly(range(24, -12));
      try (NDArray a = w.load("model.layers.0.mlp.up_proj.weight", m, DataType.FLOAT32)) {
        assertThat(a.getShape()).isEqualTo(new Shape(4, 3));
        assertThat(a.toFloatArray()).containsExactly(range(12, 100));
      }
      assertThatThrownBy(() -> w.info("model.norm.weight"))
          .isInstanceOf(SrlmException.class)
          .hasMessageContaining("tensor=model.norm.weight")
          .hasMessageContaining(dir.toString());
    }
  }

  @Test
  void rewritingCleansOldWeightFilesOfTheOtherLayout() throws Exception {
    fourTensors(100).write(dir);
    fourTensors(1 << 20).write(dir);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.safetensors");
    }
    fourTensors(100).write(dir);
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
    assertThat(dir.resolve("model.safetensors.index.json")).exists();
  }

  @Test
  void indexNamingATensorMissingFromItsShardIsAnError() throws Exception {
    fourTensors(100).write(dir);
    Path indexFile = dir.resolve("model.safetensors.index.json");
    ObjectNode index = (ObjectNode) Json.MAPPER.readTree(indexFile.toFile());
    ((ObjectNode) index.get("weight_map")).put("model.norm.weight", "model-00002-of-00003.safetensors");
    Files.writeString(indexFile, Json.write(index));
    assertThatThrownBy(() -> CheckpointWeights.open(dir))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("tensor=model.norm.weight")
        .hasMessageContaining("model-00002-of-00003.safetensors")
        .hasMessageContaining("does not contain it");
  }

  @Test
  void missingShardFileIsAnError() throws Exception {
    fourTensors(100).write(dir);
    Files.delete(dir.resolve("model-00003-of-00003.safetensors"));
    assertThatThrownBy(() -> CheckpointWeights.open(dir))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("model-00003-of-00003.safetensors")
        .hasMessageContaining("missing");
  }

  @Test
  void indexEntriesMustBeFileNamesInTheModelDirectory() throws Exception {
    fourTensors(100).write(dir);
    Path indexFile = dir.resolve("model.safetensors.index.json");
    ObjectNode index = (ObjectNode) Json.MAPPER.readTree(indexFile.toFile());
    ((ObjectNode) index.get("weight_map")).put("lm_head.weight", "../elsewhere/model.safetensors");
    Files.writeString(indexFile, Json.write(index));
    assertThatThrownBy(() -> CheckpointWeights.open(dir))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("tensor=lm_head.weight")
        .hasMessageContaining("not a plain shard file name");
    Files.writeString(indexFile, "{\"weight_map\": ");
    assertThatThrownBy(() -> CheckpointWeights.open(dir))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("model.safetensors.index.json")
        .hasMessageContaining("JSON");
  }

  @Test
  void pickleOnlyDirectoryIsRefusedWithTheReasonAndTheConversion() throws Exception {
    Files.writeString(dir.resolve("config.json"), "{}");
    Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
    assertThatThrownBy(() -> CheckpointWeights.open(dir))
        .isInstanceOf(SrlmException.class)
        .satisfies(e -> assertThat(((SrlmException) e).code()).isEqualTo(ErrorCode.MODEL))
        .hasMessageContaining("pytorch_model.bin")
        .hasMessageContaining("pickle")
        .hasMessageContaining("run arbitrary code")
        .hasMessageContaining("safetensors only")
        .hasMessageContaining("save_pretrained(out, safe_serialization=True)")
        .hasMessageContaining(dir.toString());
  }

  @Test
  void directoryWithoutWeightsListsWhatItHolds() throws Exception {
    Files.writeString(dir.resolve("config.json"), "{}");
    Files.writeString(dir.resolve("tokenizer.json"), "{}");
    assertThatThrownBy(() -> CheckpointWeights.open(dir))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("no weights found")
        .hasMessageContaining("config.json, tokenizer.json")
        .hasMessageContaining(dir.toString());
    assertThatThrownBy(() -> CheckpointWeights.open(dir.resolve("absent")))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("does not exist");
    Files.writeString(dir.resolve("adapter_config.json"), "{}");
    assertThatThrownBy(() -> CheckpointWeights.open(dir))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("PEFT adapter");
  }
}

package io.srlm.model.io;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srlm.errors.Errors;
import io.srlm.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Writes a model's weights into a directory the way HF transformers does: one {@code model.safetensors} when the
 * tensor data fits in {@code maxShardBytes}, otherwise {@code model-00001-of-0000N.safetensors} ... plus
 * {@code model.safetensors.index.json} mapping every tensor to its shard. Tensors fill shards in the order they
 * were added; a tensor larger than the limit gets a shard of its own.
 *
 * <p>Old weight files of either layout in the directory are removed first, and the index is written last, so a
 * reader never sees an index naming shards that are not all there.
 */
public final class ShardedCheckpointWriter {
  public static final String SINGLE_FILE = "model.safetensors";
  public static final String INDEX_FILE = "model.safetensors.index.json";

  private static final Pattern SHARD_NAME = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");

  private final long maxShardBytes;
  private final SafetensorsWriter tensors = new SafetensorsWriter();

  /** {@code maxShardBytes}: the most tensor data bytes per shard (HF's default is 5 GB). */
  public ShardedCheckpointWriter(long maxShardBytes) {
    if (maxShardBytes <= 0) {
      throw new IllegalArgumentException("maxShardBytes must be positive: " + maxShardBytes);
    }
    this.maxShardBytes = maxShardBytes;
  }

  /** Adds a {@code __metadata__} entry to every shard, e.g. {@code format = pt}. */
  public ShardedCheckpointWriter metadata(String key, String value) {
    tensors.metadata(key, value);
    return this;
  }

  /** See {@link SafetensorsWriter#add(String, SafetensorsDtype, long[], float[])}. */
  public ShardedCheckpointWriter add(String name, SafetensorsDtype dtype, long[] shape, float[] data) {
    tensors.add(name, dtype, shape, data);
    return this;
  }

  /** See {@link SafetensorsWriter#add(String, SafetensorsDtype, long[], ByteBuffer, SafetensorsDtype)}. */
  public ShardedCheckpointWriter add(String name, SafetensorsDtype dtype, long[] shape, ByteBuffer data,
      SafetensorsDtype dataDtype) {
    tensors.add(name, dtype, shape, data, dataDtype);
    return this;
  }

  /** See {@link SafetensorsWriter#add(String, SafetensorsDtype, NDArray)}. */
  public ShardedCheckpointWriter add(String name, SafetensorsDtype dtype, NDArray array) {
    tensors.add(name, dtype, array);
    return this;
  }

  /** Writes the weights into {@code dir} (created if missing); returns the files written, index last. */
  public List<Path> write(Path dir) {
    List<List<SafetensorsWriter.Pending>> shards = plan(tensors.pending(), maxShardBytes);
    Map<String, String> metadata = tensors.metadataMap();
    try {
      Files.createDirectories(dir);
      removeOldWeights(dir);
    } catch (IOException e) {
      throw Errors.checkpoint(dir.toString(), "cannot prepare the folder for writing weights: " + e,
          "check write permission on that folder", e);
    }
    List<Path> written = new ArrayList<>();
    if (shards.size() <= 1) {
      Path file = dir.resolve(SINGLE_FILE);
      SafetensorsWriter.writeFile(file, shards.isEmpty() ? List.of() : shards.get(0), metadata);
      written.add(file);
      return written;
    }
    Map<String, String> weightMap = new TreeMap<>();
    long total = 0;
    for (int i = 0; i < shards.size(); i++) {
      String name = shardName(i + 1, shards.size());
      Path file = dir.resolve(name);
      SafetensorsWriter.writeFile(file, shards.get(i), metadata);
      written.add(file);
      for (SafetensorsWriter.Pending p : shards.get(i)) {
        weightMap.put(p.name(), name);
        total += p.bytes();
      }
    }
    Path index = dir.resolve(INDEX_FILE);
    writeIndex(index, total, weightMap);
    written.add(index);
    return written;
  }

  /** HF's shard file name, e.g. {@code model-00002-of-00003.safetensors}. */
  public static String shardName(int shard, int count) {
    return String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", shard, count);
  }

  /** Splits tensors, in order, into shards of at most {@code max} data bytes (an oversized tensor alone). */
  static List<List<SafetensorsWriter.Pending>> plan(List<SafetensorsWriter.Pending> all, long max) {
    List<List<SafetensorsWriter.Pending>> shards = new ArrayList<>();
    List<SafetensorsWriter.Pending> current = new ArrayList<>();
    long size = 0;
    for (SafetensorsWriter.Pending p : all) {
      if (!current.isEmpty() && size + p.bytes() > max) {
        shards.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(p);
      size += p.bytes();
    }
    if (!current.isEmpty()) {
      shards.add(current);
    }
    return shards;
  }

  private static void writeIndex(Path index, long total, Map<String, String> weightMap) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.putObject("metadata").put("total_size", total);
    ObjectNode map = root.putObject("weight_map");
    weightMap.forEach(map::put);
    Path tmp = index.resolveSibling(index.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.write(tmp, (Json.writePretty(root) + "\n").getBytes(StandardCharsets.UTF_8));
      SafetensorsWriter.moveIntoPlace(tmp, index);
    } catch (IOException e) {
      throw Errors.checkpoint(index.toString(), "cannot write the shard index: " + e,
          "check free disk space and write permission on that folder", e);
    }
  }

  private static void removeOldWeights(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve(INDEX_FILE));
    Files.deleteIfExists(dir.resolve(SINGLE_FILE));
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (SHARD_NAME.matcher(f.getFileName().toString()).matches()) {
          Files.delete(f);
        }
      }
    }
  }
}

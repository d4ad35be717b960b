package io.srlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.srlm.model.io.SafetensorsDtype;
import io.srlm.model.io.SafetensorsFile;
import io.srlm.model.io.SafetensorsWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Saves and loads named tensor maps as safetensors (f32), for checkpoints and adapters. */
final class TensorFiles {
  private TensorFiles() {}

  static void save(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) {
    SafetensorsWriter w = new SafetensorsWriter();
    if (metadata != null) {
      w.metadata(metadata);
    }
    for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
      NDArray a = e.getValue().getDataType() == DataType.FLOAT32 ? e.getValue()
          : e.getValue().toType(DataType.FLOAT32, true);
      w.add(e.getKey(), SafetensorsDtype.F32, a);
    }
    w.write(file);
  }

  /** Loads every tensor of the file into {@code manager} as f32 on the manager's device. */
  static Map<String, NDArray> load(Path file, NDManager manager) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      for (String name : f.names()) {
        out.put(name, f.load(name, manager, DataType.FLOAT32));
      }
    }
    return out;
  }
}

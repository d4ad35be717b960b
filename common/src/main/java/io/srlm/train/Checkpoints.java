package io.srlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.srlm.errors.Errors;
import io.srlm.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Training checkpoints in {@code dir}: {@code step-00000123/} holds the trainable tensors
 * ({@code params.safetensors}), the optimizer moments ({@code optimizer.safetensors}) and {@code state.json}
 * (step and early-stopping state; the data order and dropout seeds derive from the run seed and the step, so the
 * step is the whole RNG state). A checkpoint is written to a temp folder and renamed, so a kill mid-write never
 * leaves a partial checkpoint that resume would pick. The two newest are kept, plus {@code best/}.
 */
final class Checkpoints {
  /**
   * Training state beside the tensors. {@code window}/{@code windowWeight}: the weighted metric sums since the last
   * logged step, so a resumed run logs the same averages as an uninterrupted one.
   */
  record State(int step, double best, int bestStep, int sinceBest, Map<String, Double> window,
      double windowWeight) {
    State {
      window = Map.copyOf(window);
    }
  }

  private static final String PARAMS = "params.safetensors";
  private static final String OPTIM = "optimizer.safetensors";
  private static final String STATE = "state.json";
  private final Path dir;

  Checkpoints(Path dir) {
    this.dir = dir;
  }

  void save(Map<String, NDArray> params, AdamW adam, State state) {
    Path target = dir.resolve(String.format("step-%08d", state.step()));
    write(target, params, adam.state(), state);
    prune();
  }

  void saveBest(Map<String, NDArray> params, State state) {
    write(dir.resolve("best"), params, Map.of(), state);
  }

  private void write(Path target, Map<String, NDArray> params, Map<String, NDArray> optim, State state) {
    Path tmp = dir.resolve(".tmp-" + target.getFileName() + "-" + ProcessHandle.current().pid());
    try {
      Files.createDirectories(dir);
      deleteTree(tmp);
      Files.createDirectories(tmp);
      TensorFiles.save(tmp.resolve(PARAMS), params, Map.of("step", Integer.toString(state.step())));
      if (!optim.isEmpty()) {
        TensorFiles.save(tmp.resolve(OPTIM), optim, Map.of("step", Integer.toString(state.step())));
      }
      Map<String, String> window = new TreeMap<>();
      state.window().forEach((k, v) -> window.put(k, Double.toString(v)));
      Files.writeString(tmp.resolve(STATE), Json.write(Map.of("step", state.step(), "best",
          Double.isNaN(state.best()) ? "NaN" : Double.toString(state.best()), "best_step", state.bestStep(),
          "since_best", state.sinceBest(), "window", window, "window_weight",
          Double.toString(state.windowWeight()))), StandardCharsets.UTF_8);
      deleteTree(target);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw Errors.training("Cannot write checkpoint " + target + ": " + e.getMessage(),
          "check free disk space and that the model root is writable", "dir", dir);
    }
  }

  /** Loads the newest complete checkpoint into params and the optimizer; null when there is none. */
  State restoreLatest(Map<String, NDArray> params, AdamW adam, NDManager manager) {
    Path latest = latest();
    if (latest == null) {
      return null;
    }
    copyInto(params, TensorFiles.load(latest.resolve(PARAMS), manager), latest);
    State s = readState(latest);
    Path optim = latest.resolve(OPTIM);
    if (Files.isRegularFile(optim)) {
      adam.restore(TensorFiles.load(optim, manager), s.step());
    }
    return s;
  }

  void restoreBest(Map<String, NDArray> params, NDManager manager) {
    Path best = dir.resolve("best");
    if (Files.isRegularFile(best.resolve(PARAMS))) {
      try (NDManager m = manager.newSubManager()) {
        copyInto(params, TensorFiles.load(best.resolve(PARAMS), m), best);
      }
    }
  }

  Path latest() {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("step-\\d{8}"))
          .filter(p -> Files.isRegularFile(p.resolve(STATE)))
          .max(Comparator.comparing(p -> p.getFileName().toString())).orElse(null);
    } catch (IOException e) {
      throw Errors.training("Cannot list checkpoints: " + e.getMessage(), "check the folder", "dir", dir);
    }
  }

  private static State readState(Path ckpt) {
    try {
      var n = Json.MAPPER.readTree(Files.readString(ckpt.resolve(STATE), StandardCharsets.UTF_8));
      String best = n.path("best").asText();
      Map<String, Double> window = new LinkedHashMap<>();
      n.path("window").fields().forEachRemaining(e -> window.put(e.getKey(),
          Double.parseDouble(e.getValue().asText())));
      return new State(n.path("step").asInt(), best.equals("NaN") ? Double.NaN : Double.parseDouble(best),
          n.path("best_step").asInt(-1), n.path("since_best").asInt(0), window,
          Double.parseDouble(n.path("window_weight").asText("0")));
    } catch (IOException | RuntimeException e) {
      throw Errors.training("Checkpoint state is unreadable: " + e.getMessage(),
          "delete the broken checkpoint folder to resume from the one before", "dir", ckpt);
    }
  }

  private static void copyInto(Map<String, NDArray> params, Map<String, NDArray> loaded, Path from) {
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      NDArray src = loaded.get(e.getKey());
      if (src == null || !src.getShape().equals(e.getValue().getShape())) {
        throw Errors.training("Checkpoint does not match the model: tensor " + e.getKey()
            + (src == null ? " is missing" : " has shape " + src.getShape()),
            "resume with the same model and LoRA settings, or delete the checkpoint folder", "dir", from);
      }
      e.getValue().set(src.toType(e.getValue().getDataType(), false).toByteBuffer());
    }
  }

  private void prune() {
    List<Path> steps = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().matches("step-\\d{8}")).sorted().forEach(steps::add);
    } catch (IOException e) {
      return;
    }
    for (int i = 0; i < steps.size() - 2; i++) {
      deleteTree(steps.get(i));
    }
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    } catch (IOException e) {
      // best effort: a leftover temp folder is ignored by latest()
    }
  }
}

package io.srlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srlm.errors.Errors;
import io.srlm.model.Adapters;
import io.srlm.model.LlamaModel;
import io.srlm.model.ModelArch;
import io.srlm.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * LoRA adapters: creation (A Kaiming-uniform as PEFT does, B zero, so a fresh adapter leaves the model
 * unchanged), PEFT-format save/load ({@code adapter_config.json} + {@code adapter_model.safetensors} with PEFT's
 * tensor names), and merging into the base weights.
 */
public final class Lora {
  public static final String CONFIG_FILE = "adapter_config.json";
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";
  private static final List<String> ATTN = List.of("q_proj", "k_proj", "v_proj", "o_proj");

  private Lora() {}

  /** PEFT's tensor name for an adapter matrix ("A" or "B"). */
  public static String peftName(int layer, String module, String ab) {
    String block = ATTN.contains(module) ? "self_attn" : "mlp";
    return "base_model.model.model.layers." + layer + "." + block + "." + module + ".lora_" + ab + ".weight";
  }

  /** (out, in) of a projection. */
  static long[] dims(ModelArch a, String module) {
    long d = a.hiddenSize();
    long q = (long) a.numHeads() * a.headDim();
    long kv = (long) a.numKvHeads() * a.headDim();
    long f = a.intermediateSize();
    return switch (module) {
      case "q_proj" -> new long[] {q, d};
      case "k_proj", "v_proj" -> new long[] {kv, d};
      case "o_proj" -> new long[] {d, q};
      case "gate_proj", "up_proj" -> new long[] {f, d};
      case "down_proj" -> new long[] {d, f};
      default -> throw new IllegalArgumentException("not a LoRA target: " + module);
    };
  }

  /** New adapters in f32 on the model's device, attached to {@code manager}. */
  public static Adapters create(ModelArch arch, int r, double alpha, double dropout, List<String> modules, long seed,
      NDManager manager) {
    Random rnd = new Random(seed);
    Map<String, NDArray> a = new LinkedHashMap<>();
    Map<String, NDArray> b = new LinkedHashMap<>();
    for (int l = 0; l < arch.numLayers(); l++) {
      for (String mod : modules) {
        long[] oi = dims(arch, mod);
        double bound = 1.0 / Math.sqrt(oi[1]); // kaiming_uniform(a=sqrt(5)) on (r, in)
        float[] av = new float[(int) (r * oi[1])];
        for (int i = 0; i < av.length; i++) {
          av[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        a.put(Adapters.key(l, mod), manager.create(av, new Shape(r, oi[1])));
        b.put(Adapters.key(l, mod), manager.zeros(new Shape(oi[0], r), DataType.FLOAT32));
      }
    }
    return new Adapters(r, alpha, dropout, new LinkedHashSet<>(modules), a, b);
  }

  /** Trainable tensors of adapters, named "lora.KEY.A" / "lora.KEY.B". */
  public static Map<String, NDArray> parameters(Adapters ad) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (String k : ad.a().keySet()) {
      out.put("lora." + k + ".A", ad.a().get(k));
      out.put("lora." + k + ".B", ad.b().get(k));
    }
    return out;
  }

  /** Writes adapter_config.json and adapter_model.safetensors (PEFT's layout) into {@code dir}. */
  public static void save(Adapters ad, Path dir, String baseModel) {
    try {
      Files.createDirectories(dir);
      ObjectNode c = Json.MAPPER.createObjectNode();
      c.put("peft_type", "LORA");
      c.put("task_type", "CAUSAL_LM");
      c.put("r", ad.rank());
      c.put("lora_alpha", ad.alpha());
      c.put("lora_dropout", ad.dropout());
      c.putArray("target_modules").addAll(ad.modules().stream().map(Json.MAPPER.getNodeFactory()::textNode)
          .toList());
      c.put("bias", "none");
      c.put("fan_in_fan_out", false);
      c.put("inference_mode", true);
      c.put("init_lora_weights", true);
      c.put("base_model_name_or_path", baseModel);
      c.putNull("modules_to_save");
      c.putNull("layers_to_transform");
      c.putNull("layers_pattern");
      c.putObject("rank_pattern");
      c.putObject("alpha_pattern");
      c.put("use_rslora", false);
      c.put("use_dora", false);
      c.putNull("revision");
      Files.writeString(dir.resolve(CONFIG_FILE), Json.writePretty(c), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw Errors.model(dir.toString(), "cannot write the adapter (" + e.getMessage() + ")",
          "check that the model folder is writable", e);
    }
    Map<String, NDArray> t = new LinkedHashMap<>();
    for (String k : ad.a().keySet()) {
      int dot = k.indexOf('.');
      int layer = Integer.parseInt(k.substring(0, dot));
      String mod = k.substring(dot + 1);
      t.put(peftName(layer, mod, "A"), ad.a().get(k));
      t.put(peftName(layer, mod, "B"), ad.b().get(k));
    }
    TensorFiles.save(dir.resolve(WEIGHTS_FILE), t, Map.of("format", "pt"));
  }

  /** Loads a PEFT LoRA adapter directory for this architecture (f32, attached to {@code manager}). */
  public static Adapters load(Path dir, ModelArch arch, NDManager manager) {
    Path cfg = dir.resolve(CONFIG_FILE);
    JsonNode c;
    try {
      c = Json.MAPPER.readTree(Files.readString(cfg, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw Errors.model(dir.toString(), "cannot read " + CONFIG_FILE + " (" + e.getMessage() + ")",
          "point at a PEFT LoRA adapter directory", e);
    }
    if (!"LORA".equals(c.path("peft_type").asText())) {
      throw Errors.model(dir.toString(), "adapter is not LoRA (peft_type=" + c.path("peft_type") + ")",
          "only LoRA adapters are supported");
    }
    int r = c.path("r").asInt();
    double alpha = c.path("lora_alpha").asDouble();
    double dropout = c.path("lora_dropout").asDouble(0);
    Set<String> modules = new LinkedHashSet<>();
    c.path("target_modules").forEach(n -> modules.add(n.asText()));
    Map<String, NDArray> raw = TensorFiles.load(dir.resolve(WEIGHTS_FILE), manager);
    Map<String, NDArray> a = new LinkedHashMap<>();
    Map<String, NDArray> b = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (int l = 0; l < arch.numLayers(); l++) {
      for (String mod : modules) {
        NDArray av = raw.get(peftName(l, mod, "A"));
        NDArray bv = raw.get(peftName(l, mod, "B"));
        if (av == null || bv == null) {
          missing.add(peftName(l, mod, av == null ? "A" : "B"));
          continue;
        }
        long[] oi = dims(arch, mod);
        if (!av.getShape().equals(new Shape(r, oi[1])) || !bv.getShape().equals(new Shape(oi[0], r))) {
          throw Errors.model(dir.toString(), "adapter tensor shapes for layer " + l + " " + mod + " do not match "
              + "the base model", "use the adapter with the base model it was trained on");
        }
        a.put(Adapters.key(l, mod), av);
        b.put(Adapters.key(l, mod), bv);
      }
    }
    if (!missing.isEmpty()) {
      throw Errors.model(dir.toString(), "adapter is missing tensors " + missing.subList(0, Math.min(3,
          missing.size())), "the adapter is partial; re-export it");
    }
    return new Adapters(r, alpha, dropout, modules, a, b);
  }

  /** Weight deltas to add to the base: HF weight name to scale * B @ A (f32). */
  public static Map<String, NDArray> deltas(Adapters ad, NDManager manager) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (String k : ad.a().keySet()) {
      int dot = k.indexOf('.');
      int layer = Integer.parseInt(k.substring(0, dot));
      String mod = k.substring(dot + 1);
      String block = ATTN.contains(mod) ? "self_attn" : "mlp";
      NDArray d = ad.b().get(k).matMul(ad.a().get(k)).mul(ad.scale());
      d.attach(manager);
      out.put("model.layers." + layer + "." + block + "." + mod + ".weight", d);
    }
    return out;
  }

  /** Merges adapters into a model's weights in place (f32 math, stored in the model dtype). */
  public static void mergeInto(LlamaModel model, Adapters ad) {
    try (NDManager m = model.manager().newSubManager()) {
      for (Map.Entry<String, NDArray> e : deltas(ad, m).entrySet()) {
        NDArray w = model.weights().get(e.getKey());
        NDArray w32 = w.toType(DataType.FLOAT32, true);
        w32.attach(m);
        NDArray merged = w32.add(e.getValue()).toType(w.getDataType(), false);
        w.set(merged.toByteBuffer());
      }
    }
  }
}

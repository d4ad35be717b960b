package io.srlm.train;

import ai.djl.ndarray.types.DataType;
import io.srlm.errors.Errors;
import io.srlm.model.EngineOptions;
import io.srlm.model.LlamaModel;

/**
 * The training precision policy: <b>training loads f32 weights</b> on every device, for full fine-tuning and for
 * LoRA (frozen f32 base, f32 adapters); only inference uses f16 on a GPU.
 *
 * <p>Why: DJL 0.32's dtype cast ({@code NDArray.toType}, the JNI {@code torchTo}) runs under PyTorch's
 * {@code NoGradGuard}, so every cast in the forward (RMSNorm and attention softmax in f32, f16 logits widened for
 * the log-softmax) returns a tensor with no autograd history. On an f16 model the loss then has no graph and
 * backward fails with "element 0 of tensors does not require grad and does not have a grad_fn" (seen on an H200
 * with LoRA and the shipped {@code engine.dtype = auto}); in f32 the casts are no-ops and the graph stays whole.
 * An f16 frozen base would need differentiable casts inside the model's forward; until then the objectives refuse
 * a non-f32 model with this explanation instead of failing inside PyTorch.
 */
public final class TrainingPrecision {
  private TrainingPrecision() {}

  /** The engine options a model to be trained is loaded with: the configured device, f32 weights. */
  public static EngineOptions loadOptions(EngineOptions engine) {
    return engine.f32();
  }

  /** Refuses to train {@code model} unless its weights are f32 (see the class comment). */
  public static void requireF32(LlamaModel model) {
    if (model.dtype() != DataType.FLOAT32) {
      throw Errors.training("Cannot train a model loaded as " + model.dtype() + ": DJL's dtype casts drop the "
          + "autograd graph, so its loss would have no gradient (PyTorch: \"element 0 of tensors does not require "
          + "grad\")", "load the model to train with f32 weights (TrainingPrecision.loadOptions; engine.dtype "
          + "applies to inference only), see docs/gpu.md");
    }
  }
}

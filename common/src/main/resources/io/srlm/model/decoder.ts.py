class SrlmDecoder(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def forward(self: __torch__.SrlmDecoder, ids: Tensor, positions: Tensor, mask: Tensor, weights: List[Tensor],
      biases: List[Tensor], keys: List[Tensor], values: List[Tensor], cached: int, dims: List[int],
      constants: List[Tensor]) -> Tensor:
    # One forward of the decoder with the call's projections (q/k/v and gate/up joined or separate) and no
    # adapters, op for op the same engine calls as LlamaModel's (the same kernels, in the same order), writing this
    # forward's keys and values into the preallocated caches at [cached, cached + T).
    # dims: layers, heads, kv heads, head dim, ffn, has qkv bias, has o bias, has mlp bias, has mask, joined.
    # weights: embed; per layer: input norm, qkv (joined) or q, k, v, o, post-attention norm, gate_up (joined) or
    # gate, up, down; final norm.
    # biases: per layer qkv (or q, k, v), o, gate_up (or gate, up), down (any tensor where the layer has none); empty
    # without biases.
    # constants: RoPE cos and sin tables (positions x head dim), rotate-half matrix, 0-d eps, -0.5 and 1/sqrt(hd).
    layers = dims[0]
    h = dims[1]
    kv = dims[2]
    hd = dims[3]
    f = dims[4]
    joined = dims[9] != 0
    per = 9
    per_bias = 7
    if joined:
      per = 6
      per_bias = 4
    g = h // kv
    b = ids.size(0)
    t = ids.size(1)
    rotate = constants[2]
    eps = constants[3]
    minus_half = constants[4]
    scale = constants[5]
    flat = positions.reshape([-1])
    cos = constants[0].index_select(0, flat).reshape([b, 1, t, hd])
    sin = constants[1].index_select(0, flat).reshape([b, 1, t, hd])
    cos5 = cos.unsqueeze(1)
    sin5 = sin.unsqueeze(1)
    embed = weights[0]
    d = embed.size(1)
    x = torch.embedding(embed, ids).reshape([b * t, d])
    for l in range(layers):
      w = 1 + per * l
      c = per_bias * l
      a = self.rms_norm(x, weights[w], eps, minus_half)
      q_bias : Optional[Tensor] = None
      k_bias : Optional[Tensor] = None
      v_bias : Optional[Tensor] = None
      o_bias : Optional[Tensor] = None
      gate_bias : Optional[Tensor] = None
      up_bias : Optional[Tensor] = None
      down_bias : Optional[Tensor] = None
      if joined:
        if dims[5] != 0:
          q_bias = biases[c]
        if dims[6] != 0:
          o_bias = biases[c + 1]
        if dims[7] != 0:
          gate_bias = biases[c + 2]
          down_bias = biases[c + 3]
        qkv = torch.linear(a, weights[w + 1], q_bias)
        qk = qkv.narrow(1, 0, (h + kv) * hd).reshape([b, t, h + kv, hd]).permute([0, 2, 1, 3])
        qk = torch.add(torch.mul(qk, cos), torch.mul(torch.matmul(qk, rotate), sin))
        q = qk.narrow(1, 0, h).reshape([b, kv, g, t, hd])
        k = qk.narrow(1, h, kv)
        v = qkv.narrow(1, (h + kv) * hd, kv * hd).reshape([b, t, kv, hd]).permute([0, 2, 1, 3])
        o = w + 2
      else:
        if dims[5] != 0:
          q_bias = biases[c]
          k_bias = biases[c + 1]
          v_bias = biases[c + 2]
        if dims[6] != 0:
          o_bias = biases[c + 3]
        if dims[7] != 0:
          gate_bias = biases[c + 4]
          up_bias = biases[c + 5]
          down_bias = biases[c + 6]
        q = torch.linear(a, weights[w + 1], q_bias).reshape([b, t, kv, g, hd]).permute([0, 2, 3, 1, 4])
        k = torch.linear(a, weights[w + 2], k_bias).reshape([b, t, kv, hd]).permute([0, 2, 1, 3])
        v = torch.linear(a, weights[w + 3], v_bias).reshape([b, t, kv, hd]).permute([0, 2, 1, 3])
        q = torch.add(torch.mul(q, cos5), torch.mul(torch.matmul(q, rotate), sin5))
        k = torch.add(torch.mul(k, cos), torch.mul(torch.matmul(k, rotate), sin))
        o = w + 4
      keys[l].narrow(2, cached, t).copy_(k)
      values[l].narrow(2, cached, t).copy_(v)
      k_all = keys[l].narrow(2, 0, cached + t)
      v_all = values[l].narrow(2, 0, cached + t)
      scores = torch.matmul(q, k_all.unsqueeze(2).permute([0, 1, 2, 4, 3]))
      scores = torch.mul(scores.to(6), scale)
      if dims[8] != 0:
        scores = torch.add(scores, mask)
      probs = torch.softmax(scores, -1).to(x.dtype)
      out = torch.matmul(probs, v_all.unsqueeze(2)).permute([0, 3, 1, 2, 4]).reshape([b * t, h * hd])
      x = torch.add(x, torch.linear(out, weights[o], o_bias))
      m = self.rms_norm(x, weights[o + 1], eps, minus_half)
      if joined:
        gu = torch.linear(m, weights[o + 2], gate_bias)
        gate = gu.narrow(1, 0, f)
        up = gu.narrow(1, f, f)
      else:
        gate = torch.linear(m, weights[o + 2], gate_bias)
        up = torch.linear(m, weights[o + 3], up_bias)
      act = torch.mul(torch.mul(gate, torch.sigmoid(gate)), up)
      x = torch.add(x, torch.linear(act, weights[w + per - 1], down_bias))
    return self.rms_norm(x, weights[1 + per * layers], eps, minus_half).reshape([b, t, d])
  def rms_norm(self: __torch__.SrlmDecoder, x: Tensor, weight: Tensor, eps: Tensor, minus_half: Tensor) -> Tensor:
    x32 = x.to(6)
    inv = torch.pow(torch.add(torch.mean(torch.square(x32), [-1], True), eps), minus_half)
    return torch.mul(torch.mul(x32, inv).to(x.dtype), weight)
  def first_draw(self: __torch__.SrlmDecoder, logits: Tensor, inv_t: Tensor, u: Tensor, count: bool) -> List[Tensor]:
    # The first round of DeviceSampler's rejection path: temperature and softmax in float32 (the engine ops' own
    # sequence), then draw(). Returns [probabilities (n, V), draw()'s (n, 2 or 3) float64 table].
    p = torch.softmax(torch.mul(logits.to(6), inv_t), -1)
    return [p, self.draw(p, u, count)]
  def draw(self: __torch__.SrlmDecoder, p: Tensor, u: Tensor, count: bool) -> Tensor:
    # One inverse-CDF draw per row of (n, V) probabilities with (n, 1) uniforms (DeviceSampler.inverseCdf, op for
    # op), then the nucleus test of the drawn token d: the mass of the strictly more probable tokens over the row's
    # total, and (when count) how many they are. Those tokens are the ones with p / p_d > 1 (a correctly rounded
    # quotient of two floats is above 1 exactly when the numerator is larger), so one division and one threshold
    # replace a comparison and a product with a bool mask (a third of the time on CPU). Temporaries are freed here.
    # Returns (n, 2 or 3) float64: drawn id, mass above / total, count above.
    n = p.size(0)
    v = p.size(1)
    b = 128
    if v % b != 0 or v < 4 * b:
      cum = torch.cumsum(p, 1)
      total = cum.narrow(1, v - 1, 1)
      drawn = torch.clamp_max(torch.sum(torch.le(cum, torch.mul(total, u)), [1]), v - 1).reshape([n, 1])
    else:
      nb = v // b
      blocks = p.reshape([n, nb, b])
      sums = torch.sum(blocks, [2])
      cum = torch.cumsum(sums, 1)
      total = cum.narrow(1, nb - 1, 1)
      target = torch.mul(total, u)
      block = torch.clamp_max(torch.sum(torch.le(cum, target), [1]), nb - 1).reshape([n, 1])
      before = torch.gather(torch.sub(cum, sums), 1, block)
      in_block = torch.gather(blocks, 1, block.reshape([n, 1, 1]).expand([n, 1, b])).reshape([n, b])
      offset = torch.sum(torch.le(torch.cumsum(in_block, 1), torch.sub(target, before)), [1])
      drawn = torch.add(torch.mul(block, b), torch.clamp_max(offset, b - 1).reshape([n, 1]))
    pd = torch.gather(p, 1, drawn)
    ratio = torch.threshold_(torch.div(p, pd), 1., 0.)
    mass = torch.div(torch.mul(torch.sum(ratio, [1], True), pd), total)
    stats = [drawn.to(7), mass.to(7)]
    if count:
      stats.append(torch.sum(torch.gt(ratio, 0.), [1], True).to(7))
    return torch.cat(stats, 1)

package io.srlm.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.model.io.SafetensorsDtype.Kind;
import org.junit.jupiter.api.Test;

/** Each dtype's element size and kind, as the safetensors format defines them. */
class SafetensorsDtypeTest {
  @Test
  void sizesAndKindsFollowTheFormat() {
    Object[][] expected = {
        {"F64", 8, Kind.FLOAT}, {"F32", 4, Kind.FLOAT}, {"F16", 2, Kind.FLOAT}, {"BF16", 2, Kind.FLOAT},
        {"I64", 8, Kind.INT}, {"I32", 4, Kind.INT}, {"I16", 2, Kind.INT}, {"I8", 1, Kind.INT},
        {"U64", 8, Kind.INT}, {"U32", 4, Kind.INT}, {"U16", 2, Kind.INT}, {"U8", 1, Kind.INT},
        {"BOOL", 1, Kind.BOOL}};
    assertThat(SafetensorsDtype.values()).hasSize(expected.length);
    for (Object[] e : expected) {
      SafetensorsDtype d = SafetensorsDtype.parse((String) e[0]).orElseThrow();
      assertThat(d.size()).as(d + " size").isEqualTo(e[1]);
      assertThat(d.kind()).as(d + " kind").isEqualTo(e[2]);
      assertThat(d.isFloat()).as(d + " isFloat").isEqualTo(e[2] == Kind.FLOAT);
    }
    assertThat(SafetensorsDtype.parse("F8_E4M3")).isEmpty();
    assertThat(SafetensorsDtype.parse(null)).isEmpty();
  }
}

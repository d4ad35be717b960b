package io.srlm.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.srlm.errors.SrlmException;
import org.junit.jupiter.api.Test;

/** Device placement: Spark GPU addresses to CUDA ordinals, the settings, and the simulated-GPU seam. */
class DevicesTest {

  @Test
  void sparkAddressIsTheOrdinalWhenCudaVisibleDevicesIsUnset() {
    assertThat(Devices.cudaOrdinal("3", null)).isEqualTo(3);
    assertThat(Devices.cudaOrdinal(" 0 ", "")).isEqualTo(0);
  }

  @Test
  void sparkAddressMapsToItsPositionInARemappedCudaVisibleDevices() {
    // YARN/containers isolate GPU 3: the process sees it as ordinal 0
    assertThat(Devices.cudaOrdinal("3", "3")).isEqualTo(0);
    assertThat(Devices.cudaOrdinal("5", "2, 5,7")).isEqualTo(1);
    assertThat(Devices.cudaOrdinal("7", "2,5,7")).isEqualTo(2);
  }

  @Test
  void anAddressMissingFromCudaVisibleDevicesIsRefusedNamingBoth() {
    assertThatThrownBy(() -> Devices.cudaOrdinal("3", "0,1"))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("\"3\"")
        .hasMessageContaining("CUDA_VISIBLE_DEVICES=0,1")
        .hasMessageContaining("discovery script");
    assertThatThrownBy(() -> Devices.cudaOrdinal("GPU-abc", null)).hasMessageContaining("not a GPU index");
  }

  @Test
  void autoInASparkTaskUsesTheMappedAddress() {
    Devices.Placement p = Devices.place("auto", new Devices.View(1, "3", "3"));
    assertThat(p.name()).isEqualTo("cuda:0");
    assertThat(p.sparkAddress()).isEqualTo("3");
    assertThat(Devices.place("auto", new Devices.View(4, null, "2")).name()).isEqualTo("cuda:2");
  }

  @Test
  void autoOutsideSparkTakesTheFirstVisibleGpuElseTheCpu() {
    assertThat(Devices.place("auto", new Devices.View(2, "4,5", null)).name()).isEqualTo("cuda:0");
    assertThat(Devices.place("auto", new Devices.View(0, null, null)).name()).isEqualTo("cpu");
    assertThat(Devices.place("AUTO", new Devices.View(0, "", null)).gpu()).isFalse();
  }

  @Test
  void explicitSettingsAreHonouredOrRefused() {
    assertThat(Devices.place("cpu", new Devices.View(8, null, "1")).name()).isEqualTo("cpu");
    assertThat(Devices.place("cuda", new Devices.View(1, null, null)).name()).isEqualTo("cuda:0");
    assertThat(Devices.place("cuda:1", new Devices.View(2, null, null)).ordinal()).isEqualTo(1);
    assertThatThrownBy(() -> Devices.place("cuda", new Devices.View(0, null, null)))
        .hasMessageContaining("asks for CUDA device 0 but this process sees 0 GPU(s)");
    assertThatThrownBy(() -> Devices.place("auto", new Devices.View(1, null, "3")))
        .hasMessageContaining("Spark address 3");
    assertThatThrownBy(() -> Devices.place("gpu0", new Devices.View(1, null, null)))
        .hasMessageContaining("must be auto, cpu, cuda or cuda:N");
  }

  @Test
  void simulatedGpusPlaceOnCudaButKeepTensorsOnTheCpu() {
    System.setProperty(Devices.SIMULATED_GPUS, "2");
    try {
      Devices.Placement p = Devices.placement("cuda:1");
      assertThat(p.name()).isEqualTo("cuda:1");
      assertThat(Devices.device(p)).isEqualTo(Device.cpu());
      assertThat(Devices.placement("auto").name()).isEqualTo("cuda:0");
      assertThatThrownBy(() -> Devices.placement("cuda:2")).hasMessageContaining("sees 2 GPU(s)");
    } finally {
      System.clearProperty(Devices.SIMULATED_GPUS);
    }
    assertThat(Devices.placement("cpu").name()).isEqualTo("cpu");
  }
}

package io.srlm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The --peer-cmd rate: the last "tok/s" figure a shell command prints, and a clear error when there is none. */
class PeerCommandTest {
  @Test
  void readsTheLastTokPerSecondFigureOfTheOutput() {
    assertThat(EngineBench.peerTokPerSec("echo 'warmup tok/s: 12'; echo 'achieved tok/s: 346.467391'"))
        .isEqualTo(346.467391);
  }

  @Test
  void aCommandWithoutAFigureOrThatFailsIsAnErrorNamingTheOption() {
    assertThatThrownBy(() -> EngineBench.peerTokPerSec("echo no rate here"))
        .hasMessageContaining("--peer-cmd").hasMessageContaining("no rate here");
    assertThatThrownBy(() -> EngineBench.peerTokPerSec("echo 'tok/s: 5'; exit 3"))
        .hasMessageContaining("--peer-cmd exited 3");
  }
}

package io.scanout.capture.drm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Against the machine's DRM cards where there are any; says why it skips where not. */
class KmsRealDeviceTest {
    @Test
    void aMissingCardIsAClearError() {
        assertThatThrownBy(() -> KmsDevices.open(Path.of("/dev/dri/card99")))
                .isInstanceOf(DrmException.class)
                .hasMessage("cannot open /dev/dri/card99: errno 2 (No such file or directory)");
    }

    @Test
    void everyCardHereListsItsPlanes() {
        List<Path> cards = KmsDevices.cards();
        Assumptions.assumeFalse(cards.isEmpty(), "no /dev/dri/card* on this machine (no GPU or no DRM driver):"
                + " the real-card test needs one");
        for (Path card : cards) {
            try (KmsDevice device = KmsDevices.open(card)) {
                List<Integer> planes = device.planeIds();
                assertThat(planes).isNotEmpty();
                for (int id : planes) {
                    assertThat(device.plane(id).planeId()).isEqualTo(id);
                }
            }
        }
    }
}

package io.scanout.capture;

import io.scanout.capture.drm.KmsSource;
import io.scanout.capture.region.RegionSource;
import io.scanout.capture.rfb.RfbSource;
import io.scanout.capture.synthetic.SyntheticSource;
import io.scanout.capture.vfio.VfioSource;
import io.scanout.capture.x11.X11Source;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Opens a {@link FrameSource} from its URI, by scheme: {@code synthetic:1280x720@30?format=XR24}.
 * Adding a source is one line in {@link #factories()}.
 */
public final class FrameSources {
    private static final Map<String, FrameSourceFactory> FACTORIES = factories();

    private FrameSources() {
    }

    private static Map<String, FrameSourceFactory> factories() {
        Map<String, FrameSourceFactory> byScheme = new TreeMap<>();
        byScheme.put("synthetic", SyntheticSource::open);
        byScheme.put("vnc", RfbSource::open);
        byScheme.put("x11", X11Source::open);
        byScheme.put("region", RegionSource::open);
        byScheme.put("vfio", VfioSource::open);
        byScheme.put("drm", KmsSource::open);
        return Collections.unmodifiableMap(byScheme);
    }

    /**
     * A source for this URI. Validates it now, so a typo fails at startup, and captures nothing
     * until {@link FrameSource#frames()} is subscribed. Does not block.
     *
     * @param pool   where the source takes its frames from
     * @param meters the stream's meters (frames captured, dropped, capture latency)
     * @throws IllegalArgumentException for a malformed URI, an unknown scheme (the message lists
     *                                  the known ones) or a bad parameter
     */
    public static FrameSource open(String uri, FramePool pool, StreamMeters meters) {
        SourceUri parsed = SourceUri.parse(uri);
        FrameSourceFactory factory = FACTORIES.get(parsed.scheme());
        if (factory == null) {
            throw new IllegalArgumentException("source URI '" + parsed + "': unknown scheme '" + parsed.scheme()
                    + "' (known: " + String.join(", ", FACTORIES.keySet()) + ")");
        }
        return factory.open(parsed, pool, meters);
    }

    /** The schemes {@link #open} knows, sorted. */
    public static Set<String> schemes() {
        return FACTORIES.keySet();
    }
}

package io.scanout.capture.region;

/**
 * A producer's metadata failed validation: which {@link RegionFault} and a message naming the
 * numbers. Thrown and caught within the region source, per frame; never reaches a subscriber.
 */
final class RegionMetadataException extends Exception {
    private final RegionFault fault;

    RegionMetadataException(RegionFault fault, String message) {
        // No stack trace: this is a per-frame verdict on outside input, not a bug to locate.
        super(message, null, false, false);
        this.fault = fault;
    }

    RegionFault fault() {
        return fault;
    }
}

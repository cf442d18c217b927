package io.scanout.convert.internal;

/**
 * The {@link TileHash} of this JVM: {@link VectorTileHash} where the module
 * {@code jdk.incubator.vector} is loaded, none otherwise (then {@link TileDiff} compares bytes,
 * which the JDK vectorises itself: a scalar hash would be slower than that).
 */
final class TileHashes {
    private static final TileHash HASH = find();

    private TileHashes() {
    }

    /** The hash, or null on a JVM without the Vector API. */
    static TileHash orNull() {
        return HASH;
    }

    private static TileHash find() {
        if (!RowPairKernels.vectorised()) {
            return null;
        }
        try {
            return VectorApiClasses.newInstance(TileHash.class, "VectorTileHash", new Class<?>[0]);
        } catch (IllegalStateException e) {
            return null;
        }
    }
}

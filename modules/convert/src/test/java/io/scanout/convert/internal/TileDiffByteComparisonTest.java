package io.scanout.convert.internal;

import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;

/** Every {@link TileDiffTest} again, with the byte comparison a JVM without the Vector API uses. */
class TileDiffByteComparisonTest extends TileDiffTest {
    @Override
    TileDiff newDiff(PlaneLayout layout, int tileSize, FramePool pool, ByteViews views) {
        return new TileDiff(layout, tileSize, pool, views, null);
    }
}

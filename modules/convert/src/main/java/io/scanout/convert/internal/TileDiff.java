package io.scanout.convert.internal;

import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.Rect;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds which square tiles of a frame differ from the previous frame of the same layout, and
 * keeps a copy of the previous frame (for keep-alives), copying into it only the tiles that differ.
 * Where the JVM has the Vector API the tiles are told apart by a {@link TileHash} of their
 * 32-bit columns: an unchanged frame is read once, and only the digests (a tile row's at a time,
 * 4 KiB for a 4K XR24 row) are read besides. Without it each row is compared with the copy
 * ({@link ByteBuffer#mismatch}, which the JDK runs as a vectorised memcmp): exact, but reading the
 * copy too. The hash misses no change confined to one word, and any other only by a 32-bit
 * collision in every state int it touches. Nothing is allocated per frame.
 *
 * <p>Every plane counts: for 4:2:0 formats a tile covers the luma and the chroma under it. Row
 * padding past the picture is never compared. Owns its copy (a frame from the pool);
 * {@link #close()} releases it. One thread at a time.
 */
public final class TileDiff implements AutoCloseable {
    private final PlaneLayout layout;
    private final int tileSize;
    private final int tilesX;
    private final int tilesY;
    private final boolean[] changed;
    private final int[] tileBytes;
    private final int[] verticalSubsampling;
    private final ByteViews views;
    private final Frame reference;
    private final ByteBuffer referenceBytes;
    /** Null without the Vector API: then frames are compared with {@link #reference} byte by byte. */
    private final TileHash hash;
    /** How each plane's rows fold into state (with {@link #hash}): the longest chain its tiles allow. */
    private final FoldShape[] planeShape;
    /** Where each plane's state starts in a tile row's (with {@link #hash}). */
    private final int[] planeState;
    /** The state ints of one tile row: every plane's (with {@link #hash}). */
    private final int bandInts;
    /** Every tile row's column hashes in the previous frame, {@link #bandInts} each (with {@link #hash}). */
    private final int[] digests;
    /** The running column hashes of the tile row being compared (with {@link #hash}). */
    private final int[] bandState;

    /**
     * A diff for frames of {@code layout}, keeping its copy in a frame from {@code pool}.
     *
     * @param tileSize tile side in pixels, a power of two from 16 to 256
     * @param views    the caller's cache of views of the frames it will compare
     */
    public TileDiff(PlaneLayout layout, int tileSize, FramePool pool, ByteViews views) {
        this(layout, tileSize, pool, views, TileHashes.orNull());
    }

    /** With {@code hash}, or byte comparison when null (both are tested). */
    TileDiff(PlaneLayout layout, int tileSize, FramePool pool, ByteViews views, TileHash hash) {
        checkTileSize(tileSize);
        this.layout = layout;
        this.tileSize = tileSize;
        this.tilesX = (layout.width() + tileSize - 1) / tileSize;
        this.tilesY = (layout.height() + tileSize - 1) / tileSize;
        this.changed = new boolean[tilesX * tilesY];
        DrmFormat format = layout.format();
        this.tileBytes = new int[layout.planeCount()];
        this.verticalSubsampling = new int[layout.planeCount()];
        for (int p = 0; p < layout.planeCount(); p++) {
            tileBytes[p] = (int) format.rowBytes(p, tileSize);
            verticalSubsampling[p] = p == 0 ? 1 : format.verticalSubsampling();
        }
        this.views = views;
        // Every format's tile segments are whole words from 16 pixels up; were one not, a word
        // would straddle two tiles, so bytes would be compared instead.
        this.hash = Arrays.stream(tileBytes).allMatch(b -> b % Integer.BYTES == 0) ? hash : null;
        this.planeShape = new FoldShape[layout.planeCount()];
        this.planeState = new int[layout.planeCount()];
        int ints = 0;
        for (int p = 0; this.hash != null && p < layout.planeCount(); p++) {
            planeShape[p] = FoldShape.forTiles(this.hash.lanes(), tileBytes[p] / Integer.BYTES);
            planeState[p] = ints;
            ints += planeShape[p].stateInts(layout.rowBytes(p));
        }
        this.bandInts = ints;
        this.digests = this.hash == null ? null : new int[Math.multiplyExact(tilesY, bandInts)];
        this.bandState = this.hash == null ? null : new int[bandInts];
        this.reference = pool.acquire(layout);
        this.referenceBytes = reference.memory().buffer();
    }

    /** @throws IllegalArgumentException unless a power of two from 16 to 256 */
    public static void checkTileSize(int tileSize) {
        if (tileSize < 16 || tileSize > 256 || Integer.bitCount(tileSize) != 1) {
            throw new IllegalArgumentException("tile size must be a power of two from 16 to 256, not " + tileSize);
        }
    }

    public PlaneLayout layout() {
        return layout;
    }

    /** Takes {@code frame} (of {@link #layout()}) as the previous frame: copies all of it. */
    public void prime(Frame frame) {
        ByteBuffer current = views.of(frame);
        for (int p = 0; p < layout.planeCount(); p++) {
            int start = Math.toIntExact(layout.offset(p));
            int length = Math.toIntExact(layout.planeEnd(p) - layout.offset(p));
            referenceBytes.put(start, current, start, length);
        }
        if (hash != null) {
            for (int tileY = 0; tileY < tilesY; tileY++) {
                hashTileRow(current, tileY);
                System.arraycopy(bandState, 0, digests, tileY * bandInts, bandInts);
            }
        }
    }

    /**
     * Takes {@code frame} (of {@link #layout()}) as the previous frame where {@code damage} says it
     * changed: copies the band of whole rows the rectangles span, in every plane (whole rows, so
     * subsampled and packed-YUV planes need no column arithmetic). Keeps the copy true to a source
     * that reports its own damage; tiles are not marked, nor digests updated: {@link #prime} again
     * before the next {@link #compare}.
     */
    public void copyRows(Frame frame, Damage damage) {
        if (damage.isWhole()) {
            prime(frame);
            return;
        }
        if (damage.isEmpty()) {
            return;
        }
        int top = layout.height();
        int bottom = 0;
        for (Rect r : damage.rectangles()) {
            top = Math.min(top, Math.max(0, r.y()));
            bottom = Math.max(bottom, Math.min(layout.height(), r.bottom()));
        }
        if (top >= bottom) {
            return;
        }
        ByteBuffer current = views.of(frame);
        for (int p = 0; p < layout.planeCount(); p++) {
            int subsampling = verticalSubsampling[p];
            int firstRow = top / subsampling;
            int endRow = Math.min(layout.planeHeight(p), (bottom + subsampling - 1) / subsampling);
            if (firstRow >= endRow) {
                continue;
            }
            int stride = layout.stride(p);
            int start = Math.toIntExact(layout.offset(p)) + firstRow * stride;
            int length = (endRow - firstRow - 1) * stride + (int) layout.rowBytes(p);
            referenceBytes.put(start, current, start, length);
        }
    }

    /** A new frame from {@code pool} holding the previous frame's picture; the caller owns it. */
    public Frame copy(FramePool pool) {
        Frame out = pool.acquire(layout);
        try {
            ByteBuffer target = out.memory().buffer();
            for (int p = 0; p < layout.planeCount(); p++) {
                int start = Math.toIntExact(layout.offset(p));
                int length = Math.toIntExact(layout.planeEnd(p) - layout.offset(p));
                target.put(start, referenceBytes, start, length);
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.release();
            throw e;
        }
    }

    /**
     * Compares {@code frame} (of {@link #layout()}) with the previous frame, marks the tiles that
     * differ, and makes it the previous frame.
     *
     * @return how many tiles differ
     */
    public int compare(Frame frame) {
        Arrays.fill(changed, false);
        return hash != null ? compareDigests(views.of(frame)) : compareBytes(views.of(frame));
    }

    /** Hashes each tile row's columns, and copies the tiles whose column hashes changed. */
    private int compareDigests(ByteBuffer current) {
        int count = 0;
        for (int tileY = 0; tileY < tilesY; tileY++) {
            hashTileRow(current, tileY);
            for (int tileX = 0; tileX < tilesX; tileX++) {
                if (takeTileDigest(tileY, tileX)) {
                    changed[tileY * tilesX + tileX] = true;
                    count++;
                    copyTile(current, tileX, tileY);
                }
            }
        }
        return count;
    }

    /** Folds every row of tile row {@code tileY}, plane by plane, into {@link #bandState}. */
    private void hashTileRow(ByteBuffer current, int tileY) {
        Arrays.fill(bandState, 0);
        for (int p = 0; p < layout.planeCount(); p++) {
            int stride = layout.stride(p);
            int rowBytes = (int) layout.rowBytes(p);
            int planeStart = Math.toIntExact(layout.offset(p));
            int endRow = Math.min(layout.planeHeight(p), (tileY + 1) * tileSize / verticalSubsampling[p]);
            for (int row = tileY * tileSize / verticalSubsampling[p]; row < endRow; row++) {
                hash.foldRow(current, planeStart + row * stride, rowBytes, planeShape[p], bandState, planeState[p]);
            }
        }
    }

    /**
     * Whether tile {@code (tileX, tileY)}'s columns hash differently from the previous frame's; if
     * so, keeps the new hashes as the previous frame's.
     */
    private boolean takeTileDigest(int tileY, int tileX) {
        boolean differs = false;
        int band = tileY * bandInts;
        for (int p = 0; p < layout.planeCount(); p++) {
            long rowBytes = layout.rowBytes(p);
            int rowWords = (int) ((rowBytes + Integer.BYTES - 1) / Integer.BYTES);
            int tileWords = tileBytes[p] / Integer.BYTES;
            if (tileX * tileWords >= rowWords) {
                continue;
            }
            int from = planeShape[p].stateIndex(tileX * tileWords, rowBytes);
            int to = planeShape[p].stateIndex(Math.min((tileX + 1) * tileWords, rowWords), rowBytes);
            int at = planeState[p];
            if (Arrays.mismatch(bandState, at + from, at + to, digests, band + at + from, band + at + to) >= 0) {
                System.arraycopy(bandState, at + from, digests, band + at + from, to - from);
                differs = true;
            }
        }
        return differs;
    }

    /** Copies tile {@code (tileX, tileY)} of every plane into the previous frame's copy. */
    private void copyTile(ByteBuffer current, int tileX, int tileY) {
        for (int p = 0; p < layout.planeCount(); p++) {
            int stride = layout.stride(p);
            int rowBytes = (int) layout.rowBytes(p);
            int from = tileX * tileBytes[p];
            if (from >= rowBytes) {
                continue;
            }
            int length = Math.min(tileBytes[p], rowBytes - from);
            int planeStart = Math.toIntExact(layout.offset(p));
            int endRow = Math.min(layout.planeHeight(p), (tileY + 1) * tileSize / verticalSubsampling[p]);
            for (int row = tileY * tileSize / verticalSubsampling[p]; row < endRow; row++) {
                int at = planeStart + row * stride + from;
                referenceBytes.put(at, current, at, length);
            }
        }
    }

    /** Compares each row with the previous frame's copy, and copies the tile segments that differ. */
    private int compareBytes(ByteBuffer current) {
        ByteBuffer previous = referenceBytes;
        int count = 0;
        for (int p = 0; p < layout.planeCount(); p++) {
            int stride = layout.stride(p);
            int rowBytes = (int) layout.rowBytes(p);
            int segment = tileBytes[p];
            int subsampling = verticalSubsampling[p];
            int rows = layout.planeHeight(p);
            int planeStart = Math.toIntExact(layout.offset(p));
            for (int row = 0; row < rows; row++) {
                int rowStart = planeStart + row * stride;
                int rowEnd = rowStart + rowBytes;
                int tileRow = row * subsampling / tileSize * tilesX;
                int from = rowStart;
                while (from < rowEnd) {
                    current.limit(rowEnd).position(from);
                    previous.limit(rowEnd).position(from);
                    int at = current.mismatch(previous);
                    if (at < 0) {
                        break;
                    }
                    int column = (from - rowStart + at) / segment;
                    int segmentStart = rowStart + column * segment;
                    int segmentEnd = Math.min(segmentStart + segment, rowEnd);
                    previous.limit(previous.capacity());
                    current.limit(current.capacity());
                    previous.put(segmentStart, current, segmentStart, segmentEnd - segmentStart);
                    if (!changed[tileRow + column]) {
                        changed[tileRow + column] = true;
                        count++;
                    }
                    from = segmentEnd;
                }
            }
        }
        current.clear();
        previous.clear();
        return count;
    }

    /**
     * The tiles {@link #compare} marked, as rectangles clipped to the picture: runs of adjacent
     * tiles in a tile row become one rectangle, and a run exactly below another of the same
     * columns extends it downwards.
     */
    public Damage damage() {
        List<int[]> rects = new ArrayList<>();
        // For each tile column where a run starts: the rectangle (index into rects) that ended on the
        // previous tile row with the same columns, or -1.
        int[] openAbove = new int[tilesX];
        int[] openHere = new int[tilesX];
        Arrays.fill(openAbove, -1);
        for (int ty = 0; ty < tilesY; ty++) {
            Arrays.fill(openHere, -1);
            int tx = 0;
            while (tx < tilesX) {
                if (!changed[ty * tilesX + tx]) {
                    tx++;
                    continue;
                }
                int start = tx;
                while (tx < tilesX && changed[ty * tilesX + tx]) {
                    tx++;
                }
                int above = openAbove[start];
                if (above >= 0 && rects.get(above)[2] == tx) {
                    rects.get(above)[3] = ty + 1;
                    openHere[start] = above;
                } else {
                    rects.add(new int[] {start, ty, tx, ty + 1});
                    openHere[start] = rects.size() - 1;
                }
            }
            int[] swap = openAbove;
            openAbove = openHere;
            openHere = swap;
        }
        List<Rect> out = new ArrayList<>(rects.size());
        for (int[] r : rects) {
            int x = r[0] * tileSize;
            int y = r[1] * tileSize;
            out.add(new Rect(x, y, Math.min(r[2] * tileSize, layout.width()) - x,
                    Math.min(r[3] * tileSize, layout.height()) - y));
        }
        return Damage.of(out);
    }

    /** Whether tile {@code (tileX, tileY)} differed in the last {@link #compare}. */
    public boolean changed(int tileX, int tileY) {
        return changed[tileY * tilesX + tileX];
    }

    /** Whether tiles are told apart by column hashes (with the Vector API) rather than by comparing bytes. */
    boolean hashes() {
        return hash != null;
    }

    public int tilesX() {
        return tilesX;
    }

    public int tilesY() {
        return tilesY;
    }

    @Override
    public void close() {
        reference.release();
    }
}

package io.scanout.encode.testing;

/**
 * A test pattern of solid colour blocks, each {@code block} pixels square, shifted by
 * {@code shift} blocks so that consecutive frames differ (and a wrong frame order shows).
 * Colours stay well inside the BT.709 gamut, so YUV and back loses next to nothing.
 */
public record ColourBlocks(int width, int height, int block, int shift) implements RgbImage {
    private static final int[] PALETTE = {
        0xC82828, 0x28C828, 0x2828C8, 0xC8C828, 0x28C8C8, 0xC828C8, 0x808080, 0xE6E6E6, 0x202020, 0x6040A0,
    };

    /** 16-pixel blocks: they fall on macroblock and chroma sample boundaries. */
    public ColourBlocks(int width, int height, int shift) {
        this(width, height, 16, shift);
    }

    @Override
    public int rgb(int x, int y) {
        int index = Math.floorMod(x / block + 3 * (y / block) + shift, PALETTE.length);
        return PALETTE[index];
    }
}

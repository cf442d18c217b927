package io.scanout.bench;

/**
 * The desktop the encode benchmarks show, as what is where rather than in any pixel format: a still
 * page of text-like strokes beside a soft gradient, and a 480x320 window with a title bar that moves
 * 24 px right and 12 px down each frame. Most of the picture repeats from frame to frame and part
 * changes, as on a real screen. {@link BgraDesktop} paints it in XR24, {@link EncodeBenchmark} in NV12
 * or YU12; both colour these parts, so the two benchmarks encode the same scene.
 */
final class DesktopScene {
    /** What a pixel shows. */
    enum Part {
        /** The moving window's title bar. */
        TITLE_BAR,
        /** The window's body: vertical stripes 40 px wide, light then dark. */
        WINDOW_LIGHT,
        WINDOW_DARK,
        /** A stroke of "text" on the page. */
        INK,
        /** The page between the strokes. */
        PAGE,
        /** The gradient outside the page's lines of text; its shade is the painter's choice by position. */
        BACKGROUND
    }

    /** Receives each pixel of a frame, row by row. */
    interface Painter {
        void pixel(int x, int y, Part part);
    }

    private static final int WINDOW_WIDTH = 480;
    private static final int WINDOW_HEIGHT = 320;
    private static final int TITLE_BAR_HEIGHT = 24;

    private DesktopScene() {
    }

    /** Hands every pixel of frame {@code index} at this size to {@code painter}, row by row. */
    static void paint(int width, int height, int index, Painter painter) {
        int winX = windowX(index);
        int winY = windowY(index);
        // The same strokes every frame: the page does not change, only the window over it.
        long seed = 0x9E3779B97F4A7C15L;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean text = y % 20 < 12 && x % 400 < 300;
                if (text) {
                    seed = seed * 6364136223846793005L + 1442695040888963407L;
                }
                Part part;
                if (inWindow(x, y, index)) {
                    part = y - winY < TITLE_BAR_HEIGHT ? Part.TITLE_BAR
                            : (x - winX) / 40 % 2 == 0 ? Part.WINDOW_LIGHT : Part.WINDOW_DARK;
                } else if (text) {
                    part = (seed >>> 61) < 2 ? Part.INK : Part.PAGE;
                } else {
                    part = Part.BACKGROUND;
                }
                painter.pixel(x, y, part);
            }
        }
    }

    /** Whether {@code (x, y)} is inside the window in frame {@code index}. */
    static boolean inWindow(int x, int y, int index) {
        int winX = windowX(index);
        int winY = windowY(index);
        return x >= winX && x < winX + WINDOW_WIDTH && y >= winY && y < winY + WINDOW_HEIGHT;
    }

    private static int windowX(int index) {
        return 200 + 24 * index;
    }

    private static int windowY(int index) {
        return 100 + 12 * index;
    }
}

/**
 * What flows back from viewers to a source, and the pointer that flows beside the frames:
 * {@link io.scanout.core.input.InputSink}, {@link io.scanout.core.input.DisplaySizeSink},
 * {@link io.scanout.core.input.CursorImage} and {@link io.scanout.core.input.CursorPosition}.
 */
package io.scanout.core.input;

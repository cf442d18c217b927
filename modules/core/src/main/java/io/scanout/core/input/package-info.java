/**
 * What flows back from viewers to a source, and the pointer image that flows beside the frames:
 * {@link io.scanout.core.input.InputSink} and {@link io.scanout.core.input.CursorImage}.
 */
package io.scanout.core.input;

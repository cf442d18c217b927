package io.scanout.capture.rfb;

import io.scanout.core.input.CursorImage;
import io.scanout.core.DrmFormat;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection to a VNC server: the handshake, the client's framebuffer, and the messages
 * both ways. Blocking {@link Socket} I/O: the capture thread reads and asks for updates; input
 * events are written by {@link InputWriter}'s thread; writes are serialised on the output stream.
 *
 * <p>Closing it (from any thread) closes the socket, which ends a read blocked on it, and gives
 * the framebuffer back to the pool once the capture thread is done with it.
 */
final class RfbConnection implements AutoCloseable, UpdateDecoder.Target {
    private static final Logger log = LoggerFactory.getLogger(RfbConnection.class);
    private static final int MESSAGE_FRAMEBUFFER_UPDATE = 0;
    private static final int MESSAGE_SET_COLOUR_MAP_ENTRIES = 1;
    private static final int MESSAGE_BELL = 2;
    private static final int MESSAGE_SERVER_CUT_TEXT = 3;
    /** Clipboard text is skipped unread; past this much it is not clipboard text. */
    static final long MAX_CUT_TEXT = 16L * 1024 * 1024;

    private final Socket socket;
    private final BufferedInputStream buffered;
    private final WireIn in;
    private final DataOutputStream out;
    private final int timeoutMillis;
    private final FramePool pool;
    private final PixelFormat format;
    private final DrmFormat drmFormat;
    private final RfbHandshake.ServerInit init;
    private final UpdateDecoder decoder;
    private final Consumer<CursorImage> cursors;
    private Framebuffer framebuffer;
    private volatile boolean closed;

    private RfbConnection(Socket socket, RfbSettings settings, FramePool pool, boolean keepServerFormat,
                          Consumer<CursorImage> cursors) throws IOException {
        this.socket = socket;
        this.timeoutMillis = settings.timeoutMillis();
        this.pool = pool;
        this.cursors = cursors;
        this.buffered = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.in = new WireIn(buffered);
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1024));
        this.init = RfbHandshake.perform(in, out, settings.password(), settings.shared());
        PixelFormat chosen = keepServerFormat || settings.serverFormat() ? init.format() : PixelFormat.BGRX;
        this.drmFormat = chosen.drmFormat().orElseThrow(() -> RfbProtocolException.fatal("the server's pixel format ("
                + init.format() + ") has no DRM fourcc this client stores; use format=bgrx"));
        this.format = chosen;
        synchronized (out) {
            if (chosen != init.format()) {
                out.writeByte(0);
                out.write(new byte[3]);
                chosen.write(out);
            }
            List<Integer> encodings = new ArrayList<>(settings.encodings());
            encodings.add(Encodings.DESKTOP_SIZE);
            encodings.add(Encodings.EXTENDED_DESKTOP_SIZE);
            encodings.add(Encodings.LAST_RECT);
            if (settings.cursor()) {
                encodings.add(Encodings.CURSOR);
            }
            // Without a quality level a Tight server never sends JPEG: lossless unless asked.
            settings.jpegQuality().ifPresent(q -> encodings.add(Encodings.JPEG_QUALITY_0 + q));
            out.writeByte(2);
            out.writeByte(0);
            out.writeShort(encodings.size());
            for (int e : encodings) {
                out.writeInt(e);
            }
            out.flush();
        }
        this.decoder = new UpdateDecoder(format);
        try {
            this.framebuffer = new Framebuffer(pool, drmFormat, init.width(), init.height());
        } catch (RuntimeException e) {
            decoder.close();
            throw e;
        }
    }

    /**
     * Connects, authenticates and announces the pixel format and encodings.
     *
     * @param keepServerFormat take the server's pixel format rather than asking for BGRX
     * @throws IOException           when the server cannot be reached or hangs up
     * @throws RfbProtocolException  when it says something this client cannot take
     */
    static RfbConnection open(RfbSettings settings, FramePool pool, boolean keepServerFormat,
                              Consumer<CursorImage> cursors) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(new InetSocketAddress(settings.host(), settings.port()), settings.timeoutMillis());
            socket.setSoTimeout(settings.timeoutMillis());
            return new RfbConnection(socket, settings, pool, keepServerFormat, cursors);
        } catch (EOFException e) {
            closeQuietly(socket, e);
            throw new RfbProtocolException("the server closed the connection during the handshake", e);
        } catch (SocketTimeoutException e) {
            closeQuietly(socket, e);
            throw new RfbProtocolException("the server sent nothing for " + settings.timeoutMillis()
                    + " ms during the handshake", e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket, e);
            throw e;
        }
    }

    private static void closeQuietly(Socket socket, Exception cause) {
        try {
            socket.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    RfbHandshake.ServerInit serverInit() {
        return init;
    }

    /** The pixel format in use: BGRX, unless the server's own was kept. */
    PixelFormat pixelFormat() {
        return format;
    }

    VideoFormat videoFormat() {
        return new VideoFormat(drmFormat, framebuffer.width(), framebuffer.height());
    }

    @Override
    public Framebuffer framebuffer() {
        return framebuffer;
    }

    @Override
    public void resize(int width, int height) {
        Framebuffer old = framebuffer;
        framebuffer = new Framebuffer(pool, drmFormat, width, height);
        old.close();
    }

    @Override
    public void cursor(CursorImage cursor) {
        cursors.accept(cursor);
    }

    /** Asks for an update of the whole framebuffer: only what changed ({@code incremental}) or all of it. */
    void requestUpdate(boolean incremental) throws IOException {
        synchronized (out) {
            out.writeByte(3);
            out.writeByte(incremental ? 1 : 0);
            out.writeShort(0);
            out.writeShort(0);
            out.writeShort(framebuffer.width());
            out.writeShort(framebuffer.height());
            out.flush();
        }
    }

    /** Writes a client message built by {@link InputWriter}; any thread. */
    void send(byte[] message) throws IOException {
        synchronized (out) {
            out.write(message);
            out.flush();
        }
    }

    /**
     * Reads the next server message if one starts within {@code pollMillis}.
     *
     * @return the update it carried, or null when none started in time or the message was not an update
     * @throws RfbProtocolException when the message is malformed, or stops for longer than the timeout
     * @throws IOException          when the connection is lost
     */
    UpdateDecoder.Update readMessage(int pollMillis) throws IOException {
        int type;
        socket.setSoTimeout(pollMillis);
        try {
            type = buffered.read();
        } catch (SocketTimeoutException e) {
            return null;
        }
        long arrival = System.nanoTime();
        if (type < 0) {
            throw new EOFException("the server closed the connection");
        }
        socket.setSoTimeout(timeoutMillis);
        String message = "message type " + type;
        try {
            switch (type) {
                case MESSAGE_FRAMEBUFFER_UPDATE:
                    message = "a FramebufferUpdate";
                    return decoder.read(in, this, arrival);
                case MESSAGE_SET_COLOUR_MAP_ENTRIES:
                    message = "a SetColourMapEntries";
                    in.u8();
                    in.u16();
                    in.skip(6L * in.u16());
                    return null;
                case MESSAGE_BELL:
                    return null;
                case MESSAGE_SERVER_CUT_TEXT:
                    message = "a ServerCutText";
                    in.skip(3);
                    long length = in.u32();
                    if (length > MAX_CUT_TEXT) {
                        throw new RfbProtocolException("ServerCutText of " + length + " bytes is past the "
                                + MAX_CUT_TEXT + " this client skips");
                    }
                    in.skip(length);
                    return null;
                default:
                    throw new RfbProtocolException("the server sent message type " + type
                            + ", which RFC 6143 does not define for a client that asked for no extensions");
            }
        } catch (EOFException e) {
            throw new RfbProtocolException("the server closed the connection in the middle of " + message
                    + detail(type), e);
        } catch (SocketTimeoutException e) {
            throw new RfbProtocolException("the server sent nothing for " + timeoutMillis + " ms in the middle of "
                    + message + detail(type), e);
        }
    }

    private String detail(int type) {
        return type == MESSAGE_FRAMEBUFFER_UPDATE ? ", in " + decoder.where() : "";
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes the socket; any thread. A read blocked on it ends with an exception. */
    void disconnect() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is all that is wanted; a socket that fails to close is already unusable.
            log.debug("closing the VNC socket: {}", e.toString());
        }
    }

    /** Closes the socket and frees the framebuffer and the zlib stream; the capture thread only. */
    @Override
    public void close() {
        disconnect();
        decoder.close();
        framebuffer.close();
    }
}

package io.scanout.transport.rfb;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A bare RFB client for protocol tests: writes exactly the bytes a test asks for (good or bad) and
 * reads what the server answers, so a test can speak to the server the way no real client would.
 * Raw and Open H.264 rectangles; blocking, with a read timeout.
 */
final class RawRfbClient implements AutoCloseable {
    final Socket socket;
    DataInputStream in;
    DataOutputStream out;
    int width;
    int height;
    String name;

    RawRfbClient(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(20_000);
        use(socket.getInputStream(), socket.getOutputStream());
    }

    void use(InputStream input, OutputStream output) {
        in = new DataInputStream(input);
        out = new DataOutputStream(output);
    }

    /** Reads the server's version and answers 3.8; returns the security types offered. */
    List<Integer> version() throws IOException {
        byte[] v = new byte[12];
        in.readFully(v);
        if (!new String(v, StandardCharsets.US_ASCII).equals("RFB 003.008\n")) {
            throw new IOException("server version " + new String(v, StandardCharsets.US_ASCII));
        }
        out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        int count = in.readUnsignedByte();
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            types.add(in.readUnsignedByte());
        }
        return types;
    }

    /** After a zero-count security list: the reason. */
    String reason() throws IOException {
        byte[] text = new byte[in.readInt()];
        in.readFully(text);
        return new String(text, StandardCharsets.UTF_8);
    }

    /** Security None, SecurityResult, ClientInit, ServerInit. */
    void connectWithNone() throws IOException {
        List<Integer> types = version();
        if (!types.contains(1)) {
            throw new IOException("None not offered: " + types);
        }
        out.writeByte(1);
        out.flush();
        securityResultOk();
        init();
    }

    void securityResultOk() throws IOException {
        int result = in.readInt();
        if (result != 0) {
            throw new IOException("security failed: " + reason());
        }
    }

    void init() throws IOException {
        out.writeByte(1);
        out.flush();
        width = in.readUnsignedShort();
        height = in.readUnsignedShort();
        in.readFully(new byte[16]);
        byte[] n = new byte[in.readInt()];
        in.readFully(n);
        name = new String(n, StandardCharsets.UTF_8);
    }

    void setPixelFormat(int bpp, int depth, boolean bigEndian, int redMax, int greenMax, int blueMax,
                        int redShift, int greenShift, int blueShift) throws IOException {
        out.write(new byte[] {0, 0, 0, 0});
        out.writeByte(bpp);
        out.writeByte(depth);
        out.writeByte(bigEndian ? 1 : 0);
        out.writeByte(1);
        out.writeShort(redMax);
        out.writeShort(greenMax);
        out.writeShort(blueMax);
        out.writeByte(redShift);
        out.writeByte(greenShift);
        out.writeByte(blueShift);
        out.write(new byte[3]);
        out.flush();
    }

    void setEncodings(int... encodings) throws IOException {
        out.writeByte(2);
        out.writeByte(0);
        out.writeShort(encodings.length);
        for (int e : encodings) {
            out.writeInt(e);
        }
        out.flush();
    }

    void request(boolean incremental, int x, int y, int w, int h) throws IOException {
        out.writeByte(3);
        out.writeByte(incremental ? 1 : 0);
        out.writeShort(x);
        out.writeShort(y);
        out.writeShort(w);
        out.writeShort(h);
        out.flush();
    }

    /**
     * One rectangle of an update: its place, encoding and, for Raw, its pixels' bytes; for Open
     * H.264, its access unit and flags (1: reset the decoder's context).
     */
    record Rectangle(int x, int y, int width, int height, int encoding, byte[] raw, int flags) {
        /** What the rectangle carries: Raw pixels or the H.264 access unit; null for pseudo-encodings. */
        byte[] data() {
            return raw;
        }
    }

    /** Reads one FramebufferUpdate of Raw, Open H.264, DesktopSize and PointerPos rectangles. */
    List<Rectangle> readUpdate(int bytesPerPixel) throws IOException {
        int type = in.readUnsignedByte();
        if (type != 0) {
            throw new IOException("message type " + type + ", not a FramebufferUpdate");
        }
        in.readUnsignedByte();
        int count = in.readUnsignedShort();
        List<Rectangle> rects = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int x = in.readUnsignedShort();
            int y = in.readUnsignedShort();
            int w = in.readUnsignedShort();
            int h = in.readUnsignedShort();
            int encoding = in.readInt();
            byte[] raw = null;
            int flags = 0;
            if (encoding == Encodings.RAW) {
                raw = new byte[w * h * bytesPerPixel];
                in.readFully(raw);
            } else if (encoding == Encodings.OPEN_H264) {
                int length = in.readInt();
                flags = in.readInt();
                if (length < 1 || length > 1 << 22) {
                    throw new IOException("an Open H.264 rectangle of " + length + " B");
                }
                raw = new byte[length];
                in.readFully(raw);
            } else if (encoding != Encodings.DESKTOP_SIZE && encoding != Encodings.POINTER_POS) {
                throw new IOException("encoding " + encoding + " is not read by this test client");
            }
            rects.add(new Rectangle(x, y, w, h, encoding, raw, flags));
        }
        return rects;
    }

    /** Whether the server closed the connection (reading everything it still sends). */
    boolean closedByServer() throws IOException {
        try {
            while (in.read() >= 0) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (EOFException e) {
            return true;
        } catch (IOException e) {
            // A reset counts as closed: the server dropped the connection.
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

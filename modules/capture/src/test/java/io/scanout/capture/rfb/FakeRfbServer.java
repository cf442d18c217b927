package io.scanout.capture.rfb;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted VNC server on 127.0.0.1 for tests: connection N runs script N (the last script for
 * every connection after). It stands in where a test needs a server to misbehave on cue; the
 * real servers (x11vnc, QEMU) have their own tests.
 */
final class FakeRfbServer implements AutoCloseable {
    /** What the server does with one connection. */
    interface Script {
        void run(Connection c) throws Exception;
    }

    private final ServerSocket server;
    private final List<Script> scripts;
    private final AtomicInteger connections = new AtomicInteger();
    private final Queue<Socket> open = new ConcurrentLinkedQueue<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    FakeRfbServer(Script... scripts) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.scripts = List.of(scripts);
        this.acceptor = new Thread(this::accept, "fake-rfb-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    RfbSettings settings() {
        // Generous: the build machine is shared, and a loaded one is slow to answer, not broken.
        return RfbSettings.of("127.0.0.1", port()).withTimeoutMillis(15_000);
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;
            }
            int index = connections.getAndIncrement();
            open.add(socket);
            Script script = scripts.get(Math.min(index, scripts.size() - 1));
            Thread t = new Thread(() -> {
                try (Socket s = socket) {
                    script.run(new Connection(s, index));
                } catch (IOException e) {
                    // The client hung up on us: expected whenever a test cancels or the client rejects a message.
                } catch (Exception | AssertionError e) {
                    failures.add(e);
                }
            }, "fake-rfb-" + index);
            t.setDaemon(true);
            t.start();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Socket s;
        while ((s = open.poll()) != null) {
            s.close();
        }
    }

    /** A client message: its type and its fields in order. */
    record Message(int type, long[] fields) {
        long field(int i) {
            return fields[i];
        }
    }

    /** One connection's streams and the handshake steps. */
    static final class Connection {
        final Socket socket;
        final int index;
        final DataInputStream in;
        final DataOutputStream out;
        /** Sees every client message {@link #next()} reads. */
        java.util.function.Consumer<Message> listener = m -> { };

        Connection(Socket socket, int index) throws IOException {
            this.socket = socket;
            this.index = index;
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            this.out = new DataOutputStream(socket.getOutputStream());
        }

        void send(Wire w) throws IOException {
            out.write(w.toByteArray());
            out.flush();
        }

        void send(byte[] b) throws IOException {
            out.write(b);
            out.flush();
        }

        /** Sends the version and returns the client's answer, e.g. {@code "RFB 003.008"}. */
        String version(String ours) throws IOException {
            send((ours + "\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] answer = new byte[12];
            in.readFully(answer);
            return new String(answer, StandardCharsets.ISO_8859_1).trim();
        }

        /** RFB 3.8, security None, ServerInit of a BGRX desktop; returns the client's shared flag. */
        int handshake(int width, int height) throws IOException {
            String answer = version("RFB 003.008");
            if (!answer.equals("RFB 003.008")) {
                throw new AssertionError("client answered " + answer);
            }
            send(new Wire().u8(1).u8(1));
            expect(in.readUnsignedByte(), 1, "security type");
            send(new Wire().u32(0));
            int shared = in.readUnsignedByte();
            serverInit(width, height, PixelFormat.BGRX, "fake");
            return shared;
        }

        void serverInit(int width, int height, PixelFormat format, String name) throws IOException {
            Wire w = new Wire().u16(width).u16(height);
            w.u8(format.bitsPerPixel()).u8(format.depth()).u8(format.bigEndian() ? 1 : 0)
                    .u8(format.trueColour() ? 1 : 0).u16(format.redMax()).u16(format.greenMax()).u16(format.blueMax())
                    .u8(format.redShift()).u8(format.greenShift()).u8(format.blueShift()).u8(0).u8(0).u8(0);
            byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
            w.u32(n.length).bytes(n);
            send(w);
        }

        /** Reads the next client message. */
        Message next() throws IOException {
            Message m = read();
            listener.accept(m);
            return m;
        }

        private Message read() throws IOException {
            int type = in.readUnsignedByte();
            switch (type) {
                case 0: {
                    in.skipNBytes(3);
                    long[] f = new long[10];
                    f[0] = in.readUnsignedByte();
                    f[1] = in.readUnsignedByte();
                    f[2] = in.readUnsignedByte();
                    f[3] = in.readUnsignedByte();
                    f[4] = in.readUnsignedShort();
                    f[5] = in.readUnsignedShort();
                    f[6] = in.readUnsignedShort();
                    f[7] = in.readUnsignedByte();
                    f[8] = in.readUnsignedByte();
                    f[9] = in.readUnsignedByte();
                    in.skipNBytes(3);
                    return new Message(type, f);
                }
                case 2: {
                    in.skipNBytes(1);
                    int count = in.readUnsignedShort();
                    long[] f = new long[count];
                    for (int i = 0; i < count; i++) {
                        f[i] = in.readInt();
                    }
                    return new Message(type, f);
                }
                case 3:
                    return new Message(type, new long[] {in.readUnsignedByte(), in.readUnsignedShort(),
                        in.readUnsignedShort(), in.readUnsignedShort(), in.readUnsignedShort()});
                case 4: {
                    int down = in.readUnsignedByte();
                    in.skipNBytes(2);
                    return new Message(type, new long[] {down, in.readInt() & 0xffffffffL});
                }
                case 5:
                    return new Message(type, new long[] {in.readUnsignedByte(), in.readUnsignedShort(),
                        in.readUnsignedShort()});
                default:
                    throw new AssertionError("client sent unknown message type " + type);
            }
        }

        /** Reads messages until one of this type, returning it. */
        Message until(int type) throws IOException {
            Message m;
            do {
                m = next();
            } while (m.type() != type);
            return m;
        }

        /** Reads the SetPixelFormat and SetEncodings every connection starts with; returns the encodings. */
        Message setup() throws IOException {
            Message format = next();
            expect(format.type(), 0, "SetPixelFormat");
            Message encodings = next();
            expect(encodings.type(), 2, "SetEncodings");
            return encodings;
        }

        /** Waits for the client to hang up (or the test to end), reading whatever it sends. */
        void drain() throws IOException {
            while (true) {
                next();
            }
        }

        static void expect(long actual, long expected, String what) {
            if (actual != expected) {
                throw new AssertionError(what + " is " + actual + ", expected " + expected);
            }
        }
    }
}

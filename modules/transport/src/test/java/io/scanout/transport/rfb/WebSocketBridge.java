package io.scanout.transport.rfb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;

/**
 * websockify in a few lines, for tests: a TCP port whose connections are carried, byte for byte,
 * over a WebSocket (binary messages, subprotocol {@code binary}) to a URL — so a TCP-only VNC
 * client (our {@code RfbSource}) can speak to {@code WS /streams/{id}/rfb}. One connection at a time.
 */
final class WebSocketBridge implements AutoCloseable {
    private final ServerSocket listener;
    private final Thread acceptor;

    WebSocketBridge(URI target) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    bridge(socket, target);
                } catch (IOException e) {
                    return; // listener closed
                }
            }
        }, "test-ws-bridge");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private static void bridge(Socket socket, URI target) throws IOException {
        OutputStream toClient = socket.getOutputStream();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("binary")
                .buildAsync(target, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                        byte[] bytes = new byte[data.remaining()];
                        data.get(bytes);
                        try {
                            toClient.write(bytes);
                            toClient.flush();
                        } catch (IOException e) {
                            webSocket.abort();
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closeQuietly(socket);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closeQuietly(socket);
                    }
                }).join();
        Thread pump = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream fromClient = socket.getInputStream()) {
                int n;
                while ((n = fromClient.read(buf)) >= 0) {
                    ws.sendBinary(ByteBuffer.wrap(Arrays.copyOf(buf, n)), true).join();
                }
            } catch (IOException | RuntimeException e) {
                // the client or the WebSocket went away: end both
            }
            ws.abort();
            closeQuietly(socket);
        }, "test-ws-bridge-pump");
        pump.setDaemon(true);
        pump.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}

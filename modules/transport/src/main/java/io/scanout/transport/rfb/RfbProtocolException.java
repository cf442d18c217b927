package io.scanout.transport.rfb;

/**
 * A client said something RFB does not allow, or more than this server takes: the session ends,
 * that client's connection alone is closed, and the message says why (it goes to the log).
 */
final class RfbProtocolException extends Exception {
    RfbProtocolException(String message) {
        super(message);
    }
}

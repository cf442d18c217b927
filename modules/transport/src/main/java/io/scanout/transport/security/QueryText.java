package io.scanout.transport.security;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Percent-encoding for query values. */
final class QueryText {
    private QueryText() {
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

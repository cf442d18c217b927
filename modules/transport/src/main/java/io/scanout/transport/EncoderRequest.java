package io.scanout.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * The body of {@code POST /streams/{id}/encoder}: a JSON object with {@code bitrate} (a string like
 * {@code "2M"} or a number of bits per second) and/or {@code fps} (a whole number). Only its form is
 * checked here; the bounds are the encoder's ({@link EncoderControl#change}).
 *
 * @param bitrate as given, or null
 * @param fps     as given, or null
 */
record EncoderRequest(String bitrate, Integer fps) {
    /** A request body is a few dozen bytes; anything far larger is not one. */
    static final int MAX_BYTES = 4096;

    /** @throws IllegalArgumentException saying what is wrong with the body, in words a client can act on */
    static EncoderRequest parse(byte[] body, ObjectMapper json) {
        if (body.length > MAX_BYTES) {
            throw new IllegalArgumentException("the body is larger than " + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = json.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the body should be a JSON object like {\"bitrate\":\"2M\",\"fps\":15}");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("bitrate") && !name.equals("fps")) {
                throw new IllegalArgumentException("unknown field '" + name + "' (known: bitrate, fps)");
            }
        }
        JsonNode bitrate = root.get("bitrate");
        JsonNode fps = root.get("fps");
        if (bitrate == null && fps == null) {
            throw new IllegalArgumentException("give bitrate, fps or both, e.g. {\"bitrate\":\"2M\",\"fps\":15}");
        }
        if (bitrate != null && !bitrate.isTextual() && !bitrate.isIntegralNumber()) {
            throw new IllegalArgumentException("bitrate should be a string like \"2M\" or a whole number, not "
                    + bitrate);
        }
        if (fps != null && !(fps.isIntegralNumber() && fps.canConvertToInt())) {
            throw new IllegalArgumentException("fps should be a whole number, not " + fps);
        }
        return new EncoderRequest(bitrate == null ? null : bitrate.asText(), fps == null ? null : fps.intValue());
    }
}

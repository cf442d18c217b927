package io.scanout.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads secrets (bearer tokens, the URL signing secret) from files, never from the command line,
 * where every user of the machine can read them in {@code ps}. A file holds one secret; surrounding
 * whitespace and the final newline are dropped. A file others may read is used, with a warning.
 */
public final class SecretFiles {
    private static final Logger log = LoggerFactory.getLogger(SecretFiles.class);
    /** A secret is a line; anything far larger is the wrong file. */
    private static final long MAX_BYTES = 4096;

    private SecretFiles() {
    }

    /**
     * @throws IllegalArgumentException naming the file when it cannot be read, is too large or empty
     */
    public static String read(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException("secret file " + file + " is larger than " + MAX_BYTES
                        + " B; it should hold one token");
            }
            String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (secret.isEmpty()) {
                throw new IllegalArgumentException("secret file " + file + " is empty");
            }
            warnIfOthersCanRead(file);
            return secret;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read secret file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void warnIfOthersCanRead(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            if (perms.stream().anyMatch(EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ)::contains)) {
                log.warn("secret file {} can be read by other users; 'chmod 600 {}' keeps it yours", file, file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("cannot check the permissions of {}: {}", file, e.toString());
        }
    }
}

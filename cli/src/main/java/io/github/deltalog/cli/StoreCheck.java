package io.github.deltalog.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * Tells a deltalog file from other files before a command opens it, so that no command changes a file that is
 * not a log: an empty file, a file that is not an MVStore file (text, another format), or the MVStore file of
 * another application (no deltalog format version in its {@code meta} map; opening it read-write would add the
 * log's maps to it).
 */
final class StoreCheck {
    private static final byte[] PLAIN = "H:2,".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENCRYPTED = "H2encrypt".getBytes(StandardCharsets.US_ASCII);

    private StoreCheck() {}

    /**
     * Refuses a file that is not a deltalog log, without changing it.
     *
     * @param key the encryption password, or null
     * @throws CliException (exit code 2) naming what the file is instead
     */
    static void requireLog(Path file, char[] key) {
        byte[] head = new byte[ENCRYPTED.length];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw refuse(file, "cannot read it (" + e.getMessage() + ")");
        }
        if (n == 0) {
            throw refuse(file, "not a deltalog file: it is empty");
        }
        boolean plain = n >= PLAIN.length && Arrays.equals(Arrays.copyOf(head, PLAIN.length), PLAIN);
        boolean encrypted = n == ENCRYPTED.length && Arrays.equals(head, ENCRYPTED);
        if (!plain && !encrypted) {
            throw refuse(file, "not a deltalog file (it has no MVStore file header)");
        }
        if (encrypted && key == null) {
            return; // the open says it needs a key
        }
        MVStore.Builder b = new MVStore.Builder().fileName(file.toString()).readOnly();
        if (key != null) {
            b.encryptionKey(key.clone());
        }
        boolean log;
        try (MVStore store = b.open()) {
            log = store.hasMap("meta") && hasFormat(store.openMap("meta"));
        } catch (RuntimeException e) {
            return; // locked, wrong key, damaged: the open reports it in its own words
        }
        if (!log) {
            throw refuse(
                    file,
                    "not a deltalog file: an MVStore file of another application (it has no deltalog"
                            + " format version); nothing was changed");
        }
    }

    /**
     * Tells whether MVStore opens the file read-only as a deltalog store (a version with the log's meta), without
     * changing it: a store whose headers are lost may open as an empty store, which a salvage must not take for the
     * log.
     *
     * @param key the encryption password, or null
     */
    static boolean opensAsLog(Path file, char[] key) {
        MVStore.Builder b = new MVStore.Builder().fileName(file.toString()).readOnly();
        if (key != null) {
            b.encryptionKey(key.clone());
        }
        try (MVStore store = b.open()) {
            return store.hasMap("meta") && hasFormat(store.openMap("meta"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean hasFormat(MVMap<Object, Object> meta) {
        return meta.get("format") != null;
    }

    private static CliException refuse(Path file, String why) {
        return new CliException(Main.EXIT_ERROR, "cannot open " + file + ": " + why);
    }
}

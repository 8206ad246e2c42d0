package io.github.deltalog.cli;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaLogBuilder;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.EncryptionKeyException;
import io.github.deltalog.FileLockedException;
import io.github.deltalog.UnsupportedFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/** Opens log files for the commands, turning every way it can fail into a one-line message. */
final class LogFiles {
    private LogFiles() {}

    /**
     * Opens an existing log.
     *
     * @param file the log file
     * @param keyFile a file whose first line is the encryption password, or null
     * @param readOnly whether to open it read-only
     * @return the open log
     * @throws CliException (exit code 2) if the file is missing, locked, encrypted without a key, or unreadable
     */
    static DeltaLog open(Path file, Path keyFile, boolean readOnly) {
        return open(file, keyFile, readOnly, false);
    }

    /**
     * Opens an existing log, with salvage if asked (see {@link DeltaLogBuilder#salvage}).
     *
     * @param file the log file
     * @param keyFile a file whose first line is the encryption password, or null
     * @param readOnly whether to open it read-only
     * @param salvage whether to accept a store older than its journal
     * @return the open log
     * @throws CliException (exit code 2) if the file is missing, locked, encrypted without a key, or unreadable
     */
    static DeltaLog open(Path file, Path keyFile, boolean readOnly, boolean salvage) {
        if (!Files.exists(file)) {
            throw cannotOpen(file, "no such file", null);
        }
        if (!Files.isRegularFile(file)) {
            throw cannotOpen(file, "not a regular file", null);
        }
        if (!Files.isReadable(file)) {
            throw cannotOpen(file, "permission denied (the file is not readable)", null);
        }
        if (!readOnly && !Files.isWritable(file)) {
            throw cannotOpen(
                    file, "permission denied (the file is not writable; commands that only read it work)", null);
        }
        char[] key = keyFile == null ? null : readKey(keyFile);
        try {
            StoreCheck.requireLog(file, key);
            DeltaLogBuilder b = DeltaLog.builder().path(file).readOnly(readOnly).salvage(salvage);
            if (key != null) {
                b.encryptionKey(key);
            }
            return b.open();
        } catch (CliException e) {
            throw e;
        } catch (FileLockedException e) {
            throw cannotOpen(file, "file is locked by another process", e);
        } catch (EncryptionKeyException e) {
            String why;
            if (key == null) {
                why = "file is encrypted: give its password with --key-file FILE";
            } else if (String.valueOf(e.getMessage()).contains("not encrypted")) {
                why = "file is not encrypted: leave out --key-file";
            } else {
                why = "wrong encryption key (from " + keyFile + "), or the file is corrupt";
            }
            throw cannotOpen(file, why, e);
        } catch (UnsupportedFormatException e) {
            throw cannotOpen(file, "unsupported format: " + Errors.oneLine(e.getMessage()), e);
        } catch (CorruptLogException e) {
            throw cannotOpen(file, "not a deltalog file, or corrupt (" + detail(e.getMessage(), file) + ")", e);
        } catch (DeltaLogException e) {
            throw cannotOpen(file, Errors.oneLine(e.getMessage()), e);
        } finally {
            if (key != null) {
                Arrays.fill(key, '\0'); // the builder keeps its own copy
            }
        }
    }

    /** The cause of a failure to open, without the file name and store version the message repeats. */
    private static String detail(String message, Path file) {
        String line = Errors.oneLine(message);
        int cut = line.indexOf(" is corrupt: ");
        if (cut >= 0) {
            line = line.substring(cut + " is corrupt: ".length());
        }
        int version = line.lastIndexOf(" [");
        if (version >= 0 && line.endsWith("]")) {
            line = line.substring(0, version);
        }
        String named = ": " + file;
        return line.endsWith(named) ? line.substring(0, line.length() - named.length()) : line;
    }

    private static CliException cannotOpen(Path file, String why, Throwable cause) {
        return new CliException(Main.EXIT_ERROR, "cannot open " + file + ": " + why, cause);
    }

    /** Reads the password: the first line of the key file, without its line break. */
    static char[] readKey(Path keyFile) {
        try (BufferedReader in = Files.newBufferedReader(keyFile, StandardCharsets.UTF_8)) {
            String line = in.readLine();
            if (line == null || line.isEmpty()) {
                throw new CliException(Main.EXIT_ERROR, "key file " + keyFile + " is empty: its first line is the key");
            }
            return line.toCharArray();
        } catch (NoSuchFileException e) {
            throw new CliException(Main.EXIT_ERROR, "cannot read key file " + keyFile + ": no such file", e);
        } catch (IOException e) {
            throw new CliException(Main.EXIT_ERROR, "cannot read key file " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** Returns the lowest position from which the whole retained history can be read. */
    static long start(DeltaLog log) {
        long low = log.oldestRetained();
        return low == 0 ? Long.MIN_VALUE : low;
    }
}

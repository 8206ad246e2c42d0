package io.github.deltalog.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Standard output that remembers why a write failed, so that a command can tell a reader that went away
 * ({@code deltalog dump FILE | head}: end quietly, as Unix tools do) from a real failure such as a full disk
 * (report it). The writers around it swallow the exception; {@link #closedByReader()} still knows.
 */
final class StdoutStream extends OutputStream {
    private static volatile boolean brokenPipe;

    private final OutputStream out = new FileOutputStream(FileDescriptor.out);

    /** Returns the process's standard output. */
    static OutputStream open() {
        return new StdoutStream();
    }

    /** Tells whether a write to standard output failed because its reader closed the pipe. */
    static boolean closedByReader() {
        return brokenPipe;
    }

    @Override
    public void write(int b) throws IOException {
        try {
            out.write(b);
        } catch (IOException e) {
            throw remember(e);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw remember(e);
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw remember(e);
        }
    }

    private static IOException remember(IOException e) {
        if (String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("broken pipe")) {
            brokenPipe = true;
        }
        return e;
    }
}

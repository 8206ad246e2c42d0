package io.github.deltalog.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * The file system scheme {@code dlsafe:} through which the log opens its store file and journal: plain disk
 * files whose channels are {@link RandomAccessChannel}s, so that an interrupt never closes them. Public only
 * because h2 instantiates registered file systems reflectively; not part of the API.
 */
public final class SafeFilePath extends FilePathWrapper {
    private static final String SCHEME = "dlsafe";

    static {
        FilePath.register(new SafeFilePath());
    }

    /** The scheme prefix the log puts before its file names; tests wrap it to inject faults. */
    private static volatile String prefix = SCHEME + ":";

    /** Creates the registered instance; h2 creates one per path reflectively. */
    public SafeFilePath() {
        // FilePathWrapper fills in the name and base.
    }

    /**
     * Returns the name under which the log opens a file.
     *
     * @param file a plain file name
     * @return the name with the scheme the log uses
     */
    static String name(String file) {
        return prefix + file;
    }

    /** Opens a file of the log through the scheme in use: {@code "r"} or {@code "rw"} (creating it). */
    static FileChannel open(java.nio.file.Path file, String mode) throws IOException {
        return FilePath.get(name(file.toString())).open(mode);
    }

    /**
     * Makes the log open its files under another scheme, one that wraps this one (fault injection in tests).
     *
     * @param schemePrefix e.g. {@code "fault:dlsafe:"}
     */
    static void usePrefix(String schemePrefix) {
        prefix = schemePrefix;
    }

    /** Returns the prefix in use. */
    static String prefix() {
        return prefix;
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        return new RandomAccessChannel(getBase().toString(), mode);
    }
}

package io.github.deltalog.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * The file system scheme {@code dlcow:}: a store file opened through it is an {@link OverlayChannel}, a
 * copy-on-write view whose writes go to a private overlay file and never to the store file. A name is usable
 * only between {@link #register} and the close of its channel. Public only because h2 instantiates registered
 * file systems reflectively; not part of the API.
 */
public final class OverlayFilePath extends FilePathWrapper {
    private static final String SCHEME = "dlcow";
    /** Wrapped name → the overlay file its channel writes to. */
    private static final Map<String, Path> OVERLAYS = new ConcurrentHashMap<>();

    static {
        FilePath.register(new OverlayFilePath());
    }

    /** Creates the registered instance; h2 creates one per path reflectively. */
    public OverlayFilePath() {
        // FilePathWrapper fills in the name and base.
    }

    /**
     * Makes a store file openable as a copy-on-write view.
     *
     * @param fileName the store's file name as the log opens it (with its scheme)
     * @param overlay an empty private file that the view's writes go to; deleted when the view's channel closes
     * @return the name to open the view by
     */
    static String register(String fileName, Path overlay) {
        String name = SCHEME + ":" + fileName;
        OVERLAYS.put(name, overlay);
        return name;
    }

    /** Forgets a name whose view was never opened (the open failed before). */
    static void unregister(String name) {
        OVERLAYS.remove(name);
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    /** The view may always be written: writes never reach the file. */
    @Override
    public boolean canWrite() {
        return true;
    }

    /**
     * Opens the view: the store file read-only, the overlay for writes.
     *
     * @throws IOException if the name was not registered or a file cannot be opened
     */
    @Override
    public FileChannel open(String mode) throws IOException {
        Path overlay = OVERLAYS.remove(name);
        if (overlay == null) {
            throw new IOException("no overlay file for " + name);
        }
        FileChannel base = getBase().open("r");
        try {
            return new OverlayChannel(base, overlay);
        } catch (IOException | RuntimeException e) {
            base.close();
            throw e;
        }
    }
}

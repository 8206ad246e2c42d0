package io.github.deltalog.store;

import java.util.List;
import org.h2.store.fs.encrypt.FilePathEncrypt;

/** Helpers for tests that write and read journal files directly. */
final class JournalTestFiles {
    private JournalTestFiles() {}

    /** A generation header of a fixed test log. */
    static JournalFiles.Generation generation(long generation, long previous) {
        return new JournalFiles.Generation(new LogId(1, 2), generation, previous);
    }

    /** A visitor that collects the timestamps of the replayed transactions. */
    static JournalFiles.Visitor transactions(List<Long> timestamps) {
        return new JournalFiles.Visitor() {
            @Override
            public void transaction(long commitTimestamp) {
                timestamps.add(commitTimestamp);
            }

            @Override
            public void delta(DeltaKey key, byte[] value) {}
        };
    }

    /** The journal key bytes of a password, as the log derives them. */
    static byte[] key(String password) {
        return FilePathEncrypt.getPasswordBytes(password.toCharArray());
    }
}

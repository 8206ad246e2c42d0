/**
 * deltalog's core: the log, its merge, retention, sync and view packages. The storage engine
 * ({@code io.github.deltalog.store}) is internal and not exported.
 *
 * <p>Compiled with {@code --release 9} into {@code META-INF/versions/9/} of a multi-release jar, so that tools that
 * know nothing of modules (Android's D8, animal-sniffer) never see it.
 */
module io.github.deltalog.core {
    // DeltaLog.attach(MVStore, String) takes the application's store: users need the module too.
    requires transitive com.h2database.mvstore;
    requires java.logging;
    // The sync package applies change sets to JDBC tables (JdbcTarget) and exposes java.sql types.
    requires transitive java.sql;

    exports io.github.deltalog;
    exports io.github.deltalog.merge;
    exports io.github.deltalog.retention;
    exports io.github.deltalog.sync;
    exports io.github.deltalog.view;

    // MVStore creates the log's FilePath wrapper (store.SafeFilePath, the "dlsafe:" scheme) reflectively
    // (FilePathWrapper.create): open the engine package to h2-mvstore alone.
    opens io.github.deltalog.store to com.h2database.mvstore;
}

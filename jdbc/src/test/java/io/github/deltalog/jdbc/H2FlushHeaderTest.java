package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.jdbc.HeldWritesFileSystem.Hold;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's H2 flush ({@link H2Dialect#flushCommitted}) returns only once a kill can no longer lose what it flushed.
 * H2 2.4.240 writes a chunk, publishes it as the store's last one ({@code FileStore.lastChunkVersion()}), and only
 * then writes the store header that lets a reopened file find that chunk when it lies neither at the end of the file
 * nor where the previous chunk predicted. A kill between the two reopens the file at an older chunk: the kill loop's
 * rare "log ahead of the database" under load. Here {@link HeldWritesFileSystem} holds H2's header write for as long as
 * the test likes, which opens that window deterministically.
 */
class H2FlushHeaderTest {
    @TempDir
    Path dir;

    @Test
    void theFlushWaitsUntilTheLastChunkCanBeFoundAfterAKill() throws Exception {
        HeldWritesFileSystem.register();
        Path file = dir.resolve("app");
        // A short write delay so H2's background writer stores often; no retention so freed space is reused at once
        // and new chunks land inside the file, where only the header finds them.
        String url = "jdbc:h2:" + HeldWritesFileSystem.SCHEME + ":" + file + ";WRITE_DELAY=5;RETENTION_TIME=0";
        ExecutorService flusher = Executors.newSingleThreadExecutor();
        try (Connection c = DriverManager.getConnection(url);
                Connection relay = DriverManager.getConnection(url)) {
            exec(c, "CREATE TABLE t(id BIGINT PRIMARY KEY, v VARCHAR(200))");
            MVStore store = ((SessionLocal) c.unwrap(JdbcConnection.class).getSession())
                    .getDatabase()
                    .getStore()
                    .getMvStore();
            HeldWritesFileSystem.hold(Hold.HEADER);
            int rows = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // Autocommitted changes until H2's own threads write a chunk whose header is then held.
            while (!HeldWritesFileSystem.held()) {
                assertTrue(System.nanoTime() - deadline < 0, "H2 wrote no store header in 60 s");
                try (PreparedStatement p = c.prepareStatement("MERGE INTO t KEY(id) VALUES (?, ?)")) {
                    p.setLong(1, rows % 50);
                    p.setString(2, "row " + rows + " " + "x".repeat(rows % 150));
                    p.executeUpdate();
                }
                rows++;
                while (!HeldWritesFileSystem.held()
                        && (store.hasUnsavedChanges()
                                || store.getFileStore().lastChunkVersion() < store.getCurrentVersion())) {
                    HeldWritesFileSystem.awaitHeld(1);
                    assertTrue(System.nanoTime() - deadline < 0, "H2 stored nothing in 60 s");
                }
            }
            int committed = rows;
            Future<?> flush = flusher.submit(() -> {
                new H2Dialect().flushCommitted(relay);
                return null;
            });
            assertThrows(
                    TimeoutException.class,
                    () -> flush.get(500, TimeUnit.MILLISECONDS),
                    "the flush returned while the header that finds the last chunk was not written");
            HeldWritesFileSystem.release();
            flush.get(30, TimeUnit.SECONDS);
            // A kill right after the flush: the file as it is, no more writes.
            HeldWritesFileSystem.hold(Hold.ALL);
            Path copy = Files.createDirectories(dir.resolve("killed"));
            Files.copy(dir.resolve("app.mv.db"), copy.resolve("app.mv.db"));
            HeldWritesFileSystem.release();
            try (Connection k = DriverManager.getConnection("jdbc:h2:" + copy.resolve("app"));
                    Statement s = k.createStatement();
                    ResultSet rs = s.executeQuery("SELECT v FROM t WHERE id = " + ((committed - 1) % 50))) {
                assertTrue(rs.next(), "the row the flush covered is gone after the kill");
                assertTrue(rs.getString(1).startsWith("row " + (committed - 1) + " "), rs.getString(1));
            }
        } finally {
            HeldWritesFileSystem.release();
            flusher.shutdownNow();
        }
    }

    private static void exec(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}

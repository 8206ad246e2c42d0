package io.github.deltalog;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The other process of {@link SecurityTest}: {@code hold FILE} opens the log, records one insert, tries a second
 * open of the same file in this process (which must fail), prints {@code READY}, waits for a line on stdin and
 * closes; {@code try FILE} tries to open the log and prints {@code OPENED} or {@code REFUSED <exception class>}.
 */
final class LockHolder {
    private LockHolder() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        if (args[0].equals("try")) {
            try (DeltaLog log = DeltaLog.open(file)) {
                System.out.println("OPENED " + log.countAll());
            } catch (RuntimeException e) {
                System.out.println("REFUSED " + e.getClass().getSimpleName() + " " + e.getMessage());
            }
            return;
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            log.recordInsert("t", 7, Tuple.of("from the holder"));
            try (DeltaLog second = DeltaLog.open(file)) {
                System.out.println("SECOND-OPEN-SUCCEEDED");
            } catch (FileLockedException expected) {
                System.out.println("SECOND-OPEN-REFUSED");
            }
            System.out.println("READY");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        System.out.println("CLOSED");
    }
}

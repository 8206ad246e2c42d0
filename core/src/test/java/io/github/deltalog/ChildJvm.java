package io.github.deltalog;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a test's child JVM, the process a kill test SIGKILLs: this JVM's {@code java} and class path, a small
 * serial-GC heap and the C1 compiler only (a child that starts fast and leaves the cores to the parent), its output
 * to files (what it wrote before the kill is there, whatever the timing).
 */
public final class ChildJvm {
    private ChildJvm() {}

    /**
     * Starts {@code main} with {@code args}.
     *
     * @param heap the maximum heap, as {@code -Xmx} takes it ({@code "256m"})
     * @param assertions whether to run the child with {@code -ea}
     * @param main the child's main class, on this JVM's class path
     * @param stdout the file the child's standard output goes to
     * @param stderr the file the child's standard error goes to
     * @param args the child's arguments
     * @return the started process
     * @throws IOException if the process cannot be started
     */
    public static Process start(
            String heap, boolean assertions, Class<?> main, Path stdout, Path stderr, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (assertions) {
            command.add("-ea");
        }
        command.add("-Xmx" + heap);
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
    }
}

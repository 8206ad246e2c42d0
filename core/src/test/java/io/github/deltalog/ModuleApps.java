package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles and runs small applications against the packaged core jar in child JVMs, for the integration tests
 * that check how the jar behaves on the module path and on the class path ({@code ModulePathIT} here, the full
 * H2 jar's test in the jdbc module). The jars come from system properties that failsafe sets:
 * {@code deltalog.core.jar} and {@code deltalog.runtime.classpath} (a file listing core's runtime jars).
 */
public final class ModuleApps {
    /** An application module that requires core. */
    public static final String APP_MODULE = "module app { requires io.github.deltalog.core; }\n";

    /** The application: records one insert, then prints what it can see of core's module. */
    public static final String APP =
            """
            package app;

            import io.github.deltalog.DeltaLog;
            import io.github.deltalog.Tuple;
            import java.nio.file.Path;

            public class Main {
                public static void main(String[] args) throws Exception {
                    try (DeltaLog log = DeltaLog.open(Path.of(args[0]))) {
                        log.track("orders");
                        long ts = log.recordInsert("orders", 1L, Tuple.of(1, "alice"));
                        System.out.println("count=" + log.count("orders", 0) + " first=" + (ts > 0));
                    }
                    Module core = DeltaLog.class.getModule();
                    System.out.println("module=" + core.getName());
                    System.out.println("store exported=" + core.isExported("io.github.deltalog.store"));
                    try {
                        Class<?> internal = Class.forName("io.github.deltalog.store.LogStore");
                        internal.getMethod("watermark").setAccessible(true);
                        System.out.println("store reflective access=granted");
                    } catch (RuntimeException e) {
                        System.out.println("store reflective access=" + e.getClass().getSimpleName());
                    }
                }
            }
            """;

    private final Path dir;

    /**
     * @param dir a scratch folder for sources, classes and logs
     */
    public ModuleApps(Path dir) {
        this.dir = dir;
    }

    /** What javac printed and its exit status. */
    public record Compiled(int exit, String output) {}

    /** A child JVM's exit status and its merged stdout and stderr. */
    public record Run(int exit, String output) {}

    /**
     * @return the packaged core jar
     */
    public static Path coreJar() {
        Path jar = Path.of(System.getProperty("deltalog.core.jar", "missing"));
        assertTrue(Files.isRegularFile(jar), "core jar not found at " + jar + "; run through `mvn verify`");
        return jar;
    }

    /**
     * @return core's runtime dependencies (h2-mvstore)
     * @throws IOException if the class path file cannot be read
     */
    public static List<Path> dependencyJars() throws IOException {
        Path file = Path.of(System.getProperty("deltalog.runtime.classpath", "missing"));
        assertTrue(Files.isRegularFile(file), "runtime classpath file not found at " + file);
        List<Path> jars = new ArrayList<>();
        for (String entry : Files.readString(file).trim().split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                jars.add(Path.of(entry));
            }
        }
        return jars;
    }

    /**
     * @param entries jars and folders
     * @return them joined with the platform's path separator
     */
    public static String path(List<Path> entries) {
        return entries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * Compiles sources with this JVM's javac; without a {@code -cp} option the class path is explicitly empty.
     *
     * @param out the class output folder
     * @param options javac options
     * @param sources the source files
     * @return javac's exit status and messages
     */
    public Compiled compile(Path out, List<String> options, Path... sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(options);
        if (!options.contains("-cp")) {
            // javac in this JVM would otherwise take the test JVM's class path, core's classes included, and find
            // io.github.deltalog.store in the unnamed module.
            args.addAll(List.of("-cp", dir.resolve("no-class-path").toString()));
        }
        args.addAll(List.of("-d", out.toString()));
        for (Path s : sources) {
            args.add(s.toString());
        }
        int exit = javac.run(null, err, err, args.toArray(String[]::new));
        return new Compiled(exit, err.toString(StandardCharsets.UTF_8));
    }

    /**
     * @param relative a path under the scratch folder
     * @param text the file's content
     * @return the written file
     * @throws IOException if it cannot be written
     */
    public Path write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    /**
     * Runs this JVM's {@code java} with the arguments and waits at most a minute.
     *
     * @param args the arguments after {@code java}
     * @return the exit status and output
     * @throws IOException if the child cannot start
     * @throws InterruptedException if interrupted while waiting
     */
    public Run java(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish: " + command);
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /**
     * Compiles {@link #APP} as a module against core on the module path.
     *
     * @param modulePath core and its dependencies
     * @return the application's class output
     * @throws IOException if a source cannot be written
     */
    public Path compileApp(List<Path> modulePath) throws IOException {
        Path module = write("src/app/module-info.java", APP_MODULE);
        Path main = write("src/app/app/Main.java", APP);
        Path out = dir.resolve("app-classes");
        Compiled c = compile(out, List.of("--module-path", path(modulePath)), module, main);
        assertEquals(0, c.exit(), c.output());
        return out;
    }
}

package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library never touches {@code sun.misc.Unsafe} and never loads Kryo, on any JDK, without the application
 * setting a flag: a child JVM runs {@link NoUnsafeWorkload} (record, crash, recover, scan, merge, count, purge,
 * reopen) with Kryo on its class path (as an application that uses Kryo itself would have it) and must print
 * nothing to stderr and load neither {@code sun.misc.Unsafe} nor any Kryo class (JDK 17's check: kryo's
 * {@code UnsafeUtil} is never initialised because no Kryo class is ever loaded). On JDK 23+ the child also runs
 * with {@code --sun-misc-unsafe-memory-access=deny}, where any use would throw. The JDK 25 case runs under any
 * build JDK when a JDK 25 is installed ({@code -Ddeltalog.jdk25=PATH}, {@code $JDK25_HOME}, or a JDK
 * whose {@code release} file says 25 in {@code /usr/lib/jvm}, {@code /opt/java} or {@code /usr/local/java}); it
 * is skipped, saying so, when none is found.
 */
class NoUnsafeTest {
    @TempDir
    Path dir;

    @Test
    void thisJdkLoadsNeitherUnsafeNorKryo() throws Exception {
        runChild(Path.of(System.getProperty("java.home")), Runtime.version().feature());
    }

    @Test
    void jdk25WithUnsafeDeniedRecordsScansMergesAndReopens() throws Exception {
        Path jdk = findJdk25();
        Assumptions.assumeTrue(jdk != null, "no JDK 25 found (set -Ddeltalog.jdk25 or JDK25_HOME)");
        runChild(jdk, 25);
    }

    private void runChild(Path javaHome, int feature) throws Exception {
        Path file = dir.resolve("jdk" + feature + ".deltas");
        List<String> loaded = new ArrayList<>();
        for (String phase : List.of("write", "check")) {
            Path classLog = dir.resolve(phase + ".classes");
            Path out = dir.resolve(phase + ".out");
            Path err = dir.resolve(phase + ".err");
            List<String> command = new ArrayList<>(List.of(
                    javaHome.resolve("bin").resolve("java").toString(),
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "-Xlog:class+load=info:file=" + classLog));
            if (feature >= 23) {
                command.add("--sun-misc-unsafe-memory-access=deny");
            }
            command.addAll(List.of(
                    "-cp",
                    System.getProperty("java.class.path"),
                    NoUnsafeWorkload.class.getName(),
                    phase,
                    file.toString()));
            Process child = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child hung in phase " + phase);
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            String where = "JDK " + feature + " (" + javaHome + "), phase " + phase;
            assertEquals(0, child.exitValue(), () -> where + ": exit " + child.exitValue() + "\n" + stdout + stderr);
            assertEquals("", stderr, () -> where + " wrote to stderr");
            assertTrue(stdout.startsWith("ok"), () -> where + ": " + stdout);
            loaded.addAll(Files.readAllLines(classLog, StandardCharsets.UTF_8));
        }
        assertTrue(
                loaded.stream().anyMatch(l -> l.contains(" io.github.deltalog.store.OpReader ")),
                "the class log does not show the codec: " + loaded.size() + " lines");
        List<String> banned = loaded.stream()
                .filter(l -> l.contains("sun.misc.Unsafe") || l.contains("com.esotericsoftware"))
                .collect(Collectors.toList());
        assertEquals(List.of(), banned, "JDK " + feature + " loaded");
    }

    /** A JDK 25's home, or null: the property, the environment, then the usual Debian and Temurin places. */
    static Path findJdk25() throws IOException {
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty("deltalog.jdk25");
        if (property != null && !property.isBlank()) {
            candidates.add(Path.of(property));
        }
        String env = System.getenv("JDK25_HOME");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        for (String parent : List.of("/usr/lib/jvm", "/opt/java", "/usr/local/java")) {
            Path p = Path.of(parent);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.sorted().forEach(candidates::add);
                }
            }
        }
        for (Path home : candidates) {
            Path release = home.resolve("release");
            if (Files.isExecutable(home.resolve("bin").resolve("java"))
                    && Files.isRegularFile(release)
                    && Files.readAllLines(release).stream().anyMatch(l -> l.startsWith("JAVA_VERSION=\"25"))) {
                return home;
            }
        }
        return null;
    }
}

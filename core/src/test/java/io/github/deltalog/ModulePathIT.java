package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged core jar on the module path: a small application module compiles against it and runs in a child
 * JVM with core and its dependencies as modules; the internal {@code store} package is neither readable at
 * compile time nor open at run time; the descriptor sits under {@code META-INF/versions/9} only. Also the note
 * the README makes about the full H2 jar: beside h2-mvstore on the module path it is refused (split packages),
 * alone it does not stand in for {@code com.h2database.mvstore}, and on the class path both work together. Run
 * alone with {@code mvn -B verify -pl core -Dtest=none -Dit.test=ModulePathIT}.
 */
class ModulePathIT {
    private static final String APP_MODULE = "module app { requires io.github.deltalog.core; }\n";
    private static final String APP =
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
    private static final String SNEAKY =
            """
            package app;

            public class Sneaky {
                io.github.deltalog.store.LogStore store;
            }
            """;

    @TempDir
    Path dir;

    private static Path coreJar() {
        Path jar = Path.of(System.getProperty("deltalog.core.jar", "missing"));
        assertTrue(Files.isRegularFile(jar), "core jar not found at " + jar + "; run through `mvn verify`");
        return jar;
    }

    private static List<Path> dependencyJars() throws IOException {
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

    private static Path h2Jar() {
        Path jar = Path.of(System.getProperty("deltalog.h2.jar", "missing"));
        assertTrue(Files.isRegularFile(jar), "full H2 jar not found at " + jar + "; run through `mvn verify`");
        return jar;
    }

    private static String path(List<Path> entries) {
        return entries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    private record Compiled(int exit, String output) {}

    private Compiled compile(Path out, List<String> options, Path... sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(options);
        if (!options.contains("-cp")) {
            // An explicit, empty class path: javac in this JVM would otherwise take the test JVM's class path,
            // core's classes included, and find io.github.deltalog.store in the unnamed module.
            args.addAll(List.of("-cp", dir.resolve("no-class-path").toString()));
        }
        args.addAll(List.of("-d", out.toString()));
        for (Path s : sources) {
            args.add(s.toString());
        }
        int exit = javac.run(null, err, err, args.toArray(String[]::new));
        return new Compiled(exit, err.toString(StandardCharsets.UTF_8));
    }

    private Path write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private record Run(int exit, String output) {}

    private Run java(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish: " + command);
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Compiles the application module against core on the module path; returns its class output. */
    private Path compileApp(List<Path> modulePath) throws IOException {
        Path module = write("src/app/module-info.java", APP_MODULE);
        Path main = write("src/app/app/Main.java", APP);
        Path out = dir.resolve("app-classes");
        Compiled c = compile(out, List.of("--module-path", path(modulePath)), module, main);
        assertEquals(0, c.exit(), c.output());
        return out;
    }

    @Test
    void descriptorExportsOnlyTheApiAndLivesUnderVersions9() throws IOException {
        try (JarFile jar = new JarFile(coreJar().toFile())) {
            assertEquals("true", jar.getManifest().getMainAttributes().getValue("Multi-Release"));
            assertEquals(null, jar.getEntry("module-info.class"), "no descriptor at the root (Android tooling)");
            assertTrue(jar.getEntry("META-INF/versions/9/module-info.class") != null);
        }
        ModuleDescriptor d =
                ModuleFinder.of(coreJar()).findAll().iterator().next().descriptor();
        assertEquals("io.github.deltalog.core", d.name());
        assertTrue(!d.isAutomatic(), "an explicit module, not an automatic one");
        Set<String> exported = new TreeSet<>();
        d.exports().forEach(e -> {
            assertTrue(!e.isQualified(), e.toString());
            exported.add(e.source());
        });
        Set<String> expected = new TreeSet<>(Set.of(
                "io.github.deltalog",
                "io.github.deltalog.merge",
                "io.github.deltalog.retention",
                "io.github.deltalog.view"));
        for (String p : d.packages()) {
            if (p.startsWith("io.github.deltalog.sync")) {
                expected.add(p); // public API where it exists
            }
        }
        assertEquals(expected, exported);
        assertTrue(d.packages().contains("io.github.deltalog.store"));
        // Only the engine package, and only to h2-mvstore, which instantiates the log's FilePath wrapper reflectively.
        assertEquals(1, d.opens().size(), d.opens().toString());
        ModuleDescriptor.Opens opens = d.opens().iterator().next();
        assertEquals("io.github.deltalog.store", opens.source());
        assertEquals(Set.of("com.h2database.mvstore"), opens.targets());
    }

    @Test
    void anApplicationRunsOnTheModulePath() throws Exception {
        List<Path> modulePath = new ArrayList<>(dependencyJars());
        modulePath.add(0, coreJar());
        Path app = compileApp(modulePath);
        modulePath.add(app);
        Run run = java(List.of(
                "--module-path",
                path(modulePath),
                "-m",
                "app/app.Main",
                dir.resolve("m.deltas").toString()));
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("count=1 first=true"), run.output());
        assertTrue(run.output().contains("module=io.github.deltalog.core"), run.output());
        assertTrue(run.output().contains("store exported=false"), run.output());
        assertTrue(
                run.output().contains("store reflective access=IllegalAccessException")
                        || run.output().contains("store reflective access=InaccessibleObjectException"),
                run.output());
        System.out.println("module-path application:\n" + run.output().strip());
    }

    @Test
    void theInternalStorePackageDoesNotCompile() throws IOException {
        List<Path> modulePath = new ArrayList<>(dependencyJars());
        modulePath.add(0, coreJar());
        Path module = write("sneaky/app/module-info.java", APP_MODULE);
        Path sneaky = write("sneaky/app/app/Sneaky.java", SNEAKY);
        Compiled c = compile(dir.resolve("sneaky-classes"), List.of("--module-path", path(modulePath)), module, sneaky);
        assertNotEquals(0, c.exit(), c.output());
        assertTrue(
                c.output().contains("io.github.deltalog.store") && c.output().contains("does not export"), c.output());
    }

    /** What the README says about the full H2 jar, checked. */
    @Test
    void theFullH2JarOnTheModulePathAndOnTheClassPath() throws Exception {
        List<Path> deps = dependencyJars();
        Path mvstore = deps.stream()
                .filter(p -> p.getFileName().toString().startsWith("h2-mvstore"))
                .findFirst()
                .orElseThrow();
        List<Path> modulePath = new ArrayList<>(deps);
        modulePath.add(0, coreJar());
        Path app = compileApp(modulePath);

        List<Path> both = new ArrayList<>(modulePath);
        both.add(app);
        both.add(h2Jar());
        Run split = java(List.of(
                "--module-path",
                path(both),
                "-m",
                "app/app.Main",
                dir.resolve("a").toString()));
        assertNotEquals(0, split.exit(), split.output());
        assertTrue(split.output().contains("com.h2database") && split.output().contains("org.h2"), split.output());

        List<Path> h2Alone = new ArrayList<>(both);
        h2Alone.remove(mvstore);
        Run alone = java(List.of(
                "--module-path",
                path(h2Alone),
                "-m",
                "app/app.Main",
                dir.resolve("b").toString()));
        assertNotEquals(0, alone.exit(), alone.output());
        assertTrue(alone.output().contains("com.h2database.mvstore not found"), alone.output());

        // The class path: core, kryo and the full H2 jar (no h2-mvstore), with H2's SQL engine in use as well.
        Path cpApp = write(
                "cp/app/Both.java",
                """
                package app;

                import io.github.deltalog.DeltaLog;
                import io.github.deltalog.Tuple;
                import java.nio.file.Path;
                import java.sql.Connection;
                import java.sql.DriverManager;
                import java.sql.ResultSet;

                public class Both {
                    public static void main(String[] args) throws Exception {
                        try (DeltaLog log = DeltaLog.open(Path.of(args[0]));
                                Connection c = DriverManager.getConnection("jdbc:h2:mem:x")) {
                            log.track("t");
                            log.recordInsert("t", 1L, Tuple.of("x"));
                            c.createStatement().execute("create table t(id int)");
                            c.createStatement().execute("insert into t values (1)");
                            ResultSet rs = c.createStatement().executeQuery("select count(*) from t");
                            rs.next();
                            System.out.println("deltas=" + log.count("t", 0) + " rows=" + rs.getInt(1));
                        }
                    }
                }
                """);
        List<Path> classPath = new ArrayList<>(deps);
        classPath.remove(mvstore);
        classPath.add(0, coreJar());
        classPath.add(h2Jar());
        Path cpOut = dir.resolve("cp-classes");
        Compiled c = compile(cpOut, List.of("-cp", path(classPath)), cpApp);
        assertEquals(0, c.exit(), c.output());
        classPath.add(cpOut);
        Run cp = java(List.of(
                "-cp", path(classPath), "app.Both", dir.resolve("c.deltas").toString()));
        assertEquals(0, cp.exit(), cp.output());
        assertTrue(cp.output().contains("deltas=1 rows=1"), cp.output());
    }
}

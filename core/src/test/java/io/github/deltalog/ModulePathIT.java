package io.github.deltalog;

import static io.github.deltalog.ModuleApps.coreJar;
import static io.github.deltalog.ModuleApps.dependencyJars;
import static io.github.deltalog.ModuleApps.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.ModuleApps.Compiled;
import io.github.deltalog.ModuleApps.Run;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged core jar on the module path: a small application module compiles against it and runs in a child
 * JVM with core and its dependencies as modules; the internal {@code store} package is neither readable at
 * compile time nor open at run time; the descriptor sits under {@code META-INF/versions/9} only. (The README's
 * note on the full H2 jar is checked by the jdbc module's {@code FullH2JarIT}, where that jar is a dependency.)
 * Run alone with {@code mvn -B verify -pl core -Dtest=none -Dit.test=ModulePathIT}.
 */
class ModulePathIT {
    private static final String SNEAKY =
            """
            package app;

            public class Sneaky {
                io.github.deltalog.store.LogStore store;
            }
            """;

    @TempDir
    Path dir;

    private ModuleApps apps;

    @BeforeEach
    void setUp() {
        apps = new ModuleApps(dir);
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
        Path app = apps.compileApp(modulePath);
        modulePath.add(app);
        Run run = apps.java(List.of(
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
        Path module = apps.write("sneaky/app/module-info.java", ModuleApps.APP_MODULE);
        Path sneaky = apps.write("sneaky/app/app/Sneaky.java", SNEAKY);
        Compiled c =
                apps.compile(dir.resolve("sneaky-classes"), List.of("--module-path", path(modulePath)), module, sneaky);
        assertNotEquals(0, c.exit(), c.output());
        assertTrue(
                c.output().contains("io.github.deltalog.store") && c.output().contains("does not export"), c.output());
    }
}

package io.github.deltalog.jdbc;

import static io.github.deltalog.ModuleApps.coreJar;
import static io.github.deltalog.ModuleApps.dependencyJars;
import static io.github.deltalog.ModuleApps.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.ModuleApps;
import io.github.deltalog.ModuleApps.Compiled;
import io.github.deltalog.ModuleApps.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the README says about using deltalog next to the full H2 jar (which this module compiles against), checked
 * with the packaged core jar in child JVMs: beside h2-mvstore on the module path the full jar is refused (the two
 * split packages), alone it does not stand in for {@code com.h2database.mvstore}, and on the class path the full
 * jar replaces h2-mvstore with H2's SQL engine in use in the same JVM. Run alone with
 * {@code mvn -B verify -pl jdbc -am -Dtest=none -Dit.test=FullH2JarIT -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class FullH2JarIT {
    @TempDir
    Path dir;

    private static Path h2Jar() {
        Path jar = Path.of(System.getProperty("deltalog.h2.jar", "missing"));
        assertTrue(Files.isRegularFile(jar), "full H2 jar not found at " + jar + "; run through `mvn verify`");
        return jar;
    }

    @Test
    void onTheModulePathTheFullJarIsRefusedOrMissesMvStore() throws Exception {
        ModuleApps apps = new ModuleApps(dir);
        List<Path> deps = dependencyJars();
        Path mvstore = mvstore(deps);
        List<Path> modulePath = new ArrayList<>(deps);
        modulePath.add(0, coreJar());
        Path app = apps.compileApp(modulePath);

        List<Path> both = new ArrayList<>(modulePath);
        both.add(app);
        both.add(h2Jar());
        Run split = apps.java(List.of(
                "--module-path",
                path(both),
                "-m",
                "app/app.Main",
                dir.resolve("a").toString()));
        assertNotEquals(0, split.exit(), split.output());
        assertTrue(split.output().contains("com.h2database") && split.output().contains("org.h2"), split.output());

        List<Path> h2Alone = new ArrayList<>(both);
        h2Alone.remove(mvstore);
        Run alone = apps.java(List.of(
                "--module-path",
                path(h2Alone),
                "-m",
                "app/app.Main",
                dir.resolve("b").toString()));
        assertNotEquals(0, alone.exit(), alone.output());
        assertTrue(alone.output().contains("com.h2database.mvstore not found"), alone.output());
    }

    @Test
    void onTheClassPathTheFullJarReplacesMvStore() throws Exception {
        ModuleApps apps = new ModuleApps(dir);
        List<Path> deps = dependencyJars();
        Path source = apps.write(
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
        classPath.remove(mvstore(deps));
        classPath.add(0, coreJar());
        classPath.add(h2Jar());
        Path out = dir.resolve("cp-classes");
        Compiled c = apps.compile(out, List.of("-cp", path(classPath)), source);
        assertEquals(0, c.exit(), c.output());
        classPath.add(out);
        Run run = apps.java(List.of(
                "-cp", path(classPath), "app.Both", dir.resolve("c.deltas").toString()));
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("deltas=1 rows=1"), run.output());
    }

    private static Path mvstore(List<Path> deps) {
        return deps.stream()
                .filter(p -> p.getFileName().toString().startsWith("h2-mvstore"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("h2-mvstore is not among core's runtime jars: " + deps));
    }
}

package io.github.deltalog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code java} code block of the README compiles against the published modules (issue 19: "every code
 * block compiles as a test"). Lives in the cli module because its test class path holds all of them: core, kafka,
 * jdbc and micrometer.
 *
 * <p>A block is a snippet, not a class: it is compiled as the body of a method of a class that declares the names
 * the README leaves to the reader ({@link #CONTEXT}: the application's {@code log}, {@code connection}, its own
 * {@code view} object, {@code apply(...)}, ...). A block's own declarations shadow them. A new placeholder in the
 * README needs a line in {@link #CONTEXT}; the failure names the block's line and the compiler's message.
 */
class ReadmeCodeBlocksTest {
    private static final String IMPORTS = String.join(
            "\n",
            "import io.github.deltalog.*;",
            "import io.github.deltalog.merge.*;",
            "import io.github.deltalog.retention.*;",
            "import io.github.deltalog.view.*;",
            "import io.github.deltalog.sync.*;",
            "import io.github.deltalog.kafka.*;",
            "import io.github.deltalog.jdbc.*;",
            "import io.github.deltalog.micrometer.*;",
            "import io.micrometer.core.instrument.*;",
            "import java.math.BigDecimal;",
            "import java.nio.file.Path;",
            "import java.sql.Connection;",
            "import java.sql.DriverManager;",
            "import java.sql.Statement;",
            "import java.time.Duration;",
            "import java.time.Instant;",
            "import java.util.List;",
            "import java.util.Map;",
            "import java.util.concurrent.ExecutorService;",
            "import java.util.concurrent.Executors;",
            "");

    /** The names the README's snippets use without declaring them: what the reader's application has. */
    private static final String CONTEXT = String.join(
            "\n",
            "    interface ApplicationView { void add(Tuple row, long weight); void apply(Delta change); }",
            "    DeltaLog log;",
            "    Connection connection;",
            "    MeterRegistry meterRegistry;",
            "    ApplicationView view;",
            "    long lastSeen;",
            "    long position;",
            "    void apply(ChangeSet changes) {}",
            "    void rebuildFromBaseTables() {}",
            "    void push(long commitTimestamp, List<Delta> deltas) {}",
            "    void serve() {}",
            "");

    @TempDir
    Path out;

    @Test
    void everyJavaBlockOfTheReadmeCompiles() throws IOException {
        Path readme = readme();
        List<Block> blocks = javaBlocks(Files.readAllLines(readme));
        assertTrue(blocks.size() >= 5, "found only " + blocks.size() + " java blocks in " + readme);

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertNotNull(compiler, "no system Java compiler: run the tests on a JDK");
        List<JavaFileObject> sources = new ArrayList<>();
        for (Block b : blocks) {
            sources.add(new Source(b));
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options =
                    List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(), "-proc:none");
            compiler.getTask(null, files, diagnostics, options, null, sources).call();
        }
        List<String> errors = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> describe(d, blocks))
                .collect(Collectors.toList());
        assertEquals(List.of(), errors, "README code blocks that do not compile");
    }

    private static String describe(Diagnostic<? extends JavaFileObject> d, List<Block> blocks) {
        if (!(d.getSource() instanceof Source s)) {
            return d.getMessage(Locale.ROOT);
        }
        long line = d.getLineNumber() - s.firstBodyLine;
        return "README.md line " + (s.block.firstLine + line) + ": " + d.getMessage(Locale.ROOT);
    }

    /** The README at the root of the project (the folder that also holds {@code core}), found upwards. */
    private static Path readme() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.exists(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("core")))) {
            dir = dir.getParent();
        }
        assertNotNull(dir, "README.md not found above " + Path.of("").toAbsolutePath());
        return dir.resolve("README.md");
    }

    /** The {@code ```java} fenced blocks, with the README line of their first code line. */
    static List<Block> javaBlocks(List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals("```java")) {
                int start = i + 1;
                int end = start;
                while (end < lines.size() && !lines.get(end).trim().startsWith("```")) {
                    end++;
                }
                blocks.add(new Block(blocks.size() + 1, start + 1, String.join("\n", lines.subList(start, end))));
                i = end;
            }
        }
        return blocks;
    }

    /** One code block: its number, the README line of its first code line, its text. */
    record Block(int number, int firstLine, String code) {}

    /** A block wrapped as a compilation unit: imports, a class with the context, a method whose body it is. */
    private static final class Source extends SimpleJavaFileObject {
        final Block block;
        final String text;
        final int firstBodyLine;

        Source(Block block) {
            super(URI.create("string:///ReadmeBlock" + block.number() + ".java"), Kind.SOURCE);
            this.block = block;
            String head = IMPORTS + "class ReadmeBlock" + block.number() + " {\n" + CONTEXT
                    + "    void example() throws Exception {\n";
            this.firstBodyLine = (int) head.chars().filter(c -> c == '\n').count() + 1;
            this.text = head + block.code() + "\n    }\n}\n";
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }
}

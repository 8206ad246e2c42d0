package io.github.deltalog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The duration options' converter: units, plain milliseconds, ISO-8601, and a clear refusal. */
class DurationsTest {
    private final Durations d = new Durations();

    @Test
    void readsUnitsMillisecondsAndIso() {
        assertEquals(Duration.ofMillis(250), d.convert("250ms"));
        assertEquals(Duration.ofSeconds(2), d.convert("2s"));
        assertEquals(Duration.ofMinutes(1), d.convert(" 1M "));
        assertEquals(Duration.ofMillis(1500), d.convert("1500"));
        assertEquals(Duration.ofSeconds(2), d.convert("PT2S"));
        assertEquals(Duration.ZERO, d.convert("0"));
    }

    @Test
    void refusesOtherTextSayingWhatItTakes() {
        for (String bad : new String[] {"", "fast", "2h", "-5ms", "1.5s"}) {
            CommandLine.TypeConversionException e =
                    assertThrows(CommandLine.TypeConversionException.class, () -> d.convert(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        Cli.Result r = Cli.run("export-kafka", "f", "--bootstrap", "x:1", "--linger", "soon");
        assertEquals(Main.EXIT_ERROR, r.exitCode(), r::toString);
        assertTrue(r.err().startsWith("deltalog: Invalid value for option '--linger'"), r::toString);
    }
}

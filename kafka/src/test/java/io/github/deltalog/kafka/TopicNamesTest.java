package io.github.deltalog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Topic names: the escaping rule, its inverse, collisions that must not happen, Kafka's limits. */
class TopicNamesTest {
    private final TopicNames names = TopicNames.of("deltalog");

    @Test
    void escapesEverythingButLettersDigitsAndDash() {
        assertEquals("deltalog.orders", names.topicOf("orders"));
        assertEquals("deltalog.Order-2", names.topicOf("Order-2"));
        assertEquals("deltalog.sales_2Eeu_5F2024", names.topicOf("sales.eu_2024"));
        assertEquals("deltalog.caf_C3_A9", names.topicOf("café"));
        assertEquals("deltalog.a_3Ab_2Fc_20d", names.topicOf("a:b/c d"));
        assertEquals("deltalog._F0_9F_98_80", names.topicOf("\ud83d\ude00"));
        assertEquals("deltalog.__positions", names.positionsTopic());
        assertEquals("sales.eu_2024", names.tableOf("deltalog.sales_2Eeu_5F2024"));
    }

    @Test
    void dotAndUnderscoreNeverCollideAlsoUnderKafkasMetricRule() {
        String[] tables = {"a.b", "a_b", "a_2Eb", "a_5Fb", "a__b", "a..b", "__positions", "_positions", ".positions"};
        Map<String, String> seen = new HashMap<>();
        Map<String, String> metricSeen = new HashMap<>();
        metricSeen.put(names.positionsTopic().replace('.', '_'), "(positions)");
        for (String t : tables) {
            String topic = names.topicOf(t);
            String escaped = topic.substring("deltalog.".length());
            assertFalse(escaped.contains("."), topic);
            assertEquals(null, seen.put(topic, t), "two tables on " + topic);
            // Kafka warns about (and metrics confuse) topics that differ only by '.' against '_'.
            assertEquals(null, metricSeen.put(topic.replace('.', '_'), t), "metric collision for " + topic);
            assertEquals(t, names.tableOf(topic));
            assertNotEquals(names.positionsTopic(), topic);
        }
        assertFalse(names.isTableTopic(names.positionsTopic()));
    }

    @Test
    void randomStringsRoundTripIncludingSurrogatesAndLoneSurrogates() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        String alphabet = "aZ09-._/: \u00e9\u4e2d\ud83d\ude00\ud800\udc00";
        Map<String, String> topics = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + rnd.nextInt(12);
            for (int k = 0; k < len; k++) {
                int kind = rnd.nextInt(10);
                if (kind < 6) {
                    sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
                } else if (kind < 8) {
                    sb.appendCodePoint(0x10000 + rnd.nextInt(0x100000)); // a surrogate pair
                } else {
                    sb.append((char) rnd.nextInt(0x10000)); // any code unit, lone surrogates included
                }
            }
            String table = sb.toString();
            String topic;
            try {
                topic = names.topicOf(table);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().contains("249"), "seed " + seed + ": " + e.getMessage());
                continue;
            }
            assertTrue(topic.matches("deltalog\\.[A-Za-z0-9_-]+"), "seed " + seed + ": " + topic);
            assertEquals(table, names.tableOf(topic), "seed " + seed);
            String other = topics.put(topic, table);
            assertTrue(other == null || other.equals(table), "seed " + seed + ": " + other + " and " + table);
        }
    }

    @Test
    void nonCanonicalAndForeignTopicsAreNotTables() {
        String[] bad = {
            "deltalog._41", // 'A' written as an escape
            "deltalog._c3_a9", // lower-case hex
            "deltalog._C3", // cut UTF-8
            "deltalog._C0_80", // over-long NUL
            "deltalog._ED_A0_BD_ED_B8_80", // a surrogate pair written as two 3-byte sequences
            "deltalog.a.b",
            "deltalog.a_",
            "deltalog.a_4",
            "deltalog.",
            "other.orders",
            "deltalogx.orders",
            "deltalog.__positions"
        };
        for (String t : bad) {
            assertThrows(IllegalArgumentException.class, () -> names.tableOf(t), t);
            assertFalse(names.isTableTopic(t), t);
        }
    }

    @Test
    void tooLongNamesAreRefusedNamingTheTable() {
        String ok = "x".repeat(249 - "deltalog.".length());
        assertEquals(249, names.topicOf(ok).length());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> names.topicOf(ok + "x"));
        assertTrue(e.getMessage().contains("'" + ok + "x'"), e.getMessage());
        // Each escaped byte takes three characters: 80 'é' (160 bytes) need 480.
        e = assertThrows(IllegalArgumentException.class, () -> names.topicOf("\u00e9".repeat(80)));
        assertTrue(e.getMessage().contains("249"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> names.topicOf(""));
    }

    @Test
    void prefixesAreValidated() {
        assertEquals("my.app_1-x.__positions", TopicNames.of("my.app_1-x").positionsTopic());
        for (String p : new String[] {"", ".", "..", "a b", "a/b", "é", "x".repeat(238)}) {
            assertThrows(IllegalArgumentException.class, () -> TopicNames.of(p), p);
        }
        assertEquals(249, TopicNames.of("x".repeat(237)).positionsTopic().length());
    }
}

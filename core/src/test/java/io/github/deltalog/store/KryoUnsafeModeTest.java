package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.esotericsoftware.kryo.kryo5.util.Util;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * Kryo's Unsafe switch is the one the build asks for. The core suite runs twice in {@code mvn verify}: once by
 * default (Kryo uses {@code sun.misc.Unsafe} where the JVM has it) and once with {@code -Dkryo.unsafe=false},
 * the code path Kryo takes on Android, where {@code Util.unsafe} is false. This test proves each run is what it
 * claims, and that the codec round-trips in it.
 */
class KryoUnsafeModeTest {
    @Test
    void kryoHonoursTheUnsafeProperty() {
        boolean disabled = "false".equals(System.getProperty("kryo.unsafe"));
        // The build JDK (17+, HotSpot or OpenJ9) has sun.misc.Unsafe, so only the property can turn it off.
        assertEquals(!disabled, Util.unsafe, "kryo.unsafe=" + System.getProperty("kryo.unsafe"));
        assertEquals(Util.unsafe, Util.isUnsafeAvailable());
    }

    @Test
    void codecRoundTripsInThisMode() {
        DeltaOp op = new DeltaOp.Update(Tuple.of(1, "alice", new BigDecimal("9.50")), Tuple.of(1, "alice", null));
        DeltaKey key = new DeltaKey(3, 1_700_000_000_000_000L, -7L);
        byte[] value = DeltaCodec.encode("orders", key.rowId(), op);
        DeltaCodec.seal(key, value);
        assertEquals(op, DeltaCodec.decode(key, value, "orders", "test"));
    }
}

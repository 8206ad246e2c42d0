package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copy-on-write view that read-only opens replay a large journal through: random writes (aligned or not,
 * across blocks, past the end), truncations and reads agree with a byte array model, the base file is never
 * changed, and closing deletes the overlay. Seeded ({@code -Ddeltalog.overlay.seed}).
 */
class OverlayChannelTest {
    @TempDir
    Path dir;

    @Test
    void readsWritesAndTruncationsAgreeWithAModelAndTheBaseFileStaysAsItWas() throws IOException {
        long seed = Long.getLong("deltalog.overlay.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 20; round++) {
            String where = "seed " + seed + ", round " + round;
            byte[] original = new byte[random.nextInt(0, 40_000)];
            random.nextBytes(original);
            Path base = dir.resolve("base-" + round);
            Files.write(base, original);
            Path overlay = Files.createTempFile(dir, "overlay", ".tmp");
            byte[] model = original.clone();
            try (FileChannel view = new OverlayChannel(FileChannel.open(base, StandardOpenOption.READ), overlay)) {
                for (int step = 0; step < 200; step++) {
                    int kind = random.nextInt(10);
                    if (kind < 5) {
                        long pos = random.nextInt(0, model.length + 9000);
                        byte[] data = new byte[random.nextInt(1, 10_000)];
                        random.nextBytes(data);
                        view.write(ByteBuffer.wrap(data), pos);
                        if (pos + data.length > model.length) {
                            model = Arrays.copyOf(model, (int) pos + data.length);
                        }
                        System.arraycopy(data, 0, model, (int) pos, data.length);
                    } else if (kind < 6) {
                        int to = random.nextInt(0, model.length + 1);
                        view.truncate(to);
                        model = Arrays.copyOf(model, to);
                    } else {
                        int pos = random.nextInt(0, model.length + 1);
                        int len = random.nextInt(0, 12_000);
                        ByteBuffer got = ByteBuffer.allocate(len);
                        int n = view.read(got, pos);
                        int expected = Math.min(len, model.length - pos);
                        if (expected == 0 && len > 0) {
                            assertEquals(-1, n, where + ", step " + step + ": read at the end");
                        } else {
                            assertEquals(expected, n, where + ", step " + step + ": bytes read");
                            assertArrayEquals(
                                    Arrays.copyOfRange(model, pos, pos + expected),
                                    Arrays.copyOf(got.array(), expected),
                                    where + ", step " + step + ": bytes read at " + pos);
                        }
                    }
                    assertEquals(model.length, view.size(), where + ", step " + step + ": size");
                }
            }
            assertArrayEquals(original, Files.readAllBytes(base), where + ": the base file changed");
            assertFalse(Files.exists(overlay), where + ": the overlay outlived the view");
        }
    }
}

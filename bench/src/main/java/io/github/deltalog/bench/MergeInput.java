package io.github.deltalog.bench;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.util.Random;

/**
 * Valid change chains for the merge benchmarks, generated from a seed without keeping per-delta garbage: row
 * images come from a small pool of tuples and operations from a pool built on them, so a stream of 10^7 deltas
 * costs one {@link Delta} record each.
 */
public final class MergeInput {
    private static final int IMAGES = 16;

    /** How chains are made: which share of changes to existing rows are deletes. */
    public enum Mix {
        /** Mostly updates, a tenth deletes (and re-inserts). */
        UPDATE_HEAVY(10),
        /** A third each of inserts, updates and deletes over time. */
        CHURN(3);

        final int deleteOneIn;

        Mix(int deleteOneIn) {
            this.deleteOneIn = deleteOneIn;
        }
    }

    /** How a row's number becomes its row id. */
    public enum Ids {
        /** Row ids 0 .. rows - 1, as autoincrement keys and SQLite rowids are. */
        DENSE,
        /** Row numbers scrambled over the whole long range (a bijection), as hashed or random keys are. */
        SCATTERED;

        long of(int row) {
            return this == DENSE ? row : row * 0x9E3779B97F4A7C15L; // odd multiplier: distinct rows, distinct ids
        }
    }

    private final DeltaOp[] inserts = new DeltaOp[IMAGES];
    private final DeltaOp[] deletes = new DeltaOp[IMAGES];
    private final DeltaOp[][] updates = new DeltaOp[IMAGES][IMAGES];
    private final byte[] imageOfRow; // 0 = absent, else image index + 1
    private final Random rnd;
    private final Mix mix;
    private final Ids ids;
    private long ts = 1_700_000_000_000_000L;

    MergeInput(int rows, Mix mix, long seed) {
        this(rows, mix, Ids.DENSE, seed);
    }

    MergeInput(int rows, Mix mix, Ids ids, long seed) {
        this.ids = ids;
        this.imageOfRow = new byte[rows];
        this.rnd = new Random(seed);
        this.mix = mix;
        Tuple[] images = new Tuple[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            images[i] = Tuple.of(i, "customer-" + i, new BigDecimal(i + ".50"), i % 2 == 0);
        }
        for (int i = 0; i < IMAGES; i++) {
            inserts[i] = new DeltaOp.Insert(images[i]);
            deletes[i] = new DeltaOp.Delete(images[i]);
            for (int j = 0; j < IMAGES; j++) {
                updates[i][j] = new DeltaOp.Update(images[i], images[j]);
            }
        }
    }

    /** Returns the next delta: a random row, the change valid on its current image. */
    Delta next() {
        int row = rnd.nextInt(imageOfRow.length);
        int current = imageOfRow[row] - 1;
        int next = rnd.nextInt(IMAGES);
        DeltaOp op;
        if (current < 0) {
            op = inserts[next];
            imageOfRow[row] = (byte) (next + 1);
        } else if (rnd.nextInt(mix.deleteOneIn) == 0) {
            op = deletes[current];
            imageOfRow[row] = 0;
        } else {
            op = updates[current][next];
            imageOfRow[row] = (byte) (next + 1);
        }
        return new Delta("orders", ids.of(row), ++ts, op);
    }

    /** Generates a whole input up front (for the timed benchmarks, which must not time generation). */
    static Delta[] generate(int deltas, int rows, Mix mix, Ids ids, long seed) {
        MergeInput in = new MergeInput(rows, mix, ids, seed);
        Delta[] out = new Delta[deltas];
        for (int i = 0; i < deltas; i++) {
            out[i] = in.next();
        }
        return out;
    }
}

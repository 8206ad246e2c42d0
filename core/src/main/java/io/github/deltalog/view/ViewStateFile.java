package io.github.deltalog.view;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import io.github.deltalog.store.DeltaCodec;
import io.github.deltalog.store.DeltaKey;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A view's state on disk, with the log position it reflects: written whole to a temporary file, forced, then
 * renamed over the old one, so a crash leaves either the old state or the new one. Each group is a tuple in the
 * log's own value encoding (checksummed): {@code magic, long position, int groups}, then per group {@code int
 * length, value}.
 */
final class ViewStateFile {
    private static final byte[] MAGIC = "DLVIEW01".getBytes(StandardCharsets.US_ASCII);
    private static final DeltaKey KEY = new DeltaKey(0, 0, 0);

    private ViewStateFile() {}

    /** Writes the view's groups and position atomically. */
    static void save(Path file, AggregateView view, long position) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            OutputStream raw = Channels.newOutputStream(ch);
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(raw));
            out.write(MAGIC);
            out.writeLong(position);
            out.writeInt(view.states().size());
            for (Map.Entry<Tuple, GroupState> e : view.states().entrySet()) {
                List<Object> values = new ArrayList<>();
                values.add(e.getKey().size());
                values.addAll(e.getKey().values());
                e.getValue().write(values);
                byte[] bytes = DeltaCodec.encode(view.table(), 0, new DeltaOp.Insert(Tuple.of(values)));
                DeltaCodec.seal(KEY, bytes);
                out.writeInt(bytes.length);
                out.write(bytes);
            }
            out.flush();
            ch.force(true);
        } catch (IOException e) {
            throw new DeltaLogException("cannot write view state " + tmp + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DeltaLogException("cannot replace view state " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a state into an empty view.
     *
     * @return the position the state reflects
     * @throws CorruptLogException if the file is damaged
     */
    static long load(Path file, AggregateView view) {
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CorruptLogException("view state " + file + " is not a deltalog view state file");
            }
            long position = in.readLong();
            int groups = in.readInt();
            long size = Files.size(file);
            if (groups < 0 || groups > size) {
                throw new CorruptLogException("view state " + file + " claims " + groups + " groups");
            }
            for (int i = 0; i < groups; i++) {
                int length = in.readInt();
                if (length < 0 || length > size) {
                    throw new CorruptLogException("view state " + file + ": group " + i + " has length " + length);
                }
                byte[] bytes = new byte[length];
                in.readFully(bytes);
                Tuple t = DeltaCodec.decode(KEY, bytes, view.table(), file.toString())
                        .after();
                int keySize = (Integer) t.get(0);
                Object[] key = new Object[keySize];
                for (int k = 0; k < keySize; k++) {
                    key[k] = t.get(1 + k);
                }
                view.states().put(Tuple.of(key), GroupState.read(t, 1 + keySize));
            }
            return position;
        } catch (EOFException e) {
            throw new CorruptLogException("view state " + file + " is truncated", e);
        } catch (IOException e) {
            throw new DeltaLogException("cannot read view state " + file + ": " + e.getMessage(), e);
        } catch (ClassCastException | IndexOutOfBoundsException | NullPointerException e) {
            throw new CorruptLogException("view state " + file + " is malformed: " + e, e);
        }
    }
}

package io.github.deltalog.store;

import io.github.deltalog.DeltaLogException;
import io.github.deltalog.DeltaOp;
import java.io.IOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ObjectDataType;
import org.h2.mvstore.type.StringDataType;
import org.h2.store.fs.encrypt.FilePathEncrypt;

/**
 * Salvage of a store file that MVStore cannot open (cut short, zeroed in places): reads the file block by block,
 * finds each chunk by its header and each page by its header and check value, and keeps every delta of a leaf
 * page whose values all pass their CRC32C (the checksum over key and bytes that every stored delta carries), with
 * the table names of the catalog pages and the low-water mark of the log's meta pages that can be read. Deltas at
 * or below the newest low-water mark found were purged and are left out; a delta found in several page versions
 * is kept once. The journal files beside the store are replayed too when their header names the same log.
 *
 * <p>Reads only; what it finds goes to a temporary MVStore in the temporary folder (memory stays bounded), read
 * back in commit order by {@link #inCommitOrder()}. Deleted when closed. Not an API.
 */
public final class StoreScan implements AutoCloseable {
    private static final int BLOCK = 4096;
    /** The largest chunk read: MVStore writes chunks of a few MiB; a larger length is a damaged header. */
    private static final long MAX_CHUNK = 256L << 20;

    private static final int STORE_META = 0;
    private static final int NAMES = 1;
    private static final int DELTAS = 2;

    /**
     * One delta found, decoded.
     *
     * @param table the table's name (from the catalog, or {@code table-<id>} if the catalog was lost)
     * @param tableId the table's id in the file
     * @param commitTimestamp its commit timestamp
     * @param rowId its row
     * @param op what it did
     */
    public record Found(String table, int tableId, long commitTimestamp, long rowId, DeltaOp op) {}

    private final Path file;
    private final Path tempFile;
    private final MVStore temp;
    private final MVMap<DeltaKey, byte[]> deltas;
    private final Map<Integer, String> tableNames = new TreeMap<>();
    /** The newest value seen of each string entry of the log's meta pages, by chunk version. */
    private final Map<String, Long> meta = new HashMap<>();

    private final Map<String, Long> metaVersion = new HashMap<>();
    /** Map ids by name, from the store's own meta pages, where readable. */
    private final Map<String, Integer> mapIds = new HashMap<>();
    /** The newest root page position of each map ({@code root.<hex id>}), and the chunk version it came from. */
    private final Map<String, Long> roots = new HashMap<>();

    private final Map<String, Long> rootVersion = new HashMap<>();
    /** Chunk id → {file position, bytes available, version} of the newest chunk of that id. */
    private final Map<Integer, long[]> chunkAt = new HashMap<>();
    /** Deltas in the newest readable root of the deltas map (all tables), or -1 if it could not be read. */
    private long indexed = -1;

    private long fromStore;
    /** The newest store version among the chunks found. */
    private long newestVersion = -1;

    private long chunks;
    private long pages;
    private long damagedChunks;
    private long deltaPages;
    private long rejectedPages;
    private final List<String> notes = new ArrayList<>();

    private StoreScan(Path file, Path tempFile) {
        this.file = file;
        this.tempFile = tempFile;
        this.temp = new MVStore.Builder()
                .fileName(tempFile.toString())
                .autoCommitDisabled()
                .open();
        this.deltas = temp.openMap(
                "deltas",
                new MVMap.Builder<DeltaKey, byte[]>()
                        .keyType(DeltaKeyType.INSTANCE)
                        .valueType(ValueBytesType.INSTANCE));
    }

    /**
     * Scans a store file and the journal files beside it.
     *
     * @param file the store file (not changed)
     * @param encryptionKey its key, or null
     * @return what was found; close it to delete its temporary store
     * @throws DeltaLogException if the file cannot be read or no temporary file can be made
     */
    public static StoreScan scan(Path file, char[] encryptionKey) {
        Path tempFile;
        try {
            tempFile = Files.createTempFile("deltalog-salvage-", ".mv.db");
            Files.delete(tempFile); // MVStore creates it
        } catch (IOException e) {
            throw FileErrors.of("cannot salvage " + file + ": cannot create a temporary file", e);
        }
        StoreScan scan = new StoreScan(file, tempFile);
        try {
            byte[] key = encryptionKey == null ? null : FilePathEncrypt.getPasswordBytes(encryptionKey.clone());
            FileChannel raw = FileChannel.open(file, StandardOpenOption.READ);
            try (FileChannel channel = JournalFiles.wrap(file, raw, key)) {
                scan.readChunks(channel);
            }
            scan.dropPurged();
            scan.fromStore = scan.deltas.sizeAsLong();
            scan.replayJournals(key);
            scan.temp.commit();
            return scan;
        } catch (IOException | RuntimeException e) {
            scan.close();
            if (e instanceof DeltaLogException d) {
                throw d;
            }
            throw FileErrors.of("cannot salvage " + file, e);
        }
    }

    private void readChunks(FileChannel channel) throws IOException {
        long size = channel.size();
        ByteBuffer head = ByteBuffer.allocate(BLOCK);
        // Chunk headers are found first, table names and map ids from them; deltas need no names to be kept.
        List<long[]> found = new ArrayList<>(); // start, length available, chunk id, version
        for (long pos = 0; pos + PageFormat.CHUNK_MAGIC.length <= size; pos += BLOCK) {
            ((Buffer) head).clear();
            ((Buffer) head).limit((int) Math.min(BLOCK, size - pos));
            DataUtils.readFully(channel, pos, head);
            if (!PageFormat.startsWithChunk(head)) {
                continue;
            }
            Map<String, String> header = PageFormat.chunkHeader(head);
            if (header == null) {
                continue;
            }
            try {
                int id = Integer.parseInt(header.get("chunk"), 16);
                long len = Long.parseLong(header.get("len"), 16) * BLOCK;
                long version = Long.parseLong(header.getOrDefault("version", "0"), 16);
                long available = Math.min(len, size - pos);
                if (available < len) {
                    damagedChunks++;
                }
                found.add(new long[] {pos, available, id, version, Integer.parseInt(header.get("pages"), 16)});
            } catch (RuntimeException notAHeader) {
                // "chunk:" at a block start by chance, or a damaged header
            }
        }
        chunks = found.size();
        for (long[] c : found) {
            newestVersion = Math.max(newestVersion, c[3]);
            long[] known = chunkAt.get((int) c[2]);
            if (known == null || known[2] < c[3]) {
                chunkAt.put((int) c[2], new long[] {c[0], c[1], c[3]});
            }
        }
        found.sort((a, b) -> Long.compare(a[3], b[3])); // oldest version first: newer entries win
        // Three passes: the store's map directory, then the catalog and the log's meta, then the deltas.
        for (int pass = STORE_META; pass <= DELTAS; pass++) {
            for (long[] c : found) {
                if (c[1] > MAX_CHUNK) {
                    if (pass == DELTAS) {
                        notes.add("chunk " + c[2] + " skipped: its header claims " + c[1] + " bytes");
                    }
                    continue;
                }
                ByteBuffer chunk = ByteBuffer.allocate((int) c[1]);
                DataUtils.readFully(channel, c[0], chunk);
                readPages(chunk, (int) c[2], c[3], (int) c[4], pass);
            }
            if (pass == STORE_META) {
                indexed = indexedCount(channel);
            }
        }
    }

    /**
     * Reads the count of the deltas map's newest root page that can be read: how many deltas the store held at
     * that version (node: the sum of its children's counts; leaf: its key count), or -1.
     */
    private long indexedCount(FileChannel channel) {
        Integer id = mapIds.get("deltas");
        Long pos = id == null ? null : roots.get("root." + Integer.toHexString(id));
        if (pos == null || pos == 0) {
            return -1;
        }
        long[] c = chunkAt.get(DataUtils.getPageChunkId(pos));
        int offset = DataUtils.getPageOffset(pos);
        if (c == null || offset + 8 > c[1]) {
            return -1;
        }
        try {
            ByteBuffer page = ByteBuffer.allocate((int) Math.min(c[1] - offset, 1 << 20));
            DataUtils.readFully(channel, c[0] + offset, page);
            ((Buffer) page).flip();
            int length = page.getInt();
            short check = page.getShort();
            int expected = DataUtils.getCheckValue(DataUtils.getPageChunkId(pos))
                    ^ DataUtils.getCheckValue(offset)
                    ^ DataUtils.getCheckValue(length);
            if (check != (short) expected || length > page.limit()) {
                return -1;
            }
            DataUtils.readVarInt(page);
            DataUtils.readVarInt(page);
            int keyCount = DataUtils.readVarInt(page);
            int type = page.get();
            if ((type & DataUtils.PAGE_TYPE_NODE) == 0) {
                return keyCount;
            }
            ((Buffer) page).position(page.position() + 8 * (keyCount + 1)); // child positions
            long total = 0;
            for (int i = 0; i <= keyCount; i++) {
                total += DataUtils.readVarLong(page);
            }
            return total;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * Walks the pages of one chunk from the end of its header, each checked by its check value; after damage it
     * searches on for the next offset where a page starts (O(bytes) of the damaged part).
     *
     * @param pass what this pass reads: {@link #STORE_META}, {@link #NAMES} or {@link #DELTAS}
     */
    private void readPages(ByteBuffer chunk, int chunkId, long version, int pageCount, int pass) {
        boolean names = pass != DELTAS;
        Map<String, String> header = PageFormat.chunkHeader(chunk);
        if (header == null) {
            return;
        }
        int p = 0;
        while (chunk.get(p) != '\n') {
            p++;
        }
        p++;
        int found = 0;
        boolean lost = false;
        while (found < pageCount && p + 6 <= chunk.limit()) {
            if (!PageFormat.isPage(chunk, chunkId, p)) {
                // Damage (or the end of what was written): look for the next page start after it, byte by byte;
                // a start is a length that fits and a check value that matches this chunk, offset and length.
                lost = true;
                p++;
                continue;
            }
            int length = chunk.getInt(p);
            found++;
            if (!names) {
                pages++;
            }
            ByteBuffer page = chunk.duplicate();
            ((Buffer) page).position(p + 6);
            ((Buffer) page).limit(p + length);
            try {
                readPage(page, version, pass);
            } catch (RuntimeException | AssertionError unreadable) {
                if (!names) {
                    rejectedPages++;
                }
            }
            p += length;
        }
        if (!names && (lost || found < pageCount)) {
            notes.add("chunk " + chunkId + ": " + (pageCount - found) + " of its " + pageCount
                    + " pages cannot be read (damaged or cut off)");
        }
    }

    private void readPage(ByteBuffer page, long version, int pass) {
        DataUtils.readVarInt(page); // page number in the chunk
        int mapId = DataUtils.readVarInt(page);
        int keyCount = DataUtils.readVarInt(page);
        int type = page.get();
        if ((type & DataUtils.PAGE_TYPE_NODE) != 0 || keyCount <= 0 || keyCount > page.remaining()) {
            return; // inner pages hold no entries; a count larger than the page is damage
        }
        if ((type & DataUtils.PAGE_COMPRESSED) != 0) {
            page = PageFormat.expand(page, type);
        }
        Integer deltasId = mapIds.get("deltas");
        if (pass == STORE_META) {
            if (mapId <= 1) {
                readStoreMeta(page, keyCount, version);
            }
        } else if (pass == NAMES) {
            if (Integer.valueOf(mapId).equals(mapIds.get("catalog"))) {
                readCatalog(page, keyCount);
            } else if (Integer.valueOf(mapId).equals(mapIds.get("meta"))) {
                readLogMeta(page, keyCount, version);
            }
        } else if (deltasId == null ? mapId > 1 : deltasId == mapId) {
            readDeltas(page, keyCount);
        }
    }

    /** Store meta and layout pages: string keys and values; {@code name.<map>} gives a map's id (hex). */
    private void readStoreMeta(ByteBuffer page, int keyCount, long version) {
        String[] keys = new String[keyCount];
        for (int i = 0; i < keyCount; i++) {
            keys[i] = StringDataType.INSTANCE.read(page);
        }
        for (int i = 0; i < keyCount; i++) {
            String value = StringDataType.INSTANCE.read(page);
            if (keys[i].startsWith("name.")) {
                mapIds.put(keys[i].substring("name.".length()), Integer.parseInt(value, 16));
            } else if (keys[i].startsWith("root.") && version >= rootVersion.getOrDefault(keys[i], -1L)) {
                roots.put(keys[i], Long.parseLong(value, 16));
                rootVersion.put(keys[i], version);
            }
        }
    }

    private void readCatalog(ByteBuffer page, int keyCount) {
        ObjectDataType type = new ObjectDataType();
        Object[] keys = new Object[keyCount];
        for (int i = 0; i < keyCount; i++) {
            keys[i] = type.read(page);
        }
        for (int i = 0; i < keyCount; i++) {
            Object value = type.read(page);
            if (keys[i] instanceof String name && value instanceof Long packed) {
                tableNames.put((int) (packed >>> 1), name);
            }
        }
    }

    private void readLogMeta(ByteBuffer page, int keyCount, long version) {
        ObjectDataType type = new ObjectDataType();
        Object[] keys = new Object[keyCount];
        for (int i = 0; i < keyCount; i++) {
            keys[i] = type.read(page);
        }
        for (int i = 0; i < keyCount; i++) {
            Object value = type.read(page);
            if (keys[i] instanceof String k && value instanceof Long v && metaVersion.getOrDefault(k, -1L) <= version) {
                meta.put(k, v);
                metaVersion.put(k, version);
            }
        }
    }

    /** Keeps the page's deltas if every value passes its checksum (otherwise it is not a deltas page, or damaged). */
    private void readDeltas(ByteBuffer page, int keyCount) {
        DeltaKey[] keys = new DeltaKey[keyCount];
        byte[][] values = new byte[keyCount][];
        try {
            for (int i = 0; i < keyCount; i++) {
                keys[i] = DeltaKeyType.INSTANCE.read(page);
            }
            for (int i = 0; i < keyCount; i++) {
                values[i] = ValueBytesType.INSTANCE.read(page);
            }
            for (int i = 0; i < keyCount; i++) {
                DeltaCodec.decode(keys[i], values[i], "?", file.toString());
            }
        } catch (RuntimeException notDeltas) { // a CorruptLogException from a checksum too
            if (mapIds.containsKey("deltas")) {
                rejectedPages++;
            }
            return;
        }
        deltaPages++;
        for (int i = 0; i < keyCount; i++) {
            deltas.put(keys[i], values[i]);
        }
        if (temp.getUnsavedMemory() > (8 << 20)) {
            temp.commit();
        }
    }

    /** Drops what a purge removed: deltas at or below the newest low-water mark found. */
    private void dropPurged() {
        long lowWater = lowWater();
        if (lowWater == 0) {
            return;
        }
        List<DeltaKey> purged = new ArrayList<>();
        for (Iterator<DeltaKey> it = deltas.keyIterator(null); it.hasNext(); ) {
            DeltaKey k = it.next();
            if (k.commitTimestamp() <= lowWater) {
                purged.add(k);
            }
            if (purged.size() > 100_000) {
                purged.forEach(deltas::remove);
                purged.clear();
            }
        }
        purged.forEach(deltas::remove);
    }

    /** Replays the journal generations beside the store whose header names the same log. */
    private void replayJournals(byte[] key) {
        Long high = meta.get("logIdHigh");
        Long low = meta.get("logIdLow");
        Path journal = file.resolveSibling(file.getFileName() + ".journal");
        for (Path j : new Path[] {Journal.oldPath(journal), journal}) {
            JournalReader.Inspected f = JournalReader.inspect(j, key);
            if (f.kind() == JournalReader.Kind.MISSING || f.kind() == JournalReader.Kind.EMPTY) {
                continue;
            }
            if (f.kind() != JournalReader.Kind.BOUND
                    || high == null
                    || low == null
                    || !new LogId(high, low).equals(f.header().id())) {
                notes.add(j.getFileName() + " not replayed: it cannot be shown to belong to this log (the store's"
                        + " identity was " + (high == null || low == null ? "not found" : "another") + ")");
                continue;
            }
            long[] replayed = {0};
            JournalReader.replay(j, key, lowWater(), new JournalFiles.Visitor() {
                @Override
                public void transaction(long commitTimestamp) {}

                @Override
                public void delta(DeltaKey k, byte[] value) {
                    deltas.put(k, value);
                    replayed[0]++;
                }
            });
            notes.add(j.getFileName() + ": " + replayed[0] + " deltas replayed");
        }
    }

    /** Returns the newest low-water mark found in the log's meta pages (0 if none). */
    public long lowWater() {
        return meta.getOrDefault("lowWater", 0L);
    }

    /**
     * Returns the names of the tables found, by id: from the catalog pages, else {@code table-<id>}.
     *
     * @return table id to name, for every table that has recovered deltas or a catalog entry
     */
    public Map<Integer, String> tables() {
        Map<Integer, String> all = new TreeMap<>(tableNames);
        for (DeltaKey k = deltas.firstKey();
                k != null;
                k = deltas.higherKey(DeltaKey.last(k.tableId(), Long.MAX_VALUE))) {
            if (k.tableId() != SchemaHistory.TABLE_ID) {
                all.putIfAbsent(k.tableId(), "table-" + k.tableId());
            }
        }
        return all;
    }

    /**
     * Tells whether a table's name was lost: its deltas were recovered but no readable catalog page names it, so
     * {@link #tables()} calls it {@code table-<id>}.
     *
     * @param tableId the table's id
     * @return true if the name is a stand-in
     */
    public boolean nameLost(int tableId) {
        return !tableNames.containsKey(tableId);
    }

    /**
     * Returns how many deltas of a table were recovered. O(log n).
     *
     * @param tableId the table's id
     */
    public long count(int tableId) {
        long from = deltas.getKeyIndex(DeltaKey.first(tableId, Long.MIN_VALUE));
        long to = deltas.getKeyIndex(DeltaKey.last(tableId, Long.MAX_VALUE));
        return (to < 0 ? -(to + 1) : to + 1) - (from < 0 ? -(from + 1) : from);
    }

    /**
     * Returns how many deltas the newest readable version of the store's index held (all tables, purged ones
     * included until their purge), or -1 if its root page could not be read.
     */
    public long indexedDeltas() {
        return indexed;
    }

    /** Returns how many distinct deltas the store file's pages gave (before the journal's were added). */
    public long deltasFromStore() {
        return fromStore;
    }

    /** Returns figures of the scan and what could not be read, one line each. */
    public List<String> notes() {
        List<String> all = new ArrayList<>();
        all.add(chunks + " chunks found (" + damagedChunks + " cut off by the end of the file), " + pages
                + " pages readable, " + deltaPages + " of them with deltas, " + rejectedPages
                + " rejected (a checksum or format failed)");
        if (!mapIds.containsKey("deltas")) {
            all.add("the store's map directory was not found: every readable page was tried as deltas");
        }
        if (lowWater() > 0) {
            all.add("deltas up to " + lowWater() + " were purged before the damage and are not recovered");
        }
        long metaVersion = this.metaVersion.values().stream()
                .mapToLong(Long::longValue)
                .max()
                .orElse(-1);
        if (meta.isEmpty()) {
            all.add("the log's meta (its low-water mark) could not be read: purged deltas may be among those"
                    + " recovered");
        } else if (metaVersion < newestVersion) {
            all.add("the newest readable log meta is of store version " + metaVersion + ", the newest chunk of "
                    + newestVersion + ": purged deltas may be among those recovered (if a purge ran in between)");
        }
        all.addAll(notes);
        return all;
    }

    /**
     * Returns the recovered deltas in commit order (commit timestamp, then table, then row), decoded; schema
     * history is left out.
     */
    public Iterator<Found> inCommitOrder() {
        return new CommitOrder(deltas, tables(), file.toString());
    }

    /** Deletes the temporary store. */
    @Override
    public void close() {
        try {
            temp.closeImmediately();
        } finally {
            try {
                Files.deleteIfExists(tempFile);
            } catch (IOException ignored) {
                // in the temporary folder: the system cleans it
            }
        }
    }
}

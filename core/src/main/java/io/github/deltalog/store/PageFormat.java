package io.github.deltalog.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.h2.mvstore.DataUtils;

/**
 * What {@link StoreScan} needs to know of MVStore's file format (2.x) to find chunks and pages without MVStore: a
 * chunk starts at a block boundary with a header line {@code chunk:<id>,...,len:<blocks>,...,pages:<n>,...\n}; its
 * pages follow, each {@code int length, short check, varint page number, varint map id, varint key count, byte
 * type}, the check being MVStore's check value of the chunk id, the page's offset in the chunk and its length;
 * compressed pages (LZF, or Deflate for high compression) carry a varint of the bytes compression saved.
 */
final class PageFormat {
    static final byte[] CHUNK_MAGIC = "chunk:".getBytes(StandardCharsets.ISO_8859_1);

    private PageFormat() {}

    static boolean startsWithChunk(ByteBuffer block) {
        if (block.limit() < CHUNK_MAGIC.length) {
            return false;
        }
        for (int i = 0; i < CHUNK_MAGIC.length; i++) {
            if (block.get(i) != CHUNK_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Parses the chunk header line at the start of the block, or returns null; leaves the position after it. */
    static Map<String, String> chunkHeader(ByteBuffer block) {
        int limit = Math.min(block.limit(), 1024);
        for (int i = 0; i < limit; i++) {
            if (block.get(i) == '\n') {
                String line = new String(block.array(), 0, i, StandardCharsets.ISO_8859_1).trim();
                try {
                    return DataUtils.parseMap(line);
                } catch (RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }

    static boolean isPage(ByteBuffer chunk, int chunkId, int p) {
        int length = chunk.getInt(p);
        if (length < 8 || length > chunk.limit() - p) {
            return false;
        }
        int expected = DataUtils.getCheckValue(chunkId) ^ DataUtils.getCheckValue(p) ^ DataUtils.getCheckValue(length);
        return chunk.getShort(p + 4) == (short) expected;
    }

    static ByteBuffer expand(ByteBuffer page, int type) {
        int lenAdd = DataUtils.readVarInt(page);
        int compLen = page.remaining();
        byte[] comp = new byte[compLen];
        page.get(comp);
        byte[] out = new byte[compLen + lenAdd];
        org.h2.compress.Compressor c = (type & DataUtils.PAGE_COMPRESSED_HIGH) == DataUtils.PAGE_COMPRESSED_HIGH
                ? new org.h2.compress.CompressDeflate()
                : new org.h2.compress.CompressLZF();
        c.expand(comp, 0, compLen, out, 0, out.length);
        return ByteBuffer.wrap(out);
    }
}

package io.github.deltalog.store;

/**
 * The one table of the stored value format (version 1): which tag names which class on disk. {@link OpWriter}
 * and {@link OpReader} take every tag from here; a tag is part of the file format: never reuse or renumber one,
 * a new class takes a new tag and a new format version.
 *
 * <p>The bytes are exactly those Kryo 5 wrote when the format was defined ({@code kryo.writeClassAndObject}
 * with these classes registered under {@code tag - 2}, references off, hand-written serializers):
 *
 * <ul>
 *   <li>an operation: its tag (unsigned varint), then its tuples ({@code UPDATE}: before, after);
 *   <li>a tuple: its value count (unsigned varint), then each value as its tag and its bytes; {@code NULL} has no
 *       bytes;
 *   <li>unsigned varint: 7 bits a byte, low first, high bit set while more follow, at most 5 bytes for an int
 *       (h2's {@code DataUtils} varint); signed varint: the same over the zig-zag of the value; varlong
 *       (Kryo's): as the varint but at most 9 bytes, the ninth holding 8 bits;
 *   <li>{@code BOOLEAN} one byte, 1 true; {@code BYTE} one byte; {@code SHORT}, {@code INTEGER} signed varint;
 *       {@code LONG} signed varlong; {@code FLOAT}, {@code DOUBLE} the raw IEEE bits, little-endian (NaN payloads
 *       and -0.0 survive); {@code STRING} UTF-8 length (unsigned varint) and bytes; {@code BYTES} length and
 *       bytes; {@code BIG_INTEGER} either 0 and a signed varlong (fits a long) or the two's-complement bytes'
 *       length and bytes; {@code BIG_DECIMAL} the scale (signed varint) and its unscaled big integer;
 *       {@code UUID} two little-endian longs, most significant first; {@code INSTANT} epoch second (signed varlong) and nanos (unsigned
 *       varint); {@code LOCAL_DATE} epoch day (signed varlong); {@code LOCAL_TIME} nano of day (unsigned
 *       varlong); {@code LOCAL_DATE_TIME} the two.
 * </ul>
 *
 * <p>Tag 1 was Kryo's "class given by name"; the format never names a class, and a tag not listed here is
 * corruption. Each value carries its tag because tuples are schemaless: the tag is the value's type.
 */
final class WireFormat {
    /** A null value (Kryo's {@code NULL}). */
    static final int NULL = 0;

    static final int INSERT = 12;
    static final int UPDATE = 13;
    static final int DELETE = 14;
    /** A tuple as a value of its own: never written, and refused where a value or an operation is expected. */
    static final int TUPLE = 15;

    static final int BOOLEAN = 22;
    static final int BYTE = 23;
    static final int SHORT = 24;
    static final int INTEGER = 25;
    static final int LONG = 26;
    static final int FLOAT = 27;
    static final int DOUBLE = 28;
    static final int STRING = 29;
    static final int BYTES = 30;
    static final int BIG_DECIMAL = 31;
    static final int BIG_INTEGER = 32;
    static final int UUID = 33;
    static final int INSTANT = 34;
    static final int LOCAL_DATE = 35;
    static final int LOCAL_TIME = 36;
    static final int LOCAL_DATE_TIME = 37;

    private WireFormat() {}
}

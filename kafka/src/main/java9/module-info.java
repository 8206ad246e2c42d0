/**
 * deltalog's Kafka export and the reader on the other side. Compiled with {@code --release 9} into
 * {@code META-INF/versions/9/} of a multi-release jar.
 */
module io.github.deltalog.kafka {
    requires transitive io.github.deltalog.core;
    requires transitive kafka.clients;

    exports io.github.deltalog.json;
    exports io.github.deltalog.kafka;
}

/**
 * A delta log's metrics as Micrometer meters and a JMX MXBean. Compiled with {@code --release 9} into
 * {@code META-INF/versions/9/} of a multi-release jar.
 */
module io.github.deltalog.micrometer {
    requires transitive io.github.deltalog.core;
    requires transitive micrometer.core;
    requires transitive java.management;

    exports io.github.deltalog.micrometer;
}

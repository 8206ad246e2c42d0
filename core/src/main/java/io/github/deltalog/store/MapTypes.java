package io.github.deltalog.store;

import org.h2.mvstore.MVMap;

/**
 * Tells recovery how to open the side maps that journaled {@link MapChanges} name (a view's maps), so that it can
 * decode their keys and values and replay the changes. Supplied by whoever owns those maps (the view package).
 */
@FunctionalInterface
public interface MapTypes {
    /**
     * Returns the builder (key and value types) of a side map.
     *
     * @param name the map's name after the log's namespace prefix
     * @return its builder, or null if the name is not a map this resolver knows
     */
    MVMap.Builder<?, ?> builder(String name);
}

package io.github.deltalog.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the export's topics that do not exist yet, compacted ({@code cleanup.policy=compact}): table topics with
 * the configured partitions, the positions topic with one. Remembers what it made or found, so each topic costs
 * one admin call per exporter. Not thread-safe (the exporter calls it under its lock).
 */
final class TopicCreator implements AutoCloseable {
    private final Map<String, Object> adminProperties;
    private final int partitions;
    private final short replicationFactor;
    private final long timeoutMs;
    private final Set<String> known = new HashSet<>();
    private Admin admin;

    TopicCreator(Map<String, Object> adminProperties, int partitions, short replicationFactor, long timeoutMs) {
        this.adminProperties = adminProperties;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.timeoutMs = timeoutMs;
    }

    /**
     * Makes sure topics exist.
     *
     * @param tableTopics table topics
     * @param positionsTopic the positions topic
     * @throws TopicFailure if Kafka failed to create one (or timed out); it names the topic
     */
    void ensure(Collection<String> tableTopics, String positionsTopic) throws TopicFailure {
        List<NewTopic> missing = new ArrayList<>();
        if (!known.contains(positionsTopic)) {
            missing.add(compacted(new NewTopic(positionsTopic, 1, replicationFactor)));
        }
        for (String t : tableTopics) {
            if (!known.contains(t)) {
                missing.add(compacted(new NewTopic(t, partitions, replicationFactor)));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        if (admin == null) {
            admin = Admin.create(adminProperties);
        }
        Map<String, KafkaFuture<Void>> results = admin.createTopics(missing).values();
        for (Map.Entry<String, KafkaFuture<Void>> e : results.entrySet()) {
            try {
                e.getValue().get(timeoutMs, TimeUnit.MILLISECONDS);
                known.add(e.getKey());
            } catch (ExecutionException ex) {
                if (ex.getCause() instanceof TopicExistsException) {
                    known.add(e.getKey());
                } else {
                    throw new TopicFailure(e.getKey(), ex.getCause());
                }
            } catch (java.util.concurrent.TimeoutException ex) {
                throw new TopicFailure(
                        e.getKey(),
                        new org.apache.kafka.common.errors.TimeoutException(
                                "creating the topic took longer than " + timeoutMs + " ms", ex));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new TopicFailure(e.getKey(), ex);
            }
        }
    }

    private static NewTopic compacted(NewTopic t) {
        return t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofMillis(Math.min(timeoutMs, 1000)));
            admin = null;
        }
    }

    /** A topic could not be created; carries its name. */
    static final class TopicFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final String topic;

        TopicFailure(String topic, Throwable cause) {
            super("creating topic " + topic + " failed", cause);
            this.topic = topic;
        }
    }
}

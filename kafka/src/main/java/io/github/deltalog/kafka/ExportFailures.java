package io.github.deltalog.kafka;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/** Classifies Kafka failures (fatal or worth retrying) and says them in plain words. Stateless. */
final class ExportFailures {
    private ExportFailures() {}

    /** Returns the failure that explains an exception: the first cause that is not a mere wrapper. */
    static Throwable root(Throwable t) {
        Throwable e = t;
        while ((e instanceof ExecutionException || e.getClass() == org.apache.kafka.common.KafkaException.class)
                && e.getCause() != null
                && e.getCause() != e) {
            e = e.getCause();
        }
        return e;
    }

    /**
     * Tells whether retrying cannot help: another exporter took over the transactional id (fenced), a permission is
     * missing, a record is too large for the broker, or the broker refuses the request or the topic.
     */
    static boolean isFatal(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause() == e ? null : e.getCause()) {
            // A producer that is not the newest of its transactional id is fenced; with transactions v2 (Kafka 4)
            // the broker says so as InvalidProducerEpochException. Retrying would fence the newer one in turn.
            if (e instanceof ProducerFencedException
                    || e instanceof InvalidProducerEpochException
                    || e instanceof AuthorizationException
                    || e instanceof AuthenticationException
                    || e instanceof RecordTooLargeException
                    || e instanceof InvalidTopicException
                    || e instanceof InvalidConfigurationException
                    || e instanceof PolicyViolationException
                    || e instanceof UnsupportedVersionException) {
                return true;
            }
        }
        return false;
    }

    /** Says what a failure means, in plain words, with the exception's own text after it. */
    static String explain(Throwable t, String servers, String transactionalId, long timeoutMs) {
        Throwable e = root(t);
        String plain;
        if (has(t, ProducerFencedException.class) || has(t, InvalidProducerEpochException.class)) {
            plain = "another exporter with the transactional id '" + transactionalId
                    + "' started and fenced this one (only one exporter per log and consumer may run)";
        } else if (has(t, TransactionalIdAuthorizationException.class) || has(t, AuthorizationException.class)) {
            plain = "the broker refused access (check the ACLs for the topics and the transactional id '"
                    + transactionalId + "')";
        } else if (has(t, AuthenticationException.class)) {
            plain = "the broker refused the credentials";
        } else if (has(t, RecordTooLargeException.class)) {
            plain = "a delta is larger than Kafka accepts (raise the producer's max.request.size and the topic's"
                    + " max.message.bytes)";
        } else if (has(t, TimeoutException.class)) {
            plain = "no answer from the broker at " + servers + " within " + timeoutMs
                    + " ms (is it running and reachable?)";
        } else {
            plain = "Kafka reported an error";
        }
        return plain + " [" + e.getClass().getSimpleName() + ": " + e.getMessage() + "]";
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable e = t; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (type.isInstance(e)) {
                return true;
            }
        }
        return false;
    }
}
